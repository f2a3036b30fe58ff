#include "intake/intake_sources.h"

#include <fmt/format.h>

#include "db/sql.h"

namespace fazhi::intake {

namespace {

class ComplaintLedgerSource final : public points::LedgerSource {
 public:
  std::string_view id() const override { return "complaint"; }
  std::string_view name_zh() const override { return "投诉查实"; }
  Result<void> Collect(soci::session& sql, const points::MonthScope& s,
                       std::vector<points::RawFact>& out) const override {
    db::SqlArgs a;
    db::Each(sql,
             fmt::format("SELECT id, ticket_no, subject_person_id, concluded_at, category FROM intake_tickets WHERE "
                         "bureau_id = {} AND kind = 'complaint' AND substantiated = 1 AND subject_person_id IS NOT "
                         "NULL AND concluded_at >= {} AND concluded_at < {}",
                         a.Int(s.bureau_id), a.Int(s.from), a.Int(s.to)),
             a, [&](const db::Row& r) {
               points::RawFact f;
               f.act = "complaint_substantiated";
               f.object_type = "intake_ticket";
               f.object_id = r.Int("id");
               f.at = r.Int("concluded_at");
               f.officers = {{r.Int("subject_person_id"), true}};
               const std::string_view category = r.Text("category");
               f.note = fmt::format("投诉 {} 经查属实{}", r.Text("ticket_no"),
                                    category.empty() ? std::string() : fmt::format("（{}）", category));
               out.push_back(std::move(f));
             });
    return {};
  }
};

struct Counts {
  std::int64_t total = 0, reports = 0, complaints = 0, consults = 0, helps = 0, concluded = 0, on_time = 0,
               substantiated = 0, rated = 0, satisfied = 0;
};

Counts CountPeriod(soci::session& sql, std::string_view path, EpochSeconds from, EpochSeconds to) {
  Counts c;
  db::SqlArgs a;
  db::First(
      sql,
      fmt::format(
          "SELECT COUNT(*) AS n, SUM(CASE WHEN t.kind = 'report' THEN 1 ELSE 0 END) AS reports, SUM(CASE WHEN t.kind = "
          "'complaint' THEN 1 ELSE 0 END) AS complaints, SUM(CASE WHEN t.kind = 'consult' THEN 1 ELSE 0 END) AS "
          "consults, SUM(CASE WHEN t.kind = 'help' THEN 1 ELSE 0 END) AS helps, SUM(CASE WHEN t.concluded_at IS NOT "
          "NULL THEN 1 ELSE 0 END) AS concluded, SUM(CASE WHEN t.concluded_at IS NOT NULL AND t.concluded_at <= "
          "t.due_at THEN 1 ELSE 0 END) AS on_time, SUM(CASE WHEN t.substantiated = 1 THEN 1 ELSE 0 END) AS subst, "
          "SUM(CASE WHEN t.satisfaction IS NOT NULL THEN 1 ELSE 0 END) AS rated, SUM(CASE WHEN t.satisfaction >= 4 "
          "THEN 1 ELSE 0 END) AS satisfied FROM intake_tickets t JOIN units u ON u.id = t.desk_unit_id WHERE {} AND "
          "t.received_at >= {} AND t.received_at < {}",
          db::PathUnder(a, "u.path", path), a.Int(from), a.Int(to)),
      a, [&](const db::Row& r) {
        c.total = r.Int("n");
        FZ_READ(r, c, reports, complaints, consults, helps, concluded, on_time, rated, satisfied);
        c.substantiated = r.Int("subst");
      });
  return c;
}

class IntakeSection final : public kit::BulletinSectionProvider {
 public:
  std::string_view id() const override { return "intake"; }
  int order() const override { return 38; }

  Result<kit::BulletinSection> Compute(soci::session& sql, const kit::BulletinPeriod& period,
                                       const kit::BulletinScope& scope) const override {
    kit::BulletinSection s;
    s.id = "intake";
    s.title = "接报案大厅受理情况";
    s.empty_text = fmt::format("本期（{}）接报案大厅无接报记录。", period.Label());
    const Counts now = CountPeriod(sql, scope.unit_path, period.from, period.to);
    if (now.total == 0) return s;
    const kit::BulletinPeriod prev_period = period.Previous();
    const Counts prev = CountPeriod(sql, scope.unit_path, prev_period.from, prev_period.to);
    s.has_data = true;
    const std::string src = fmt::format("数据来源：接报案登记 intake_tickets，接报于 {}，{}（含下级单位）",
                                        period.RangeText(), scope.unit_name);
    s.figures = {
        {"total", "接报总数", now.total, std::nullopt, prev.total, "件", src},
        {"reports", "报案", now.reports, now.total, prev.reports, "", src},
        {"complaints", "投诉", now.complaints, now.total, prev.complaints, "", src},
        {"substantiated", "投诉查实", now.substantiated, now.complaints, std::nullopt, "", src},
        {"on_time", "按期办结", now.on_time, now.concluded, std::nullopt, "", src},
        {"satisfied", "满意（4–5 分）", now.satisfied, now.rated, std::nullopt, "", src},
    };
    s.tables.push_back(kit::BulletinTable{.caption = "接报类型分布",
                                          .header = {"类型", "件数"},
                                          .rows = {{"报案", std::to_string(now.reports)},
                                                   {"投诉", std::to_string(now.complaints)},
                                                   {"咨询", std::to_string(now.consults)},
                                                   {"求助", std::to_string(now.helps)}},
                                          .numeric = {false, true},
                                          .source = src});
    s.summary = fmt::format(
        "{}接报案大厅共接报 {} 件，其中报案 {} 件、投诉 {} 件（查实 {} 件）、咨询 {} 件、求助 {} 件；办结 {} "
        "件，按期办结 {} "
        "件（{}）；{} 件作满意度评价，满意 {} 件（{}）。",
        period.Label(), now.total, now.reports, now.complaints, now.substantiated, now.consults, now.helps,
        now.concluded, now.on_time, kit::RatioText(now.on_time, now.concluded), now.rated, now.satisfied,
        kit::RatioText(now.satisfied, now.rated));
    return s;
  }
};

}  // namespace

std::unique_ptr<points::LedgerSource> MakeLedgerSource() { return std::make_unique<ComplaintLedgerSource>(); }
std::unique_ptr<kit::BulletinSectionProvider> MakeBulletinSection() { return std::make_unique<IntakeSection>(); }

}  // namespace fazhi::intake
