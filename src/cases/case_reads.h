// What other modules read from the case file (一案一档) without writing their own SQL on its
// tables (docs/module-template.md §1, §3): the case visibility rule and the names cases use in
// messages. The status and case-type names of the state machine (StatusName, CaseTypeName) are part
// of this interface too; they live in state_machine.h, which this header includes.
//
// Thread safety: plain functions without state.
#pragma once

#include <string>
#include <string_view>

#include "auth/principal.h"
#include "cases/state_machine.h"
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

}  // namespace fazhi::cases
