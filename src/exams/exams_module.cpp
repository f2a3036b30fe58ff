#include "exams/exams_module.h"

#include <chrono>

#include <spdlog/spdlog.h>

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

void ExamsModule::StartBackground() {
  const int interval = services_.settings.sweep_interval_seconds;
  if (interval <= 0) return;
  if (!sweeper_)
    sweeper_ = std::make_unique<core::PeriodicTask>("exam end-time sweep", std::chrono::seconds(interval), [this] {
      if (auto r = service_.SubmitExpired(); !r) spdlog::warn("exam end-time sweep: {}", r.error().message);
    });
  sweeper_->Start();
}

void ExamsModule::StopBackground() {
  if (sweeper_) sweeper_->Stop();
}

kit::ModuleSpec ExamsModule::Spec() {
  return {
      .name = "exams",
      .create = [](const kit::Services& s) -> std::unique_ptr<kit::Module> { return std::make_unique<ExamsModule>(s); },
      .add_commands = nullptr};
}

}  // namespace fazhi::exams
