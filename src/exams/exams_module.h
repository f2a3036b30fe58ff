// 考试 and 执法资格 as the App sees it (kit::Module): serves the /api/exams routes, writes the demo
// bank, exams, attempts and qualifications of 2023, and in `serve` hands in the attempts whose
// server-side end time has passed (every sweep interval).
#pragma once

#include <memory>

#include "exams/exams_service.h"
#include "kit/module.h"
#include "kit/module_sweep.h"

namespace fazhi::exams {

class ExamsModule final : public kit::Module {
 public:
  explicit ExamsModule(const kit::Services& s) : services_(s), service_(s.db, s.clock) {}
  std::string_view Name() const override { return "exams"; }
  std::string_view Title() const override { return "考试与执法资格"; }
  void RegisterRoutes(http::Router& router) override;
  Result<std::vector<std::string>> GenerateDemo(const kit::DemoOptions& options) override;
  void StartBackground() override { sweep_.Start(); }
  void StopBackground() override { sweep_.Stop(); }

  ExamService& service() { return service_; }

  static kit::ModuleSpec Spec();

 private:
  kit::Services services_;
  ExamService service_;
  // Last: stopped (its destructor) before the service goes.
  kit::ModuleSweep sweep_{services_.settings, "exam end-time sweep", [this] { return service_.SubmitExpired(); }};
};

}  // namespace fazhi::exams
