#include "inspections/inspections_service.h"

#include <algorithm>
#include <random>
#include <set>

#include <fmt/format.h>

#include "auth/require.h"
#include "auth/roles.h"
#include "core/local_time.h"
#include "core/text.h"
#include "db/sql.h"
#include "files/spreadsheet.h"
#include "inspections/inspections_store.h"
#include "notify/notify.h"
#include "org/org_reads.h"

namespace fazhi::inspections {

using auth::Principal;

namespace {

constexpr std::int64_t kDay = 86400;
constexpr int kRectifyDays = 7;  // 整改期限 of a finding's 督办
constexpr std::uint64_t kSeedMask = 0x3FFFFFFFFFFFFFFFULL;

using org::Reach;

// His unit subtree; on a bureau's legal unit (法制大队), the whole bureau.
Reach ReachOf(soci::session& sql, const Principal& who) { return org::ReachOf(sql, who); }

using auth::NameOf;
using auth::Need;
using org::Under;

Result<void> CheckDomain(const std::string& d) {
  if (std::find(kDomains.begin(), kDomains.end(), d) == kDomains.end())
    return Invalid(fmt::format("巡查领域“{}”无效：incident（接处警）、filing（受立案）、property（涉案财物管理）或 "
                               "area（办案场所使用）",
                               d),
                   "domain", "invalid_domain");
  return {};
}

// Period starts are aligned to multiples of the cadence counted from Monday 1970-01-05.
EpochSeconds PeriodStart(EpochSeconds t, int cadence_days) {
  const std::int64_t days = DaysFromCivil(LocalDateOf(t));
  const std::int64_t offset = ((days - 4) % cadence_days + cadence_days) % cadence_days;
  return LocalMidnight(CivilFromDays(days - offset));
}

std::uint64_t KeyHash(std::string_view key) {
  std::uint64_t h = 1469598103934665603ULL;
  for (char c : key) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  return h;
}

Result<org::UnitRef> UnitInReach(soci::session& sql, const Reach& reach, std::int64_t id, const char* what) {
  auto u = org::ReadUnit(sql, id);
  if (!u || !Under(u->path, reach.path)) return NotFound(fmt::format("{}不存在或不在您的管辖范围内", what));
  return *u;
}

audit::Entry Audit(const char* action, const char* type, std::int64_t id, std::string summary,
                   nlohmann::json detail = nlohmann::json::object()) {
  return {action, type, std::to_string(id), std::move(summary), std::move(detail)};
}

std::vector<org::UnitRef> TargetUnits(soci::session& sql, const org::UnitRef& unit, const std::string& level) {
  std::vector<org::UnitRef> out;
  for (auto& u : org::ReadUnitsUnder(sql, unit.path)) {
    if (u.id == unit.id) continue;
    if (level == "city_bureau" && u.level == "bureau") out.push_back(std::move(u));
    if (level == "bureau_team" && u.level == "team" && !org::IsLegalUnit(u.name, u.category))
      out.push_back(std::move(u));
  }
  return out;
}

std::vector<org::PersonRef> Officers(soci::session& sql, const org::UnitRef& unit) {
  std::vector<org::PersonRef> out;
  for (auto& p : org::ReadPeopleUnder(sql, unit.path))
    if (p.unit_id == unit.id && p.active && p.kind == "民警") out.push_back(std::move(p));
  return out;
}

// The officer a finding is addressed to: the sampled record's officer, the inspected officer, else
// the first active 民警 of the inspected unit.
std::optional<std::int64_t> ResponsibleOf(soci::session& sql, const Task& t, const Sample* sample) {
  if (sample && sample->officer_id) return sample->officer_id;
  if (t.target_person_id) return t.target_person_id;
  auto unit = org::ReadUnit(sql, t.target_unit_id);
  if (!unit) return std::nullopt;
  for (const auto& p : org::ReadPeopleUnder(sql, unit->path))
    if (p.active && p.kind == "民警") return p.id;
  return std::nullopt;
}

// 督办 source "inspection": a finding, seen by whoever reaches its unit or its task's inspecting unit.
class FindingOrderSource final : public orders::OrderSource {
 public:
  explicit FindingOrderSource(const Clock& clock) : clock_(clock) {}
  std::string_view Kind() const override { return "inspection"; }
  std::string_view Name() const override { return "巡查发现问题"; }
  std::string_view ReviewedBy() const override { return "巡查人员在“巡查发现问题”中复查"; }
  std::string WebPath(std::int64_t id) const override { return fmt::format("/inspections/findings?finding={}", id); }
  Result<orders::SourceInfo> Describe(soci::session& sql, const Principal& who, std::int64_t id) const override {
    auto f = LoadFinding(sql, id);
    if (!f) return NotFound("巡查发现问题不存在");
    const Reach reach = ReachOf(sql, who);
    auto unit = org::ReadUnit(sql, f->unit_id);
    const auto inspector = TaskInspectorPath(sql, f->task_id);
    if (!(unit && Under(unit->path, reach.path)) && !(inspector && Under(*inspector, reach.path)))
      return NotFound("巡查发现问题不存在");
    return orders::SourceInfo{.bureau_id = f->bureau_id,
                              .unit_id = f->unit_id,
                              .case_id = std::nullopt,
                              .title = fmt::format("巡查问题：{}·{}{}", DomainName(f->domain), f->item_text,
                                                   f->record_label.empty() ? "" : "（" + f->record_label + "）"),
                              .problem_type = DomainName(f->domain),
                              .responsible_person_id = f->person_id};
  }
  Result<void> OnClosed(soci::session& sql, const orders::Order& o) const override {
    if (!o.source_id) return {};
    const bool on_time = o.answered_at && *o.answered_at <= o.deadline;
    CloseFinding(sql, *o.source_id, o.closed_at.value_or(clock_.Now()), on_time);
    return {};
  }

