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

class IntakeModule final : public kit::Module {
 public:
  explicit IntakeModule(const kit::Services& s) : services_(s), service_(s.db, s.clock, s.vault) {}
  std::string_view Name() const override { return "intake"; }
  std::string_view Title() const override { return "接报案大厅"; }
  Result<void> Init(kit::ModuleSet& modules) override;
  void RegisterRoutes(http::Router& router) override;
  Result<std::vector<std::string>> GenerateDemo(const kit::DemoOptions& options) override;
  void AddLedgerSources(std::vector<std::unique_ptr<points::LedgerSource>>& out) override;
  void AddBulletinSections(std::vector<std::unique_ptr<kit::BulletinSectionProvider>>& out) override;
  // Every sweep interval (kit::Settings), the deadline alerts (IntakeService::NotifyDeadlines).
  void StartBackground() override { sweep_.Start(); }
  void StopBackground() override { sweep_.Stop(); }

  IntakeService& service() { return service_; }

  static kit::ModuleSpec Spec();

 private:
  kit::Services services_;
  IntakeService service_;
  // Last: stopped (its destructor) before the service goes.
  kit::ModuleSweep sweep_{services_.settings, "intake deadline sweep", [this] { return service_.NotifyDeadlines(); }};
};

}  // namespace fazhi::intake
