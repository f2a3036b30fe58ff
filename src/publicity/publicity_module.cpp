#include "publicity/publicity_module.h"

#include <chrono>

#include <spdlog/spdlog.h>

#include "orders/orders_module.h"
#include "publicity/publicity_demo.h"
#include "publicity/publicity_orders.h"
#include "publicity/publicity_routes.h"

namespace fazhi::publicity {

Result<void> PublicityModule::Init(kit::ModuleSet& modules) {
  auto* loop = FZ_TRY(modules.Require<orders::OrdersModule>("谁执法谁普法"));
  FZ_CHECK(loop->service().RegisterSource(MakeStageOrderSource()));
  service_.SetOrders(&loop->service());
  return {};
}

void PublicityModule::RegisterRoutes(http::Router& router) { publicity::RegisterRoutes(router, service_); }

Result<std::vector<std::string>> PublicityModule::GenerateDemo(const kit::DemoOptions& options) {
  return GeneratePublicityDemo(services_.db, options.year);
}

void PublicityModule::StartBackground() {
  const int interval = services_.settings.sweep_interval_seconds;
  if (interval <= 0) return;
  if (!sweeper_)
    sweeper_ = std::make_unique<core::PeriodicTask>("publicity due sweep", std::chrono::seconds(interval), [this] {
      if (auto r = service_.NotifyDue(); !r) spdlog::warn("publicity due sweep: {}", r.error().message);
      if (auto r = service_.OpenOverdueOrders(); !r) spdlog::warn("publicity 督办 sweep: {}", r.error().message);
    });
  sweeper_->Start();
}

void PublicityModule::StopBackground() {
  if (sweeper_) sweeper_->Stop();
}

kit::ModuleSpec PublicityModule::Spec() { return kit::SpecOf<PublicityModule>("publicity"); }

}  // namespace fazhi::publicity
