#include "exams/exams_module.h"

#include "exams/exams_demo.h"
#include "exams/exams_routes.h"

namespace fazhi::exams {

void ExamsModule::RegisterRoutes(http::Router& router) { exams::RegisterRoutes(router, service_); }

Result<std::vector<std::string>> ExamsModule::GenerateDemo(const kit::DemoOptions& options) {
  auto lines = FZ_TRY(GenerateExamsDemo(services_.db, services_.clock, options.year));
  // The supervision loop checks every case again against the register just written.
  FZ_CHECK(services_.db.Write([&](soci::session& sql) { return service_.QualificationsRecorded(sql, {}); }));
  return lines;
}

kit::ModuleSpec ExamsModule::Spec() { return kit::SpecOf<ExamsModule>("exams"); }

}  // namespace fazhi::exams
