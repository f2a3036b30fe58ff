// The 巡防+ registers (矛盾纠纷, 安全隐患) with their 督办 sources, and the hotspot report.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "auth/roles.h"
#include "core/local_time.h"
#include "db/sql.h"
#include "files/spreadsheet.h"
#include "notify/notify.h"
#include "org/org_reads.h"
#include "patrol/patrol_service.h"

namespace fazhi::patrol {

using nlohmann::json;

namespace {

constexpr std::int64_t kDay = 86400;

Result<void> Need(const auth::Principal& who, std::string_view perm) {
  if (!who.Has(perm)) return Forbidden("没有执行该操作的权限", "forbidden");
  return {};
}

audit::Entry Audit(std::string action, std::string type, std::int64_t id, std::string summary) {
  return {std::move(action), std::move(type), std::to_string(id), std::move(summary), json::object()};
}

const std::map<std::string, std::string>& DisputeKinds() {
  static const std::map<std::string, std::string> k = {{"romance", "婚恋"}, {"family", "家庭"}, {"neighbour", "邻里"},
                                                       {"debt", "债务"},    {"labour", "劳资"}, {"land", "土地"}};
  return k;
}
const std::map<std::string, std::string>& Grades() {
  static const std::map<std::string, std::string> g = {
      {"red", "红色"}, {"orange", "橙色"}, {"yellow", "黄色"}, {"green", "绿色"}};
  return g;
}

class DisputeSource final : public orders::OrderSource {
 public:
  std::string_view Kind() const override { return "dispute"; }
  std::string_view Name() const override { return "矛盾纠纷"; }
  std::string WebPath(std::int64_t id) const override { return fmt::format("/patrol/disputes?dispute={}", id); }
  Result<orders::SourceInfo> Describe(soci::session& sql, const auth::Principal& who, std::int64_t id) const override {
    auto d = FindDispute(sql, id, who.unit_path, 0);
    if (!d) return NotFound("矛盾纠纷不存在");
    return orders::SourceInfo{.bureau_id = d->bureau_id,
                              .unit_id = d->unit_id,
                              .case_id = std::nullopt,
                              .title = "矛盾纠纷：" + d->title,
                              .problem_type = "矛盾纠纷化解",
                              .responsible_person_id = d->officer_person_id};
  }
};

class HazardSource final : public orders::OrderSource {
 public:
  std::string_view Kind() const override { return "hazard"; }
  std::string_view Name() const override { return "安全隐患"; }
  std::string WebPath(std::int64_t id) const override { return fmt::format("/patrol/hazards?hazard={}", id); }
  Result<orders::SourceInfo> Describe(soci::session& sql, const auth::Principal& who, std::int64_t id) const override {
    auto h = FindHazard(sql, id, who.unit_path, 0);
    if (!h) return NotFound("安全隐患不存在");
    return orders::SourceInfo{.bureau_id = h->bureau_id,
                              .unit_id = h->unit_id,
                              .case_id = std::nullopt,
                              .title = fmt::format("安全隐患：{}·{}", h->place, h->kind),
                              .problem_type = "安全隐患整改",
                              .responsible_person_id = h->officer_person_id};
  }
};

std::string Date(std::optional<EpochSeconds> t) { return t ? FormatDate(LocalDateOf(*t)) : std::string(); }

}  // namespace

std::unique_ptr<orders::OrderSource> MakeDisputeOrderSource() { return std::make_unique<DisputeSource>(); }
std::unique_ptr<orders::OrderSource> MakeHazardOrderSource() { return std::make_unique<HazardSource>(); }

Result<Dispute> PatrolService::CreateDispute(const auth::Principal& who, const audit::Actor& actor, Dispute d) {
  FZ_CHECK(Need(who, auth::perm::kPatrolDo));
  if (d.title.empty()) return Invalid("请填写纠纷概要", "title", "required");
  if (!DisputeKinds().contains(d.kind))
    return Invalid("纠纷类型应为婚恋、家庭、邻里、债务、劳资或土地之一", "kind", "invalid_kind");
  if (!Grades().contains(d.grade)) return Invalid("风险等级应为红、橙、黄、绿之一", "grade", "invalid_grade");
  if ((d.grade == "red" || d.grade == "orange") && d.grade_reasons.empty())
    return Invalid("红色、橙色等级须写明定级理由", "grade_reasons", "reasons_required");
  if (d.parties.empty()) return Invalid("请至少填写一方当事人", "parties", "required");
  const EpochSeconds now = clock_.Now();
  if (d.unit_id == 0) d.unit_id = who.unit_id;
  d.created_at = now;
  d.status = "open";
  d.actions = "[]";
  if (!d.revisit_at) d.revisit_at = now + (d.grade == "red" ? 1 : d.grade == "orange" ? 3 : 7) * kDay;
  return db_.Write([&](soci::session& sql) -> Result<Dispute> {
    d.bureau_id = FZ_TRY(BureauOf(sql, who, d.unit_id));
    if (d.officer_person_id) {
      auto p = org::ReadPerson(sql, *d.officer_person_id);
      if (!p || p->bureau_id != d.bureau_id) return NotFound("包案民警不存在");
    }
    for (const auto cid : d.linked_calls)
      if (!FindCall(sql, cid, who.unit_path)) return NotFound(fmt::format("警情 #{} 不存在", cid));
    d.id = InsertDispute(sql, d, who.user_id);
    audit::Append(
        sql, clock_, actor,
        Audit("patrol.dispute", "patrol_dispute", d.id,
              fmt::format("登记矛盾纠纷：{}（{}，{}）", d.title, DisputeKinds().at(d.kind), Grades().at(d.grade))));
    return *FindDispute(sql, d.id, "/", now);
  });
}

Result<Dispute> PatrolService::GetDispute(const auth::Principal& who, std::int64_t id) const {
  FZ_CHECK(Need(who, auth::perm::kPatrolRead));
  return db_.Read([&](soci::session& sql) -> Result<Dispute> {
    auto d = FindDispute(sql, id, who.unit_path, clock_.Now());
    if (!d) return NotFound("矛盾纠纷不存在");
    return *d;
  });
}

Result<Paged<Dispute>> PatrolService::Disputes(const auth::Principal& who, const RegisterFilter& f,
                                               const PageRequest& page) const {
  FZ_CHECK(Need(who, auth::perm::kPatrolRead));
  return db_.Read([&](soci::session& sql) { return ListDisputes(sql, who.unit_path, f, page, clock_.Now()); });
}

Result<Dispute> PatrolService::ChangeDispute(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                                             const DisputeChange& c) {
  FZ_CHECK(Need(who, auth::perm::kPatrolDo));
  if (c.grade && !Grades().contains(*c.grade))
    return Invalid("风险等级应为红、橙、黄、绿之一", "grade", "invalid_grade");
  if (c.grade && (*c.grade == "red" || *c.grade == "orange") && c.grade_reasons.empty())
    return Invalid("红色、橙色等级须写明定级理由", "grade_reasons", "reasons_required");
  if (c.closure && c.closure->empty()) return Invalid("请填写化解结果", "closure", "required");
  const EpochSeconds now = clock_.Now();
  if (c.revisit_at && *c.revisit_at < now - kDay) return Invalid("回访日期不能早于今天", "revisit_at", "invalid_date");
  return db_.Write([&](soci::session& sql) -> Result<Dispute> {
    auto d = FindDispute(sql, id, who.unit_path, now);
    if (!d) return NotFound("矛盾纠纷不存在");
    if (d->status != "open") return Conflict("该纠纷已化解结案，不能再修改", "closed");
    for (const auto cid : c.link_calls) {
      if (!FindCall(sql, cid, who.unit_path)) return NotFound(fmt::format("警情 #{} 不存在", cid));
      if (std::find(d->linked_calls.begin(), d->linked_calls.end(), cid) == d->linked_calls.end())
        d->linked_calls.push_back(cid);
    }
    json actions = json::parse(d->actions);
    if (!c.action.empty()) actions.push_back({{"at", now}, {"text", c.action}, {"by", who.display_name}});
    d->actions = actions.dump();
    if (c.revisit_at) d->revisit_at = *c.revisit_at;
    if (c.grade) {
      d->grade = *c.grade;
      d->grade_reasons = c.grade_reasons;
    }
    if (c.closure) {
      d->status = "closed";
      d->closure = *c.closure;
      d->closed_at = now;
    }
    UpdateDispute(sql, *d);
    audit::Append(sql, clock_, actor,
                  Audit("patrol.dispute_change", "patrol_dispute", id,
                        fmt::format("矛盾纠纷 #{}：{}", id, c.closure ? "化解结案" : "更新处置")));
    return *FindDispute(sql, id, "/", now);
  });
}

Result<Hazard> PatrolService::CreateHazard(const auth::Principal& who, const audit::Actor& actor, Hazard h) {
  FZ_CHECK(Need(who, auth::perm::kPatrolDo));
  if (h.place.empty()) return Invalid("请填写隐患地点", "place", "required");
  if (h.kind.empty()) return Invalid("请填写隐患类别", "kind", "required");
  const EpochSeconds now = clock_.Now();
  if (h.fix_due == 0) h.fix_due = now + 7 * kDay;
  if (h.fix_due <= now) return Invalid("整改期限应晚于现在", "fix_due", "invalid_deadline");
  if (h.unit_id == 0) h.unit_id = who.unit_id;
  h.created_at = now;
  h.status = "open";
  return db_.Write([&](soci::session& sql) -> Result<Hazard> {
    h.bureau_id = FZ_TRY(BureauOf(sql, who, h.unit_id));
    if (h.officer_person_id) {
      auto p = org::ReadPerson(sql, *h.officer_person_id);
      if (!p || p->bureau_id != h.bureau_id) return NotFound("责任民警不存在");
    }
    h.id = InsertHazard(sql, h, who.user_id);
    audit::Append(sql, clock_, actor,
                  Audit("patrol.hazard", "patrol_hazard", h.id, fmt::format("登记安全隐患：{}·{}", h.place, h.kind)));
    return *FindHazard(sql, h.id, "/", now);
  });
}

Result<Hazard> PatrolService::GetHazard(const auth::Principal& who, std::int64_t id) const {
  FZ_CHECK(Need(who, auth::perm::kPatrolRead));
  return db_.Read([&](soci::session& sql) -> Result<Hazard> {
    auto h = FindHazard(sql, id, who.unit_path, clock_.Now());
    if (!h) return NotFound("安全隐患不存在");
    return *h;
  });
}

Result<Paged<Hazard>> PatrolService::Hazards(const auth::Principal& who, const RegisterFilter& f,
                                             const PageRequest& page) const {
  FZ_CHECK(Need(who, auth::perm::kPatrolRead));
  return db_.Read([&](soci::session& sql) { return ListHazards(sql, who.unit_path, f, page, clock_.Now()); });
}

Result<Hazard> PatrolService::ChangeHazard(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                                           const std::string& step, bool passed, const std::string& note,
                                           std::optional<EpochSeconds> new_due) {
  FZ_CHECK(Need(who, auth::perm::kPatrolDo));
  if (step != "fixed" && step != "recheck")
    return Invalid("操作应为 fixed（已整改）或 recheck（复查）", "step", "invalid_step");
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<Hazard> {
    auto h = FindHazard(sql, id, who.unit_path, now);
    if (!h) return NotFound("安全隐患不存在");
    if (step == "fixed") {
      if (h->status != "open") return Conflict("该隐患不在整改中", "invalid_transition");
      h->status = "fixed";
      h->fixed_at = now;
    } else {
      if (h->status != "fixed") return Conflict("隐患尚未整改，不能复查", "invalid_transition");
      h->recheck_at = now;
      h->recheck_note = note;
      if (passed) {
        h->status = "closed";
      } else {
        if (note.empty()) return Invalid("复查未通过须写明原因", "note", "note_required");
        if (!new_due || *new_due <= now) return Invalid("复查未通过须给出新的整改期限", "fix_due", "invalid_deadline");
        h->status = "open";
        h->fix_due = *new_due;
        h->fixed_at.reset();
      }
    }
    UpdateHazard(sql, *h);
    audit::Append(sql, clock_, actor,
                  Audit("patrol.hazard_change", "patrol_hazard", id,
                        fmt::format("安全隐患 #{}：{}", id,
                                    step == "fixed" ? "整改完成"
                                    : passed        ? "复查通过"
                                                    : "复查未通过")));
    return *FindHazard(sql, id, "/", now);
  });
}

