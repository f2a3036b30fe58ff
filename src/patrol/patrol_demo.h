// The 五化巡防 demo year: for every 派出所 of the demo organisation, generated 巡区 and 必到点 around a
// made-up centre, teams, a year of check-ins (a few flagged), patrol logs and 警情 with a daily and
// weekly rhythm, 模拟测警 drills, disputes and hazards. Deterministic (fixed seeds), idempotent.
#pragma once

#include "core/clock.h"
#include "core/error.h"
#include "db/database.h"

namespace fazhi::patrol {

struct DemoSummary {
  bool already_present = false;
  int areas = 0, points = 0, teams = 0, checkins = 0, flagged = 0, logs = 0, calls = 0, drills = 0, test_calls = 0,
      disputes = 0, hazards = 0;
};

Result<DemoSummary> GeneratePatrolDemo(db::Database& db, const Clock& clock, int year);

}  // namespace fazhi::patrol
