#include "cases/timeline_store.h"

#include <fmt/format.h>

#include "core/local_time.h"
#include "db/database.h"
#include "org/sql_args.h"
#include "supervision/events.h"

namespace fazhi::cases {

using org::detail::ForEachRow;
using org::detail::SqlArgs;

namespace detail {

nlohmann::json EmptyTimelineDoc(const std::string& case_id, const std::string& case_type, bool serious,
                                bool fast_track) {
  return {{"case_id", case_id},
          {"case_type", case_type},
          {"serious", serious},
          {"fast_track", fast_track},
          {"persons", nlohmann::json::array()},
          {"events", nlohmann::json::array()}};
}

Result<TimelineDoc> LoadTimelineDoc(soci::session& sql, std::int64_t case_id) {
  TimelineDoc out;
  bool found = false;
  {
    SqlArgs a;
    const std::string q =
        fmt::format("SELECT case_type, serious, fast_track FROM cases WHERE id = {}", a.Int(case_id));
    ForEachRow(sql, q, a, [&](const soci::row& r) {
      found = true;
      out.doc = EmptyTimelineDoc(std::to_string(case_id), db::GetText(r, 0), db::GetInt64(r, 1) != 0,
                                 db::GetInt64(r, 2) != 0);
    });
  }
  if (!found) return NotFound("案件不存在");
  {
    SqlArgs a;
    const std::string q = fmt::format(
        "SELECT ref, name, role, age, female, pregnant, nursing_infant, identity_unknown FROM case_persons "
        "WHERE case_id = {} ORDER BY id",
        a.Int(case_id));
    auto& persons = out.doc["persons"];
    ForEachRow(sql, q, a, [&](const soci::row& r) {
      nlohmann::json p = {{"id", db::GetText(r, 0)}, {"role", db::GetText(r, 2)}};
      if (const std::string name = db::GetText(r, 1); !name.empty()) p["name"] = name;
      if (!db::IsNull(r, 3)) p["age"] = db::GetInt64(r, 3);
      if (db::GetInt64(r, 4)) p["female"] = true;
      if (db::GetInt64(r, 5)) p["pregnant"] = true;
      if (db::GetInt64(r, 6)) p["nursing_infant"] = true;
      if (db::GetInt64(r, 7)) p["identity_unknown"] = true;
      persons.push_back(std::move(p));
    });
  }
  {
    SqlArgs a;
    const std::string q = fmt::format(
        "SELECT id, type, at, person_ref, item_code, attrs FROM case_events WHERE case_id = {} ORDER BY at, id",
        a.Int(case_id));
    auto& events = out.doc["events"];
    ForEachRow(sql, q, a, [&](const soci::row& r) {
      const std::int64_t id = db::GetInt64(r, 0);
      nlohmann::json e = nlohmann::json::parse(db::GetText(r, 5), nullptr, false);
      if (!e.is_object()) e = nlohmann::json::object();
      const std::string type = db::GetText(r, 1);
      e["id"] = std::to_string(id);
      e["type"] = type;
      e["time"] = FormatLocalIso(db::GetInt64(r, 2));
      if (!db::IsNull(r, 3) && !db::GetText(r, 3).empty()) e["person"] = db::GetText(r, 3);
      if (!db::IsNull(r, 4) && !db::GetText(r, 4).empty()) e["item"] = db::GetText(r, 4);
      events.push_back(std::move(e));
      const auto t = supervision::EventTypeFromId(type);
      out.labels.push_back(fmt::format("已登记的事件 #{}（{}）", id,
                                       t ? std::string(supervision::EventTypeName(*t)) : type));
    });
  }
  return out;
}

namespace {

void ReplaceAll(std::string& s, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (std::size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
}

}  // namespace

Result<supervision::CaseTimeline> ValidateTimeline(const TimelineDoc& base, const std::vector<PendingEvent>& pending,
                                                   int* bad_pending) {
  if (bad_pending) *bad_pending = -1;
  nlohmann::json doc = base.doc;
  auto& events = doc["events"];
  const std::size_t stored = events.size();
  for (const auto& p : pending) events.push_back(p.object);
  auto tl = supervision::ParseTimeline(doc.dump());
  if (tl) return tl;

  // ParseTimeline names events "第 N 个事件（id）" and fields "events[N-1].key"; name them by the
  // label the user knows instead, and point at the pending event at fault.
  Error err = tl.error();
  const std::string& field = err.field;
  if (field.starts_with("events[")) {
    const auto close = field.find(']');
    std::size_t index = std::stoul(field.substr(7, close - 7));
    std::string key = close + 2 <= field.size() ? field.substr(close + 2) : std::string();
    if (index >= stored && index - stored < pending.size()) {
      if (bad_pending) *bad_pending = static_cast<int>(index - stored);
      err.field = key.empty() ? "event" : key;
    }
  }
  for (std::size_t i = 0; i < events.size(); ++i) {
    const std::string id = events[i].contains("id") && events[i]["id"].is_string() ? events[i]["id"].get<std::string>() : "";
    const std::string label = i < stored ? (i < base.labels.size() ? base.labels[i] : id) : pending[i - stored].label;
    ReplaceAll(err.message, fmt::format("第 {} 个事件（{}）", i + 1, id), label);
  }
  if (err.reason.empty()) err.reason = "invalid_event";
  return std::unexpected(err);
}

}  // namespace detail

Result<supervision::CaseTimeline> LoadTimeline(soci::session& sql, std::int64_t case_id) {
  auto doc = detail::LoadTimelineDoc(sql, case_id);
  if (!doc) return std::unexpected(doc.error());
  auto tl = supervision::ParseTimeline(doc->doc.dump());
  if (!tl) return Internal(fmt::format("案件 {} 的事件记录无法被监督引擎读取：{}", case_id, tl.error().message));
  return tl;
}

}  // namespace fazhi::cases