 private:
  const Clock& clock_;
};

}  // namespace

std::unique_ptr<orders::OrderSource> MakeFindingOrderSource(const Clock& clock) {
  return std::make_unique<FindingOrderSource>(clock);
}

std::uint64_t Mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

std::vector<cases::RecordRef> Draw(std::vector<cases::RecordRef> candidates, std::int64_t seed, int n) {
  const auto rank = [seed](const cases::RecordRef& r) {
    return Mix(static_cast<std::uint64_t>(seed) ^ Mix(static_cast<std::uint64_t>(r.id)));
  };
  std::vector<std::pair<std::uint64_t, std::size_t>> keyed;
  keyed.reserve(candidates.size());
  for (std::size_t i = 0; i < candidates.size(); ++i) keyed.emplace_back(rank(candidates[i]), i);
  const std::size_t take = std::min<std::size_t>(static_cast<std::size_t>(std::max(n, 0)), keyed.size());
  std::partial_sort(keyed.begin(), keyed.begin() + static_cast<std::ptrdiff_t>(take), keyed.end());
  std::vector<cases::RecordRef> out;
  out.reserve(take);
  for (std::size_t i = 0; i < take; ++i) out.push_back(std::move(candidates[keyed[i].second]));
  return out;
}

EpochSeconds WeekStart(EpochSeconds t) { return PeriodStart(t, 7); }

std::vector<Sample> DrawTaskSample(soci::session& sql, const Task& t, int per_domain, std::vector<std::string>* notes) {
  std::vector<Sample> out;
  auto unit = org::ReadUnit(sql, t.target_unit_id);
  if (!unit) return out;
  int seq = 0;
  for (const auto& d : t.domains) {
    auto records =
        cases::InspectableRecords(sql, RecordKindOf(d), unit->path, t.target_person_id, t.sample_from, t.sample_to);
    if (records.empty() && notes)
      notes->push_back(fmt::format("{}在 {} 至 {} 没有{}记录，本领域无可抽取的执法记录。",
                                   t.target_person_id ? t.target_person_name : unit->name,
                                   FormatDate(LocalDateOf(t.sample_from)), FormatDate(LocalDateOf(t.sample_to - 1)),
                                   DomainName(d)));
    const std::int64_t seed =
        static_cast<std::int64_t>(Mix(static_cast<std::uint64_t>(t.seed) ^ KeyHash(d)) & kSeedMask);
    for (auto& r : Draw(std::move(records), seed, per_domain))
      out.push_back({.id = 0,
                     .domain = d,
                     .record_kind = r.kind,
                     .record_id = r.id,
                     .label = std::move(r.label),
                     .officer_id = r.officer_id,
                     .seq = ++seq});
  }
  return out;
}

std::vector<std::int64_t> GeneratePlanTasks(soci::session& sql, const Plan& plan, EpochSeconds period_start,
                                            std::uint64_t seed_base, EpochSeconds now) {
  std::vector<std::int64_t> created;
  auto unit = org::ReadUnit(sql, plan.unit_id);
  if (!unit) return created;
  struct Target {
    std::int64_t unit_id, bureau_id;
    std::optional<std::int64_t> person;
    std::string key;
  };
  std::vector<Target> targets;
  if (plan.level == "team_officer") {
    auto people = Officers(sql, *unit);
    std::sort(people.begin(), people.end(), [&](const auto& a, const auto& b) {
      return Mix(seed_base ^ static_cast<std::uint64_t>(a.id)) < Mix(seed_base ^ static_cast<std::uint64_t>(b.id));
    });
    people.resize(std::min<std::size_t>(people.size(), static_cast<std::size_t>(std::max(plan.sample_size, 1))));
    for (const auto& p : people) targets.push_back({p.unit_id, p.bureau_id, p.id, fmt::format("p{}", p.id)});
  } else {
    for (const auto& u : TargetUnits(sql, *unit, plan.level))
      targets.push_back({u.id, u.bureau_id != 0 ? u.bureau_id : u.id, std::nullopt, fmt::format("u{}", u.id)});
  }
  for (const auto& target : targets) {
    Task t;
    t.bureau_id = target.bureau_id;
    t.plan_id = plan.id;
    t.level = plan.level;
    t.inspector_unit_id = plan.unit_id;
    t.target_unit_id = target.unit_id;
    t.target_person_id = target.person;
    t.domains = plan.domains;
    t.period_start = period_start;
    t.due_at = period_start + plan.due_days * kDay;
    t.seed = static_cast<std::int64_t>(Mix(seed_base ^ KeyHash(target.key)) & kSeedMask);
    t.sample_from = SampleFrom(period_start, plan.cadence_days);
    t.sample_to = period_start;
    const auto id = InsertTask(sql, t, now);
    if (!id) continue;
    for (const auto& s : DrawTaskSample(sql, t, plan.sample_size, nullptr)) InsertSample(sql, t.bureau_id, *id, s);
    created.push_back(*id);
  }
  return created;
}

InspectionService::InspectionService(db::Database& db, const Clock& clock) : db_(db), clock_(clock), files_(db) {}

Result<std::vector<Checklist>> InspectionService::Checklists(const Principal& who) const {
  FZ_CHECK(Need(who, auth::perm::kInspectionRead, "查看巡查清单"));
  return db_.Read([&](soci::session& sql) {
    std::vector<Checklist> out;
    for (const auto& d : kDomains) out.push_back(CurrentChecklist(sql, d).value_or(DefaultChecklist(d)));
    return out;
  });
}

Result<std::vector<Checklist>> InspectionService::ChecklistVersions(const Principal& who,
                                                                    const std::string& domain) const {
  FZ_CHECK(Need(who, auth::perm::kInspectionRead, "查看巡查清单"));
  FZ_CHECK(CheckDomain(domain));
  return db_.Read([&](soci::session& sql) { return inspections::ChecklistVersions(sql, domain); });
}

Result<void> InspectionService::CheckChecklistEditor(const Principal& who) const {
  // A checklist is judged against in every inspection, so (like the bureau-wide supervision
  // settings) only an account of a bureau, the city or a bureau's legal unit may change it; a
  // 派出所's part-time 法制员 holds inspection.manage for his own unit's plans only.
  const bool bureau_level =
      who.unit_id == 0 || db_.Read([&](soci::session& sql) { return org::ActsForWholeBureau(sql, who.unit_id); });
  if (!bureau_level)
    return std::unexpected(Error{ErrorCode::kForbidden,
                                 "检查清单作用于所有巡查，只能由分局、市局或法制大队（法制部门）修改", "",
                                 "bureau_level_required"});
  return {};
}

Result<Checklist> InspectionService::SaveChecklist(const Principal& who, const audit::Actor& actor,
                                                   const std::string& domain, std::vector<ChecklistItem> items) {
  FZ_CHECK(Need(who, auth::perm::kInspectionManage, "修改巡查清单"));
  FZ_CHECK(CheckDomain(domain));
  FZ_CHECK(CheckChecklistEditor(who));
  if (items.empty())
    return Invalid(fmt::format("{}检查清单至少要有一个检查项目", DomainName(domain)), "items", "empty_checklist");
  if (items.size() > 100) return Invalid("检查清单最多 100 个检查项目", "items", "too_many_items");
  std::set<std::string> keys;
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto& it = items[i];
    if (it.text.empty())
      return Invalid(fmt::format("第 {} 个检查项目没有填写检查内容", i + 1), "items", "item_text_required");
    if (it.weight < 0)
      return Invalid(fmt::format("第 {} 个检查项目“{}”的分值为 {}，分值不能为负数", i + 1, it.text, it.weight), "items",
                     "negative_weight");
    if (it.weight > 100)
      return Invalid(fmt::format("第 {} 个检查项目“{}”的分值不能超过 100", i + 1, it.text), "items",
                     "weight_too_large");
    if (it.key.empty()) it.key = fmt::format("item{}", i + 1);
    if (!keys.insert(it.key).second)
      return Invalid(fmt::format("检查项目编号“{}”重复", it.key), "items", "duplicate_item");
  }
  return db_.Write([&](soci::session& sql) -> Result<Checklist> {
    EnsureChecklists(sql, clock_.Now());
    Checklist c;
    c.domain = domain;
    c.version = CurrentChecklist(sql, domain)->version + 1;
    c.items = std::move(items);
    c.created_by_name = NameOf(who);
    c.created_at = clock_.Now();
    c.id = InsertChecklist(sql, c, actor.user_id);
    audit::Append(sql, clock_, actor,
                  Audit("inspection.checklist", "inspection_checklist", c.id,
                        fmt::format("修改{}检查清单（第 {} 版，{} 项）", DomainName(domain), c.version, c.items.size()),
                        {{"domain", domain}, {"version", c.version}}));
    return c;
  });
}

