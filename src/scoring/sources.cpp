#include "scoring/sources.h"

#include <fmt/format.h>

#include <unordered_map>

#include "core/local_time.h"

namespace fazhi::scoring {

namespace {

constexpr std::size_t kBatch = 4096;

std::string CaseLabel(const std::string& external_id, const std::string& title) {
  if (title.empty()) return external_id;
  return external_id + "（" + title + "）";
}

// 受案/立案/移送起诉/行政处罚决定 and 破案/查结.
class CaseStageSource final : public LedgerSource {
 public:
  std::string_view id() const override { return "case_stage"; }
  std::string_view name_zh() const override { return "案件办理阶段"; }

  Result<void> Collect(soci::session& sql, const MonthScope& s, std::vector<RawFact>& out) override {
    // SOCI's SQLite backend copies every fetched column through a string, so the queries fetch
    // each case's text once (not once per event) and events as bare (case, type, time).
    long long bureau = s.bureau_id, from = s.from, to = s.to;
    // The cases the month touches: a scorable event in the month, or closed in the month.
    static constexpr const char* kTouched =
        "(SELECT e.case_id FROM case_events e WHERE e.bureau_id = :b AND e.at >= :f AND e.at < :t AND e.type IN "
        "('accept_case', 'file_case', 'transfer_prosecution', 'penalty_decision') "
        "UNION SELECT c2.id FROM cases c2 WHERE c2.bureau_id = :b2 AND c2.closed_at >= :f2 AND c2.closed_at < :t2)";

    struct CaseInfo {
      std::string label, category;
      std::vector<FactOfficer> officers;
      std::int64_t lead_fallback = 0;
    };
    std::unordered_map<std::int64_t, CaseInfo> cases;
    const std::size_t first = out.size();

    // First event of each scorable type per case, when that first event lies in the month: the
    // month's events of those types without an earlier one of the same type (several in the month,
    // e.g. one per suspect, are reduced to the first here rather than with GROUP BY, which costs a sort).
    {
      std::unordered_map<std::int64_t, std::size_t> first_of;  // (case, type) → index in out
      std::vector<long long> case_id(kBatch), at(kBatch);
      std::vector<std::string> type(kBatch);
      soci::statement st =
          (sql.prepare << "SELECT e.case_id, e.type, e.at FROM case_events e "
                          "WHERE e.bureau_id = :b AND e.at >= :f AND e.at < :t AND e.type IN "
                          "('accept_case', 'file_case', 'transfer_prosecution', 'penalty_decision') "
                          "AND NOT EXISTS (SELECT 1 FROM case_events p WHERE p.case_id = e.case_id "
                          "AND p.type = e.type AND p.at < :f2)",
           soci::into(case_id), soci::into(type), soci::into(at), soci::use(bureau, "b"), soci::use(from, "f"),
           soci::use(to, "t"), soci::use(from, "f2"));
      st.execute();
      while (st.fetch()) {
        for (std::size_t i = 0; i < case_id.size(); ++i) {
          const std::int64_t key = case_id[i] * 4 + (type[i] == "accept_case"            ? 0
                                                     : type[i] == "file_case"            ? 1
                                                     : type[i] == "transfer_prosecution" ? 2
                                                                                         : 3);
          auto [it, fresh] = first_of.try_emplace(key, out.size());
          if (!fresh) {
            if (at[i] < out[it->second].at) out[it->second].at = at[i];
            continue;
          }
          RawFact f;
          f.act = type[i];
          f.object_type = "case";
          f.object_id = case_id[i];
          f.case_id = case_id[i];
          f.at = at[i];
          out.push_back(std::move(f));
        }
        case_id.resize(kBatch);
        at.resize(kBatch);
        type.resize(kBatch);
      }
    }
    // The touched cases once each; 破案/查结 for those closed in the month.
    {
      std::vector<long long> case_id(kBatch), lead(kBatch), closed(kBatch), fast(kBatch);
      std::vector<soci::indicator> lead_ind(kBatch), closed_ind(kBatch);
      std::vector<std::string> ext(kBatch), title(kBatch), cat(kBatch);
      soci::statement st =
          (sql.prepare << std::string("SELECT c.id, c.external_id, c.title, c.category, c.lead_officer_id, "
                                      "c.closed_at, c.fast_track FROM cases c WHERE c.id IN ") +
                              kTouched,
           soci::into(case_id), soci::into(ext), soci::into(title), soci::into(cat), soci::into(lead, lead_ind),
           soci::into(closed, closed_ind), soci::into(fast), soci::use(bureau, "b"), soci::use(from, "f"),
           soci::use(to, "t"), soci::use(bureau, "b2"), soci::use(from, "f2"), soci::use(to, "t2"));
      st.execute();
      while (st.fetch()) {
        for (std::size_t i = 0; i < case_id.size(); ++i) {
          CaseInfo& ci = cases[case_id[i]];
          ci.label = CaseLabel(ext[i], title[i]);
          ci.category = cat[i];
          ci.lead_fallback = lead_ind[i] == soci::i_ok ? lead[i] : 0;
          if (closed_ind[i] == soci::i_ok && closed[i] >= from && closed[i] < to) {
            RawFact f;
            f.act = fast[i] != 0 ? "fast_track_concluded" : "conclude_case";
            f.object_type = "case";
            f.object_id = case_id[i];
            f.case_id = case_id[i];
            f.at = closed[i];
            out.push_back(std::move(f));
          }
        }
        for (auto* v : {&case_id, &lead, &closed, &fast}) v->resize(kBatch);
        lead_ind.resize(kBatch);
        closed_ind.resize(kBatch);
        for (auto* v : {&ext, &title, &cat}) v->resize(kBatch);
      }
    }
    if (out.size() == first) return {};
    // 主办/协办 of those cases.
    {
      std::vector<long long> case_id(kBatch), person(kBatch);
      std::vector<std::string> role(kBatch);
      soci::statement st =
          (sql.prepare << std::string("SELECT co.case_id, co.person_id, co.role FROM case_officers co "
                                      "WHERE co.case_id IN ") +
                              kTouched,
           soci::into(case_id), soci::into(person), soci::into(role), soci::use(bureau, "b"), soci::use(from, "f"),
           soci::use(to, "t"), soci::use(bureau, "b2"), soci::use(from, "f2"), soci::use(to, "t2"));
      st.execute();
      while (st.fetch()) {
        for (std::size_t i = 0; i < case_id.size(); ++i) {
          auto it = cases.find(case_id[i]);
          if (it != cases.end()) it->second.officers.push_back({person[i], role[i] == "lead"});
        }
        case_id.resize(kBatch);
        person.resize(kBatch);
        role.resize(kBatch);
      }
    }
    for (std::size_t i = first; i < out.size(); ++i) {
      RawFact& f = out[i];
      const CaseInfo& ci = cases[f.case_id];
      f.case_label = ci.label;
      f.case_category = ci.category;
      f.officers = ci.officers;
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
    long long bureau = s.bureau_id, from = s.from, to = s.to;
    std::vector<long long> id(kBatch), case_id(kBatch), officer(kBatch), at(kBatch), lead(kBatch);
    std::vector<soci::indicator> officer_ind(kBatch), lead_ind(kBatch);
    std::vector<std::string> rule(kBatch), kind(kBatch), severity(kBatch), message(kBatch), ext(kBatch),
        title(kBatch), cat(kBatch);
    soci::statement st =
        (sql.prepare << "SELECT v.id, v.case_id, v.officer_id, v.rule_id, v.kind, v.severity, v.detected_at, "
                        "v.message, c.external_id, c.title, c.category, c.lead_officer_id "
                        "FROM violations v JOIN cases c ON c.id = v.case_id "
                        "WHERE v.bureau_id = :b AND v.detected_at >= :f AND v.detected_at < :t",
         soci::into(id), soci::into(case_id), soci::into(officer, officer_ind), soci::into(rule), soci::into(kind),
         soci::into(severity), soci::into(at), soci::into(message), soci::into(ext), soci::into(title),
         soci::into(cat), soci::into(lead, lead_ind), soci::use(bureau, "b"), soci::use(from, "f"),
         soci::use(to, "t"));
    st.execute();
    while (st.fetch()) {
      for (std::size_t i = 0; i < id.size(); ++i) {
        RawFact f;
        f.act = "violation";
        f.variant = severity[i];
        f.rule_id = rule[i];
        f.object_type = "violation";
        f.object_id = id[i];
        f.case_id = case_id[i];
        f.case_label = CaseLabel(ext[i], title[i]);
        f.case_category = cat[i];
        f.at = at[i];
        const std::int64_t who = officer_ind[i] == soci::i_ok ? officer[i] : (lead_ind[i] == soci::i_ok ? lead[i] : 0);
        if (who != 0) f.officers.push_back({who, true});
        const char* kind_zh = kind[i] == "overdue" ? "超期" : kind[i] == "done_late" ? "超期办结" : "应办未办";
        f.note = fmt::format("{}（{}）{}", rule[i], kind_zh, message[i]);
        out.push_back(std::move(f));
      }
      for (auto* v : {&id, &case_id, &officer, &at, &lead}) v->resize(kBatch);
      officer_ind.resize(kBatch);
      lead_ind.resize(kBatch);
      for (auto* v : {&rule, &kind, &severity, &message, &ext, &title, &cat}) v->resize(kBatch);
    }
    return {};
  }
};

// 法制审核问题 (证据/程序/定性).
class ReviewFindingSource final : public LedgerSource {
 public:
  std::string_view id() const override { return "review_finding"; }
  std::string_view name_zh() const override { return "法制审核问题"; }

