#include "scoring/sources.h"

#include <fmt/format.h>

#include <unordered_map>

#include "core/local_time.h"
#include "scoring/row_reader.h"

namespace fazhi::scoring {

namespace {

// The case's number and title as reasons show it.
std::string CaseLabel(std::string_view external_id, std::string_view title) {
  std::string out(external_id);
  if (!title.empty()) out.append("（").append(title).append("）");
  return out;
}

constexpr ColumnType kI = ColumnType::kInt, kT = ColumnType::kText;

// 受案/立案/移送起诉/行政处罚决定 and 破案/查结.
class CaseStageSource final : public LedgerSource {
 public:
  std::string_view id() const override { return "case_stage"; }
  std::string_view name_zh() const override { return "案件办理阶段"; }

  Result<void> Collect(soci::session& sql, const MonthScope& s, std::vector<RawFact>& out) override {
    // Each case's text is fetched once (not once per event) and events as bare (case, type, time).
    const long long bureau = s.bureau_id, from = s.from, to = s.to;
    // The cases the month touches: a scorable event in the month, or closed in the month. UNION ALL:
    // the IN list removes duplicates itself (a UNION would sort them out once more). Each parameter
    // name appears once: SOCI's PostgreSQL backend binds a name to one place only.
    static constexpr const char* kTouched =
        "(SELECT e.case_id FROM case_events e WHERE e.bureau_id = :b AND e.at >= :f AND e.at < :t AND e.type IN "
        "('accept_case', 'file_case', 'transfer_prosecution', 'penalty_decision') "
        "UNION ALL SELECT c2.id FROM cases c2 WHERE c2.bureau_id = :b2 AND c2.closed_at >= :f2 AND c2.closed_at < :t2)";
    static constexpr const char* kActs[] = {"accept_case", "file_case", "transfer_prosecution", "penalty_decision"};

    struct CaseInfo {
      std::string label, category;
      std::vector<FactOfficer> officers;
      std::int64_t lead_fallback = 0;
      int facts = 0;  // facts of this case still to be filled in (the last one takes the strings)
    };
    std::unordered_map<std::int64_t, CaseInfo> cases;
    const std::size_t first = out.size();

    // First event of each scorable type per case, when that first event lies in the month: the
    // month's events of those types without an earlier one of the same type (several in the month,
    // e.g. one per suspect, are reduced to the first here rather than with GROUP BY, which costs a sort).
    // The type comes as its index in kActs.
    {
      std::unordered_map<std::int64_t, std::size_t> first_of;  // (case, type) → index in out
      static constexpr ColumnType kCols[] = {kI, kI, kI};
      ForEachRow(sql,
                 "SELECT e.case_id, CASE e.type WHEN 'accept_case' THEN 0 WHEN 'file_case' THEN 1 "
                 "WHEN 'transfer_prosecution' THEN 2 ELSE 3 END, e.at FROM case_events e "
                 "WHERE e.bureau_id = :b AND e.at >= :f AND e.at < :t AND e.type IN "
                 "('accept_case', 'file_case', 'transfer_prosecution', 'penalty_decision') "
                 "AND NOT EXISTS (SELECT 1 FROM case_events p WHERE p.case_id = e.case_id "
                 "AND p.type = e.type AND p.at < :f2)",
                 {{"b", bureau}, {"f", from}, {"t", to}, {"f2", from}}, kCols, [&](const RowView& r) {
                   const std::int64_t case_id = r.Int(0), type = r.Int(1), at = r.Int(2);
                   auto [it, fresh] = first_of.try_emplace(case_id * 4 + type, out.size());
                   if (!fresh) {
                     if (at < out[it->second].at) out[it->second].at = at;
                     return;
                   }
                   RawFact f;
                   f.act = kActs[type];
                   f.object_type = "case";
                   f.object_id = case_id;
                   f.case_id = case_id;
                   f.at = at;
                   out.push_back(std::move(f));
                 });
    }
    // The touched cases with their 主办/协办 (one row per officer, one with NULLs for a case without
    // any: the touched set is evaluated once); 破案/查结 for those closed in the month.
    {
      static constexpr ColumnType kCols[] = {kI, kT, kT, kT, kI, kI, kI, kI, kI};
      ForEachRow(sql,
                 std::string("SELECT c.id, c.external_id, c.title, c.category, c.lead_officer_id, c.closed_at, "
                             "c.fast_track, co.person_id, CASE WHEN co.role = 'lead' THEN 1 ELSE 0 END "
                             "FROM cases c LEFT JOIN case_officers co ON co.case_id = c.id WHERE c.id IN ") +
                     kTouched,
                 {{"b", bureau}, {"f", from}, {"t", to}, {"b2", bureau}, {"f2", from}, {"t2", to}}, kCols,
                 [&](const RowView& r) {
                   const std::int64_t case_id = r.Int(0);
                   auto [it, fresh] = cases.try_emplace(case_id);
                   CaseInfo& ci = it->second;
                   if (!r.IsNull(7)) ci.officers.push_back({r.Int(7), r.Int(8) != 0});
                   if (!fresh) return;
                   ci.label = CaseLabel(r.Text(1), r.Text(2));
                   ci.category = r.Text(3);
                   ci.lead_fallback = r.Int(4);  // 0 when NULL
                   if (!r.IsNull(5) && r.Int(5) >= from && r.Int(5) < to) {
                     RawFact f;
                     f.act = r.Int(6) != 0 ? "fast_track_concluded" : "conclude_case";
                     f.object_type = "case";
                     f.object_id = case_id;
                     f.case_id = case_id;
                     f.at = r.Int(5);
                     out.push_back(std::move(f));
                   }
                 });
    }
    for (std::size_t i = first; i < out.size(); ++i) ++cases[out[i].case_id].facts;
    for (std::size_t i = first; i < out.size(); ++i) {
      RawFact& f = out[i];
      CaseInfo& ci = cases[f.case_id];
      if (--ci.facts > 0) {
        f.case_label = ci.label;
        f.case_category = ci.category;
        f.officers = ci.officers;
      } else {
        f.case_label = std::move(ci.label);
        f.case_category = std::move(ci.category);
        f.officers = std::move(ci.officers);
      }
      if (f.officers.empty() && ci.lead_fallback != 0) f.officers.push_back({ci.lead_fallback, true});
    }
    return {};
  }
};

// 执法监督违规.
class ViolationSource final : public LedgerSource {
 public:
  std::string_view id() const override { return "violation"; }
  std::string_view name_zh() const override { return "执法监督违规"; }