Result<Plan> InspectionService::CreatePlan(const Principal& who, const audit::Actor& actor, const PlanInput& in) {
  FZ_CHECK(Need(who, auth::perm::kInspectionManage, "制定巡查计划"));
  if (std::find(kLevels.begin(), kLevels.end(), in.level) == kLevels.end())
    return Invalid(
        "巡查层级应为 city_bureau（市巡分县局）、bureau_team（分县局巡基层科所队）或 "
        "team_officer（基层科所队巡办案民警）",
        "level", "invalid_level");
  if (in.domains.empty()) return Invalid("请至少选择一个巡查领域", "domains", "invalid_domain");
  for (const auto& d : in.domains) FZ_CHECK(CheckDomain(d));
  if (in.cadence_days < 1 || in.cadence_days > 92)
    return Invalid("巡查周期应为 1 至 92 天（默认每周一次，即 7 天）", "cadence_days", "invalid_cadence");
  if (in.sample_size < 1 || in.sample_size > 20)
    return Invalid("每个领域抽取的记录数应为 1 至 20", "sample_size", "invalid_sample_size");
  if (in.due_days < 1 || in.due_days > 60) return Invalid("完成期限应为 1 至 60 天", "due_days", "invalid_due_days");
  return db_.Write([&](soci::session& sql) -> Result<Plan> {
    const Reach reach = ReachOf(sql, who);
    const org::UnitRef unit = FZ_TRY(UnitInReach(sql, reach, in.unit_id, "巡查单位"));
    const char* want = in.level == "city_bureau" ? "city" : in.level == "bureau_team" ? "bureau" : "team";
    if (unit.level != want)
      return Invalid(fmt::format("{}的巡查单位应为{}，“{}”不是", LevelName(in.level),
                                 in.level == "city_bureau"   ? "市局"
                                 : in.level == "bureau_team" ? "分县局"
                                                             : "基层科所队",
                                 unit.name),
                     "unit_id", "level_mismatch");
    Plan p;
    p.bureau_id = unit.bureau_id != 0 ? unit.bureau_id : unit.id;
    p.unit_id = unit.id;
    p.unit_name = unit.name;
    p.level = in.level;
    p.name = in.name.empty() ? fmt::format("{}{}计划", unit.name, LevelName(in.level)) : in.name;
    p.domains = in.domains;
    p.cadence_days = in.cadence_days;
    p.sample_size = in.sample_size;
    p.due_days = in.due_days;
    p.created_at = clock_.Now();
    p.id = InsertPlan(sql, p, actor.user_id);
    audit::Append(sql, clock_, actor,
                  Audit("inspection.plan", "inspection_plan", p.id, fmt::format("制定巡查计划：{}", p.name),
                        {{"level", p.level}, {"unit_id", p.unit_id}}));
    return p;
  });
}