  Result<void> Collect(soci::session& sql, const MonthScope& s, std::vector<RawFact>& out) override {
    long long bureau = s.bureau_id, from = s.from, to = s.to;
    std::vector<long long> id(kBatch), case_id(kBatch), at(kBatch), lead(kBatch);
    std::vector<soci::indicator> lead_ind(kBatch);
    std::vector<std::string> category(kBatch), description(kBatch), ext(kBatch), title(kBatch), cat(kBatch),
        stage(kBatch);
    soci::statement st =
        (sql.prepare << "SELECT f.id, f.case_id, f.category, f.description, f.created_at, c.external_id, c.title, "
                        "c.category, c.lead_officer_id, r.stage "
                        "FROM review_findings f JOIN cases c ON c.id = f.case_id "
                        "JOIN case_reviews r ON r.id = f.review_id "
                        "WHERE f.bureau_id = :b AND f.created_at >= :f AND f.created_at < :t",
         soci::into(id), soci::into(case_id), soci::into(category), soci::into(description), soci::into(at),
         soci::into(ext), soci::into(title), soci::into(cat), soci::into(lead, lead_ind), soci::into(stage),
         soci::use(bureau, "b"), soci::use(from, "f"), soci::use(to, "t"));
    st.execute();
    while (st.fetch()) {
      for (std::size_t i = 0; i < id.size(); ++i) {
        RawFact f;
        f.act = "review_finding";
        f.variant = category[i];
        f.object_type = "review_finding";
        f.object_id = id[i];
        f.case_id = case_id[i];
        f.case_label = CaseLabel(ext[i], title[i]);
        f.case_category = cat[i];
        f.at = at[i];
        if (lead_ind[i] == soci::i_ok) f.officers.push_back({lead[i], true});
        const char* stage_zh = stage[i] == "accept"   ? "受案审核"
                               : stage[i] == "file"   ? "立案审核"
                               : stage[i] == "coercive" ? "强制措施审核"
                                                        : "移送起诉审核";
        f.note = fmt::format("{}：{}", stage_zh, description[i]);
        out.push_back(std::move(f));
      }
      for (auto* v : {&id, &case_id, &at, &lead}) v->resize(kBatch);
      lead_ind.resize(kBatch);
      for (auto* v : {&category, &description, &ext, &title, &cat, &stage}) v->resize(kBatch);
    }
    return {};
  }
};

// 督办逾期未整改.
class OrderOverdueSource final : public LedgerSource {
 public:
  std::string_view id() const override { return "order_overdue"; }
  std::string_view name_zh() const override { return "督办逾期未整改"; }