  Result<void> Collect(soci::session& sql, const MonthScope& s, std::vector<RawFact>& out) override {
    static constexpr ColumnType kCols[] = {kI, kI, kI, kT, kT, kT, kI, kT, kT, kT, kT, kI};
    ForEachRow(sql,
               "SELECT v.id, v.case_id, v.officer_id, v.rule_id, v.kind, v.severity, v.detected_at, "
               "v.message, c.external_id, c.title, c.category, c.lead_officer_id "
               "FROM violations v JOIN cases c ON c.id = v.case_id "
               "WHERE v.bureau_id = :b AND v.detected_at >= :f AND v.detected_at < :t",
               {{"b", s.bureau_id}, {"f", s.from}, {"t", s.to}}, kCols, [&](const RowView& r) {
                 RawFact f;
                 f.act = "violation";
                 f.variant = r.Text(5);
                 f.rule_id = r.Text(3);
                 f.object_type = "violation";
                 f.object_id = r.Int(0);
                 f.case_id = r.Int(1);
                 f.case_label = CaseLabel(r.Text(8), r.Text(9));
                 f.case_category = r.Text(10);
                 f.at = r.Int(6);
                 const std::int64_t who = !r.IsNull(2) ? r.Int(2) : r.Int(11);  // 0 when both NULL
                 if (who != 0) f.officers.push_back({who, true});
                 const std::string_view kind = r.Text(4);
                 const char* kind_zh = kind == "overdue" ? "超期" : kind == "done_late" ? "超期办结" : "应办未办";
                 f.note = fmt::format("{}（{}）{}", r.Text(3), kind_zh, r.Text(7));
                 out.push_back(std::move(f));
               });
    return {};
  }
};

// 法制审核问题 (证据/程序/定性).
class ReviewFindingSource final : public LedgerSource {
 public:
  std::string_view id() const override { return "review_finding"; }
  std::string_view name_zh() const override { return "法制审核问题"; }

  Result<void> Collect(soci::session& sql, const MonthScope& s, std::vector<RawFact>& out) override {
    static constexpr ColumnType kCols[] = {kI, kI, kT, kT, kI, kT, kT, kT, kI, kT};
    ForEachRow(sql,
               "SELECT f.id, f.case_id, f.category, f.description, f.created_at, c.external_id, c.title, "
               "c.category, c.lead_officer_id, r.stage "
               "FROM review_findings f JOIN cases c ON c.id = f.case_id "
               "JOIN case_reviews r ON r.id = f.review_id "
               "WHERE f.bureau_id = :b AND f.created_at >= :f AND f.created_at < :t",
               {{"b", s.bureau_id}, {"f", s.from}, {"t", s.to}}, kCols, [&](const RowView& r) {
                 RawFact f;
                 f.act = "review_finding";
                 f.variant = r.Text(2);
                 f.object_type = "review_finding";
                 f.object_id = r.Int(0);
                 f.case_id = r.Int(1);
                 f.case_label = CaseLabel(r.Text(5), r.Text(6));
                 f.case_category = r.Text(7);
                 f.at = r.Int(4);
                 if (!r.IsNull(8)) f.officers.push_back({r.Int(8), true});
                 const std::string_view stage = r.Text(9);
                 const char* stage_zh = stage == "accept"     ? "受案审核"
                                        : stage == "file"     ? "立案审核"
                                        : stage == "coercive" ? "强制措施审核"
                                                              : "移送起诉审核";
                 f.note = fmt::format("{}：{}", stage_zh, r.Text(3));
                 out.push_back(std::move(f));
               });
    return {};
  }
};

// 督办逾期未整改.
class OrderOverdueSource final : public LedgerSource {
 public:
  std::string_view id() const override { return "order_overdue"; }
  std::string_view name_zh() const override { return "督办逾期未整改"; }

