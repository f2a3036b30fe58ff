#include "cases/case_points.h"

#include <fmt/format.h>

#include <optional>
#include <unordered_map>

#include "cases/cases_module.h"
#include "db/sql.h"

namespace fazhi::cases {

namespace {

using points::FactOfficer;
using points::MonthScope;
using points::RawFact;

// The scorable event types, in the order of the `kind` number the event query returns.
constexpr const char* kStageActs[] = {"accept_case", "file_case", "transfer_prosecution", "penalty_decision"};

// What the month's facts of one case share: its label, category and officers.
struct CaseInfo {
  std::string label, category;
  std::vector<FactOfficer> officers;
  std::int64_t lead_fallback = 0;
  int facts = 0;  // facts of this case still to be filled in (the last one takes the strings)
};

// A city month reads a quarter of a million events and a hundred thousand cases through the two
// queries below: their columns are resolved once per query and read by position.
class CaseStageSource final : public points::LedgerSource {
 public:
  std::string_view id() const override { return "case_stage"; }
  std::string_view name_zh() const override { return "案件办理阶段"; }

  Result<void> Collect(soci::session& sql, const MonthScope& s, std::vector<RawFact>& out) const override {
    const std::size_t first = out.size();
    StageEvents(sql, s, out);
    std::unordered_map<std::int64_t, CaseInfo> cases;
    TouchedCases(sql, s, cases, out);
    FillCaseTexts(cases, out, first);
    return {};
  }

 private:
  // First event of each scorable type per case, when that first event lies in the month: the
  // month's events of those types without an earlier one of the same type (several in the month,
  // e.g. one per suspect, are reduced to the first here rather than with GROUP BY, which costs a
  // sort). Each parameter is bound once per place it appears (SOCI's PostgreSQL backend binds a
  // name to one place only).
  static void StageEvents(soci::session& sql, const MonthScope& s, std::vector<RawFact>& out) {
    db::SqlArgs a;
    const std::string q = fmt::format(
        "SELECT e.case_id AS case_id, CASE e.type WHEN 'accept_case' THEN 0 WHEN 'file_case' THEN 1 "
        "WHEN 'transfer_prosecution' THEN 2 ELSE 3 END AS kind, e.at AS at FROM case_events e "
        "WHERE e.bureau_id = {} AND e.at >= {} AND e.at < {} AND e.type IN "
        "('accept_case', 'file_case', 'transfer_prosecution', 'penalty_decision') "
        "AND NOT EXISTS (SELECT 1 FROM case_events p WHERE p.case_id = e.case_id AND p.type = e.type AND p.at < {})",
        a.Int(s.bureau_id), a.Int(s.from), a.Int(s.to), a.Int(s.from));
    std::unordered_map<std::int64_t, std::size_t> first_of;  // (case, kind) → index in out
    struct Cols {
      int case_id, kind, at;
    };
    std::optional<Cols> c;
    db::Each(sql, q, a, [&](const db::Row& r) {
      if (!c) c = Cols{r.Column("case_id"), r.Column("kind"), r.Column("at")};
      const std::int64_t case_id = r.IntAt(c->case_id), kind = r.IntAt(c->kind), at = r.IntAt(c->at);
      auto [it, fresh] = first_of.try_emplace(case_id * 4 + kind, out.size());
      if (!fresh) {
        if (at < out[it->second].at) out[it->second].at = at;
        return;
      }
      RawFact f;
      f.act = kStageActs[kind];
      f.object_type = "case";
      f.object_id = case_id;
      f.case_id = case_id;
      f.at = at;
      out.push_back(std::move(f));
    });
  }

  // The cases the month touches (a scorable event in the month, or closed in the month) with their
  // 主办/协办: one row per officer, one with NULLs for a case without any (the touched set is
  // evaluated once); 破案/查结 for those closed in the month. UNION ALL: the IN list removes
  // duplicates itself (a UNION would sort them out once more).
  static void TouchedCases(soci::session& sql, const MonthScope& s, std::unordered_map<std::int64_t, CaseInfo>& cases,
                           std::vector<RawFact>& out) {
    db::SqlArgs a;
    const std::string q = fmt::format(
        "SELECT c.id AS id, c.external_id AS external_id, c.title AS title, c.category AS category, "
        "c.lead_officer_id AS lead_officer_id, c.closed_at AS closed_at, c.fast_track AS fast_track, "
        "co.person_id AS person_id, CASE WHEN co.role = 'lead' THEN 1 ELSE 0 END AS lead "
        "FROM cases c LEFT JOIN case_officers co ON co.case_id = c.id WHERE c.id IN "
        "(SELECT e.case_id FROM case_events e WHERE e.bureau_id = {} AND e.at >= {} AND e.at < {} AND e.type IN "
        "('accept_case', 'file_case', 'transfer_prosecution', 'penalty_decision') "
        "UNION ALL SELECT c2.id FROM cases c2 WHERE c2.bureau_id = {} AND c2.closed_at >= {} AND c2.closed_at < {})",
        a.Int(s.bureau_id), a.Int(s.from), a.Int(s.to), a.Int(s.bureau_id), a.Int(s.from), a.Int(s.to));
    struct Cols {
      int id, external_id, title, category, lead_officer_id, closed_at, fast_track, person_id, lead;
    };
    std::optional<Cols> c;
    db::Each(sql, q, a, [&](const db::Row& r) {
      if (!c)
        c = Cols{r.Column("id"),         r.Column("external_id"),     r.Column("title"),
                 r.Column("category"),   r.Column("lead_officer_id"), r.Column("closed_at"),
                 r.Column("fast_track"), r.Column("person_id"),       r.Column("lead")};
      const std::int64_t case_id = r.IntAt(c->id);
      auto [it, fresh] = cases.try_emplace(case_id);
      CaseInfo& ci = it->second;
      if (!r.NullAt(c->person_id)) ci.officers.push_back({r.IntAt(c->person_id), r.IntAt(c->lead) != 0});
      if (!fresh) return;
      ci.label = points::CaseLabel(r.TextAt(c->external_id), r.TextAt(c->title));
      ci.category = r.TextAt(c->category);
      ci.lead_fallback = r.IntAt(c->lead_officer_id);  // 0 when NULL
      const bool closed_in_month =
          !r.NullAt(c->closed_at) && r.IntAt(c->closed_at) >= s.from && r.IntAt(c->closed_at) < s.to;
      if (!closed_in_month) return;
      RawFact f;
      f.act = r.IntAt(c->fast_track) != 0 ? "fast_track_concluded" : "conclude_case";
      f.object_type = "case";
      f.object_id = case_id;
      f.case_id = case_id;
      f.at = r.IntAt(c->closed_at);
      out.push_back(std::move(f));
    });
  }

  // Every fact from `first` on gets its case's label, category and officers (the 主办 from the case
  // row when case_officers names nobody); the last fact of a case takes the strings over.
  static void FillCaseTexts(std::unordered_map<std::int64_t, CaseInfo>& cases, std::vector<RawFact>& out,
                            std::size_t first) {
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
  }
};

}  // namespace

std::unique_ptr<points::LedgerSource> MakeCaseStageSource() { return std::make_unique<CaseStageSource>(); }

// Declared in cases_module.h; defined here, beside the source it registers.
void CasesModule::AddLedgerSources(std::vector<std::unique_ptr<points::LedgerSource>>& out) {
  out.push_back(MakeCaseStageSource());
}

}  // namespace fazhi::cases
