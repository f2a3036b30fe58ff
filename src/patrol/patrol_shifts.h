#pragma once
// 巡防班次 (issue 15 item 3): a unit's shift pattern — slots with their times and a rotation of the
// unit's teams over a cycle of days — and the month calendar computed from it (pure).
#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "db/database.h"

namespace fazhi::patrol {

struct ShiftSlot {
  std::string name;
  int start_min = 0;  // minutes after Beijing midnight
  int end_min = 0;    // ≤ start_min: ends the next day
};

struct ShiftPattern {
  std::int64_t id = 0, bureau_id = 0, unit_id = 0;
  std::string name;
  std::vector<ShiftSlot> slots;
  std::vector<std::vector<std::int64_t>> cycle;  // per cycle day, one team id per slot (0 = nobody)
  std::int64_t anchor_day = 0;                   // Beijing date of cycle day 0, days since 1970-01-01
  EpochSeconds updated_at = 0;
};

struct CalendarDay {
  std::int64_t day = 0;             // days since 1970-01-01 (Beijing date)
  int cycle_day = 0;                // index into the pattern's cycle
  std::vector<std::int64_t> teams;  // one per slot
};

// The days of `year`-`month` with the team on each slot: cycle day = (day − anchor_day) mod cycle
// length, non-negative also before the anchor. Beijing has no DST, so a date is a whole day.
std::vector<CalendarDay> ShiftCalendar(const ShiftPattern& p, int year, int month);

// The shape of a pattern: 1–6 slots with names and times in 0–1439, a cycle of 1–62 days each with
// one entry per slot. Team ids are checked against the unit's teams by the service.
Result<void> CheckPattern(const ShiftPattern& p);

// The demo's 三班二运转 for one 派出所: 白班 08–20 and 夜班 20–08, three teams over a three-day
// cycle from 2023-01-01 (each team a day shift, then a night shift, then a day off).
void InsertDemoShiftPattern(soci::session& sql, std::int64_t bureau_id, std::int64_t unit_id,
                            const std::vector<std::int64_t>& teams);

class PatrolService;
}  // namespace fazhi::patrol
namespace fazhi::http {
template <typename S>
class Routes;
}  // namespace fazhi::http
namespace fazhi::patrol {
// GET/PUT /api/patrol/shifts and GET /api/patrol/shifts/calendar (called by RegisterRoutes).
void RegisterShiftRoutes(http::Routes<PatrolService>& r);

}  // namespace fazhi::patrol
