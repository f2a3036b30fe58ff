// CaseService: the event log (执法环节) and the state machine's moves. Every new event is validated
// against the case's whole stored timeline (LoadStoredTimeline → TimelineDocOf → ValidateTimeline)
// before it is stored; src/cases/README.md follows one event through this file.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "auth/roles.h"
#include "cases/case_checks.h"
#include "cases/case_service.h"
#include "cases/case_store.h"
#include "core/local_time.h"
#include "core/text.h"
#include "supervision/events.h"

namespace fazhi::cases {

using detail::Changed;
using detail::kFutureTolerance;
using detail::PendingEvent;
using detail::Require;

namespace {

// Converts an API event object to engine form: "time" given as epoch seconds becomes local ISO
// text; "external_id" is taken out (into `external_id`). InvalidArgument for a non-object, an "id"
// key, a bad external_id.
Result<nlohmann::json> NormaliseEventObject(const nlohmann::json& in, std::string& external_id) {
  if (!in.is_object()) return Invalid("事件必须是 JSON 对象", "event", "wrong_type");
  nlohmann::json out = in;
  if (out.contains("id"))
    return Invalid("事件不能带 id 字段；来源系统的事件编号请放在 external_id", "id", "unknown_field");
  if (auto it = out.find("external_id"); it != out.end()) {
    if (it->is_null()) {
      out.erase(it);
    } else {
      if (!it->is_string()) return Invalid("事件编号 external_id 必须是文本", "external_id", "wrong_type");
      const std::string ext = Trim(it->get<std::string>());
      const auto len = Utf8Length(ext);
      if (len < 0 || len > 64) return Invalid("事件编号 external_id 不能超过 64 个字", "external_id", "too_long");
      external_id = ext;
      out.erase("external_id");
    }
  }
  if (auto it = out.find("time"); it != out.end() && it->is_number_integer())
    *it = FormatLocalIso(it->get<std::int64_t>());
  return out;
}

// Inserts validated pending events of one case (with their parsed times from `tl`), registers and
// refreshes their property items. Returns the new ids in `pending` order.
Result<std::vector<std::int64_t>> StorePending(soci::session& sql, const CaseSummary& c,
                                               const std::vector<PendingEvent>& pending,
                                               const std::vector<std::string>& external_ids,
                                               const supervision::CaseTimeline& tl, const std::string& source,
                                               std::optional<std::int64_t> user, EpochSeconds now) {
  std::map<std::string, EpochSeconds> times;
  for (const auto& e : tl.events) times[e.id] = e.time;
  std::vector<std::int64_t> ids;
  std::set<std::string> items;
  for (std::size_t i = 0; i < pending.size(); ++i) {
    const auto& obj = pending[i].object;
    store::EventRow row = store::EventRowFrom(obj, times[obj["id"].get<std::string>()]);
    row.bureau_id = c.bureau_id;
    row.case_id = c.id;
    row.external_id = i < external_ids.size() ? external_ids[i] : "";
    row.source = source;
    row.recorded_by = user;
    row.recorded_at = now;
    if (!row.item_code.empty()) {
      if (auto r = store::EnsureProperty(sql, c.bureau_id, c.id, row.item_code, now); !r) {
        Error e = r.error();
        e.message = pending[i].label + "：" + e.message;
        return std::unexpected(e);
      }
      items.insert(row.item_code);
    }
    ids.push_back(store::InsertEvent(sql, row));
  }
  for (const auto& code : items) store::RefreshPropertyStatus(sql, c.id, code, now);
  return ids;
}

// The stored event read back inside the transaction (one row), not with a second session.
Result<CaseEvent> StoredEventById(soci::session& sql, std::int64_t case_id, std::int64_t id) {
  auto rows = store::ReadEvents(sql, case_id, id);
  if (rows.empty()) return Internal("新登记的事件未找到");
  return std::move(rows.front());
}

// An event posted again under a stored external id: the stored one when identical (a retry),
// Conflict when different; nullopt when the number is new.
Result<std::optional<std::int64_t>> Resent(soci::session& sql, std::int64_t case_id, const std::string& external_id,
                                           const nlohmann::json& obj, EpochSeconds at) {
  if (external_id.empty()) return std::optional<std::int64_t>();
  const auto stored = store::EventRows(sql, case_id, external_id);
  if (stored.empty()) return std::optional<std::int64_t>();
  const store::EventRow mine = store::EventRowFrom(obj, at);
  const store::EventRow& s = stored.front();
  if (mine.type == s.type && mine.at == s.at && mine.person_ref == s.person_ref && mine.item_code == s.item_code &&
      mine.attrs == s.attrs)
    return std::optional<std::int64_t>(s.id);
  return Conflict(fmt::format("事件编号“{}”已登记为另一事件", external_id), "duplicate_external_id");
}

}  // namespace

Result<std::vector<CaseEvent>> CaseService::ListEvents(const auth::Principal& who, std::int64_t case_id) const {
  FZ_CHECK(Require(who, auth::perm::kCaseRead));
  return db_.Read([&](soci::session& sql) -> Result<std::vector<CaseEvent>> {
    if (!store::LoadCase(sql, case_id, &who)) return NotFound("案件不存在");
    return store::ReadEvents(sql, case_id, std::nullopt);
  });
}

Result<CaseEvent> CaseService::AddEvent(const auth::Principal& who, const audit::Actor& actor, std::int64_t case_id,
                                        const EventInput& in) {
  FZ_CHECK(Require(who, auth::perm::kCaseWrite));
  std::string external_id;
  const nlohmann::json object = FZ_TRY(NormaliseEventObject(in.object, external_id));
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<CaseEvent> {
    store::LockCase(sql, case_id);
    auto c = store::LoadCase(sql, case_id, &who);
    if (!c) return NotFound("案件不存在");
    const StoredTimeline stored = FZ_TRY(LoadStoredTimeline(sql, case_id));
    nlohmann::json obj = object;
    obj["id"] = "new:1";
    const std::string type = obj.contains("type") && obj["type"].is_string() ? obj["type"].get<std::string>() : "";
    const auto known = supervision::EventTypeFromId(type);
    const std::string label =
        known ? fmt::format("新事件（{}）", supervision::EventTypeName(*known)) : std::string("新事件");
    const std::vector<PendingEvent> pending = {{obj, label}};
    const auto tl = FZ_TRY(detail::ValidateTimeline(detail::TimelineDocOf(stored), pending));
    const auto& parsed =
        *std::find_if(tl.events.begin(), tl.events.end(), [](const supervision::Event& e) { return e.id == "new:1"; });
    if (parsed.time > now + kFutureTolerance)
      return Invalid(fmt::format("{}的时间 {} 晚于当前时间", label, FormatLocalDateTime(parsed.time)), "time",
                     "future_time");
    if (auto same = FZ_TRY(Resent(sql, case_id, external_id, obj, parsed.time)))
      return StoredEventById(sql, case_id, *same);
    const auto ids = FZ_TRY(StorePending(sql, *c, pending, {external_id}, tl, "api", who.user_id, now));
    store::TouchCase(sql, case_id, now);
    audit::Append(sql, clock_, actor,
                  {"case_event.create",
                   "case",
                   std::to_string(case_id),
                   fmt::format("案件 {} 登记事件：{}（{}）", c->external_id, supervision::EventTypeName(parsed.type),
                               FormatLocalDateTime(parsed.time)),
                   {{"event_id", ids.front()}, {"event", object}}});
    FZ_CHECK(Changed(hooks_, sql, case_id));
    return StoredEventById(sql, case_id, ids.front());
  });
}