Result<Paged<Plan>> InspectionService::ListPlans(const Principal& who, const PageRequest& page) const {
  FZ_CHECK(Need(who, auth::perm::kInspectionRead, "查看巡查计划"));
  return db_.Read([&](soci::session& sql) { return inspections::ListPlans(sql, ReachOf(sql, who).path, page); });
}

Result<std::vector<Task>> InspectionService::Generate(const Principal& who, const audit::Actor& actor,
                                                      std::int64_t plan_id, std::optional<EpochSeconds> period) {
  FZ_CHECK(Need(who, auth::perm::kInspectionManage, "生成巡查任务"));
  return db_.Write([&](soci::session& sql) -> Result<std::vector<Task>> {
    auto plan = LoadPlan(sql, plan_id);
    const Reach reach = ReachOf(sql, who);
    if (!plan) return NotFound("巡查计划不存在");
    FZ_TRY(UnitInReach(sql, reach, plan->unit_id, "巡查计划"));
    const EpochSeconds now = clock_.Now();
    EnsureChecklists(sql, now);
    const EpochSeconds start = PeriodStart(period.value_or(now), plan->cadence_days);
    std::random_device rd;
    const std::uint64_t base = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
    std::vector<Task> out;
    for (const std::int64_t id : GeneratePlanTasks(sql, *plan, start, base, now))
      out.push_back(*LoadTask(sql, id, now));
    audit::Append(sql, clock_, actor,
                  Audit("inspection.generate", "inspection_plan", plan->id,
                        fmt::format("按计划“{}”生成 {} 的巡查任务 {} 项", plan->name, FormatDate(LocalDateOf(start)),
                                    out.size())));
    return out;
  });
}

Result<Task> InspectionService::CreateTask(const Principal& who, const audit::Actor& actor, std::int64_t plan_id,
                                           std::optional<std::int64_t> target_unit_id,
                                           std::optional<std::int64_t> target_person_id,
                                           std::optional<EpochSeconds> period) {
  FZ_CHECK(Need(who, auth::perm::kInspectionManage, "下达巡查任务"));
  return db_.Write([&](soci::session& sql) -> Result<Task> {
    const Reach reach = ReachOf(sql, who);
    auto plan = LoadPlan(sql, plan_id);
    if (!plan) return NotFound("巡查计划不存在");
    const org::UnitRef unit = FZ_TRY(UnitInReach(sql, reach, plan->unit_id, "巡查计划"));
    const auto out_of_scope = [] { return NotFound("被巡查对象不存在或不在巡查范围内"); };
    Task t;
    if (plan->level == "team_officer") {
      if (!target_person_id) return Invalid("基层科所队巡办案民警须指明被巡查的民警", "target_person_id");
      auto p = org::ReadPerson(sql, *target_person_id);
      if (!p || p->unit_id != unit.id || !p->active) return out_of_scope();
      t.target_unit_id = p->unit_id;
      t.target_person_id = p->id;
      t.bureau_id = p->bureau_id;
    } else {
      if (!target_unit_id) return Invalid("请指明被巡查的单位", "target_unit_id");
      const auto targets = TargetUnits(sql, unit, plan->level);
      auto it = std::find_if(targets.begin(), targets.end(), [&](const auto& u) { return u.id == *target_unit_id; });
      if (it == targets.end() || !Under(it->path, reach.path)) return out_of_scope();
      t.target_unit_id = it->id;
      t.bureau_id = it->bureau_id != 0 ? it->bureau_id : it->id;
    }
    const EpochSeconds now = clock_.Now();
    EnsureChecklists(sql, now);
    t.plan_id = plan->id;
    t.level = plan->level;
    t.inspector_unit_id = plan->unit_id;
    t.domains = plan->domains;
    t.period_start = PeriodStart(period.value_or(now), plan->cadence_days);
    t.due_at = t.period_start + plan->due_days * kDay;
    std::random_device rd;
    t.seed = static_cast<std::int64_t>(((static_cast<std::uint64_t>(rd()) << 32) ^ rd()) & kSeedMask);
    t.sample_from = SampleFrom(t.period_start, plan->cadence_days);
    t.sample_to = t.period_start;
    const auto id = InsertTask(sql, t, now);
    if (!id) return Conflict("该对象本周期的巡查任务已存在", "task_exists");
    for (const auto& s : DrawTaskSample(sql, t, plan->sample_size, nullptr)) InsertSample(sql, t.bureau_id, *id, s);
    const Task stored = *LoadTask(sql, *id, now);
    audit::Append(sql, clock_, actor,
                  Audit("inspection.generate", "inspection_task", *id,
                        fmt::format("下达巡查任务：{}巡查{}", stored.inspector_unit_name,
                                    stored.target_person_id ? stored.target_person_name : stored.target_unit_name)));
    return stored;
  });
}