  Result<void> Collect(soci::session& sql, const MonthScope& s, std::vector<RawFact>& out) override {
    long long bureau = s.bureau_id, from = s.from, to = s.to, as_of = s.as_of;
    std::vector<long long> id(kBatch), case_id(kBatch), person(kBatch), deadline(kBatch), answered(kBatch),
        lead(kBatch);
    std::vector<soci::indicator> person_ind(kBatch), answered_ind(kBatch), lead_ind(kBatch);
    std::vector<std::string> problem(kBatch), ext(kBatch), title(kBatch), cat(kBatch);
    // 挂起 (suspended) orders are excepted: the 法制员 recorded a reason why the deadline cannot hold.
    soci::statement st =
        (sql.prepare << "SELECT o.id, o.case_id, o.responsible_person_id, o.deadline, o.answered_at, o.problem_type, "
                        "c.external_id, c.title, c.category, c.lead_officer_id "
                        "FROM supervision_orders o JOIN cases c ON c.id = o.case_id "
                        "WHERE o.bureau_id = :b AND o.deadline >= :f AND o.deadline < :t AND o.status <> 'suspended' "
                        "AND ((o.answered_at IS NOT NULL AND o.answered_at > o.deadline) "
                        "OR (o.answered_at IS NULL AND o.deadline < :a))",
         soci::into(id), soci::into(case_id), soci::into(person, person_ind), soci::into(deadline),
         soci::into(answered, answered_ind), soci::into(problem), soci::into(ext), soci::into(title), soci::into(cat),
         soci::into(lead, lead_ind), soci::use(bureau, "b"), soci::use(from, "f"), soci::use(to, "t"),
         soci::use(as_of, "a"));
    st.execute();
    while (st.fetch()) {
      for (std::size_t i = 0; i < id.size(); ++i) {
        RawFact f;
        f.act = "order_overdue";
        f.object_type = "supervision_order";
        f.object_id = id[i];
        f.case_id = case_id[i];
        f.case_label = CaseLabel(ext[i], title[i]);
        f.case_category = cat[i];
        f.at = deadline[i];
        const std::int64_t who = person_ind[i] == soci::i_ok ? person[i] : (lead_ind[i] == soci::i_ok ? lead[i] : 0);
        if (who != 0) f.officers.push_back({who, true});
        f.note = answered_ind[i] == soci::i_ok
                     ? fmt::format("督办 #{}（{}）整改期限 {}，{} 才答复", id[i], problem[i],
                                   FormatLocalDateTime(deadline[i]), FormatLocalDateTime(answered[i]))
                     : fmt::format("督办 #{}（{}）整改期限 {}，逾期未答复", id[i], problem[i],
                                   FormatLocalDateTime(deadline[i]));
        out.push_back(std::move(f));
      }
      for (auto* v : {&id, &case_id, &person, &deadline, &answered, &lead}) v->resize(kBatch);
      for (auto* v : {&person_ind, &answered_ind, &lead_ind}) v->resize(kBatch);
      for (auto* v : {&problem, &ext, &title, &cat}) v->resize(kBatch);
    }
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
