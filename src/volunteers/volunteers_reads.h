// What the volunteers module lets other modules read (the patrol bulletin section, src/patrol/
// patrol_bulletin.cpp): a period's figures of the approved volunteers of a unit subtree, and a
// month's 巡防之星 ranked by the published criteria (the same ranking VolunteerService::MonthlyStars
// shows). Each takes the caller's session inside its transaction; no permission check — the caller
// has already scoped `unit_path`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "db/soci.h"
#include "volunteers/volunteers_types.h"

namespace fazhi::volunteers {

// Figures of [from, to) over the approved volunteers of units under `unit_path` (a volunteer counts
// where he is registered): active = volunteers with at least one completed task (state done, checked
// in within the period); service_seconds = the sum of check-out minus check-in of those tasks;
// clues_accepted = their clues reported within the period and accepted.
struct PeriodFigures {
  std::int64_t active = 0, tasks_done = 0, service_seconds = 0, clues_accepted = 0;
};
PeriodFigures FiguresOfPeriod(soci::session& sql, const std::string& unit_path, EpochSeconds from, EpochSeconds to);

// The candidates of `month` ("2023-07", local [from, to)) under `unit_path` with a score above 0,
// ordered by unit, then score, then tasks, then registration; `star` set on each unit's best
// (criteria.stars_per_unit). `reasons` explains the score.
std::vector<StarCandidate> RankStars(soci::session& sql, const std::string& unit_path, const std::string& month,
                                     EpochSeconds from, EpochSeconds to, const StarCriteria& criteria);

}  // namespace fazhi::volunteers
