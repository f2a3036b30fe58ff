#include "orders/orders_reads.h"

#include <fmt/format.h>

#include "db/sql.h"
#include "orders/orders_store.h"

namespace fazhi::orders {

bool HasOrders(soci::session& sql, std::string_view source, std::int64_t source_id) {
  db::SqlArgs a;
  return db::Count(sql,
                   fmt::format("SELECT COUNT(*) FROM supervision_orders WHERE source = {} AND source_id = {}",
                               a.Str(std::string(source)), a.Int(source_id)),
                   a) > 0;
}

void EachDue(soci::session& sql, std::string_view unit_path, EpochSeconds from, EpochSeconds to,
             const std::function<void(const DueOrder&)>& fn, const CaseCondition& also, std::string_view within) {
  db::SqlArgs a;
  std::string scope = db::PathUnder(a, "u.path", unit_path);
  if (also) scope = fmt::format("({} OR (o.case_id IS NOT NULL AND {}))", scope, also(a));
  if (!within.empty()) scope += " AND " + db::PathUnder(a, "u.path", within);
  const std::string q = fmt::format(
      "SELECT o.unit_id, o.responsible_person_id, o.status, o.closed_at, o.deadline FROM supervision_orders o JOIN "
      "units u ON u.id = o.unit_id LEFT JOIN cases c ON c.id = o.case_id WHERE {} AND o.deadline >= {} AND "
      "o.deadline < {} AND o.status <> 'suspended'",
      scope, a.Int(from), a.Int(to));
  db::Each(sql, q, a, [&](const db::Row& r) {
    fn({.unit_id = r.Int("unit_id"),
        .responsible_person_id = r.OptInt("responsible_person_id"),
        .status = r.Str("status"),
        .closed_at = r.OptInt("closed_at"),
        .deadline = r.Int("deadline")});
  });
}

std::vector<Order> CaseOrders(soci::session& sql, const auth::Principal& who, std::int64_t case_id, EpochSeconds now) {
  OrderFilter f;
  f.case_id = case_id;
  auto page =
      store::List(sql, who, f, std::nullopt, PageRequest{.page = 1, .page_size = 500, .sort = "created_at"}, now);
  return std::move(page.items);
}

}  // namespace fazhi::orders
