#include "orders/orders_module.h"

#include "orders/orders_routes.h"

namespace fazhi::orders {

namespace {

Options OptionsFrom(const kit::Services& s) {
  Options o;
  o.attachment_dir = s.settings.attachment_dir;
  return o;
}

}  // namespace

OrdersModule::OrdersModule(const kit::Services& s) : service_(s.db, s.clock, OptionsFrom(s)) {}

void OrdersModule::RegisterRoutes(http::Router& router) { orders::RegisterRoutes(router, service_); }

kit::ModuleSpec OrdersModule::Spec() { return kit::SpecOf<OrdersModule>("orders"); }

}  // namespace fazhi::orders
