// Unit tests for legal time arithmetic and the holiday calendar. Expected values are worked out
// by hand from CALC-01..05 and spec/holidays.md (comments show the reasoning).
#include "supervision/legal_time.h"

#include <gtest/gtest.h>

#include "core/local_time.h"
#include "supervision/calendar.h"

namespace fazhi::supervision {
namespace {

CivilDate D(int y, int m, int d) { return CivilDate{y, m, d}; }
EpochSeconds T(const char* local) { return *ParseLocalDateTime(local); }
std::string L(EpochSeconds t) { return FormatLocalDateTime(t); }

TEST(AddMonthsCalc03, SameDayNextMonth) {
  EXPECT_EQ(AddMonthsCalc03(D(2024, 3, 5), 2), D(2024, 5, 5));
  EXPECT_EQ(AddMonthsCalc03(D(2024, 12, 15), 2), D(2025, 2, 15));  // year wrap
  EXPECT_EQ(AddMonthsCalc03(D(2024, 3, 5), 0), D(2024, 3, 5));
}

TEST(AddMonthsCalc03, MissingSameDayGivesLastDay) {
  EXPECT_EQ(AddMonthsCalc03(D(2024, 1, 31), 1), D(2024, 2, 29));  // spec §5 example, leap year
  EXPECT_EQ(AddMonthsCalc03(D(2023, 1, 31), 1), D(2023, 2, 28));
  EXPECT_EQ(AddMonthsCalc03(D(2024, 3, 31), 1), D(2024, 4, 30));
  EXPECT_EQ(AddMonthsCalc03(D(2024, 1, 30), 1), D(2024, 2, 29));  // 02-30 does not exist
}

TEST(AddMonthsCalc03, LastDayOfMonthGoesToLastDay) {
  // 起算日为本月最后一日的，至下月最后一日.
  EXPECT_EQ(AddMonthsCalc03(D(2024, 2, 29), 1), D(2024, 3, 31));
  EXPECT_EQ(AddMonthsCalc03(D(2024, 4, 30), 1), D(2024, 5, 31));
  EXPECT_EQ(AddMonthsCalc03(D(2024, 11, 30), 3), D(2025, 2, 28));
  // Not the last day: 03-30 → 04-30 because 04-30 exists (and happens to be the last day).
  EXPECT_EQ(AddMonthsCalc03(D(2024, 3, 30), 1), D(2024, 4, 30));
  EXPECT_EQ(AddMonthsCalc03(D(2024, 3, 30), 2), D(2024, 5, 30));
}

TEST(ComputeDue, DaysStartDayNotCounted) {
  Calendar cal;
  // TC-01: 拘留 03-04 22:30, 3 days → end of 03-07 (day 1 = 03-05), never 03-07 22:30.
  EXPECT_EQ(L(ComputeDue(T("2024-03-04 22:30"), {3, TimeUnit::kDays}, 0, false, HourReading::kExact, cal)),
            "2024-03-07 23:59:59");
  // A start at 00:00:00 is still on its start day, which is not counted.
  EXPECT_EQ(L(ComputeDue(T("2024-03-04 00:00"), {1, TimeUnit::kDays}, 0, false, HourReading::kExact, cal)),
            "2024-03-05 23:59:59");
}

TEST(ComputeDue, HoursExactAndNextFullHour) {
  Calendar cal;
  const EpochSeconds arrive = T("2024-05-06 09:15");
  EXPECT_EQ(L(ComputeDue(arrive, {12, TimeUnit::kHours}, 0, true, HourReading::kExact, cal)), "2024-05-06 21:15:00");
  EXPECT_EQ(L(ComputeDue(arrive, {12, TimeUnit::kHours}, 0, true, HourReading::kNextFullHour, cal)),
            "2024-05-06 22:00:00");
  // A start exactly on the hour loses nothing under the next-full-hour reading.
  EXPECT_EQ(L(ComputeDue(T("2024-05-06 09:00"), {12, TimeUnit::kHours}, 0, true, HourReading::kNextFullHour, cal)),
            "2024-05-06 21:00:00");
  // Hour limits never roll, even when they end on a holiday (2024-10-01 is 国庆).
  EXPECT_EQ(
      L(ComputeDue(T("2024-09-30 10:00"), {24, TimeUnit::kHours}, 0, true, HourReading::kExact, ShippedCalendar())),
      "2024-10-01 10:00:00");
}

TEST(ComputeDue, MonthsUseCalc03) {
  Calendar cal;
  EXPECT_EQ(L(ComputeDue(T("2024-01-31 15:00"), {1, TimeUnit::kMonths}, 0, false, HourReading::kExact, cal)),
            "2024-02-29 23:59:59");
  EXPECT_EQ(L(ComputeDue(T("2024-03-05 10:00"), {2, TimeUnit::kMonths}, 0, false, HourReading::kExact, cal)),
            "2024-05-05 23:59:59");
}

TEST(ComputeDue, HolidayRollAcrossNationalDay) {
  const Calendar& cal = ShippedCalendar();
  // 09-28 + 3 = 10-01, inside 国庆 10-01..10-07; 10-08 is a Tuesday → due 10-08.
  EXPECT_EQ(L(ComputeDue(T("2024-09-28 10:00"), {3, TimeUnit::kDays}, 0, true, HourReading::kExact, cal)),
            "2024-10-08 23:59:59");
  // Custody: no roll (CALC-01 proviso).
  EXPECT_EQ(L(ComputeDue(T("2024-09-28 10:00"), {3, TimeUnit::kDays}, 0, false, HourReading::kExact, cal)),
            "2024-10-01 23:59:59");
  // 2023: 09-26 + 3 = 09-29 (中秋国庆 09-29..10-06); 10-07 is a Saturday but a 调休 working day.
  EXPECT_EQ(L(ComputeDue(T("2023-09-26 10:00"), {3, TimeUnit::kDays}, 0, true, HourReading::kExact, cal)),
            "2023-10-07 23:59:59");
}

TEST(ComputeDue, HolidayRollAcrossSpringFestival) {
  const Calendar& cal = ShippedCalendar();
  // 2024: 02-07 + 3 = 02-10 (春节 02-10..02-17); 02-18 is a Sunday 调休 working day.
  EXPECT_EQ(L(ComputeDue(T("2024-02-07 09:00"), {3, TimeUnit::kDays}, 0, true, HourReading::kExact, cal)),
            "2024-02-18 23:59:59");
  // 2025: 01-25 + 3 = 01-28 (春节 01-28..02-04); 02-05 is a Wednesday.
  EXPECT_EQ(L(ComputeDue(T("2025-01-25 09:00"), {3, TimeUnit::kDays}, 0, true, HourReading::kExact, cal)),
            "2025-02-05 23:59:59");
  // 2026: 02-12 + 3 = 02-15 (春节 02-15..02-23); 02-24 is a Tuesday.
  EXPECT_EQ(L(ComputeDue(T("2026-02-12 09:00"), {3, TimeUnit::kDays}, 0, true, HourReading::kExact, cal)),
            "2026-02-24 23:59:59");
}

TEST(ComputeDue, TiaoxiuWorkingWeekendIsNotRolled) {
  const Calendar& cal = ShippedCalendar();
  // 09-26 + 3 = 2024-09-29, a Sunday but a 调休 working day: no roll even though weekends count.
  EXPECT_TRUE(cal.weekends_are_holidays());
  EXPECT_EQ(L(ComputeDue(T("2024-09-26 09:00"), {3, TimeUnit::kDays}, 0, true, HourReading::kExact, cal)),
            "2024-09-29 23:59:59");
}

TEST(ComputeDue, WeekendSettingDecidesOrdinaryWeekends) {
  Calendar weekends(true), no_weekends(false);
  // 2024-03-06 (Wed) + 3 = 03-09, a Saturday.
  EXPECT_EQ(L(ComputeDue(T("2024-03-06 09:00"), {3, TimeUnit::kDays}, 0, true, HourReading::kExact, weekends)),
            "2024-03-11 23:59:59");
  EXPECT_EQ(L(ComputeDue(T("2024-03-06 09:00"), {3, TimeUnit::kDays}, 0, true, HourReading::kExact, no_weekends)),
            "2024-03-09 23:59:59");
  // A listed day off is a holiday even when weekends are not.
  no_weekends.AddDayOff(D(2024, 3, 9));
  EXPECT_EQ(L(ComputeDue(T("2024-03-06 09:00"), {3, TimeUnit::kDays}, 0, true, HourReading::kExact, no_weekends)),
            "2024-03-10 23:59:59");
}

TEST(ComputeDue, ExcludedDaysAreAddedBeforeTheRoll) {
  const Calendar& cal = ShippedCalendar();
  // 03-01 + 30 = 03-31, + 5 excluded = 04-05 (清明 04-04..04-06) → 04-07, a Sunday 调休 working day.
  EXPECT_EQ(L(ComputeDue(T("2024-03-01 09:00"), {30, TimeUnit::kDays}, 5, true, HourReading::kExact, cal)),
            "2024-04-07 23:59:59");
  EXPECT_EQ(L(ComputeDue(T("2024-03-01 09:00"), {30, TimeUnit::kDays}, 5, false, HourReading::kExact, cal)),
            "2024-04-05 23:59:59");
}

TEST(ComputePreWarn, Defaults) {
  CountingSettings s;
  EXPECT_EQ(L(ComputePreWarn(T("2024-03-05 22:30"), TimeUnit::kHours, s)), "2024-03-05 20:30:00");
  EXPECT_EQ(L(ComputePreWarn(T("2024-03-07 23:59:59"), TimeUnit::kDays, s)), "2024-03-07 00:00:00");
  // Month limits: 00:00 on the date 15 days before the due date (spec §1 convention 6), not 23:59:59.
  EXPECT_EQ(L(ComputePreWarn(T("2024-02-29 23:59:59"), TimeUnit::kMonths, s)), "2024-02-14 00:00:00");
  EXPECT_EQ(L(ComputePreWarn(T("2024-05-10 23:59:59"), TimeUnit::kMonths, s)), "2024-04-25 00:00:00");
  s.pre_warn_day_days = 1;
  EXPECT_EQ(L(ComputePreWarn(T("2024-03-07 23:59:59"), TimeUnit::kDays, s)), "2024-03-06 00:00:00");
  EXPECT_EQ(L(ComputePreWarn(T("2024-03-07 23:59:59"), TimeUnit::kDays, s, Period{6, TimeUnit::kHours})),
            "2024-03-07 17:59:59");
  // A rule's lead in days counts back whole dates for day and month limits, to 00:00…
  EXPECT_EQ(L(ComputePreWarn(T("2024-03-07 23:59:59"), TimeUnit::kDays, s, Period{3, TimeUnit::kDays})),
            "2024-03-04 00:00:00");
  EXPECT_EQ(L(ComputePreWarn(T("2024-05-10 23:59:59"), TimeUnit::kMonths, s, Period{1, TimeUnit::kMonths})),
            "2024-04-10 00:00:00");
  // …and is N × 24 h before an hour limit.
  EXPECT_EQ(L(ComputePreWarn(T("2024-03-07 10:30"), TimeUnit::kHours, s, Period{1, TimeUnit::kDays})),
            "2024-03-06 10:30:00");
}

TEST(LocalDaysBetween, CountsLocalDates) {
  EXPECT_EQ(LocalDaysBetween(T("2024-08-15 17:30"), T("2024-08-16 11:00")), 1);
  // 07:00 local is 23:00 UTC of the day before: still the same local date as 09:00.
  EXPECT_EQ(LocalDaysBetween(T("2024-08-15 07:00"), T("2024-08-15 09:00")), 0);
  EXPECT_EQ(LocalDaysBetween(T("2024-08-16 07:00"), T("2024-08-15 09:00")), 0);
}

TEST(Calendar, ShippedFacts) {
  const Calendar& cal = ShippedCalendar();
  EXPECT_FALSE(cal.IsHoliday(D(2024, 2, 4)));  // Sunday, 调休
  EXPECT_TRUE(cal.IsHoliday(D(2024, 2, 10)));
  EXPECT_TRUE(cal.IsHoliday(D(2022, 12, 31)));  // 2023 元旦 starts in 2022
  EXPECT_TRUE(cal.IsHoliday(D(2026, 1, 3)));
  EXPECT_FALSE(cal.IsHoliday(D(2026, 1, 4)));  // Sunday, 调休
  EXPECT_TRUE(cal.IsHoliday(D(2026, 2, 23)));
  EXPECT_FALSE(cal.IsHoliday(D(2026, 2, 28)));  // Saturday, 调休
  EXPECT_TRUE(cal.IsHoliday(D(2024, 3, 9)));    // ordinary Saturday
  EXPECT_FALSE(cal.IsHoliday(D(2024, 3, 11)));  // ordinary Monday
  EXPECT_EQ(cal.FirstWorkingDayFrom(D(2025, 10, 1)), D(2025, 10, 9));
}

TEST(ParseCalendar, RejectsMalformedItemsByName) {
  auto bad_date = ParseCalendar(R"({"days_off":[{"from":"2024-01-01","to":"2024-01-01"},
                                                {"from":"2024-02-30","to":"2024-03-01"}]})");
  ASSERT_FALSE(bad_date);
  EXPECT_NE(bad_date.error().message.find("days_off[1]"), std::string::npos) << bad_date.error().message;
  EXPECT_NE(bad_date.error().message.find("2024-02-30"), std::string::npos);
  EXPECT_EQ(bad_date.error().field, "days_off[1]");