Result<std::string> PatrolService::RegisterXlsx(const auth::Principal& who, const std::string& which) const {
  FZ_CHECK(Need(who, auth::perm::kPatrolRead));
  const EpochSeconds now = clock_.Now();
  const PageRequest all{.page = 1, .page_size = 100000, .sort = {}, .descending = false};
  std::vector<std::vector<std::string>> rows;
  if (which == "disputes") {
    rows.push_back({"编号", "单位", "纠纷概要", "类型", "当事人", "等级", "定级理由", "包案民警", "关联警情数",
                    "下次回访", "状态", "化解结果"});
    const auto list = FZ_TRY(Disputes(who, {}, all));
    for (const auto& d : list.items) {
      std::string parties;
      for (const auto& p : d.parties) parties += (parties.empty() ? "" : "、") + p;
      rows.push_back({std::to_string(d.id), d.unit_name, d.title, DisputeKinds().at(d.kind), parties,
                      Grades().at(d.grade), d.grade_reasons, d.officer_name, std::to_string(d.linked_calls.size()),
                      Date(d.revisit_at), d.status == "open" ? (d.overdue ? "超期未回访" : "化解中") : "已化解",
                      d.closure});
    }
  } else {
    rows.push_back({"编号", "单位", "地点", "类别", "描述", "整改期限", "整改完成", "复查", "复查意见", "状态"});
    const auto list = FZ_TRY(Hazards(who, {}, all));
    for (const auto& h : list.items)
      rows.push_back({std::to_string(h.id), h.unit_name, h.place, h.kind, h.description, Date(h.fix_due),
                      Date(h.fixed_at), Date(h.recheck_at), h.recheck_note,
                      h.status == "open"    ? (h.overdue ? "逾期未整改" : "整改中")
                      : h.status == "fixed" ? "待复查"
                                            : "已销号"});
  }
  (void)now;
  return files::WriteXlsx({files::SheetData(which == "disputes" ? "矛盾纠纷台账" : "安全隐患台账", rows)});
}

