#include "orders/orders_reads.h"

#include <fmt/format.h>

#include "db/sql.h"

namespace fazhi::orders {

bool HasOrders(soci::session& sql, std::string_view source, std::int64_t source_id) {
  db::SqlArgs a;
  return db::Count(sql,
                   fmt::format("SELECT COUNT(*) FROM supervision_orders WHERE source = {} AND source_id = {}",
                               a.Str(std::string(source)), a.Int(source_id)),
                   a) > 0;
}

void EachDue(soci::session& sql, std::string_view unit_path, EpochSeconds from, EpochSeconds to,
             const std::function<void(const DueOrder&)>& fn) {
  db::SqlArgs a;
  const std::string q = fmt::format(
      "SELECT o.unit_id, o.responsible_person_id, o.status, o.closed_at, o.deadline FROM supervision_orders o JOIN "
      "units u ON u.id = o.unit_id WHERE {} AND o.deadline >= {} AND o.deadline < {} AND o.status <> 'suspended'",
      db::PathUnder(a, "u.path", unit_path), a.Int(from), a.Int(to));
  db::Each(sql, q, a, [&](const db::Row& r) {
    fn({.unit_id = r.Int("unit_id"),
        .responsible_person_id = r.OptInt("responsible_person_id"),
        .status = r.Str("status"),
        .closed_at = r.OptInt("closed_at"),
        .deadline = r.Int("deadline")});
  });
}

}  // namespace fazhi::orders
