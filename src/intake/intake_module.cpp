#include "intake/intake_module.h"

#include "cases/cases_module.h"
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

void IntakeModule::AddLedgerSources(std::vector<std::unique_ptr<points::LedgerSource>>& out) {
  out.push_back(MakeLedgerSource());
}

void IntakeModule::AddBulletinSections(std::vector<std::unique_ptr<kit::BulletinSectionProvider>>& out) {
  out.push_back(MakeBulletinSection());
}

kit::ModuleSpec IntakeModule::Spec() {
  return {.name = "intake",
          .create = [](const kit::Services& s) -> std::unique_ptr<kit::Module> {
            return std::make_unique<IntakeModule>(s);
          },
          .add_commands = nullptr};
}

}  // namespace fazhi::intake
