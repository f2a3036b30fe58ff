#include "cases/cases_module.h"

#include <fmt/format.h>

#include "cases/case_routes.h"

namespace fazhi::cases {

void CasesModule::RegisterRoutes(http::Router& router) { cases::RegisterRoutes(router, service_); }

Result<std::vector<std::string>> CasesModule::GenerateDemo(const kit::DemoOptions& options) {
  auto c = FZ_TRY(GenerateCaseDemo(services_.db, services_.clock, services_.vault, service_.hooks(), options.year));
  if (c.already_present) return std::vector<std::string>{"案件演示数据已存在，未做改动。"};
  return std::vector<std::string>{
      fmt::format("已生成 {} 年案件演示数据：警情 {} 起，案件 {} 起，执法环节 {} 个，并完成执法监督评估。",
                  options.year, c.incidents, c.cases, c.events),
      fmt::format("另生成近 28 天的在办案件 {} 起（警情 {} 起，执法环节 {} 个），期限正在计时，部分已预警或告警。",
                  c.live_cases, c.live_incidents, c.live_events)};
}

kit::ModuleSpec CasesModule::Spec() { return kit::SpecOf<CasesModule>("cases"); }

}  // namespace fazhi::cases
