#include "patrol/patrol_module.h"

#include <fmt/format.h>

#include "orders/orders_module.h"
#include "patrol/patrol_bulletin.h"
#include "patrol/patrol_demo.h"
#include "patrol/patrol_points.h"
#include "patrol/patrol_routes.h"

namespace fazhi::patrol {

Result<void> PatrolModule::Init(kit::ModuleSet& modules) {
  auto* loop = FZ_TRY(modules.Require<orders::OrdersModule>("五化巡防"));
  FZ_CHECK(loop->service().RegisterSource(MakeDisputeOrderSource()));
  FZ_CHECK(loop->service().RegisterSource(MakeHazardOrderSource()));
  service_.SetOrders(&loop->service());
  return {};
}

void PatrolModule::RegisterRoutes(http::Router& router) { patrol::RegisterRoutes(router, service_); }

void PatrolModule::AddLedgerSources(std::vector<std::unique_ptr<points::LedgerSource>>& out) {
  out.push_back(MakeLedgerSource());
}

void PatrolModule::AddBulletinSections(std::vector<std::unique_ptr<kit::BulletinSectionProvider>>& out) {
  out.push_back(MakeBulletinSection());
}

Result<std::vector<std::string>> PatrolModule::GenerateDemo(const kit::DemoOptions& options) {
  const auto s = FZ_TRY(GeneratePatrolDemo(services_.db, services_.clock, options.year));
  if (s.already_present) return std::vector<std::string>{"五化巡防演示数据已存在，未做改动。"};
  return std::vector<std::string>{
      fmt::format("已生成 {} 年五化巡防：巡区 {} 个、必到点 {} 个、巡组 {} 个；必到点签到 {} 次（异常 {} "
                  "次），巡防日志 {} 条；警情 {} "
                  "起；模拟测警 {} 次（测试警情 {} 起）；矛盾纠纷 {} 件，安全隐患 {} 处。",
                  options.year, s.areas, s.points, s.teams, s.checkins, s.flagged, s.logs, s.calls, s.drills,
                  s.test_calls, s.disputes, s.hazards)};
}

kit::ModuleSpec PatrolModule::Spec() { return kit::SpecOf<PatrolModule>("patrol"); }

}  // namespace fazhi::patrol
