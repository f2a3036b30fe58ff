// 学法用法 as the App sees it (kit::Module): serves the /api/training routes, writes the demo year and
// adds the bulletin section "training"; in `serve`, sweeps the monthly plans (未落实 notifications).
#pragma once

#include <memory>

#include "kit/module.h"
#include "kit/module_sweep.h"
#include "training/training_service.h"

namespace fazhi::training {

class TrainingModule final : public kit::Module {
 public:
  explicit TrainingModule(const kit::Services& s) : services_(s), service_(s.db, s.clock, s.vault) {}
  std::string_view Name() const override { return "training"; }
  std::string_view Title() const override { return "学法用法"; }
  void RegisterRoutes(http::Router& router) override;
  Result<std::vector<std::string>> GenerateDemo(const kit::DemoOptions& options) override;
  void AddBulletinSections(std::vector<std::unique_ptr<kit::BulletinSectionProvider>>& out) override;
  // Every sweep interval (kit::Settings), the 未落实 reminder (TrainingService::NotifyMissedPlans).
  void StartBackground() override { sweep_.Start(); }
  void StopBackground() override { sweep_.Stop(); }

  TrainingService& service() { return service_; }

  static kit::ModuleSpec Spec();

 private:
  kit::Services services_;
  TrainingService service_;
  // Last: stopped (its destructor) before the service goes.
  kit::ModuleSweep sweep_{services_.settings, "training plan sweep", [this] { return service_.NotifyMissedPlans(); }};
};

}  // namespace fazhi::training
