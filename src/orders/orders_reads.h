// Reads of the 督办 tables that other modules may call (docs/module-template.md §1: another module
// never reads our tables in its own SQL). Each takes the caller's session.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "db/soci.h"

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
// Orders not suspended whose deadline lies in [from, to) and whose unit lies in the subtree of
// `unit_path`.
void EachDue(soci::session& sql, std::string_view unit_path, EpochSeconds from, EpochSeconds to,
             const std::function<void(const DueOrder&)>& fn);

}  // namespace fazhi::orders
