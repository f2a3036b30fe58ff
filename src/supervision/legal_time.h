// Legal time (期间) arithmetic: CALC-01..05 of spec/legal-rules.md and the project's counting
// conventions (§1 of that file). Pure functions of their arguments; all instants are UTC epoch
// seconds and every calendar step is taken in China local time (UTC+8, core/local_time.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/clock.h"
#include "core/local_time.h"
#include "supervision/calendar.h"

namespace fazhi::supervision {

enum class TimeUnit : std::uint8_t { kHours, kDays, kMonths };

// "hours" / "days" / "months" and back; nullopt for anything else.
std::string_view TimeUnitId(TimeUnit u);
std::optional<TimeUnit> TimeUnitFromId(std::string_view id);
std::string_view TimeUnitZh(TimeUnit u);  // 小时 / 日 / 个月

struct Period {
  std::int32_t value = 0;
  TimeUnit unit = TimeUnit::kHours;
  friend bool operator==(const Period&, const Period&) = default;
};

// How an hour limit that runs from a recorded moment starts (§1 convention 3).
enum class HourReading : std::uint8_t {
  kExact,         // due = timestamp + N h (default)
  kNextFullHour,  // "开始的时不算": the clock starts at the next full hour (a start exactly on
                  // the hour loses nothing), due = that hour + N h
};

// What a request clock (kRequest rule) shows once its deadline has passed without a request: a
// request is only needed when the clock must be extended, so lapsing is not in itself a violation.
enum class RequestLapse : std::uint8_t {
  kPreWarn,        // pre_warn (default): a warning that the extension can no longer be requested in time
  kOverdue,        // overdue: treat it as a violation
  kNotApplicable,  // not_applicable: say nothing
};

// Counting and reading settings shared by all rules (catalog "settings"). Defaults are §1 of the
// spec and the documented readings of docs/supervision-engine.md.
struct CountingSettings {
  HourReading hour_reading = HourReading::kExact;
  std::int32_t pre_warn_hours = 2;        // hour limits: 预警 at due − N h
  std::int32_t pre_warn_day_days = 0;     // day limits: 预警 at 00:00 on (due date − N)
  std::int32_t pre_warn_month_days = 15;  // month limits: 预警 at due − N days
  // §5 "期限届满七日前" (U): whether a request made exactly N days before the due date counts as
  // in time (true: day −N is allowed; false: it must be earlier).
  bool request_lead_inclusive = true;
  RequestLapse request_lapse = RequestLapse::kPreWarn;
  // An extension whose spec lists required facts (CRIM-DETAIN-04 30 days) but whose event records
  // none of them: false (default) = accepted with a note asking for them; true = refused.
  bool extension_facts_required = false;
};

// Rough length of `value` `unit`s in hours (a day as 24 h, a month as 30 days), to compare limits
// of different units (an extension from 24 hours to 3 days). Not for computing due times.
std::int64_t ApproxHours(std::int64_t value, TimeUnit unit);

// Last second (23:59:59 local) of `date`.
EpochSeconds EndOfLocalDay(CivilDate date);

// CALC-03 (SPC §202, applied by analogy): from day D of a month to the same day D `months` later;
// if the start is the last day of its month, or the same day does not exist, the last day of the
// target month. Examples: 01-31 + 1 = 02-29 (2024); 02-29 + 1 = 03-31; 03-05 + 2 = 05-05.
// `months` may be 0 (returns `start`) or positive.
CivilDate AddMonthsCalc03(CivilDate start, int months);

// Due instant of a limit that starts at `start`.
//  - hours: start (or the next full hour, per `reading`) + N h + excluded_days × 24 h. Never rolled.
//  - days: 23:59:59 local on (start date + N + excluded_days), because the start day is not
//    counted (CALC-01/02); CALC-04 gives the same end for 行政拘留.
//  - months: 23:59:59 local on (CALC-03 date + excluded_days).
// If `holiday_roll` and the unit is days or months, a due date that is a holiday moves to the first
// following non-holiday (CALC-01: 期间的最后一日为节假日的，以节假日后的第一日为期满日期). Callers pass
// holiday_roll = false for custody periods (CALC-01 proviso, CALC-02 exception).
EpochSeconds ComputeDue(EpochSeconds start, Period limit, std::int64_t excluded_days, bool holiday_roll,
                        HourReading reading, const Calendar& calendar);

// 预警 instant for a limit of unit `unit` due at `due` (§1 convention 6): due − N h for hour limits,
// 00:00 on (due date − N) for day and month limits. A `lead` (a rule's pre_warn) replaces the
// default: in hours it is subtracted from the due instant; in days (or months, taken as 30 days
// each) it counts back whole dates, to 00:00, for day and month limits, and is subtracted as
// N × 24 h from an hour limit.
EpochSeconds ComputePreWarn(EpochSeconds due, TimeUnit unit, const CountingSettings& settings,
                            std::optional<Period> lead = std::nullopt);

// Whole local days between the dates of two instants (date(to) − date(from)); 0 if to <= from.
// §1 convention 5: excluded 鉴定 days = receipt date − commissioning date.
std::int64_t LocalDaysBetween(EpochSeconds from, EpochSeconds to);

}  // namespace fazhi::supervision