  Result<void> Collect(soci::session& sql, const MonthScope& s, std::vector<RawFact>& out) override {
    static constexpr ColumnType kCols[] = {kI, kI, kI, kI, kI, kT, kT, kT, kT, kI};
    // 挂起 (suspended) orders are excepted: the 法制员 recorded a reason why the deadline cannot hold.
    ForEachRow(sql,
               "SELECT o.id, o.case_id, o.responsible_person_id, o.deadline, o.answered_at, o.problem_type, "
               "c.external_id, c.title, c.category, c.lead_officer_id "
               "FROM supervision_orders o JOIN cases c ON c.id = o.case_id "
               "WHERE o.bureau_id = :b AND o.deadline >= :f AND o.deadline < :t AND o.status <> 'suspended' "
               "AND ((o.answered_at IS NOT NULL AND o.answered_at > o.deadline) "
               "OR (o.answered_at IS NULL AND o.deadline < :a))",
               {{"b", s.bureau_id}, {"f", s.from}, {"t", s.to}, {"a", s.as_of}}, kCols, [&](const RowView& r) {
                 RawFact f;
                 f.act = "order_overdue";
                 f.object_type = "supervision_order";
                 f.object_id = r.Int(0);
                 f.case_id = r.Int(1);
                 f.case_label = CaseLabel(r.Text(6), r.Text(7));
                 f.case_category = r.Text(8);
                 f.at = r.Int(3);
                 const std::int64_t who = !r.IsNull(2) ? r.Int(2) : r.Int(9);  // 0 when both NULL
                 if (who != 0) f.officers.push_back({who, true});
                 f.note = !r.IsNull(4) ? fmt::format("督办 #{}（{}）整改期限 {}，{} 才答复", r.Int(0), r.Text(5),
                                                     FormatLocalDateTime(r.Int(3)), FormatLocalDateTime(r.Int(4)))
                                       : fmt::format("督办 #{}（{}）整改期限 {}，逾期未答复", r.Int(0), r.Text(5),
                                                     FormatLocalDateTime(r.Int(3)));
                 out.push_back(std::move(f));
               });
    return {};
  }
};

}  // namespace

MonthScope MakeMonthScope(std::int64_t bureau_id, MonthKey month, EpochSeconds as_of) {
  MonthScope s;
  s.bureau_id = bureau_id;
  s.month = month;
  s.from = LocalMidnight(CivilDate{month.year, month.month, 1});
  const MonthKey next = month.Next();
  s.to = LocalMidnight(CivilDate{next.year, next.month, 1});
  s.as_of = as_of;
  return s;
}

std::unique_ptr<LedgerSource> MakeCaseStageSource() { return std::make_unique<CaseStageSource>(); }
std::unique_ptr<LedgerSource> MakeViolationSource() { return std::make_unique<ViolationSource>(); }
std::unique_ptr<LedgerSource> MakeReviewFindingSource() { return std::make_unique<ReviewFindingSource>(); }
std::unique_ptr<LedgerSource> MakeOrderOverdueSource() { return std::make_unique<OrderOverdueSource>(); }

bool TableExists(soci::session& sql, const std::string& table) {
  long long n = 0;
  if (sql.get_backend_name() == "postgresql")
    sql << "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = :n",
        soci::use(table), soci::into(n);
  else
    sql << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = :n", soci::use(table), soci::into(n);
  return n > 0;
}

std::vector<std::unique_ptr<LedgerSource>> DefaultSources(soci::session& sql) {
  std::vector<std::unique_ptr<LedgerSource>> out;
  if (TableExists(sql, "case_events") && TableExists(sql, "case_officers")) out.push_back(MakeCaseStageSource());
  if (TableExists(sql, "violations")) out.push_back(MakeViolationSource());
  if (TableExists(sql, "review_findings") && TableExists(sql, "case_reviews"))
    out.push_back(MakeReviewFindingSource());
  if (TableExists(sql, "supervision_orders")) out.push_back(MakeOrderOverdueSource());
  return out;
}

}  // namespace fazhi::scoring
