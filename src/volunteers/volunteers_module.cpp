#include "volunteers/volunteers_module.h"

#include "volunteers/volunteers_demo.h"
#include "volunteers/volunteers_routes.h"

namespace fazhi::volunteers {

void VolunteersModule::RegisterRoutes(http::Router& router) { volunteers::RegisterRoutes(router, service_); }

Result<std::vector<std::string>> VolunteersModule::GenerateDemo(const kit::DemoOptions& options) {
  const auto s = FZ_TRY(GenerateVolunteerDemo(services_.db, services_.vault, options.year));
  return std::vector<std::string>{s.Summary(options.year)};
}

kit::ModuleSpec VolunteersModule::Spec() { return kit::SpecOf<VolunteersModule>("volunteers"); }

}  // namespace fazhi::volunteers
