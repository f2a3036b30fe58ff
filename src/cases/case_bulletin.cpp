#include "cases/case_bulletin.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "cases/cases_module.h"
#include "db/sql.h"

namespace fazhi::cases {

namespace {

struct UnitCounts {
  std::string name;
  std::string path;
  std::int64_t criminal = 0, administrative = 0, closed = 0, previous = 0;
};

struct Totals {
  std::int64_t criminal = 0, administrative = 0, closed = 0;
  std::int64_t accepted() const { return criminal + administrative; }
};

// Accepted cases of [from, to) per unit and type, added into `units` through `add`.
template <typename Fn>
void CountBy(soci::session& sql, const std::string& column, const kit::BulletinScope& scope, EpochSeconds from,
             EpochSeconds to, Fn&& add) {
  db::SqlArgs a;
  const std::string q = fmt::format(
      "SELECT c.unit_id, u.name AS unit_name, u.path AS unit_path, c.case_type, COUNT(*) AS n FROM cases c JOIN units "
      "u ON u.id = c.unit_id WHERE {} AND c.{} >= {} AND c.{} < {} GROUP BY c.unit_id, u.name, u.path, c.case_type",
      db::PathUnder(a, "u.path", scope.unit_path), column, a.Int(from), column, a.Int(to));
  db::Each(sql, q, a, [&](const db::Row& r) {
    add(r.Int("unit_id"), r.Str("unit_name"), r.Str("unit_path"), r.Text("case_type") == "criminal", r.Int("n"));
  });
}

class CaseSection final : public kit::BulletinSectionProvider {
 public:
  std::string_view id() const override { return "cases"; }
  int order() const override { return 10; }

  Result<kit::BulletinSection> Compute(soci::session& sql, const kit::BulletinPeriod& period,
                                       const kit::BulletinScope& scope) const override {
    const kit::BulletinPeriod prev = period.Previous();
    std::map<std::int64_t, UnitCounts> units;
    Totals now, before;
    auto unit = [&](std::int64_t id, const std::string& name, const std::string& path) -> UnitCounts& {
      auto& u = units[id];
      u.name = name;
      u.path = path;
      return u;
    };
    CountBy(sql, "accepted_at", scope, period.from, period.to,
            [&](std::int64_t id, const std::string& name, const std::string& path, bool criminal, std::int64_t n) {
              auto& u = unit(id, name, path);
              (criminal ? u.criminal : u.administrative) += n;
              (criminal ? now.criminal : now.administrative) += n;
            });
    CountBy(sql, "closed_at", scope, period.from, period.to,
            [&](std::int64_t id, const std::string& name, const std::string& path, bool, std::int64_t n) {
              unit(id, name, path).closed += n;
              now.closed += n;
            });
    CountBy(sql, "accepted_at", scope, prev.from, prev.to,
            [&](std::int64_t id, const std::string& name, const std::string& path, bool criminal, std::int64_t n) {
              unit(id, name, path).previous += n;
              (criminal ? before.criminal : before.administrative) += n;
            });
    CountBy(sql, "closed_at", scope, prev.from, prev.to,
            [&](std::int64_t, const std::string&, const std::string&, bool, std::int64_t n) { before.closed += n; });

    kit::BulletinSection s;
    s.id = "cases";
    s.title = "案件受理与办结情况";
    s.has_data = now.accepted() + now.closed > 0;
    s.empty_text = fmt::format("本期（{}）无案件受理、办结数据。", period.Label());
    if (!s.has_data) return s;
    const std::string where = fmt::format("{}（含下级单位）", scope.unit_name);
    const std::string accepted_src =
        fmt::format("数据来源：案件库 cases，受案时间 accepted_at 在 {}，{}", period.RangeText(), where);
    const std::string closed_src =
        fmt::format("数据来源：案件库 cases，结案时间 closed_at 在 {}，{}", period.RangeText(), where);
    // A previous period without any case is no basis for a comparison: no change is printed.
    const bool compare = before.accepted() + before.closed > 0;
    auto compared = [&](std::int64_t v) { return compare ? std::optional<std::int64_t>(v) : std::nullopt; };
    s.figures = {
        {.key = "accepted",
         .label = "受理案件",
         .value = now.accepted(),
         .previous = compared(before.accepted()),
         .unit = "起",
         .source = accepted_src},
        {.key = "criminal",
         .label = "其中刑事案件",
         .value = now.criminal,
         .previous = compared(before.criminal),
         .unit = "起",
         .source = accepted_src + "，case_type = criminal"},
        {.key = "administrative",
         .label = "其中行政案件",
         .value = now.administrative,
         .previous = compared(before.administrative),
         .unit = "起",
         .source = accepted_src + "，case_type = administrative"},
        {.key = "closed",
         .label = "办结案件",
         .value = now.closed,
         .previous = compared(before.closed),
         .unit = "起",
         .source = closed_src},
    };
    s.summary =
        fmt::format("{}，{}共受理各类案件{}起（刑事案件{}起、行政案件{}起），{}；办结案件{}起。", period.Label(),
                    scope.unit_name, now.accepted(), now.criminal, now.administrative,
                    compare ? kit::ChangeText(s.figures[0]) : std::string("上期无案件数据，不作比较"), now.closed);
    kit::BulletinTable t;
    t.caption = "各单位受理、办结案件情况";
    t.header = {"单位", "受理刑事", "受理行政", "受理合计", "上期受理", "办结"};
    t.numeric = {false, true, true, true, true, true};
    std::vector<const UnitCounts*> order;
    for (const auto& [id, u] : units) order.push_back(&u);
    std::sort(order.begin(), order.end(), [](const UnitCounts* a, const UnitCounts* b) { return a->path < b->path; });
    for (const UnitCounts* u : order)
      t.rows.push_back({u->name, std::to_string(u->criminal), std::to_string(u->administrative),
                        std::to_string(u->criminal + u->administrative), compare ? std::to_string(u->previous) : "—",
                        std::to_string(u->closed)});
    t.rows.push_back({"合计", std::to_string(now.criminal), std::to_string(now.administrative),
                      std::to_string(now.accepted()), compare ? std::to_string(before.accepted()) : "—",
                      std::to_string(now.closed)});
    t.source = fmt::format("数据来源：案件库 cases，按办案单位 unit_id 分组；本期 {}，上期 {}；{}", period.RangeText(),
                           prev.RangeText(), where);
    s.tables.push_back(std::move(t));
    return s;
  }
};

}  // namespace

std::unique_ptr<kit::BulletinSectionProvider> MakeCaseBulletinSection() { return std::make_unique<CaseSection>(); }

void CasesModule::AddBulletinSections(std::vector<std::unique_ptr<kit::BulletinSectionProvider>>& out) {
  out.push_back(MakeCaseBulletinSection());
}

}  // namespace fazhi::cases