Result<int> PatrolService::IssueOverdueOrders(const auth::Principal& who, const audit::Actor& actor) {
  FZ_CHECK(Need(who, auth::perm::kPatrolManage));
  if (!orders_) return 0;
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<int> { return IssueOverdueIn(sql, who, actor, now); });
}

Result<int> PatrolService::IssueOverdueIn(soci::session& sql, const auth::Principal& who, const audit::Actor& actor,
                                          EpochSeconds now) {
  int issued = 0;
  const PageRequest all{.page = 1, .page_size = 100000, .sort = {}, .descending = false};
  RegisterFilter f;
  f.overdue = true;
  const auto as = [&](std::int64_t bureau) {
    audit::Actor a = actor;
    if (!a.bureau_id) a.bureau_id = bureau;
    return a;
  };
  for (auto d : ListDisputes(sql, who.unit_path, f, all, now).items) {
    if (d.order_id || !d.officer_person_id || !ClaimDisputeOrder(sql, d.id)) continue;
    const auto o = FZ_TRY(orders_->IssueIn(
        sql, who, as(d.bureau_id),
        {.source = "dispute",
         .source_id = d.id,
         .case_id = std::nullopt,
         .problem_type = "矛盾纠纷化解",
         .opinion = fmt::format("矛盾纠纷“{}”已超过回访日期未回访，请立即回访并上报化解情况。", d.title),
         .responsible_person_id = d.officer_person_id,
         .deadline = now + 3 * kDay}));
    d.order_id = o.id;
    UpdateDispute(sql, d);
    ++issued;
  }
  for (auto h : ListHazards(sql, who.unit_path, f, all, now).items) {
    if (h.order_id || !h.officer_person_id || !ClaimHazardOrder(sql, h.id)) continue;
    const auto o = FZ_TRY(orders_->IssueIn(
        sql, who, as(h.bureau_id),
        {.source = "hazard",
         .source_id = h.id,
         .case_id = std::nullopt,
         .problem_type = "安全隐患整改",
         .opinion = fmt::format("安全隐患（{}·{}）已超过整改期限，请督促整改并上传整改材料。", h.place, h.kind),
         .responsible_person_id = h.officer_person_id,
         .deadline = now + 3 * kDay}));
    h.order_id = o.id;
    UpdateHazard(sql, h);
    ++issued;
  }
  return issued;
}

