#include "inspections/inspections_module.h"

#include <fmt/format.h>

#include "inspections/inspections_demo.h"
#include "inspections/inspections_routes.h"
#include "inspections/inspections_sources.h"
#include "orders/orders_module.h"

namespace fazhi::inspections {

Result<void> InspectionsModule::Init(kit::ModuleSet& modules) {
  auto* loop = FZ_TRY(modules.Require<orders::OrdersModule>("三级执法巡查"));
  FZ_CHECK(loop->service().RegisterSource(MakeFindingOrderSource(services_.clock)));
  service_.SetOrders(&loop->service());
  return {};
}

void InspectionsModule::RegisterRoutes(http::Router& router) { inspections::RegisterRoutes(router, service_); }

void InspectionsModule::AddLedgerSources(std::vector<std::unique_ptr<points::LedgerSource>>& out) {
  out.push_back(MakeLedgerSource());
}

void InspectionsModule::AddBulletinSections(std::vector<std::unique_ptr<kit::BulletinSectionProvider>>& out) {
  out.push_back(MakeBulletinSection());
}

Result<std::vector<std::string>> InspectionsModule::GenerateDemo(const kit::DemoOptions& options) {
  const auto s = FZ_TRY(GenerateInspectionDemo(services_.db, services_.clock, options.year));
  if (s.already_present) return std::vector<std::string>{"执法巡查演示数据已存在，未做改动。"};
  return std::vector<std::string>{fmt::format(
      "已生成 {} 年三级执法巡查：巡查计划 {} 个，巡查任务 {} 项（逐项评判 {} 条），发现问题 {} 个并转督办（已整改办结 "
      "{} 个）；上周巡查发现问题 {} 个正在整改，待巡查任务 {} 项。",
      options.year, s.plans, s.tasks, s.results, s.findings, s.orders_closed, s.live_findings, s.open_tasks)};
}

kit::ModuleSpec InspectionsModule::Spec() { return kit::SpecOf<InspectionsModule>("inspections"); }

}  // namespace fazhi::inspections
