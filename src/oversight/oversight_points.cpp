#include "oversight/oversight_points.h"

#include <fmt/format.h>

#include "core/local_time.h"
#include "db/sql.h"
#include "oversight/internal.h"
#include "oversight/oversight_module.h"
#include "oversight/oversight_types.h"

namespace fazhi::oversight {

namespace {

using points::MonthScope;
using points::RawFact;

// The case columns every deduction names: number and title (the label), category, 主办.
constexpr const char* kCaseColumns =
    "c.external_id AS external_id, c.title AS title, c.category AS category, c.lead_officer_id AS lead_officer_id";

// The fact's case from the row (kCaseColumns) and the one responsible officer: `who` when set,
// else the case's 主办, else nobody.
void SetCase(RawFact& f, const db::Row& r, std::optional<std::int64_t> who) {
  f.case_label = points::CaseLabel(r.Text("external_id"), r.Text("title"));
  f.case_category = r.Str("category");
  const std::int64_t person = who.value_or(r.Int("lead_officer_id"));  // 0 when both NULL
  if (person != 0) f.officers.push_back({person, true});
}

// 执法监督违规.
class ViolationSource final : public points::LedgerSource {
 public:
  std::string_view id() const override { return "violation"; }
  std::string_view name_zh() const override { return "执法监督违规"; }

  Result<void> Collect(soci::session& sql, const MonthScope& s, std::vector<RawFact>& out) const override {
    db::SqlArgs a;
    const std::string q = fmt::format(
        "SELECT v.id AS id, v.case_id AS case_id, v.officer_id AS officer_id, v.rule_id AS rule_id, v.kind AS kind, "
        "v.severity AS severity, v.detected_at AS detected_at, v.message AS message, {} "
        "FROM violations v JOIN cases c ON c.id = v.case_id "
        "WHERE v.bureau_id = {} AND v.detected_at >= {} AND v.detected_at < {}",
        kCaseColumns, a.Int(s.bureau_id), a.Int(s.from), a.Int(s.to));
    db::Each(sql, q, a, [&](const db::Row& r) {
      RawFact f;
      f.act = "violation";
      f.variant = r.Str("severity");
      FZ_READ(r, f, rule_id, case_id);
      f.object_type = "violation";
      f.object_id = r.Int("id");
      f.at = r.Int("detected_at");
      SetCase(f, r, r.OptInt("officer_id"));
      const std::string_view kind = r.Text("kind");
      const char* kind_zh = kind == "overdue" ? "超期" : kind == "done_late" ? "超期办结" : "应办未办";
      f.note = fmt::format("{}（{}）{}", f.rule_id, kind_zh, r.Text("message"));
      out.push_back(std::move(f));
    });
    return {};
  }
};

// 法制审核问题 (证据/程序/定性).
class ReviewFindingSource final : public points::LedgerSource {
 public:
  std::string_view id() const override { return "review_finding"; }
  std::string_view name_zh() const override { return "法制审核问题"; }

  Result<void> Collect(soci::session& sql, const MonthScope& s, std::vector<RawFact>& out) const override {
    db::SqlArgs a;
    const std::string q = fmt::format(
        "SELECT f.id AS id, f.case_id AS case_id, f.category AS finding_category, f.description AS description, "
        "f.created_at AS created_at, r.stage AS stage, {} "
        "FROM review_findings f JOIN cases c ON c.id = f.case_id JOIN case_reviews r ON r.id = f.review_id "
        "WHERE f.bureau_id = {} AND f.created_at >= {} AND f.created_at < {}",
        kCaseColumns, a.Int(s.bureau_id), a.Int(s.from), a.Int(s.to));
    db::Each(sql, q, a, [&](const db::Row& r) {
      RawFact f;
      f.act = "review_finding";
      f.variant = r.Str("finding_category");
      f.object_type = "review_finding";
      f.object_id = r.Int("id");
      f.case_id = r.Int("case_id");
      f.at = r.Int("created_at");
      SetCase(f, r, std::nullopt);
      const std::string_view stage = r.Text("stage");
      f.note = fmt::format("{}：{}", ReviewStageName(stage), r.Text("description"));
      out.push_back(std::move(f));
    });
    return {};
  }
};

// 督办逾期未整改.
class OrderOverdueSource final : public points::LedgerSource {
 public:
  std::string_view id() const override { return "order_overdue"; }
  std::string_view name_zh() const override { return "督办逾期未整改"; }