Result<PatrolService::SweepResult> PatrolService::Sweep() {
  const EpochSeconds now = clock_.Now();
  auth::Principal system;
  system.username = "system";
  system.display_name = "系统";
  system.unit_path = "/";
  system.permissions.insert(std::string(auth::perm::kPatrolManage));
  const audit::Actor actor{
      .user_id = std::nullopt, .username = "system", .bureau_id = std::nullopt, .ip = {}, .request_id = {}};
  return db_.Write([&](soci::session& sql) -> Result<SweepResult> {
    SweepResult out;
    if (orders_) out.orders = FZ_TRY(IssueOverdueIn(sql, system, actor, now));
    for (const std::int64_t id : EndedEscalations(sql, now)) EndEscalation(sql, id);
    for (const auto& d : UntoldEscalations(sql, now)) {
      const auto n = ClaimEscalation(sql, d.id, now);
      if (!n) continue;  // another instance told it
      ++out.escalations;
      notify::Recipients to;
      to.users = UnitLeaderUsers(sql, d.unit_id);
      if (d.officer_person_id) to.persons.push_back(*d.officer_person_id);
      const std::string why =
          d.grade == "red" ? std::string("风险等级为红色") : fmt::format("关联重复警情 {} 起", d.linked_calls.size());
      out.notifications +=
          notify::Send(sql,
                       {.bureau_id = d.bureau_id,
                        .kind = "patrol_escalate",
                        .title = fmt::format("矛盾纠纷需升级处置：{}", d.title),
                        .body = fmt::format("{}的矛盾纠纷“{}”（{}）{}，请包案民警和所领导立即研判处置。包案民警：{}。",
                                            d.unit_name, d.title, DisputeKinds().at(d.kind), why,
                                            d.officer_name.empty() ? "未指定" : d.officer_name),
                        .object_type = "patrol_dispute",
                        .object_id = d.id,
                        .case_id = std::nullopt,
                        .dedup_key = fmt::format("patrol_escalate:{}:{}", d.id, *n)},
                       to, now);
    }
    return out;
  });
}

