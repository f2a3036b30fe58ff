// Supervision in the running system as the App sees it (kit::Module): alerts, violations, reviews,
// rule configuration, metrics, the sweep and the `reevaluate` subcommand — and the one place
// oversight plugs in: it becomes the case file's hooks and registers its 督办 order sources
// (violation, review finding, manual) with the orders module.
#pragma once

#include <memory>

#include "kit/module.h"
#include "oversight/oversight_service.h"
#include "oversight/sweeper.h"

namespace fazhi::oversight {

class OversightModule final : public kit::Module {
 public:
  explicit OversightModule(const kit::Services& s);
  ~OversightModule() override;
  std::string_view Name() const override { return "oversight"; }
  std::string_view Title() const override { return "执法监督"; }
  // Loads the active rules, becomes the case file's hooks (evaluation on every case change) and
  // registers the order sources (the sweep then notifies overdue 督办 too).
  Result<void> Init(kit::ModuleSet& modules) override;
  void RegisterRoutes(http::Router& router) override;
  void AddLedgerSources(std::vector<std::unique_ptr<points::LedgerSource>>& out) override;  // oversight_points.cpp
  void AddBulletinSections(
      std::vector<std::unique_ptr<kit::BulletinSectionProvider>>& out) override;  // oversight_bulletin.cpp
  // The periodic sweep (kit::Settings::sweep_interval_seconds; 0 = none).
  void StartBackground() override;
  void StopBackground() override;

  OversightService& service() { return service_; }

  static kit::ModuleSpec Spec();

 private:
  kit::Services services_;
  OversightService service_;
  std::unique_ptr<Sweeper> sweeper_;
};

}  // namespace fazhi::oversight
