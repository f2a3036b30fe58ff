// ScoringService: 复核 objections — an officer disputes one of his entries of a published month, a
// manager accepts (an adjustment entry) or rejects it.
#include <fmt/format.h>

#include <unordered_map>

#include "core/local_time.h"
#include "core/text.h"
#include "scoring/scoring_internal.h"
#include "scoring/scoring_service.h"
#include "scoring/scoring_store.h"

namespace fazhi::scoring {

using auth::Principal;
using namespace detail;

namespace {

// A reason of 2–500 characters (trimmed), or InvalidArgument on field "reason". `what` names it
// (复核理由 / 处理理由).
Result<std::string> CheckReason(const std::string& text, std::string_view what) {
  std::string reason = Trim(text);
  const auto len = Utf8Length(reason);
  if (len < 2) return Invalid(fmt::format("请写明{}", what), "reason");
  if (len > 500) return Invalid(fmt::format("{}不能超过 500 个字", what), "reason");
  return reason;
}

// Fills person_name of each objection from the directory; `unit_paths` (when given) gets the path
// of each objector's unit, for the scope check.
void NameObjectors(soci::session& sql, std::vector<Objection>& list,
                   std::unordered_map<std::int64_t, std::string>* unit_paths) {
  std::vector<std::int64_t> ids;
  for (const auto& o : list) ids.push_back(o.person_id);
  std::unordered_map<std::int64_t, org::PersonRef> people;
  for (auto& p : org::ReadPeople(sql, ids)) people.emplace(p.id, std::move(p));
  std::unordered_map<std::int64_t, std::string> path_of_unit;
  for (auto& o : list) {
    auto it = people.find(o.person_id);
    if (it == people.end()) continue;
    o.person_name = it->second.name;
    if (!unit_paths) continue;
    auto [u, fresh] = path_of_unit.try_emplace(it->second.unit_id);
    if (fresh)
      if (auto unit = org::ReadUnit(sql, it->second.unit_id)) u->second = unit->path;
    (*unit_paths)[o.id] = u->second;
  }
}

// The objection with its objector's name and unit path (the scope it is decided in).
std::optional<std::pair<Objection, std::string>> LoadNamedObjection(soci::session& sql, std::int64_t id) {
  auto o = LoadObjection(sql, id);
  if (!o) return std::nullopt;
  std::vector<Objection> one{std::move(*o)};
  std::unordered_map<std::int64_t, std::string> paths;
  NameObjectors(sql, one, &paths);
  return std::make_pair(std::move(one[0]), paths[id]);
}

// Accepting: an adjustment entry (default: minus the disputed entry's points) at the end of the
// month's ledger, the objection decided with it, the month's entry count raised.
void Accept(soci::session& sql, const Clock& clock, const audit::Actor& actor, const Objection& o, const MonthInfo& m,
            const Decision& d, const std::string& reason) {
  const Entry entry = LoadEntry(sql, o.entry_id)->entry;
  const Centi adj = d.adjustment.value_or(-entry.points);
  const EpochSeconds now = clock.Now();
  Entry a;
  a.person_id = entry.person_id;
  a.unit_id = entry.unit_id;
  a.points = adj;
  a.source = "adjustment";
  a.act = "adjustment";
  a.object_type = "objection";
  a.object_id = o.id;
  a.case_id = entry.case_id;
  a.occurred_at = now;
  a.reason = fmt::format("复核调整 {} 分：{}（原条目：{}）", FormatPoints(adj), reason, entry.reason);
  a.scheme_version = entry.scheme_version;
  a.objection_id = o.id;
  StoreEntries(sql, o.bureau_id, o.month, std::vector<Entry>{a}, MaxSeq(sql, o.bureau_id, o.month) + 1);
  const std::int64_t adj_id = AdjustmentEntryId(sql, o.id);
  DecideObjectionRow(sql, o.id, "accepted", actor.user_id, Who(sql, actor), now, reason, std::make_pair(adj, adj_id));
  CountAdjustment(sql, m.id, now);
  audit::Append(sql, clock, actor,
                {"scoring.objection.accept",
                 "score_objection",
                 std::to_string(o.id),
                 fmt::format("采纳 {} 的复核申请 #{}，调整 {} 分：{}", o.person_name, o.id, FormatPoints(adj), reason),
                 {{"entry_id", o.entry_id}, {"adjustment_centi", adj}, {"adjustment_entry_id", adj_id}}});
}

}  // namespace

Result<Objection> ScoringService::FileObjection(const Principal& who, const audit::Actor& actor, std::int64_t entry_id,
                                                const std::string& reason_in) {
  FZ_CHECK(RequireRead(who));
  if (!who.person_id) return Forbidden("当前账号没有关联民警信息，不能申请复核", "no_person");
  const std::string reason = FZ_TRY(CheckReason(reason_in, "复核理由"));
  return db_.Write([&](soci::session& sql) -> Result<Objection> {
    const auto stored = LoadEntry(sql, entry_id);
    if (!stored) return NotFound("积分条目不存在");
    const Entry& entry = stored->entry;
    const std::string& month = stored->month;
    // Another officer's entry answers like one that does not exist (issue 16 defect 7).
    if (entry.person_id != *who.person_id) return NotFound("积分条目不存在");
    auto m = LoadMonth(sql, stored->bureau_id, month);
    if (!m || m->status == kDraft)
      return Conflict(month + " 的积分尚未公示，公示后才能申请复核", "month_not_published");
    if (m->status == kFinal) return Conflict(month + " 的积分已定稿，不能再申请复核", "month_final");
    const EpochSeconds now = clock_.Now();
    if (m->objection_deadline && now >= *m->objection_deadline)
      return Conflict(fmt::format("{} 积分的复核期已于 {} 截止（公示后 {} 日内），不能再申请复核", month,
                                  FormatLocalDateTime(*m->objection_deadline), m->objection_days),
                      "objection_window_closed");
    if (entry.source == "adjustment") return Conflict("复核调整条目不能再申请复核", "adjustment_entry");
    if (HasPendingObjection(sql, entry_id)) return Conflict("该积分条目已有复核申请正在处理", "objection_pending");
    Objection o;
    o.bureau_id = stored->bureau_id;
    o.month = month;
    o.entry_id = entry_id;
    o.person_id = entry.person_id;
    o.user_id = who.user_id;
    o.reason = reason;
    o.created_at = now;
    const std::int64_t id = InsertObjection(sql, o);
    audit::Append(sql, clock_, actor,
                  {"scoring.objection.create",
                   "score_objection",
                   std::to_string(id),
                   fmt::format("对 {} 积分条目 #{}（{} 分）申请复核", month, entry_id, FormatPoints(entry.points)),
                   {{"entry_id", entry_id}, {"month", month}, {"reason", reason}}});
    return LoadNamedObjection(sql, id)->first;
  });
}

Result<Objection> ScoringService::DecideObjection(const Principal& caller, const audit::Actor& actor, std::int64_t id,
                                                  const Decision& d) {
  const Principal who = ScoringScope(caller);
  FZ_CHECK(RequireManage(who));
  const std::string reason = FZ_TRY(CheckReason(d.reason, "处理理由"));
  if (d.adjustment && (*d.adjustment == 0 || *d.adjustment > 100000 || *d.adjustment < -100000))
    return Invalid("调整分值应在 -1000 到 1000 之间且不为 0", "adjustment");
  return db_.Write([&](soci::session& sql) -> Result<Objection> {
    auto loaded = LoadNamedObjection(sql, id);
    if (!loaded || !who.InScope(loaded->second)) return NotFound("复核申请不存在");
    const Objection& o = loaded->first;
    if (o.status != "pending") return Conflict("该复核申请已经处理过", "objection_decided");
    auto m = LoadMonth(sql, o.bureau_id, o.month);
    if (!m || m->status == kFinal) return Conflict(o.month + " 的积分已定稿，不能再处理复核", "month_final");
    if (d.accept) {
      Accept(sql, clock_, actor, o, *m, d, reason);
    } else {
      DecideObjectionRow(sql, id, "rejected", actor.user_id, Who(sql, actor), clock_.Now(), reason, std::nullopt);
      audit::Append(sql, clock_, actor,
                    {"scoring.objection.reject",
                     "score_objection",
                     std::to_string(id),
                     fmt::format("驳回 {} 的复核申请 #{}：{}", o.person_name, id, reason),
                     {{"entry_id", o.entry_id}, {"reason", reason}}});
    }
    return LoadNamedObjection(sql, id)->first;
  });
}

Result<std::vector<Objection>> ScoringService::ListObjections(const Principal& caller, const ObjectionFilter& f) {
  const Principal who = ScoringScope(caller);
  FZ_CHECK(RequireRead(who));
  if (f.month) FZ_CHECK(points::RequireMonth(*f.month, "month"));
  if (f.status && *f.status != "pending" && *f.status != "accepted" && *f.status != "rejected")
    return Invalid("状态只能是 pending、accepted 或 rejected", "status");
  return db_.Read([&](soci::session& sql) -> Result<std::vector<Objection>> {
    if (!IsManager(who)) {
      // Officers: their own.
      if (!who.person_id) return std::vector<Objection>{};
      auto own = LoadObjections(sql, f, *who.person_id);
      NameObjectors(sql, own, nullptr);
      return own;
    }
    // Managers: objections of officers whose unit lies in the scope.
    auto all = LoadObjections(sql, f, std::nullopt);
    std::unordered_map<std::int64_t, std::string> unit_paths;
    NameObjectors(sql, all, &unit_paths);
    std::vector<Objection> out;
    for (auto& o : all)
      if (auto it = unit_paths.find(o.id); it != unit_paths.end() && it->second.starts_with(who.unit_path))
        out.push_back(std::move(o));
    return out;
  });
}

}  // namespace fazhi::scoring