// ============================================================================================
// State machine

namespace {

// The move's event (when it has one): validated against the stored timeline, then stored. Returns
// its id.
Result<std::optional<std::int64_t>> StoreMoveEvent(soci::session& sql, const CaseSummary& c, const Transition& t,
                                                   const TransitionInput& in, EpochSeconds at,
                                                   std::optional<std::int64_t> user, EpochSeconds now) {
  if (t.event.empty()) return std::optional<std::int64_t>();
  const StoredTimeline stored = FZ_TRY(LoadStoredTimeline(sql, c.id));
  nlohmann::json obj = in.event_attrs;
  obj["id"] = "new:1";
  obj["type"] = std::string(t.event);
  obj["time"] = FormatLocalIso(at);
  if (!in.note.empty() && !obj.contains("note")) obj["note"] = in.note;
  const auto type = supervision::EventTypeFromId(t.event);
  const std::vector<PendingEvent> pending = {
      {obj, fmt::format("“{}”的{}事件", t.name_zh, type ? supervision::EventTypeName(*type) : t.event)}};
  const auto tl = FZ_TRY(detail::ValidateTimeline(detail::TimelineDocOf(stored), pending));
  const auto ids = FZ_TRY(StorePending(sql, c, pending, {}, tl, "transition", user, now));
  return std::optional<std::int64_t>(ids.front());
}

}  // namespace

