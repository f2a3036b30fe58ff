// A source of 督办 orders: what a module registers so that the one loop (督办 → 整改 → 复查 → 办结,
// src/orders) runs for its problems — today violation (违规记录), review (法制员审核问题) and manual
// (a case, by hand; all three registered by oversight), later inspection findings, complaints,
// disputes and hazards. The same API and pages serve every source.
//
//   class HazardSource final : public orders::OrderSource {
//    public:
//     std::string_view Kind() const override { return "hazard"; }
//     std::string_view Name() const override { return "隐患"; }
//     Result<orders::SourceInfo> Describe(soci::session& sql, const auth::Principal& who,
//                                         std::int64_t id) const override { … }
//   };
//   orders.RegisterSource(std::make_unique<HazardSource>());   // in the module's Init
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth/principal.h"
#include "core/error.h"
#include "db/soci.h"
#include "orders/orders_types.h"

namespace fazhi::orders {

// What a source says about one of its problems, for the order issued on it.
struct SourceInfo {
  std::int64_t bureau_id = 0;           // the owning 分县局
  std::int64_t unit_id = 0;             // whose scope (unit subtree) sees the order
  std::optional<std::int64_t> case_id;  // the case it concerns, if any
  std::string title;  // 中文, names the problem (“违规：…”, “证据问题：…”, “案件：…”)
  std::string problem_type;  // default 问题类型 (超期, 程序, 证据, 定性 …); empty = the issuer must give one
  std::optional<std::int64_t> responsible_person_id;  // default 责任民警 (people.id)
};

class OrderSource {
 public:
  virtual ~OrderSource() = default;

  // The kind stored in supervision_orders.source ("violation"), and its 中文 name ("违规记录").
  virtual std::string_view Kind() const = 0;
  virtual std::string_view Name() const = 0;

  // True when the id of this source is a case id given as the request's case_id (manual orders);
  // the order then stores no source_id, and several open orders may exist for one case. Otherwise
  // the request gives source_id, and one problem has at most one open order.
  virtual bool IdIsCase() const { return false; }

  // The problem `id` as `who` may see it, inside the caller's transaction. NotFound — the same
  // answer as for an id that does not exist — when it is absent or the caller may not see it.
  virtual Result<SourceInfo> Describe(soci::session& sql, const auth::Principal& who, std::int64_t id) const = 0;

  // Non-empty when the 整改 of this source's orders is reviewed by the source's own module, not on the
  // 督办 page: the 中文 of who reviews it and where (an inspection finding: 巡查人员在“巡查发现问题”中复查).
  // The page's close and return then answer Conflict (reviewed_by_source) naming it; the module
  // closes or returns through OrderService::ReviewIn. Default: empty (the 督办 page reviews).
  virtual std::string_view ReviewedBy() const { return {}; }

  // The web app's page of problem `id` when it is not the case page (an inspection finding:
  // "/inspections/findings?finding=7"), for the 督办 page's link. Default: empty (the case page).
  virtual std::string WebPath(std::int64_t /*id*/) const { return {}; }

  // Called inside the transaction that closes (办结) an order of this source; an error rolls the
  // close back. Default: nothing.
  virtual Result<void> OnClosed(soci::session& sql, const Order& order) const {
    (void)sql;
    (void)order;
    return {};
  }
};

}  // namespace fazhi::orders
