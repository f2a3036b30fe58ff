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

}  // namespace fazhi::cases
