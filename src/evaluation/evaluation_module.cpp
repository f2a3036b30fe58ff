#include "evaluation/evaluation_module.h"

#include "evaluation/evaluation_demo.h"
#include "evaluation/evaluation_routes.h"
#include "evaluation/evaluation_sources.h"
#include "training/training_module.h"

namespace fazhi::evaluation {

Result<void> EvaluationModule::Init(kit::ModuleSet& modules) {
  auto* training = FZ_TRY(modules.Require<training::TrainingModule>("优劣质案件评定"));
  service_.SetTraining(&training->service());
  return {};
}

void EvaluationModule::RegisterRoutes(http::Router& router) { evaluation::RegisterRoutes(router, service_); }

Result<std::vector<std::string>> EvaluationModule::GenerateDemo(const kit::DemoOptions& options) {
  return GenerateEvaluationDemo(services_.db, services_.clock, options.year);
}

void EvaluationModule::AddLedgerSources(std::vector<std::unique_ptr<points::LedgerSource>>& out) {
  out.push_back(MakeLedgerSource());
}

void EvaluationModule::AddBulletinSections(std::vector<std::unique_ptr<kit::BulletinSectionProvider>>& out) {
  out.push_back(MakeBulletinSection());
}

kit::ModuleSpec EvaluationModule::Spec() { return kit::SpecOf<EvaluationModule>("evaluation"); }

}  // namespace fazhi::evaluation