Result<Paged<Task>> InspectionService::ListTasks(const Principal& who, const TaskFilter& f,
                                                 const PageRequest& page) const {
  FZ_CHECK(Need(who, auth::perm::kInspectionRead, "查看巡查任务"));
  return db_.Read([&](soci::session& sql) -> Result<Paged<Task>> {
    const Reach reach = ReachOf(sql, who);
    std::optional<std::string> unit_path;
    if (f.unit_id) unit_path = FZ_TRY(UnitInReach(sql, reach, *f.unit_id, "单位")).path;
    std::optional<std::int64_t> mine;
    if (f.mine) mine = reach.unit_id;
    return inspections::ListTasks(sql, reach.path, mine, unit_path, f, clock_.Now(), page);
  });
}

namespace {

// The task if `who` may read it (target or inspecting unit within reach); `judge` also needs the
// inspecting unit within reach.
Result<Task> LoadVisible(soci::session& sql, const Principal& who, std::int64_t id, EpochSeconds now, bool judge) {
  auto t = LoadTask(sql, id, now);
  if (!t) return NotFound("巡查任务不存在");
  const Reach reach = ReachOf(sql, who);
  auto target = org::ReadUnit(sql, t->target_unit_id);
  auto inspector = org::ReadUnit(sql, t->inspector_unit_id);
  const bool inspects = inspector && Under(inspector->path, reach.path);
  if (!inspects && !(target && Under(target->path, reach.path))) return NotFound("巡查任务不存在");
  if (judge && !inspects)
    return std::unexpected(Error{ErrorCode::kForbidden, "只有巡查单位的巡查人员可以评判本任务", "", "not_inspector"});
  return *t;
}

void FillDetail(soci::session& sql, Task& t, const files::AttachmentStore& files) {
  t.samples = LoadSamples(sql, t.id);
  t.results = LoadResults(sql, t.id);
  std::vector<std::int64_t> ids;
  for (const auto& r : t.results) ids.push_back(r.id);
  if (!ids.empty())
    for (const auto& f : files.List(sql, "inspection_result", ids))
      for (auto& r : t.results)
        if (r.id == f.owner_id) r.files.push_back({f.id, r.id, f.filename, f.content_type, f.size});
  std::set<std::int64_t> used;
  for (const auto& r : t.results) used.insert(r.checklist_id);
  for (const auto& d : t.domains) {
    std::optional<Checklist> c;
    for (const auto& r : t.results)
      if (r.domain == d && (!c || r.checklist_id != c->id)) c = ChecklistById(sql, r.checklist_id);
    if (!c || t.status == "open") c = CurrentChecklist(sql, d);
    t.checklists.push_back(c.value_or(DefaultChecklist(d)));
    const bool any = std::any_of(t.samples.begin(), t.samples.end(), [&](const Sample& s) { return s.domain == d; });
    if (!any)
      t.empty_notes.push_back(fmt::format("{}在 {} 至 {} 没有{}记录，本领域无可抽取的执法记录。",
                                          t.target_person_id ? t.target_person_name : t.target_unit_name,
                                          FormatDate(LocalDateOf(t.sample_from)),
                                          FormatDate(LocalDateOf(t.sample_to - 1)), DomainName(d)));
  }
}

}  // namespace

Result<Task> InspectionService::GetTask(const Principal& who, std::int64_t id) const {
  FZ_CHECK(Need(who, auth::perm::kInspectionRead, "查看巡查任务"));
  return db_.Read([&](soci::session& sql) -> Result<Task> {
    Task t = FZ_TRY(LoadVisible(sql, who, id, clock_.Now(), false));
    FillDetail(sql, t, files_);
    return t;
  });
}

Result<std::pair<std::vector<Sample>, bool>> InspectionService::Redraw(const Principal& who, std::int64_t id) const {
  FZ_CHECK(Need(who, auth::perm::kInspectionRead, "查看巡查任务"));
  return db_.Read([&](soci::session& sql) -> Result<std::pair<std::vector<Sample>, bool>> {
    const Task t = FZ_TRY(LoadVisible(sql, who, id, clock_.Now(), false));
    auto plan = LoadPlan(sql, t.plan_id);
    const auto stored = LoadSamples(sql, t.id);
    int per_domain = plan ? plan->sample_size : 2;
    auto again = DrawTaskSample(sql, t, per_domain, nullptr);
    bool same = again.size() == stored.size();
    for (std::size_t i = 0; same && i < again.size(); ++i)
      same = again[i].domain == stored[i].domain && again[i].record_id == stored[i].record_id &&
             again[i].record_kind == stored[i].record_kind;
    return std::pair{std::move(again), same};
  });
}

namespace {

// Checks the judgements against the task and the checklists in force; returns them as results.
Result<std::vector<ItemResult>> CheckResults(const Task& t, const std::vector<Sample>& samples,
                                             const std::map<std::string, Checklist>& lists,
                                             const std::vector<ResultInput>& in, EpochSeconds now) {
  std::vector<ItemResult> out;
  for (const auto& r : in) {
    FZ_CHECK(CheckDomain(r.domain));
    if (std::find(t.domains.begin(), t.domains.end(), r.domain) == t.domains.end())
      return Invalid(fmt::format("本任务不巡查{}", DomainName(r.domain)), "domain", "invalid_domain");
    const Checklist& c = lists.at(r.domain);
    auto item = std::find_if(c.items.begin(), c.items.end(), [&](const auto& i) { return i.key == r.item_key; });
    if (item == c.items.end())
      return Invalid(fmt::format("{}检查清单（第 {} 版）没有检查项目“{}”", DomainName(r.domain), c.version, r.item_key),
                     "item_key", "unknown_item");
    if (r.sample_id && std::none_of(samples.begin(), samples.end(),
                                    [&](const Sample& s) { return s.id == *r.sample_id && s.domain == r.domain; }))
      return Invalid("所指的执法记录不是本任务在该领域抽取的记录", "sample_id", "unknown_sample");
    if (!r.passed && r.note.empty())
      return Invalid(fmt::format("检查项目“{}”判为不合格，请写明发现的问题", item->text), "note", "note_required");
    out.push_back({.id = 0,
                   .checklist_id = c.id,
                   .domain = r.domain,
                   .item_key = r.item_key,
                   .passed = r.passed,
                   .note = r.note,
                   .sample_id = r.sample_id,
                   .video_ref = r.video_ref,
                   .judged_at = now,
                   .files = {}});
  }
  return out;
}

}  // namespace

