// 学法用法 as the App sees it (kit::Module): serves the /api/training routes, writes the demo year and
// adds the bulletin section "training"; in `serve`, sweeps the monthly plans (未落实 notifications).
#pragma once

#include <memory>

#include "kit/module.h"
#include "kit/module_sweep.h"
#include "training/training_service.h"

namespace fazhi::training {

class TrainingModule final : public kit::SweptModule<TrainingService> {
 public:
  // Every sweep interval (kit::Settings), the 未落实 reminder (TrainingService::NotifyMissedPlans).
  explicit TrainingModule(const kit::Services& s)
      : SweptModule(s, "training plan sweep", &TrainingService::NotifyMissedPlans, s.db, s.clock, s.vault) {}
  std::string_view Name() const override { return "training"; }
  std::string_view Title() const override { return "学法用法"; }
  void RegisterRoutes(http::Router& router) override;
  Result<std::vector<std::string>> GenerateDemo(const kit::DemoOptions& options) override;
  void AddBulletinSections(std::vector<std::unique_ptr<kit::BulletinSectionProvider>>& out) override;

  static kit::ModuleSpec Spec();
};

}  // namespace fazhi::training
