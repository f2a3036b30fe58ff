#include "intake/intake_module.h"

#include <fmt/format.h>
#include "cases/cases_module.h"

#include "intake/intake_demo.h"
#include "intake/intake_routes.h"
#include "intake/intake_sources.h"
#include "orders/orders_module.h"
#include "oversight/oversight_module.h"

namespace fazhi::intake {

Result<void> IntakeModule::Init(kit::ModuleSet& modules) {
  auto* oversight = FZ_TRY(modules.Require<oversight::OversightModule>("接报案大厅"));
  service_.SetOversight(&oversight->service());
  auto* loop = FZ_TRY(modules.Require<orders::OrdersModule>("接报案大厅"));
  FZ_CHECK(loop->service().RegisterSource(MakeComplaintOrderSource()));
  service_.SetOrders(&loop->service());
  auto* cases = FZ_TRY(modules.Require<cases::CasesModule>("接报案大厅"));
  service_.SetCases(&cases->service());
  return {};
}

void IntakeModule::RegisterRoutes(http::Router& router) { intake::RegisterRoutes(router, service_); }

Result<std::vector<std::string>> IntakeModule::GenerateDemo(const kit::DemoOptions& options) {
  const auto s = FZ_TRY(GenerateIntakeDemo(services_.db, services_.vault, service_, options.year));
  if (s.already_present)
    return std::vector<std::string>{s.shifts ? fmt::format("接报案大厅演示数据已存在；补充值班表 {} 个班次。", s.shifts)
                                             : std::string("接报案大厅演示数据已存在，未做改动。")};
  return std::vector<std::string>{
      fmt::format("已生成 {} 年接报案大厅接报 {} 件（报案 {}、投诉 {}、咨询 {}、求助 {}），按期办理 {} 件，满意度评价 "
                  "{} 件；值班表 {} "
                  "个班次。",
                  options.year, s.tickets, s.reports, s.complaints, s.consults, s.helps, s.on_time, s.rated, s.shifts)};
}

void IntakeModule::AddLedgerSources(std::vector<std::unique_ptr<points::LedgerSource>>& out) {
  out.push_back(MakeLedgerSource());
}

void IntakeModule::AddBulletinSections(std::vector<std::unique_ptr<kit::BulletinSectionProvider>>& out) {
  out.push_back(MakeBulletinSection());
}

kit::ModuleSpec IntakeModule::Spec() { return kit::SpecOf<IntakeModule>("intake"); }

}  // namespace fazhi::intake