Result<Task> InspectionService::Judge(const Principal& who, const audit::Actor& actor, std::int64_t id,
                                      const std::vector<ResultInput>& results, bool submit) {
  FZ_CHECK(Need(who, auth::perm::kInspectionDo, "评判巡查任务"));
  return db_.Write([&](soci::session& sql) -> Result<Task> {
    const EpochSeconds now = clock_.Now();
    db::LockRowForUpdate(sql, "inspection_tasks", id);
    Task t = FZ_TRY(LoadVisible(sql, who, id, now, true));
    if (t.status != "open") return Conflict("该巡查任务已提交，不能再修改评判结果", "task_done");
    const auto lists = EnsureChecklists(sql, now);
    const auto samples = LoadSamples(sql, t.id);
    for (const auto& r : FZ_TRY(CheckResults(t, samples, lists, results, now)))
      SaveResult(sql, t.bureau_id, t.id, r, actor.user_id);
    if (!submit) {
      audit::Append(sql, clock_, actor,
                    Audit("inspection.judge", "inspection_task", t.id,
                          fmt::format("评判巡查任务 #{}（{} 项）", t.id, results.size())));
      Task out = *LoadTask(sql, t.id, now);
      FillDetail(sql, out, files_);
      return out;
    }
    const auto stored = LoadResults(sql, t.id);
    std::vector<std::string> missing;
    for (const auto& d : t.domains)
      for (const auto& item : lists.at(d).items)
        if (std::none_of(stored.begin(), stored.end(),
                         [&](const ItemResult& r) { return r.domain == d && r.item_key == item.key; }))
          missing.push_back(fmt::format("{}·{}", DomainName(d), item.text));
    if (!missing.empty())
      return Invalid(fmt::format("还有 {} 个检查项目未评判（{}{}），不能提交", missing.size(), missing.front(),
                                 missing.size() > 1 ? " 等" : ""),
                     "results", "incomplete");
    int findings = 0;
    for (const auto& r : stored) {
      if (r.passed) continue;
      const Checklist& c = lists.at(r.domain);
      const auto item =
          std::find_if(c.items.begin(), c.items.end(), [&](const auto& i) { return i.key == r.item_key; });
      const Sample* sample = nullptr;
      for (const auto& s : samples)
        if (r.sample_id && s.id == *r.sample_id) sample = &s;
      Finding f;
      f.bureau_id = t.bureau_id;
      f.task_id = t.id;
      f.unit_id = t.target_unit_id;
      f.person_id = ResponsibleOf(sql, t, sample);
      f.domain = r.domain;
      f.item_key = r.item_key;
      f.item_text = item != c.items.end() ? item->text : r.item_key;
      f.weight = item != c.items.end() ? item->weight : 0;
      f.record_label = sample ? sample->label : "";
      f.note = r.note;
      f.deadline = now + kRectifyDays * kDay;
      f.created_at = now;
      const std::int64_t fid = InsertFinding(sql, f, r.id);
      ++findings;
      if (!orders_ || !f.person_id) continue;
      const orders::Order o = FZ_TRY(orders_->IssueIn(
          sql, who, actor,
          {.source = "inspection",
           .source_id = fid,
           .case_id = std::nullopt,
           .problem_type = DomainName(f.domain),
           .opinion = fmt::format("巡查发现：{}。{}请在整改期限内整改并上传整改材料，整改后由巡查人员复查。",
                                  f.item_text, f.note.empty() ? "" : f.note + "。"),
           .responsible_person_id = f.person_id,
           .deadline = f.deadline}));
      SetFindingOrder(sql, fid, o.id);
    }
    MarkTaskDone(sql, t.id, actor.user_id, NameOf(who), now);
    audit::Append(sql, clock_, actor,
                  Audit("inspection.submit", "inspection_task", t.id,
                        fmt::format("提交巡查任务 #{}：{}，发现问题 {} 个", t.id,
                                    t.target_person_id ? t.target_person_name : t.target_unit_name, findings),
                        {{"findings", findings}}));
    Task out = *LoadTask(sql, t.id, now);
    FillDetail(sql, out, files_);
    return out;
  });
}