  Result<void> Collect(soci::session& sql, const MonthScope& s, std::vector<RawFact>& out) const override {
    // 挂起 (suspended) orders are excepted: the 法制员 recorded a reason why the deadline cannot hold.
    db::SqlArgs a;
    const std::string q = fmt::format(
        "SELECT o.id AS id, o.case_id AS case_id, o.responsible_person_id AS responsible_person_id, "
        "o.deadline AS deadline, o.answered_at AS answered_at, o.problem_type AS problem_type, {} "
        "FROM supervision_orders o JOIN cases c ON c.id = o.case_id "
        "WHERE o.bureau_id = {} AND o.deadline >= {} AND o.deadline < {} AND o.status <> 'suspended' "
        "AND ((o.answered_at IS NOT NULL AND o.answered_at > o.deadline) "
        "OR (o.answered_at IS NULL AND o.deadline < {}))",
        kCaseColumns, a.Int(s.bureau_id), a.Int(s.from), a.Int(s.to), a.Int(s.as_of));
    db::Each(sql, q, a, [&](const db::Row& r) {
      RawFact f;
      f.act = "order_overdue";
      f.object_type = "supervision_order";
      f.object_id = r.Int("id");
      f.case_id = r.Int("case_id");
      f.at = r.Int("deadline");
      SetCase(f, r, r.OptInt("responsible_person_id"));
      const auto answered = r.OptInt("answered_at");
      f.note = answered ? fmt::format("督办 #{}（{}）整改期限 {}，{} 才答复", f.object_id, r.Text("problem_type"),
                                      FormatLocalDateTime(f.at), FormatLocalDateTime(*answered))
                        : fmt::format("督办 #{}（{}）整改期限 {}，逾期未答复", f.object_id, r.Text("problem_type"),
                                      FormatLocalDateTime(f.at));
      out.push_back(std::move(f));
    });
    return {};
  }
};

// 无有效执法资格办案: each case whose 主办 had no valid 执法资格 on the day it was accepted (the
// no_qualification alert of qualification_check.cpp stands), in the month of its 受案时间, charged to
// the 主办. The entry goes when the alert clears (a qualification recorded, the officer changed).
class QualificationSource final : public points::LedgerSource {
 public:
  std::string_view id() const override { return "qualification"; }
  std::string_view name_zh() const override { return "无有效执法资格办案"; }

  Result<void> Collect(soci::session& sql, const MonthScope& s, std::vector<RawFact>& out) const override {
    db::SqlArgs a;
    // The rule named literally, as in qualification_check.cpp: the partial index of migration 045
    // (this rule's alerts only) then serves the read instead of a scan of every clock.
    const std::string q = fmt::format(
        "SELECT a.case_id AS case_id, a.clock_key AS clock_key, a.message AS message, c.accepted_at AS accepted_at, "
        "{} FROM alerts a JOIN cases c ON c.id = a.case_id "
        "WHERE a.rule_id = '{}' AND a.bureau_id = {} AND a.clock_key LIKE {} AND c.accepted_at >= {} AND "
        "c.accepted_at < {}",
        kCaseColumns, detail::kQualificationRule, a.Int(s.bureau_id),
        a.Str(std::string(detail::kQualificationRule) + "|lead|%"), a.Int(s.from), a.Int(s.to));
    db::Each(sql, q, a, [&](const db::Row& r) {
      RawFact f;
      f.act = "no_qualification";
      f.object_type = "case";
      f.object_id = r.Int("case_id");
      f.case_id = r.Int("case_id");
      f.at = r.Int("accepted_at");
      const std::string key = r.Str("clock_key");  // no_qualification|lead|<person id>
      SetCase(f, r, std::stoll(key.substr(key.rfind('|') + 1)));
      f.note = r.Str("message");
      out.push_back(std::move(f));
    });
    return {};
  }
};

}  // namespace

std::unique_ptr<points::LedgerSource> MakeViolationSource() { return std::make_unique<ViolationSource>(); }
std::unique_ptr<points::LedgerSource> MakeReviewFindingSource() { return std::make_unique<ReviewFindingSource>(); }
std::unique_ptr<points::LedgerSource> MakeOrderOverdueSource() { return std::make_unique<OrderOverdueSource>(); }
std::unique_ptr<points::LedgerSource> MakeQualificationSource() { return std::make_unique<QualificationSource>(); }

// Declared in oversight_module.h; defined here, beside the sources it registers.
void OversightModule::AddLedgerSources(std::vector<std::unique_ptr<points::LedgerSource>>& out) {
  out.push_back(MakeViolationSource());
  out.push_back(MakeReviewFindingSource());
  out.push_back(MakeOrderOverdueSource());
  out.push_back(MakeQualificationSource());
}

}  // namespace fazhi::oversight
