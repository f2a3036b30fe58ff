// What other modules read from the case file (一案一档) without writing their own SQL on its
// tables (docs/module-template.md §1, §3): the case visibility rule and the names cases use in
// messages. The status and case-type names of the state machine (StatusName, CaseTypeName) are part
// of this interface too; they live in state_machine.h, which this header includes.
//
// Thread safety: plain functions without state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/principal.h"
#include "cases/state_machine.h"
#include "core/clock.h"
#include "db/sql.h"

namespace fazhi::cases {

// SQL condition that a case row is visible to `who` (binds its values into `a`):
//   its 办案单位 lies in the caller's unit subtree, OR
//   the caller's own person (users.person_id) is its 主办/协办 (case_officers) or its bound 法制员
//   (cases.legal_officer_id) — 捆绑责任: the 法制大队 officer bound to a 派出所 case must see it.
// `cases_alias` names the `cases` row in the caller's query ("c" for `FROM cases c`). When the query
// already joins the case's unit, pass that unit's path column (e.g. "u.path") as `unit_path`: the
// subtree is then a range on it; otherwise the condition reads `units` in a subquery. The person
// part is a non-correlated subquery (read once, by index), cheap on large lists.
// An invisible case must be answered exactly like a missing one (NotFound).
std::string CaseVisible(db::SqlArgs& a, const auth::Principal& who, std::string_view cases_alias = "c",
                        std::string_view unit_path = {});

// 中文 names of the values of cases.alert_state (none → 正常, pre_warn → 预警, overdue → 告警,
// violation → 违规); the id itself when unknown.
std::string AlertStateName(std::string_view alert_state);

// 中文 name of a property_items.status (extracted → 已提取 …); "" when unknown.
const char* PropertyStatusName(std::string_view status);

// A record of the case file an inspection (三级执法巡查) may sample: a 警情 (kind "incident"), a case
// (受立案, "case"), a property item (涉案财物, "property") or a 办案区 stay (the area_enter event,
// "area_stay"). `officer_id` is the officer it names (处警民警, 主办民警), if any. A property item's
// time is its case's 受案时间 (items carry only their import time).
struct RecordRef {
  std::string kind;
  std::int64_t id = 0;
  std::string label;  // 警情编号/案件编号 and a short description
  EpochSeconds at = 0;
  std::optional<std::int64_t> officer_id;
};
// The records of `kind` whose unit lies under `unit_path` (and, with `person_id`, that name that
// officer) with their time in [from, to), ascending by id. Unknown kind: none.
std::vector<RecordRef> InspectableRecords(soci::session& sql, std::string_view kind, std::string_view unit_path,
                                          std::optional<std::int64_t> person_id, EpochSeconds from, EpochSeconds to);

// A closed case as an evaluation (优劣质案件评定, src/evaluation) selects it: the header fields it
// copies, its unit and its 主办.
struct EvaluableCase {
  std::int64_t id = 0, bureau_id = 0, unit_id = 0;
  std::string unit_name, external_id, case_type, cause, category, title;
  std::optional<std::int64_t> lead_officer_id;
  std::optional<EpochSeconds> closed_at;
};
// Which closed cases qualify: unit under `unit_path`, closed in [closed_from, closed_to), and
// optionally of one case type and one 打击类别.
struct EvaluableFilter {
  std::string unit_path;
  EpochSeconds closed_from = 0, closed_to = 0;
  std::string case_type, category;
};
// The qualifying cases, ascending by id (a stable order a seeded draw can rely on).
std::vector<EvaluableCase> EvaluableCases(soci::session& sql, const EvaluableFilter& f);
// One case by id if its unit lies under `unit_path` (closed or not).
std::optional<EvaluableCase> EvaluableCaseIn(soci::session& sql, std::int64_t id, std::string_view unit_path);
// The names a text about the case may contain, for anonymising it: the persons of the case
// (case_persons.name) and its officers with their role (主办民警, 协办民警, 法制员).
struct CaseNames {
  std::vector<std::string> persons;
  std::vector<std::pair<std::string, std::string>> officers;  // name, role
};
CaseNames NamesOfCase(soci::session& sql, std::int64_t case_id);

}  // namespace fazhi::cases