Result<std::vector<ResultFile>> InspectionService::AttachFiles(const Principal& who, const audit::Actor& actor,
                                                               std::int64_t task_id, std::int64_t result_id,
                                                               const std::vector<files::Upload>& uploads) {
  FZ_CHECK(Need(who, auth::perm::kInspectionDo, "上传巡查附件"));
  if (uploads.empty()) return Invalid("请选择要上传的文件", "file", "attachment_empty");
  FZ_CHECK(files::CheckUploads(uploads));
  return db_.Write([&](soci::session& sql) -> Result<std::vector<ResultFile>> {
    const EpochSeconds now = clock_.Now();
    const Task t = FZ_TRY(LoadVisible(sql, who, task_id, now, true));
    if (t.status != "open") return Conflict("该巡查任务已提交，不能再上传附件", "task_done");
    const auto results = LoadResults(sql, t.id);
    if (std::none_of(results.begin(), results.end(), [&](const ItemResult& r) { return r.id == result_id; }))
      return NotFound("评判结果不存在");
    std::vector<ResultFile> out;
    for (const auto& u : uploads) {
      const auto f = FZ_TRY(files_.Put(sql, u, {.type = "inspection_result", .id = result_id, .bureau_id = t.bureau_id},
                                       who.user_id, now));
      out.push_back({f.id, result_id, f.filename, f.content_type, f.size});
    }
    audit::Append(sql, clock_, actor,
                  Audit("inspection.judge", "inspection_task", t.id,
                        fmt::format("为巡查任务 #{} 的评判结果上传附件 {} 个", t.id, out.size())));
    return out;
  });
}

Result<FileDownload> InspectionService::ReadFile(const Principal& who, std::int64_t file_id) const {
  FZ_CHECK(Need(who, auth::perm::kInspectionRead, "查看巡查附件"));
  return db_.Read([&](soci::session& sql) -> Result<FileDownload> {
    auto f = files_.Get(sql, file_id);
    if (!f || f->owner_type != "inspection_result") return NotFound("附件不存在");
    db::SqlArgs a;
    const auto task =
        db::ScalarInt(sql, fmt::format("SELECT task_id FROM inspection_results WHERE id = {}", a.Int(f->owner_id)), a);
    if (!task || !LoadVisible(sql, who, *task, clock_.Now(), false)) return NotFound("附件不存在");
    return FileDownload{FZ_TRY(files_.Read(sql, *f)), f->content_type, f->filename};
  });
}

Result<Paged<Finding>> InspectionService::ListFindings(const Principal& who, const FindingFilter& f,
                                                       const PageRequest& page) const {
  FZ_CHECK(Need(who, auth::perm::kInspectionRead, "查看巡查发现问题"));
  if (f.domain) FZ_CHECK(CheckDomain(*f.domain));
  return db_.Read([&](soci::session& sql) -> Result<Paged<Finding>> {
    const Reach reach = ReachOf(sql, who);
    std::optional<std::string> unit_path;
    if (f.unit_id) unit_path = FZ_TRY(UnitInReach(sql, reach, *f.unit_id, "单位")).path;
    return inspections::ListFindings(sql, reach.path, unit_path, f, page);
  });
}

namespace {

// A finding the caller reaches through its unit or its task's inspecting unit; `inspects`: whether
// the inspecting unit is within reach.
Result<std::pair<Finding, bool>> LoadVisibleFinding(soci::session& sql, const Principal& who, std::int64_t id) {
  auto f = LoadFinding(sql, id);
  if (!f) return NotFound("巡查发现问题不存在");
  const Reach reach = ReachOf(sql, who);
  auto unit = org::ReadUnit(sql, f->unit_id);
  const auto inspector = TaskInspectorPath(sql, f->task_id);
  const bool inspects = inspector && Under(*inspector, reach.path);
  if (!inspects && !(unit && Under(unit->path, reach.path))) return NotFound("巡查发现问题不存在");
  return std::make_pair(std::move(*f), inspects);
}

}  // namespace

Result<Finding> InspectionService::GetFinding(const Principal& who, std::int64_t id) const {
  FZ_CHECK(Need(who, auth::perm::kInspectionRead, "查看巡查发现问题"));
  return db_.Read([&](soci::session& sql) -> Result<Finding> {
    Finding f = FZ_TRY(LoadVisibleFinding(sql, who, id)).first;
    f.recheck_history = LoadRechecks(sql, f.id);
    return f;
  });
}

Result<Finding> InspectionService::Recheck(const Principal& who, const audit::Actor& actor, std::int64_t id,
                                           const RecheckInput& in) {
  FZ_CHECK(Need(who, auth::perm::kInspectionDo, "复查巡查发现问题"));
  const std::string note = Trim(in.note);
  if (!IsValidUtf8(note) || Utf8Length(note) > 2000)
    return Invalid("复查说明不能超过 2000 字", "note", "note_too_long");
  if (!in.passed && note.empty()) return Invalid("复查未通过须写明仍存在的问题", "note", "note_required");
  const EpochSeconds now = clock_.Now();
  if (in.new_deadline && *in.new_deadline <= now)
    return Invalid("新的整改期限必须晚于当前时间", "deadline", "invalid_deadline");
  if (!orders_) return Conflict("督办服务未启用", "no_order");
  return db_.Write([&](soci::session& sql) -> Result<Finding> {
    db::LockRowForUpdate(sql, "inspection_findings", id);
    auto [f, inspects] = FZ_TRY(LoadVisibleFinding(sql, who, id));
    if (!inspects) return Forbidden("只有巡查单位的巡查人员可以复查本问题", "not_inspector");
    if (!f.order_id) return Conflict("该问题没有督办单（无责任民警），无需复查", "no_order");
    const std::optional<EpochSeconds> deadline =
        in.passed ? std::nullopt : std::optional(in.new_deadline.value_or(now + kRectifyDays * kDay));
    const std::string step_note =
        in.passed ? fmt::format("复查通过{}", note.empty() ? "" : "：" + note) : fmt::format("复查未通过：{}", note);
    FZ_CHECK(orders_->ReviewIn(sql, who, actor, *f.order_id, in.passed ? "close" : "return", step_note, deadline));
    InsertRecheck(sql, {.id = 0,
                        .bureau_id = f.bureau_id,
                        .finding_id = f.id,
                        .order_id = *f.order_id,
                        .passed = in.passed,
                        .note = note,
                        .new_deadline = deadline,
                        .checked_by = actor.user_id,
                        .checked_by_name = NameOf(who),
                        .checked_at = now});
    audit::Append(sql, clock_, actor,
                  Audit("inspection.recheck", "inspection_finding", f.id,
                        fmt::format("复查巡查发现问题 #{}（{}·{}）：{}", f.id, DomainName(f.domain), f.item_text,
                                    in.passed ? "整改到位，办结" : "未整改到位，退回"),
                        {{"passed", in.passed}, {"order_id", *f.order_id}, {"note", note}}));
    Finding out = *LoadFinding(sql, f.id);
    out.recheck_history = LoadRechecks(sql, f.id);
    return out;
  });
}

