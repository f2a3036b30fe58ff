// 接报案大厅 as the App sees it (kit::Module): serves the /api/intake routes; takes the deadlines of
// 报案 from the oversight module's rule catalog in force; registers the complaints about officers as
// 督办 source "intake", the points-ledger source "complaint" and the bulletin section "intake"; turns
// a 报案 into a case through the cases module's service; in `serve`, sweeps the deadlines (超期 / 即将超期
// notifications).
#pragma once

#include <memory>

#include "intake/intake_service.h"
#include "kit/module.h"
#include "kit/module_sweep.h"

namespace fazhi::intake {

class IntakeModule final : public kit::SweptModule<IntakeService> {
 public:
  // Every sweep interval (kit::Settings), the deadline alerts (IntakeService::NotifyDeadlines).
  explicit IntakeModule(const kit::Services& s)
      : SweptModule(s, "intake deadline sweep", &IntakeService::NotifyDeadlines, s.db, s.clock, s.vault) {}
  std::string_view Name() const override { return "intake"; }
  std::string_view Title() const override { return "接报案大厅"; }
  Result<void> Init(kit::ModuleSet& modules) override;
  void RegisterRoutes(http::Router& router) override;
  Result<std::vector<std::string>> GenerateDemo(const kit::DemoOptions& options) override;
  void AddLedgerSources(std::vector<std::unique_ptr<points::LedgerSource>>& out) override;
  void AddBulletinSections(std::vector<std::unique_ptr<kit::BulletinSectionProvider>>& out) override;

  static kit::ModuleSpec Spec();
};

}  // namespace fazhi::intake
