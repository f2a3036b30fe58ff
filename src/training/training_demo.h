// The demo year of 学法用法 (`fazhi demo`): deterministic (seeded), idempotent, through the store.
#pragma once

#include "core/clock.h"
#include "core/error.h"
#include "db/database.h"

namespace fazhi::training {

struct TrainingDemoSummary {
  bool already_present = false;
  int weekly = 0, night_school = 0, lecture = 0, liaison = 0, joint = 0, center_group = 0, pre_meeting = 0;
  int attendance = 0, plan_items = 0, materials = 0, law_reports = 0, appearances = 0, hearings = 0;
};

// For every bureau with a legal unit (法制大队): the seed's 2023 counts — 47 法制每周一学 (Wednesday
// afternoons, five holiday weeks skipped), 18 法制夜校 (two a month March–November, internal and invited
// speakers, 以案说法 / 挑错改错 / 现场答疑), 9 行政执法大讲堂 online, 5 法制员例会, 1 joint training with
// the district court and bar, 4 党委中心组学法, 会前学法 of each 派出所 every other month; attendance of
// the target units' people (about nine in ten, by roster or QR); two plan items a unit a month,
// linked to the sessions that carried them out (a few left 未落实); 72 issues of 每周法制培训 (one
// revised); 述法 reports of the 派出所 heads with peer ratings; 出庭应诉 records and 2 旁听庭审.
// Written only when the bureau has no session in the year.
Result<TrainingDemoSummary> GenerateTrainingDemo(db::Database& db, const Clock& clock, int year);

}  // namespace fazhi::training
