#include "supervision/legal_time.h"

namespace fazhi::supervision {

std::string_view TimeUnitId(TimeUnit u) {
  switch (u) {
    case TimeUnit::kHours: return "hours";
    case TimeUnit::kDays: return "days";
    case TimeUnit::kMonths: return "months";
  }
  return "hours";
}

std::optional<TimeUnit> TimeUnitFromId(std::string_view id) {
  if (id == "hours") return TimeUnit::kHours;
  if (id == "days") return TimeUnit::kDays;
  if (id == "months") return TimeUnit::kMonths;
  return std::nullopt;
}

std::string_view TimeUnitZh(TimeUnit u) {
  switch (u) {
    case TimeUnit::kHours: return "小时";
    case TimeUnit::kDays: return "日";
    case TimeUnit::kMonths: return "个月";
  }
  return "";
}

std::int64_t ApproxHours(std::int64_t value, TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kHours: return value;
    case TimeUnit::kDays: return value * 24;
    case TimeUnit::kMonths: return value * 24 * 30;
  }
  return value;
}

EpochSeconds EndOfLocalDay(CivilDate date) { return LocalMidnight(date) + 86400 - 1; }

CivilDate AddMonthsCalc03(CivilDate start, int months) {
  if (months <= 0) return start;
  const int index = start.year * 12 + (start.month - 1) + months;
  CivilDate out{index / 12, index % 12 + 1, 1};
  const int last = DaysInMonth(out.year, out.month);
  // CALC-03: 起算日为本月最后一日的，至下月最后一日；下月同日不存在的，至下月最后一日.
  const bool start_is_last = start.day == DaysInMonth(start.year, start.month);
  out.day = (start_is_last || start.day > last) ? last : start.day;
  return out;
}

namespace {

CivilDate AddDays(CivilDate d, std::int64_t n) { return CivilFromDays(DaysFromCivil(d) + n); }

}  // namespace

EpochSeconds ComputeDue(EpochSeconds start, Period limit, std::int64_t excluded_days, bool holiday_roll,
                        HourReading reading, const Calendar& calendar) {
  if (limit.unit == TimeUnit::kHours) {
    EpochSeconds from = start;
    if (reading == HourReading::kNextFullHour) {
      // Local hours are whole UTC hours too (UTC+8), so rounding the epoch is enough.
      const EpochSeconds rem = ((from % 3600) + 3600) % 3600;
      if (rem != 0) from += 3600 - rem;
    }
    // Hour periods end at an instant, never on a "last day": no holiday roll.
    return from + static_cast<EpochSeconds>(limit.value) * 3600 + excluded_days * 86400;
  }
  const CivilDate start_date = LocalDateOf(start);
  // CALC-01/02: the start day is not counted, so N days end on start date + N.
  CivilDate due_date =
      limit.unit == TimeUnit::kDays ? AddDays(start_date, limit.value) : AddMonthsCalc03(start_date, limit.value);
  due_date = AddDays(due_date, excluded_days);
  if (holiday_roll) due_date = calendar.FirstWorkingDayFrom(due_date);
  return EndOfLocalDay(due_date);
}

EpochSeconds ComputePreWarn(EpochSeconds due, TimeUnit unit, const CountingSettings& settings,
                            std::optional<Period> lead) {
  // Day and month limits are read by date: their 预警 starts at 00:00 of a date (§1 convention 6).
  const auto midnight_before = [&](std::int64_t days) { return LocalMidnight(AddDays(LocalDateOf(due), -days)); };
  if (lead) {
    const std::int64_t days = lead->unit == TimeUnit::kMonths ? std::int64_t{lead->value} * 30 : lead->value;
    if (lead->unit == TimeUnit::kHours) return due - static_cast<EpochSeconds>(lead->value) * 3600;
    if (unit == TimeUnit::kHours) return due - days * 86400;
    return midnight_before(days);
  }
  switch (unit) {
    case TimeUnit::kHours: return due - static_cast<EpochSeconds>(settings.pre_warn_hours) * 3600;
    case TimeUnit::kDays: return midnight_before(settings.pre_warn_day_days);
    case TimeUnit::kMonths: return midnight_before(settings.pre_warn_month_days);
  }
  return due;
}

std::int64_t LocalDaysBetween(EpochSeconds from, EpochSeconds to) {
  if (to <= from) return 0;
  return DaysFromCivil(LocalDateOf(to)) - DaysFromCivil(LocalDateOf(from));
}

}  // namespace fazhi::supervision
