// 三级执法巡查 as the App sees it (kit::Module): registers the findings as 督办 source "inspection",
// the points-ledger source "inspection" and the bulletin section "inspections"; serves the
// /api/inspections routes; writes the demo year's inspections; in `serve`, alerts overdue tasks.
#pragma once

#include <memory>

#include "inspections/inspections_service.h"
#include "kit/module.h"
#include "kit/module_sweep.h"

namespace fazhi::inspections {

class InspectionsModule final : public kit::SweptModule<InspectionService> {
 public:
  // Every sweep interval (kit::Settings), overdue tasks are notified (InspectionService::NotifyOverdue).
  explicit InspectionsModule(const kit::Services& s)
      : SweptModule(s, "inspection overdue sweep", &InspectionService::NotifyOverdue, s.db, s.clock) {}
  std::string_view Name() const override { return "inspections"; }
  std::string_view Title() const override { return "三级执法巡查"; }
  Result<void> Init(kit::ModuleSet& modules) override;
  void RegisterRoutes(http::Router& router) override;
  Result<std::vector<std::string>> GenerateDemo(const kit::DemoOptions& options) override;
  void AddLedgerSources(std::vector<std::unique_ptr<points::LedgerSource>>& out) override;
  void AddBulletinSections(std::vector<std::unique_ptr<kit::BulletinSectionProvider>>& out) override;

  static kit::ModuleSpec Spec();
};

}  // namespace fazhi::inspections
