// The case file module as the App sees it (kit::Module): incidents, cases, persons, property,
// the event log and its import.
#pragma once

#include "cases/case_service.h"
#include "kit/module.h"

namespace fazhi::cases {

class CasesModule final : public kit::Module {
 public:
  explicit CasesModule(const kit::Services& s) : services_(s), service_(s.db, s.clock, s.vault, s.jobs) {}
  std::string_view Name() const override { return "cases"; }
  std::string_view Title() const override { return "案件管理"; }
  void RegisterRoutes(http::Router& router) override;
  // The demo year's incidents, cases and events, evaluated by the hooks (oversight) when set.
  Result<std::vector<std::string>> GenerateDemo(const kit::DemoOptions& options) override;
  void AddLedgerSources(std::vector<std::unique_ptr<points::LedgerSource>>& out) override;  // case_points.cpp
  void AddBulletinSections(
      std::vector<std::unique_ptr<kit::BulletinSectionProvider>>& out) override;  // case_bulletin.cpp

  CaseService& service() { return service_; }

  static kit::ModuleSpec Spec();

 private:
  kit::Services services_;
  CaseService service_;
};

}  // namespace fazhi::cases
