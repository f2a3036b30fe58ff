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

}  // namespace fazhi::cases
