// Reads of the 督办 tables that other modules may call (docs/module-template.md §1: another module
// never reads our tables in its own SQL). Each takes the caller's session.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <vector>

#include "auth/principal.h"
#include "core/clock.h"
#include "db/soci.h"
#include "db/sql.h"
#include "orders/orders_types.h"

namespace fazhi::orders {

// Whether any order (of any status) was issued on the problem (source kind, id) — e.g. a
// violation that a 督办 refers to is never withdrawn.
bool HasOrders(soci::session& sql, std::string_view source, std::int64_t source_id);

// One order as the platform-use metrics count it.
struct DueOrder {
  std::int64_t unit_id = 0;
  std::optional<std::int64_t> responsible_person_id;
  std::string status;
  std::optional<EpochSeconds> closed_at;
  EpochSeconds deadline = 0;
};
// An SQL condition on an order's case, joined as `c` (the cases row; NULL for an order without a
// case), its values bound into the given args — e.g. cases::CaseVisible.
using CaseCondition = std::function<std::string(db::SqlArgs&)>;
// Orders not suspended whose deadline lies in [from, to) and whose unit lies in the subtree of
// `unit_path` — or, with `also`, whose case meets it wherever their unit lies (a bound 法制员's
// figures cover the orders on his bound cases); with `within`, only those whose unit lies under it.
void EachDue(soci::session& sql, std::string_view unit_path, EpochSeconds from, EpochSeconds to,
             const std::function<void(const DueOrder&)>& fn, const CaseCondition& also = {},
             std::string_view within = {});

// The orders of one case that `who` may see (as the 督办 list shows them, without steps), oldest
// first, at most 500; `overdue` computed at `now`. For the case's 一案一档.
std::vector<Order> CaseOrders(soci::session& sql, const auth::Principal& who, std::int64_t case_id, EpochSeconds now);

}  // namespace fazhi::orders