Result<CaseDetail> CaseService::ChangeStatus(const auth::Principal& who, const audit::Actor& actor,
                                             std::int64_t case_id, const TransitionInput& in) {
  // Moves need case.write or case.review; each move then checks its own permission.
  if (!who.Has(auth::perm::kCaseWrite) && !who.Has(auth::perm::kCaseReview))
    return Forbidden("没有权限办理案件状态变更", "permission_denied");
  if (!in.event_attrs.is_object()) return Invalid("event 必须是 JSON 对象", "event", "wrong_type");
  for (const char* k : {"type", "time", "id", "external_id"})
    if (in.event_attrs.contains(k))
      return Invalid(fmt::format("event 中不能指定“{}”（由状态流转决定）", k), std::string("event.") + k,
                     "unknown_field");
  const EpochSeconds now = clock_.Now();
  const EpochSeconds at = in.at.value_or(now);
  if (at > now + kFutureTolerance) return Invalid("办理时间不能晚于当前时间", "at", "future_time");
  FZ_CHECK(db_.Write([&](soci::session& sql) -> Result<bool> {
    store::LockCase(sql, case_id);
    auto c = store::LoadCase(sql, case_id, &who);
    if (!c) return NotFound("案件不存在");
    if (!IsStatus(c->case_type, in.to))
      return Invalid(fmt::format("“{}”不是{}案件的状态", in.to, CaseTypeName(c->case_type)), "to", "invalid_value");
    const Transition* t = FindTransition(c->case_type, c->status, in.to);
    if (!t)
      return Conflict(fmt::format("案件当前状态为“{}”，不能变更为“{}”", StatusName(c->case_type, c->status),
                                  StatusName(c->case_type, in.to)),
                      "invalid_transition");
    if (!who.Has(t->permission))
      return Forbidden(fmt::format("“{}”需要审核权限（{}）", t->name_zh, t->permission), "permission_denied");
    if (CaseHooks* hooks = this->hooks()) FZ_CHECK(hooks->CheckTransition(sql, case_id, c->status, in.to));
    const auto event_id = FZ_TRY(StoreMoveEvent(sql, *c, *t, in, at, who.user_id, now));
    const bool terminal = IsTerminal(c->case_type, in.to);
    store::UpdateCaseStatus(sql, case_id, in.to, terminal ? std::optional<EpochSeconds>(at) : std::nullopt, now);
    audit::Append(sql, clock_, actor,
                  {"case.transition",
                   "case",
                   std::to_string(case_id),
                   fmt::format("案件 {}：{}（{} → {}）", c->external_id, t->name_zh,
                               StatusName(c->case_type, c->status), StatusName(c->case_type, in.to)),
                   {{"from", c->status},
                    {"to", in.to},
                    {"at", at},
                    {"event_id", event_id ? nlohmann::json(*event_id) : nlohmann::json()},
                    {"note", in.note}}});
    FZ_CHECK(Changed(hooks_, sql, case_id));
    return true;
  }));
  return LoadDetailFor(who, actor, case_id);
}

}  // namespace fazhi::cases
