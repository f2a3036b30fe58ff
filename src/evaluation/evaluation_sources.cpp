#include "evaluation/evaluation_sources.h"

#include <fmt/format.h>

#include "db/sql.h"
#include "evaluation/evaluation_types.h"

namespace fazhi::evaluation {

namespace {

class CaseRatingSource final : public points::LedgerSource {
 public:
  std::string_view id() const override { return "case_rating"; }
  std::string_view name_zh() const override { return "优劣质案件评定"; }
  Result<void> Collect(soci::session& sql, const points::MonthScope& s,
                       std::vector<points::RawFact>& out) const override {
    db::SqlArgs a;
    db::Each(sql,
             fmt::format("SELECT c.id, c.case_id, c.external_id, c.title, c.category, c.grade, c.lead_officer_id, "
                         "c.score_x100, r.name AS round_name, r.closed_at FROM eval_round_cases c JOIN eval_rounds r "
                         "ON r.id = c.round_id WHERE c.bureau_id = {} AND r.status = 'closed' AND c.grade IN ('good', "
                         "'poor') AND c.lead_officer_id IS NOT NULL AND r.closed_at >= {} AND r.closed_at < {}",
                         a.Int(s.bureau_id), a.Int(s.from), a.Int(s.to)),
             a, [&](const db::Row& r) {
               points::RawFact f;
               const bool good = r.Text("grade") == "good";
               f.act = good ? "case_rating_good" : "case_rating_poor";
               f.object_type = "eval_round_case";
               f.object_id = r.Int("id");
               f.case_id = r.Int("case_id");
               f.case_label = points::CaseLabel(r.Text("external_id"), r.Text("title"));
               f.case_category = r.Str("category");
               f.at = r.Int("closed_at");
               f.officers = {{r.Int("lead_officer_id"), true}};
               f.note = fmt::format("{}评为{}（{:.2f} 分）", r.Text("round_name"), good ? "优质案件" : "劣质案件",
                                    static_cast<double>(r.Int("score_x100")) / 100.0);
               out.push_back(std::move(f));
             });
    return {};
  }
};

struct Counts {
  std::int64_t total = 0, good = 0, pass = 0, poor = 0;
};

Counts CountPeriod(soci::session& sql, std::string_view path, EpochSeconds from, EpochSeconds to,
                   std::vector<std::string>* items) {
  Counts c;
  db::SqlArgs a;
  db::Each(
      sql,
      fmt::format("SELECT c.grade, c.external_id, c.score_x100, r.name AS round_name FROM eval_round_cases c JOIN "
                  "eval_rounds r ON r.id = c.round_id JOIN units u ON u.id = c.unit_id WHERE r.status = 'closed' "
                  "AND c.grade IS NOT NULL AND {} AND r.closed_at >= {} AND r.closed_at < {} ORDER BY c.id",
                  db::PathUnder(a, "u.path", path), a.Int(from), a.Int(to)),
      a, [&](const db::Row& r) {
        const std::string grade = r.Str("grade");
        ++c.total;
        (grade == "good" ? c.good : grade == "poor" ? c.poor : c.pass)++;
        if (items && grade != "pass")
          items->push_back(fmt::format("{}：案件 {} 评为{}（{:.2f} 分）", r.Text("round_name"), r.Text("external_id"),
                                       GradeName(grade), static_cast<double>(r.Int("score_x100")) / 100.0));
      });
  return c;
}

class EvaluationSection final : public kit::BulletinSectionProvider {
 public:
  std::string_view id() const override { return "evaluation"; }
  int order() const override { return 42; }

  Result<kit::BulletinSection> Compute(soci::session& sql, const kit::BulletinPeriod& period,
                                       const kit::BulletinScope& scope) const override {
    kit::BulletinSection s;
    s.id = "evaluation";
    s.title = "优劣质案件评定情况";
    s.empty_text = fmt::format("本期（{}）无结束的案件评定。", period.Label());
    std::vector<std::string> items;
    const Counts now = CountPeriod(sql, scope.unit_path, period.from, period.to, &items);
    if (now.total == 0) return s;
    s.has_data = true;
    const std::string src = fmt::format("数据来源：案件评定结果 eval_round_cases，评定结束于 {}，{}（含下级单位）",
                                        period.RangeText(), scope.unit_name);
    s.figures = {
        {"evaluated", "评定案件", now.total, std::nullopt, std::nullopt, "件", src},
        {"good", "优质案件", now.good, now.total, std::nullopt, "", src},
        {"pass", "合格案件", now.pass, now.total, std::nullopt, "", src},
        {"poor", "劣质案件", now.poor, now.total, std::nullopt, "", src},
    };
    s.items = std::move(items);
    s.items_title = "优质与劣质案件";
    s.items_source = src;
    s.summary = fmt::format("{}结束评定的案件 {} 件，其中优质 {} 件（{}）、合格 {} 件、劣质 {} 件（{}）。",
                            period.Label(), now.total, now.good, kit::RatioText(now.good, now.total), now.pass,
                            now.poor, kit::RatioText(now.poor, now.total));
    return s;
  }
};

}  // namespace

std::unique_ptr<points::LedgerSource> MakeLedgerSource() { return std::make_unique<CaseRatingSource>(); }
std::unique_ptr<kit::BulletinSectionProvider> MakeBulletinSection() { return std::make_unique<EvaluationSection>(); }

}  // namespace fazhi::evaluation
