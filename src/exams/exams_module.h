// 考试 and 执法资格 as the App sees it (kit::Module): serves the /api/exams routes, writes the demo
// bank, exams, attempts and qualifications of 2023, and in `serve` hands in the attempts whose
// server-side end time has passed (every sweep interval).
#pragma once

#include <memory>

#include "exams/exams_service.h"
#include "kit/module.h"
#include "kit/module_sweep.h"

namespace fazhi::exams {

class ExamsModule final : public kit::SweptModule<ExamService> {
 public:
  explicit ExamsModule(const kit::Services& s)
      : SweptModule(s, "exam end-time sweep", &ExamService::SubmitExpired, s.db, s.clock) {}
  std::string_view Name() const override { return "exams"; }
  std::string_view Title() const override { return "考试与执法资格"; }
  void RegisterRoutes(http::Router& router) override;
  Result<std::vector<std::string>> GenerateDemo(const kit::DemoOptions& options) override;

  static kit::ModuleSpec Spec();
};

}  // namespace fazhi::exams
