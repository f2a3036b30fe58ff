// Holiday calendar (节假日安排) for the CALC-01/CALC-02 holiday roll: days off, 调休 working days
// and whether ordinary weekends count as 节假日. Data, not code: the shipped calendar is
// data/calendar.json (2023–2026, from spec/holidays.md), embedded in the library at build time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/local_time.h"

namespace fazhi::supervision {

class Calendar {
 public:
  // An empty calendar: no days off, no 调休; weekends count as 节假日 iff `weekends_are_holidays`.
  explicit Calendar(bool weekends_are_holidays = true) : weekends_are_holidays_(weekends_are_holidays) {}

  // Whether `date` is a 节假日 for the holiday roll. Order of precedence: a 调休 working day is
  // never a holiday; a listed day off always is; otherwise Saturday/Sunday count as holidays iff
  // weekends_are_holidays(). O(log n). Thread-safe for concurrent readers.
  bool IsHoliday(CivilDate date) const;
  // First date >= `date` that is not a holiday (CALC-01: 以节假日后的第一日为期满日期). Gives up
  // after 366 days of holidays and returns the date reached (a calendar cannot be that wrong
  // after validation, but the loop must be bounded).
  CivilDate FirstWorkingDayFrom(CivilDate date) const;

  bool weekends_are_holidays() const { return weekends_are_holidays_; }
  void set_weekends_are_holidays(bool v) { weekends_are_holidays_ = v; }
  // Adds a day off / a 调休 working day. Dates are kept sorted; duplicates are harmless.
  void AddDayOff(CivilDate d);
  void AddWorkingDay(CivilDate d);

 private:
  bool weekends_are_holidays_;
  std::vector<std::int64_t> days_off_;      // sorted day numbers (DaysFromCivil)
  std::vector<std::int64_t> working_days_;  // sorted day numbers
};

// Parses a calendar document:
//   {"weekends_are_holidays": true,
//    "days_off": [{"name": "春节", "from": "2024-02-10", "to": "2024-02-17"}, ...],
//    "working_days": [{"name": "春节调休", "date": "2024-02-04"}, ...]}
// Unknown fields, malformed or impossible dates, from > to, a span longer than 31 days and a date
// that is both a day off and a working day are InvalidArgument errors whose message names the
// item (e.g. "days_off[3]") and whose `field` is its path. `source` names the file in messages.
[[nodiscard]] Result<Calendar> ParseCalendar(std::string_view json_text, std::string_view source = "节假日日历");

// The shipped calendar (parsed once from the embedded data/calendar.json). Thread-safe.
const Calendar& ShippedCalendar();
// Raw text of the shipped calendar JSON.
std::string_view ShippedCalendarJson();

}  // namespace fazhi::supervision
