#include "cases/case_reads.h"

#include <fmt/format.h>

namespace fazhi::cases {

std::string CaseVisible(db::SqlArgs& a, const auth::Principal& who, std::string_view cases_alias,
                        std::string_view unit_path) {
  std::string cond;
  if (!unit_path.empty()) {
    cond = db::PathUnder(a, unit_path, who.unit_path);
  } else {
    const std::string units = fmt::format("{}_vu", cases_alias);
    cond = fmt::format("{}.unit_id IN (SELECT {}.id FROM units {} WHERE {})", cases_alias, units, units,
                       db::PathUnder(a, units + ".path", who.unit_path));
  }
  if (!who.person_id) return cond;
  // The 主办 is always in case_officers too (role lead).
  const std::string officer = a.Int(*who.person_id);
  const std::string legal = a.Int(*who.person_id);
  return fmt::format(
      "({} OR {}.id IN (SELECT {}_vo.case_id FROM case_officers {}_vo WHERE {}_vo.person_id = {} UNION SELECT "
      "{}_vl.id FROM cases {}_vl WHERE {}_vl.legal_officer_id = {}))",
      cond, cases_alias, cases_alias, cases_alias, cases_alias, officer, cases_alias, cases_alias, cases_alias, legal);
}

std::string AlertStateName(std::string_view s) {
  if (s == "none") return "正常";
  if (s == "pre_warn") return "预警";
  if (s == "overdue") return "告警";
  if (s == "violation") return "违规";
  return std::string(s);
}

const char* PropertyStatusName(std::string_view s) {
  if (s == "extracted") return "已提取";
  if (s == "seized") return "已扣押/查封";
  if (s == "in_storage") return "已入库";
  if (s == "returned") return "已返还/解除";
  if (s == "disposed") return "已处置";
  return "";
}

std::vector<RecordRef> InspectableRecords(soci::session& sql, std::string_view kind, std::string_view unit_path,
                                          std::optional<std::int64_t> person_id, EpochSeconds from, EpochSeconds to) {
  db::SqlArgs a;
  std::string q;
  if (kind == "incident") {
    q = fmt::format(
        "SELECT i.id AS id, i.external_id AS ref, i.category AS what, i.received_at AS at, i.officer_id AS officer "
        "FROM incidents i JOIN units u ON u.id = i.unit_id WHERE {} AND i.received_at >= {} AND i.received_at < {}",
        db::PathUnder(a, "u.path", unit_path), a.Int(from), a.Int(to));
    if (person_id) q += fmt::format(" AND i.officer_id = {}", a.Int(*person_id));
    q += " ORDER BY i.id";
  } else if (kind == "case") {
    q = fmt::format(
        "SELECT c.id AS id, c.external_id AS ref, c.title AS what, c.accepted_at AS at, c.lead_officer_id AS officer "
        "FROM cases c JOIN units u ON u.id = c.unit_id WHERE {} AND c.accepted_at >= {} AND c.accepted_at < {}",
        db::PathUnder(a, "u.path", unit_path), a.Int(from), a.Int(to));
    if (person_id) q += fmt::format(" AND c.lead_officer_id = {}", a.Int(*person_id));
    q += " ORDER BY c.id";
  } else if (kind == "property") {
    q = fmt::format(
        "SELECT p.id AS id, p.code AS ref, p.name AS what, c.accepted_at AS at, c.lead_officer_id AS officer "
        "FROM property_items p JOIN cases c ON c.id = p.case_id JOIN units u ON u.id = c.unit_id "
        "WHERE {} AND c.accepted_at >= {} AND c.accepted_at < {}",
        db::PathUnder(a, "u.path", unit_path), a.Int(from), a.Int(to));
    if (person_id) q += fmt::format(" AND c.lead_officer_id = {}", a.Int(*person_id));
    q += " ORDER BY p.id";
  } else if (kind == "area_stay") {
    q = fmt::format(
        "SELECT e.id AS id, c.external_id AS ref, c.title AS what, e.at AS at, c.lead_officer_id AS officer "
        "FROM case_events e JOIN cases c ON c.id = e.case_id JOIN units u ON u.id = c.unit_id "
        "WHERE e.type = 'area_enter' AND {} AND e.at >= {} AND e.at < {}",
        db::PathUnder(a, "u.path", unit_path), a.Int(from), a.Int(to));
    if (person_id) q += fmt::format(" AND c.lead_officer_id = {}", a.Int(*person_id));
    q += " ORDER BY e.id";
  } else {
    return {};
  }
  std::vector<RecordRef> out;
  db::Each(sql, q, a, [&](const db::Row& r) {
    RecordRef ref{.kind = std::string(kind),
                  .id = r.Int("id"),
                  .label = {},
                  .at = r.Int("at"),
                  .officer_id = r.OptInt("officer")};
    const std::string_view what = r.Text("what");
    ref.label = what.empty() ? r.Str("ref") : fmt::format("{}（{}）", r.Text("ref"), what);
    if (kind == "area_stay") ref.label = "办案区：" + ref.label;
    out.push_back(std::move(ref));
  });
  return out;
}

namespace {

const char* const kEvaluableColumns =
    "SELECT c.id, c.bureau_id, c.unit_id, u.name AS unit_name, c.external_id, c.case_type, c.cause, c.category, "
    "c.title, c.lead_officer_id, c.closed_at FROM cases c JOIN units u ON u.id = c.unit_id ";

EvaluableCase EvaluableFrom(const db::Row& r) {
  EvaluableCase c;
  FZ_READ(r, c, id, bureau_id, unit_id, unit_name, external_id, case_type, cause, category, title, lead_officer_id,
          closed_at);
  return c;
}

}  // namespace

std::vector<EvaluableCase> EvaluableCases(soci::session& sql, const EvaluableFilter& f) {
  db::SqlArgs a;
  std::string q = fmt::format("{} WHERE {} AND c.closed_at >= {} AND c.closed_at < {}", kEvaluableColumns,
                              db::PathUnder(a, "u.path", f.unit_path), a.Int(f.closed_from), a.Int(f.closed_to));
  if (!f.case_type.empty()) q += fmt::format(" AND c.case_type = {}", a.Str(f.case_type));
  if (!f.category.empty()) q += fmt::format(" AND c.category = {}", a.Str(f.category));
  q += " ORDER BY c.id";
  return db::AllOf(sql, q, a, EvaluableFrom);
}

std::optional<EvaluableCase> EvaluableCaseIn(soci::session& sql, std::int64_t id, std::string_view unit_path) {
  db::SqlArgs a;
  const std::string q =
      fmt::format("{} WHERE c.id = {} AND {}", kEvaluableColumns, a.Int(id), db::PathUnder(a, "u.path", unit_path));
  return db::FirstOf(sql, q, a, EvaluableFrom);
}

CaseNames NamesOfCase(soci::session& sql, std::int64_t case_id) {
  CaseNames out;
  db::SqlArgs a;
  db::Each(sql,
           fmt::format("SELECT name FROM case_persons WHERE case_id = {} AND name <> '' ORDER BY id", a.Int(case_id)),
           a, [&](const db::Row& r) { out.persons.push_back(r.Str("name")); });
  db::SqlArgs b;
  db::Each(sql,
           fmt::format("SELECT p.name AS name, o.role AS role FROM case_officers o JOIN people p ON p.id = o.person_id "
                       "WHERE o.case_id = {} UNION SELECT p.name AS name, 'legal' AS role FROM cases c JOIN people p "
                       "ON p.id = c.legal_officer_id WHERE c.id = {}",
                       b.Int(case_id), b.Int(case_id)),
           b, [&](const db::Row& r) {
             const std::string role = r.Str("role");
             out.officers.emplace_back(r.Str("name"), role == "lead"     ? "主办民警"
                                                      : role == "assist" ? "协办民警"
                                                                         : "法制员");
           });
  return out;
}

}  // namespace fazhi::cases
