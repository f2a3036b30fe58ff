// 五化巡防 as the App sees it (kit::Module): serves the /api/patrol routes; registers the 巡防
// points-ledger source "patrol" and the 督办 sources "dispute" and "hazard"; contributes the bulletin section "patrol";
// writes the demo year; in `serve`, sweeps the registers (overdue 督办, escalation notices).
#pragma once

#include <memory>

#include "kit/module.h"
#include "kit/module_sweep.h"
#include "patrol/patrol_service.h"

namespace fazhi::patrol {

class PatrolModule final : public kit::SweptModule<PatrolService> {
 public:
  // Every sweep interval (kit::Settings): PatrolService::Sweep (overdue 督办, escalation notices).
  explicit PatrolModule(const kit::Services& s)
      : SweptModule(s, "patrol register sweep", &PatrolService::Sweep, s.db, s.clock) {}
  std::string_view Name() const override { return "patrol"; }
  std::string_view Title() const override { return "五化巡防"; }
  Result<void> Init(kit::ModuleSet& modules) override;
  void RegisterRoutes(http::Router& router) override;
  Result<std::vector<std::string>> GenerateDemo(const kit::DemoOptions& options) override;
  // The points-ledger source "patrol" (patrol_points.cpp).
  void AddLedgerSources(std::vector<std::unique_ptr<points::LedgerSource>>& out) override;
  // The section "patrol" of the quarterly 执法规范化建设通报 (patrol_bulletin.cpp).
  void AddBulletinSections(std::vector<std::unique_ptr<kit::BulletinSectionProvider>>& out) override;

  static kit::ModuleSpec Spec();
};

}  // namespace fazhi::patrol