Result<Rollup> InspectionService::GetRollup(const Principal& who, std::optional<std::int64_t> unit_id,
                                            EpochSeconds from, EpochSeconds to) const {
  FZ_CHECK(Need(who, auth::perm::kInspectionRead, "查看巡查汇总"));
  if (to <= from) return Invalid("结束时间应晚于开始时间", "to", "invalid_range");
  if (to - from > 400 * kDay) return Invalid("汇总的时间范围不能超过一年", "to", "range_too_long");
  return db_.Read([&](soci::session& sql) -> Result<Rollup> {
    const Reach reach = ReachOf(sql, who);
    const org::UnitRef u = FZ_TRY(UnitInReach(sql, reach, unit_id.value_or(reach.unit_id), "单位"));
    return ComputeRollup(sql, u.id, u.name, u.level, u.path, from, to);
  });
}

Result<FileDownload> InspectionService::RollupXlsx(const Principal& who, std::optional<std::int64_t> unit_id,
                                                   EpochSeconds from, EpochSeconds to) const {
  const Rollup r = FZ_TRY(GetRollup(who, unit_id, from, to));
  using files::Cell;
  std::vector<files::CellRow> rows = {{r.row_kind == "officers" ? "民警" : "单位", "巡查任务", "已完成", "按期完成",
                                       "发现问题", "已整改办结", "按期整改"}};
  for (const RollupRow* x : [&] {
         std::vector<const RollupRow*> v;
         for (const auto& row : r.rows) v.push_back(&row);
         v.push_back(&r.total);
         return v;
       }()) {
    rows.push_back({x == &r.total ? Cell::Bold("合计") : Cell(x->name), Cell::Int(x->tasks), Cell::Int(x->done),
                    Cell::Int(x->done_on_time), Cell::Int(x->findings), Cell::Int(x->closed),
                    Cell::Int(x->closed_on_time)});
  }
  std::vector<files::CellRow> items = {{"巡查领域", "检查项目", "发现问题"}};
  for (const auto& i : r.items) items.push_back({DomainName(i.domain), i.item_text, Cell::Int(i.findings)});
  std::vector<files::CellRow> weeks = {{"周（周一）", "巡查任务", "已完成", "发现问题"}};
  for (const auto& w : r.weeks) weeks.push_back({w.week, Cell::Int(w.tasks), Cell::Int(w.done), Cell::Int(w.findings)});
  auto bytes = FZ_TRY(files::WriteXlsx({files::SheetData("巡查汇总", std::move(rows), {24, 12, 12, 12, 12, 12, 12}),
                                        files::SheetData("问题分布", std::move(items), {16, 40, 12}),
                                        files::SheetData("周趋势", std::move(weeks), {14, 12, 12, 12})}));
  return FileDownload{std::move(bytes), files::kXlsx,
                      fmt::format("执法巡查汇总_{}_{}至{}.xlsx", r.unit_name, FormatDate(LocalDateOf(from)),
                                  FormatDate(LocalDateOf(to - 1)))};
}

int InspectionService::NotifyOverdue() {
  return db_
      .Write([&](soci::session& sql) -> Result<int> {
        const EpochSeconds now = clock_.Now();
        int sent = 0;
        for (const Task& t : OverdueUnnotified(sql, now)) {
          // The inspecting unit's inspectors and 法制员 (for a bureau, also those of its legal unit).
          db::SqlArgs a;
          std::vector<std::int64_t> users;
          db::Each(
              sql,
              fmt::format("SELECT DISTINCT u.id AS id FROM users u JOIN units n ON n.id = u.unit_id JOIN user_roles r "
                          "ON r.user_id = u.id WHERE u.active = 1 AND r.role IN ('inspector', 'legal_officer') AND "
                          "(n.id = {} OR (n.bureau_id = {} AND n.level = 'team' AND (n.category LIKE '%法制%' OR "
                          "n.name LIKE '%法制%'))) ORDER BY u.id",
                          a.Int(t.inspector_unit_id), a.Int(t.inspector_unit_id)),
              a, [&](const db::Row& r) { users.push_back(r.Int("id")); });
          notify::Send(
              sql,
              {.bureau_id = t.bureau_id,
               .kind = "inspection_overdue",
               .title = "巡查任务逾期未完成",
               .body = fmt::format("{}对{}的巡查任务（{}）已过完成期限 {}，请尽快完成评判。", t.inspector_unit_name,
                                   t.target_person_id ? t.target_person_name : t.target_unit_name, LevelName(t.level),
                                   FormatLocalDateTime(t.due_at)),
               .object_type = "inspection_task",
               .object_id = t.id,
               .case_id = std::nullopt,
               .dedup_key = fmt::format("inspection_overdue:{}", t.id)},
              {.users = users, .persons = {}}, now);
          MarkOverdueNotified(sql, t.id);
          ++sent;
        }
        return sent;
      })
      .value_or(0);
}

}  // namespace fazhi::inspections
