// The only code that reads and writes supervision_orders, supervision_order_steps and the
// attachments of order steps. Functions take the caller's session (inside its transaction where
// they write); errors throw (they roll the caller's transaction back).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/principal.h"
#include "core/clock.h"
#include "core/paging.h"
#include "db/soci.h"
#include "orders/orders_types.h"

namespace fazhi::orders::store {

// One order with its unit, case title and bound 法制员, responsible officer's name; nullopt when
// absent. `overdue` is computed at `now`. With `steps`, its steps and their attachments too.
std::optional<Order> Find(soci::session& sql, std::int64_t id, EpochSeconds now, bool steps);

// One page of the orders `who` may see (scope, issuer, responsible officer, bound 法制员 of the case)
// matching `f`; `unit_path` is the path of f.unit_id, already checked to be in scope.
Paged<Order> List(soci::session& sql, const auth::Principal& who, const OrderFilter& f,
                  const std::optional<std::string>& unit_path, const PageRequest& page, EpochSeconds now);

// The lowest id of an order of (source, source_id) that is not closed.
std::optional<std::int64_t> OpenOrderFor(soci::session& sql, const std::string& source, std::int64_t source_id);

// A new order (status open) with its create step (note: the opinion; actor: o.created_by). Returns
// the order id.
std::int64_t Insert(soci::session& sql, const Order& o);
// A step of an order. Returns the step id.
std::int64_t InsertStep(soci::session& sql, std::int64_t bureau_id, std::int64_t order_id, const std::string& action,
                        const std::string& note, std::optional<std::int64_t> actor, EpochSeconds at);

// Status changes of the state machine (orders_service.cpp).
void MarkAnswered(soci::session& sql, std::int64_t id, EpochSeconds now);
void MarkClosed(soci::session& sql, std::int64_t id, EpochSeconds now);
void MarkReturned(soci::session& sql, std::int64_t id, EpochSeconds deadline, EpochSeconds now);
void MarkSuspended(soci::session& sql, std::int64_t id, const std::string& before, const std::string& reason,
                   EpochSeconds now);
void MarkResumed(soci::session& sql, std::int64_t id, const std::string& to, EpochSeconds now);

// An attachment of a step, with the path of its bytes and its order.
struct StoredAttachment {
  Attachment meta;
  std::string storage_path;
  std::int64_t order_id = 0;
};
void InsertAttachment(soci::session& sql, std::int64_t bureau_id, std::int64_t step_id, const Attachment& a,
                      const std::string& storage_path);
std::optional<StoredAttachment> FindAttachment(soci::session& sql, std::int64_t id);

// Orders open or returned whose deadline passed and whose overdue notice for that deadline has not
// been sent (the sweep), oldest first.
std::vector<Order> OverdueUnnotified(soci::session& sql, EpochSeconds now);
void MarkOverdueNotified(soci::session& sql, std::int64_t id, EpochSeconds deadline);

// The path of a unit (units.path); nullopt when absent.
std::optional<std::string> UnitPath(soci::session& sql, std::int64_t unit_id);
// The name of the unit of account users.id; nullopt when absent.
std::optional<std::string> UserUnitName(soci::session& sql, std::int64_t user_id);
// Whether people.id is an active person.
bool PersonActive(soci::session& sql, std::int64_t person_id);
// Whether `person_id` is an active person whose unit lies in the subtree of one of `paths`.
bool PersonActiveUnder(soci::session& sql, std::int64_t person_id, const std::vector<std::string>& paths);

}  // namespace fazhi::orders::store
