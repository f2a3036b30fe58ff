#include "intake/intake_module.h"

#include "intake/intake_routes.h"
#include "oversight/oversight_module.h"

namespace fazhi::intake {

Result<void> IntakeModule::Init(kit::ModuleSet& modules) {
  auto* oversight = FZ_TRY(modules.Require<oversight::OversightModule>("接报案大厅"));
  service_.SetOversight(&oversight->service());
  return {};
}

void IntakeModule::RegisterRoutes(http::Router& router) { intake::RegisterRoutes(router, service_); }

kit::ModuleSpec IntakeModule::Spec() {
  return {.name = "intake",
          .create = [](const kit::Services& s) -> std::unique_ptr<kit::Module> {
            return std::make_unique<IntakeModule>(s);
          },
          .add_commands = nullptr};
}

}  // namespace fazhi::intake
