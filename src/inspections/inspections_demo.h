// Demo data of the inspections module (`fazhi demo`, after cases and before scoring and bulletins):
// plans at the three levels (the city inspects its bureaus, each bureau its teams, each team two of
// its officers a week), the 52 weeks of the demo year judged item by item, every failed item a
// finding with its 督办 run to closure (a few late, the last weeks' partly still open), and the open
// tasks of the current week for the live demo. Deterministic (seeded) and idempotent: nothing is
// written when plans exist.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "db/database.h"

namespace fazhi::inspections {

struct InspectionDemoSummary {
  bool already_present = false;
  int plans = 0, tasks = 0, results = 0, findings = 0, orders_closed = 0, open_tasks = 0;
  int live_findings = 0;  // of last week's tasks, in 整改 now
};

Result<InspectionDemoSummary> GenerateInspectionDemo(db::Database& db, const Clock& clock, int year);

}  // namespace fazhi::inspections
