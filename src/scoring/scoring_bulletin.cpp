#include "scoring/scoring_bulletin.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "db/sql.h"
#include "scoring/scoring_module.h"

namespace fazhi::scoring {

namespace {

std::string Points(std::int64_t centi) {
  const bool neg = centi < 0;
  const std::int64_t a = neg ? -centi : centi;
  if (a % 100 == 0) return fmt::format("{}{}", neg ? "-" : "", a / 100);
  if (a % 10 == 0) return fmt::format("{}{}.{}", neg ? "-" : "", a / 100, (a % 100) / 10);
  return fmt::format("{}{}.{:02d}", neg ? "-" : "", a / 100, a % 100);
}

struct UnitPoints {
  std::string name;
  std::int64_t centi = 0;
  std::int64_t officers = 0;
};

class ScoringSection final : public kit::BulletinSectionProvider {
 public:
  std::string_view id() const override { return "points"; }
  int order() const override { return 40; }

  Result<kit::BulletinSection> Compute(soci::session& sql, const kit::BulletinPeriod& period,
                                       const kit::BulletinScope& scope) const override {
    const std::vector<std::string> months = period.Months();
    std::vector<std::string> published;
    {
      db::SqlArgs a;
      db::Each(sql,
               fmt::format("SELECT month FROM score_months WHERE bureau_id = {} AND month IN {} AND status IN "
                           "('published', 'final') ORDER BY month",
                           a.Int(scope.bureau_id), a.StrList(months)),
               a, [&](const db::Row& r) { published.push_back(r.Str("month")); });
    }
    kit::BulletinSection s;
    s.id = "points";
    s.title = "执法办案积分情况";
    s.empty_text = fmt::format("本期（{}）无已公示的执法办案积分数据。", period.Label());
    if (published.empty()) return s;
    std::map<std::int64_t, UnitPoints> units;
    std::int64_t entries = 0;
    {
      db::SqlArgs a;
      db::Each(
          sql,
          fmt::format("SELECT e.unit_id, u.name AS unit_name, SUM(e.points_centi) AS centi, COUNT(DISTINCT "
                      "e.person_id) AS officers, COUNT(*) AS n FROM score_entries e JOIN units u ON u.id = e.unit_id "
                      "WHERE e.bureau_id = {} AND e.month IN {} AND {} GROUP BY e.unit_id, u.name",
                      a.Int(scope.bureau_id), a.StrList(published), db::PathUnder(a, "u.path", scope.unit_path)),
          a, [&](const db::Row& r) {
            auto& u = units[r.Int("unit_id")];
            u.name = r.Str("unit_name");
            FZ_READ(r, u, centi, officers);
            entries += r.Int("n");
          });
    }
    if (units.empty()) return s;
    s.has_data = true;
    std::vector<const UnitPoints*> ranked;
    for (const auto& [id, u] : units) ranked.push_back(&u);
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const UnitPoints* a, const UnitPoints* b) { return a->centi > b->centi; });
    std::int64_t total = 0;
    for (const auto* u : ranked) total += u->centi;
    std::string month_list;
    for (const auto& m : published) month_list += (month_list.empty() ? "" : "、") + m;
    const std::string src = fmt::format(
        "数据来源：积分明细 score_entries，已公示月份 {}（score_months.status 为 published/final），{}（含下级单位）",
        month_list, scope.unit_name);
    s.figures = {
        {.key = "entries", .label = "积分明细", .value = entries, .unit = "条", .source = src},
        {.key = "units",
         .label = "参与排名单位",
         .value = static_cast<std::int64_t>(ranked.size()),
         .unit = "个",
         .source = src},
    };
    s.summary = fmt::format(
        "执法办案积分方面，本期已公示月份为{}，共记积分明细{}条。单位积分排名第一的是{}（{}分）{}。", month_list,
        entries, ranked.front()->name, Points(ranked.front()->centi),
        ranked.size() > 1 ? fmt::format("，末位是{}（{}分）", ranked.back()->name, Points(ranked.back()->centi))
                          : std::string());
    if (published.size() < months.size())
      s.summary += fmt::format("本期另有{}个月积分尚未公示，未计入。", months.size() - published.size());
    kit::BulletinTable t;
    t.caption = "单位执法办案积分排名";
    t.header = {"名次", "单位", "积分合计", "计分民警", "人均积分"};
    t.numeric = {true, false, true, true, true};
    int rank = 0;
    for (const auto* u : ranked)
      t.rows.push_back({std::to_string(++rank), u->name, Points(u->centi), std::to_string(u->officers),
                        u->officers ? Points(u->centi / u->officers) : "—"});
    t.rows.push_back({"", "合计", Points(total), "", ""});
    t.source = src;
    s.tables.push_back(std::move(t));
    return s;
  }
};

}  // namespace

std::unique_ptr<kit::BulletinSectionProvider> MakeScoringBulletinSection() {
  return std::make_unique<ScoringSection>();
}

void ScoringModule::AddBulletinSections(std::vector<std::unique_ptr<kit::BulletinSectionProvider>>& out) {
  out.push_back(MakeScoringBulletinSection());
}

}  // namespace fazhi::scoring