  auto reversed = ParseCalendar(R"({"days_off":[{"from":"2024-02-17","to":"2024-02-10"}]})");
  ASSERT_FALSE(reversed);
  EXPECT_NE(reversed.error().message.find("早于"), std::string::npos);

  auto unknown = ParseCalendar(R"({"holidays":[]})");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("holidays"), std::string::npos);

  auto unknown_item = ParseCalendar(R"({"working_days":[{"date":"2024-02-04","dat":"x"}]})");
  ASSERT_FALSE(unknown_item);
  EXPECT_NE(unknown_item.error().message.find("working_days[0]"), std::string::npos);

  auto both = ParseCalendar(R"({"days_off":[{"from":"2024-02-10","to":"2024-02-17"}],
                                "working_days":[{"date":"2024-02-12"}]})");
  ASSERT_FALSE(both);
  EXPECT_NE(both.error().message.find("working_days[0]"), std::string::npos);

  auto weekend_flag = ParseCalendar(R"({"weekends_are_holidays":"yes"})");
  ASSERT_FALSE(weekend_flag);
  EXPECT_FALSE(ParseCalendar("not json"));
  EXPECT_FALSE(ParseCalendar(R"({"working_days":[{"date":"2024/02/04"}]})"));
  EXPECT_TRUE(ParseCalendar(R"({"weekends_are_holidays":false})"));
}

}  // namespace
}  // namespace fazhi::supervision
