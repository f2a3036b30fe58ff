// 学法用法 as the App sees it (kit::Module): serves the /api/training routes, writes the demo year and
// adds the bulletin section "training"; in `serve`, sweeps the monthly plans (未落实 notifications).
#pragma once

#include <memory>

#include "core/periodic_task.h"
#include "kit/module.h"
#include "training/training_service.h"

namespace fazhi::training {

class TrainingModule final : public kit::Module {
 public:
  explicit TrainingModule(const kit::Services& s) : services_(s), service_(s.db, s.clock, s.vault) {}
  ~TrainingModule() override { StopBackground(); }
  std::string_view Name() const override { return "training"; }
  std::string_view Title() const override { return "学法用法"; }
  void RegisterRoutes(http::Router& router) override;
  Result<std::vector<std::string>> GenerateDemo(const kit::DemoOptions& options) override;
  void AddBulletinSections(std::vector<std::unique_ptr<kit::BulletinSectionProvider>>& out) override;
  // Every sweep interval (kit::Settings), the 未落实 reminder (TrainingService::NotifyMissedPlans).
  void StartBackground() override;
  void StopBackground() override;

  TrainingService& service() { return service_; }

  static kit::ModuleSpec Spec();

 private:
  kit::Services services_;
  TrainingService service_;
  std::unique_ptr<core::PeriodicTask> sweeper_;
};

}  // namespace fazhi::training
