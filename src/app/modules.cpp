#include "app/modules.h"

#include "bulletins/bulletins_module.h"
#include "cases/cases_module.h"
#include "evaluation/evaluation_module.h"
#include "exams/exams_module.h"
#include "inspections/inspections_module.h"
#include "intake/intake_module.h"
#include "notify/notify_module.h"
#include "orders/orders_module.h"
#include "org/org_module.h"
#include "oversight/oversight_module.h"
#include "patrol/patrol_module.h"
#include "publicity/publicity_module.h"
#include "scoring/scoring_module.h"
#include "training/training_module.h"
#include "volunteers/volunteers_module.h"

namespace fazhi {

const std::vector<kit::ModuleSpec>& AllModules() {
  static const std::vector<kit::ModuleSpec> specs = {
      org::OrgModule::Spec(),
      cases::CasesModule::Spec(),
      notify::NotifyModule::Spec(),
      orders::OrdersModule::Spec(),
      oversight::OversightModule::Spec(),
      inspections::InspectionsModule::Spec(),
      intake::IntakeModule::Spec(),
      exams::ExamsModule::Spec(),
      training::TrainingModule::Spec(),
      evaluation::EvaluationModule::Spec(),
      publicity::PublicityModule::Spec(),
      patrol::PatrolModule::Spec(),
      volunteers::VolunteersModule::Spec(),
      // Last: their demos count what the modules above generated (points entries, bulletin sections).
      scoring::ScoringModule::Spec(),
      bulletins::BulletinsModule::Spec(),
  };
  return specs;
}

}  // namespace fazhi
