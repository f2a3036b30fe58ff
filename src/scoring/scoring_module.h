// 执法办案积分 as the App sees it (kit::Module): schemes, monthly points, publication,
// objections, rankings and the `score` subcommand. The one place scoring plugs in.
#pragma once

#include <optional>

#include "kit/module.h"
#include "scoring/scoring_service.h"

namespace fazhi::scoring {

class ScoringModule final : public kit::Module {
 public:
  explicit ScoringModule(const kit::Services& s) : services_(s) {}
  std::string_view Name() const override { return "scoring"; }
  std::string_view Title() const override { return "执法办案积分"; }
  // Collects the ledger sources of every module (kit::Module::AddLedgerSources) and builds the
  // service on them.
  Result<void> Init(kit::ModuleSet& modules) override;
  void RegisterRoutes(http::Router& router) override;
  void AddBulletinSections(
      std::vector<std::unique_ptr<kit::BulletinSectionProvider>>& out) override;  // scoring_bulletin.cpp
  Result<std::vector<std::string>> GenerateDemo(const kit::DemoOptions& options) override;

  // Valid after Init.
  ScoringService& service() { return *service_; }

  static kit::ModuleSpec Spec();

 private:
  kit::Services services_;
  std::optional<ScoringService> service_;
};

}  // namespace fazhi::scoring
