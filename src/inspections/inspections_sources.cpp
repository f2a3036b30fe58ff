// What the inspections module contributes to other modules through kit::Module: the points-ledger
// source "inspection" (one deduction per finding, act inspection_finding, the scheme's points times
// the checklist item's 分值) and the bulletin section
// "inspections" (巡查开展与发现问题情况). Both read only the module's own tables.
#include "inspections/inspections_sources.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "db/sql.h"
#include "inspections/inspections_store.h"

namespace fazhi::inspections {

namespace {

class FindingLedgerSource final : public points::LedgerSource {
 public:
  std::string_view id() const override { return "inspection"; }
  std::string_view name_zh() const override { return "执法巡查发现问题"; }
  Result<void> Collect(soci::session& sql, const points::MonthScope& s,
                       std::vector<points::RawFact>& out) const override {
    db::SqlArgs a;
    db::Each(
        sql,
        fmt::format(
            "SELECT f.id AS id, f.person_id AS person_id, f.domain AS domain, f.item_text AS item_text, "
            "f.record_label AS record_label, f.weight AS weight, f.created_at AS created_at FROM inspection_findings f "
            "WHERE f.bureau_id = {} AND f.created_at >= {} AND f.created_at < {} AND f.person_id IS NOT "
            "NULL",
            a.Int(s.bureau_id), a.Int(s.from), a.Int(s.to)),
        a, [&](const db::Row& r) {
          points::RawFact f;
          f.act = "inspection_finding";
          f.object_type = "inspection_finding";
          f.object_id = r.Int("id");
          f.at = r.Int("created_at");
          f.officers = {{r.Int("person_id"), true}};
          f.units = static_cast<int>(r.Int("weight"));
          const std::string_view label = r.Text("record_label");
          f.note = fmt::format("{}·{}{}", DomainName(r.Text("domain")), r.Text("item_text"),
                               label.empty() ? std::string() : fmt::format("（{}）", label));
          out.push_back(std::move(f));
        });
    return {};
  }
};

struct Counts {
  std::int64_t tasks = 0, done = 0, findings = 0, closed_on_time = 0;
};

Counts CountPeriod(soci::session& sql, std::string_view path, EpochSeconds from, EpochSeconds to) {
  Counts c;
  db::SqlArgs a;
  db::First(sql,
            fmt::format("SELECT COUNT(*) AS n, SUM(CASE WHEN t.status = 'done' THEN 1 ELSE 0 END) AS done FROM "
                        "inspection_tasks t JOIN units u ON u.id = t.target_unit_id WHERE {} AND t.period_start >= {} "
                        "AND t.period_start < {}",
                        db::PathUnder(a, "u.path", path), a.Int(from), a.Int(to)),
            a, [&](const db::Row& r) {
              c.tasks = r.Int("n");
              c.done = r.Int("done");
            });
  db::SqlArgs b;
  db::First(sql,
            fmt::format("SELECT COUNT(*) AS n, SUM(CASE WHEN f.on_time = 1 THEN 1 ELSE 0 END) AS on_time FROM "
                        "inspection_findings f JOIN units u ON u.id = f.unit_id WHERE {} AND f.created_at >= {} AND "
                        "f.created_at < {}",
                        db::PathUnder(b, "u.path", path), b.Int(from), b.Int(to)),
            b, [&](const db::Row& r) {
              c.findings = r.Int("n");
              c.closed_on_time = r.Int("on_time");
            });
  return c;
}

class InspectionSection final : public kit::BulletinSectionProvider {
 public:
  std::string_view id() const override { return "inspections"; }
  int order() const override { return 35; }

  Result<kit::BulletinSection> Compute(soci::session& sql, const kit::BulletinPeriod& period,
                                       const kit::BulletinScope& scope) const override {
    kit::BulletinSection s;
    s.id = "inspections";
    s.title = "三级执法巡查情况";
    s.empty_text = fmt::format("本期（{}）无执法巡查数据。", period.Label());
    const Counts now = CountPeriod(sql, scope.unit_path, period.from, period.to);
    if (now.tasks == 0 && now.findings == 0) return s;
    const kit::BulletinPeriod prev_period = period.Previous();
    const Counts prev = CountPeriod(sql, scope.unit_path, prev_period.from, prev_period.to);
    s.has_data = true;
    const std::string range = period.RangeText();
    const std::string task_src = fmt::format(
        "数据来源：巡查任务 inspection_tasks，巡查周期开始于 {}，被巡查对象属{}（含下级单位）", range, scope.unit_name);
    const std::string finding_src =
        fmt::format("数据来源：巡查发现问题 inspection_findings，发现于 {}，{}（含下级单位）", range, scope.unit_name);
    s.figures = {
        {"tasks", "巡查任务", now.tasks, std::nullopt, prev.tasks, "项", task_src},
        {"done", "已完成巡查", now.done, now.tasks, std::nullopt, "", task_src},
        {"findings", "发现问题", now.findings, std::nullopt, prev.findings, "个", finding_src},
        {"on_time", "按期整改办结", now.closed_on_time, now.findings, std::nullopt, "", finding_src},
    };
    kit::BulletinTable by_domain{.caption = "发现问题按巡查领域分布",
                                 .header = {"巡查领域", "发现问题", "按期整改办结"},
                                 .rows = {},
                                 .numeric = {false, true, true},
                                 .source = finding_src};
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> domains;
    std::map<std::string, std::int64_t> items;
    {
      db::SqlArgs a;
      db::Each(sql,
               fmt::format("SELECT f.domain AS domain, f.item_text AS item_text, f.on_time AS on_time FROM "
                           "inspection_findings f JOIN units u ON u.id = f.unit_id WHERE {} AND f.created_at >= {} "
                           "AND f.created_at < {}",
                           db::PathUnder(a, "u.path", scope.unit_path), a.Int(period.from), a.Int(period.to)),
               a, [&](const db::Row& r) {
                 auto& d = domains[r.Str("domain")];
                 ++d.first;
                 d.second += r.Int("on_time") == 1 ? 1 : 0;
                 ++items[fmt::format("{}·{}", DomainName(r.Text("domain")), r.Text("item_text"))];
               });
    }
    for (const auto& d : kDomains)
      if (auto it = domains.find(d); it != domains.end())
        by_domain.rows.push_back({DomainName(d), std::to_string(it->second.first), std::to_string(it->second.second)});
    if (!by_domain.rows.empty()) s.tables.push_back(std::move(by_domain));
    std::vector<std::pair<std::string, std::int64_t>> ranked(items.begin(), items.end());
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& x, const auto& y) { return x.second > y.second; });
    if (ranked.size() > 5) ranked.resize(5);
    for (const auto& [text, n] : ranked) s.items.push_back(fmt::format("{}（{} 个）", text, n));
    s.items_title = "突出问题";
    s.items_source = finding_src;
    s.summary =
        fmt::format("{}共开展执法巡查 {} 项，完成 {} 项（{}），发现问题 {} 个，已按期整改办结 {} 个。", period.Label(),
                    now.tasks, now.done, kit::RatioText(now.done, now.tasks), now.findings, now.closed_on_time);
    return s;
  }
};

}  // namespace

std::unique_ptr<points::LedgerSource> MakeLedgerSource() { return std::make_unique<FindingLedgerSource>(); }
std::unique_ptr<kit::BulletinSectionProvider> MakeBulletinSection() { return std::make_unique<InspectionSection>(); }

}  // namespace fazhi::inspections
