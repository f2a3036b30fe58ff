// 执法办案积分 as the App sees it (kit::Module): schemes, monthly points, publication,
// objections, rankings and the `score` subcommand.
#pragma once

#include "kit/module.h"
#include "scoring/scoring_service.h"

namespace fazhi::scoring {

class ScoringModule final : public kit::Module {
 public:
  explicit ScoringModule(const kit::Services& s) : services_(s), service_(s.db, s.clock) {}
  std::string_view Name() const override { return "scoring"; }
  std::string_view Title() const override { return "执法办案积分"; }
  void RegisterRoutes(http::Router& router) override;
  Result<std::vector<std::string>> GenerateDemo(const kit::DemoOptions& options) override;

  ScoringService& service() { return service_; }

  static kit::ModuleSpec Spec();

 private:
  kit::Services services_;
  ScoringService service_;
};

}  // namespace fazhi::scoring
