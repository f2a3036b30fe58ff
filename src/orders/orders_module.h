// The 督办 loop as the App sees it (kit::Module): the order service and its routes. Modules that
// raise problems register their order sources in their own Init:
//
//   auto* orders = FZ_TRY(modules.Require<orders::OrdersModule>("执法监督"));
//   FZ_CHECK(orders->service().RegisterSource(std::make_unique<ViolationSource>(…)));
#pragma once

#include "kit/module.h"
#include "orders/orders_service.h"

namespace fazhi::orders {

class OrdersModule final : public kit::Module {
 public:
  explicit OrdersModule(const kit::Services& s);
  std::string_view Name() const override { return "orders"; }
  std::string_view Title() const override { return "督办"; }
  void RegisterRoutes(http::Router& router) override;

  OrderService& service() { return service_; }

  static kit::ModuleSpec Spec();

 private:
  OrderService service_;
};

}  // namespace fazhi::orders
