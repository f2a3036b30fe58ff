#include "kit/module_sweep.h"

#include <chrono>

#include <spdlog/spdlog.h>

namespace fazhi::kit {

void ModuleSweep::Start() {
  const int interval = settings_.sweep_interval_seconds;
  if (interval <= 0) return;
  if (!task_) task_ = std::make_unique<core::PeriodicTask>(name_, std::chrono::seconds(interval), run_);
  task_->Start();
}

void ModuleSweep::Stop() {
  if (task_) task_->Stop();
}

void ModuleSweep::LogFailure(const std::string& name, const std::string& message) {
  spdlog::warn("{}: {}", name, message);
}

}  // namespace fazhi::kit