Result<HotspotReport> PatrolService::Hotspots(const auth::Principal& who, EpochSeconds from, EpochSeconds to) const {
  FZ_CHECK(Need(who, auth::perm::kPatrolRead));
  return db_.Read([&](soci::session& sql) -> Result<HotspotReport> {
    HotspotReport rep;
    const auto areas = ListAreas(sql, who.unit_path);
    std::vector<Incident> incidents;
    for (const auto& c : ListCalls(sql, who.unit_path, from, to, false))
      if (c.at) incidents.push_back({*c.at, *c.stamps[0]});
    // The grid's origin: the south-west corner of the areas (else of the incidents).
    LonLat origin{180, 90};
    for (const auto& a : areas)
      for (const auto& p : a.ring) origin = {std::min(origin.lon, p.lon), std::min(origin.lat, p.lat)};
    for (const auto& i : incidents) origin = {std::min(origin.lon, i.at.lon), std::min(origin.lat, i.at.lat)};
    rep.grid.origin = origin;
    rep.result = ComputeHotspots(rep.grid, incidents, to - from);
    std::set<std::pair<int, int>> suggested;
    for (const auto& a : areas) {
      HotspotReport::Suggestion s{.area_id = a.id, .area_name = a.name, .cells = {}, .hours = {}, .stops_per_week = 0};
      std::int64_t hours[24] = {};
      for (const auto& c : rep.result.cells) {
        if (c.level == 0 || !Contains(a.ring, rep.grid.CentreOf(c.x, c.y))) continue;
        if (s.cells.size() < 5) {
          s.cells.push_back(c);
          suggested.insert({c.x, c.y});
        }
        for (int h = 0; h < 24; ++h) hours[h] += c.by_hour[h];
      }
      std::vector<int> order(24);
      for (int h = 0; h < 24; ++h) order[static_cast<std::size_t>(h)] = h;
      std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return hours[x] > hours[y]; });
      for (int k = 0; k < 3 && !s.cells.empty(); ++k)
        if (hours[order[static_cast<std::size_t>(k)]] > 0) s.hours.push_back(order[static_cast<std::size_t>(k)]);
      for (const auto& c : s.cells) s.stops_per_week += c.level == 3 ? 7 : c.level == 2 ? 4 : 2;
      rep.suggestions.push_back(std::move(s));
    }
    // After the fact: the 28 days from `to` against the 28 days before it.
    std::map<std::pair<int, int>, CellCounts> counts;
    for (const auto& [x, y] : suggested) counts[{x, y}] = {.x = x, .y = y, .before = 0, .after = 0, .suggested = true};
    for (const auto& c : ListCalls(sql, who.unit_path, to - 28 * kDay, to + 28 * kDay, false)) {
      if (!c.at) continue;
      const auto cell = rep.grid.CellOf(*c.at);
      const bool after = *c.stamps[0] >= to;
      auto& n = suggested.contains(cell) ? (after ? rep.suggested_after : rep.suggested_before)
                                         : (after ? rep.others_after : rep.others_before);
      ++n;
      auto& cc = counts[cell];
      cc.x = cell.first;
      cc.y = cell.second;
      cc.suggested = suggested.contains(cell);
      ++(after ? cc.after : cc.before);
    }
    // Matched cells: every cell of the area's grid that had an incident in either window or was
    // suggested (a cell with none in both is not a place anyone patrols).
    std::vector<CellCounts> all;
    all.reserve(counts.size());
    for (const auto& [k, v] : counts) all.push_back(v);
    rep.matched = CompareMatched(all);
    return rep;
  });
}

}  // namespace fazhi::patrol
