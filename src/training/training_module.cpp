#include "training/training_module.h"

#include <fmt/format.h>

#include "training/training_demo.h"
#include "training/training_routes.h"
#include "training/training_sources.h"

namespace fazhi::training {

void TrainingModule::RegisterRoutes(http::Router& router) { training::RegisterRoutes(router, service_); }

Result<std::vector<std::string>> TrainingModule::GenerateDemo(const kit::DemoOptions& options) {
  const auto s = FZ_TRY(GenerateTrainingDemo(services_.db, services_.clock, options.year));
  if (s.weekly == 0 && s.already_present) return std::vector<std::string>{"学法用法演示数据已存在，未做改动。"};
  return std::vector<std::string>{fmt::format(
      "已生成 {} 年学法培训：法制每周一学 {} 次、法制夜校 {} 次、行政执法大讲堂 {} 次、法制员例会 {} 次、联合培训 {} "
      "次、党委中心组学法 {} 次、会前学法 {} 次，到课记录 {} 条；学法计划 {} 项；每周法制培训资料 {} 期；述法报告 {} "
      "份，出庭应诉 {} 次，旁听庭审 {} 次。",
      options.year, s.weekly, s.night_school, s.lecture, s.liaison, s.joint, s.center_group, s.pre_meeting,
      s.attendance, s.plan_items, s.materials, s.law_reports, s.appearances, s.hearings)};
}

void TrainingModule::AddBulletinSections(std::vector<std::unique_ptr<kit::BulletinSectionProvider>>& out) {
  out.push_back(MakeBulletinSection());
}

kit::ModuleSpec TrainingModule::Spec() { return kit::SpecOf<TrainingModule>("training"); }

}  // namespace fazhi::training
