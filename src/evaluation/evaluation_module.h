// 优劣质案件评定 as the App sees it (kit::Module): serves the /api/evaluation routes, registers the
// points-ledger source "case_rating" and the bulletin section "evaluation", and writes the 2023
// demo round.
#pragma once

#include "evaluation/evaluation_service.h"
#include "kit/module.h"

namespace fazhi::evaluation {

class EvaluationModule final : public kit::Module {
 public:
  explicit EvaluationModule(const kit::Services& s) : services_(s), service_(s.db, s.clock) {}
  std::string_view Name() const override { return "evaluation"; }
  std::string_view Title() const override { return "优劣质案件评定"; }
  // Finds the training module: the library the teaching set is published to.
  Result<void> Init(kit::ModuleSet& modules) override;
  void RegisterRoutes(http::Router& router) override;
  Result<std::vector<std::string>> GenerateDemo(const kit::DemoOptions& options) override;
  void AddLedgerSources(std::vector<std::unique_ptr<points::LedgerSource>>& out) override;
  void AddBulletinSections(std::vector<std::unique_ptr<kit::BulletinSectionProvider>>& out) override;

  EvaluationService& service() { return service_; }

  static kit::ModuleSpec Spec();

 private:
  kit::Services services_;
  EvaluationService service_;
};

}  // namespace fazhi::evaluation
