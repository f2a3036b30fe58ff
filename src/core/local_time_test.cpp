#include "core/local_time.h"

#include <gtest/gtest.h>

namespace fazhi {
namespace {

TEST(LocalTime, RoundTripsChinaTime) {
  auto t = ParseLocalDateTime("2024-03-04 22:30");
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, 1709562600);  // 2024-03-04T14:30:00Z
  EXPECT_EQ(FormatLocalDateTime(*t), "2024-03-04 22:30:00");
  EXPECT_EQ(FormatLocalIso(*t), "2024-03-04T22:30:00+08:00");
  EXPECT_EQ(LocalDateOf(*t), (CivilDate{2024, 3, 4}));
}

TEST(LocalTime, AcceptsZonesAndRejectsNonsense) {
  EXPECT_EQ(ParseLocalDateTime("2024-03-04T14:30:00Z"), ParseLocalDateTime("2024-03-04 22:30:00"));
  EXPECT_EQ(ParseLocalDateTime("2024-03-04T22:30:00+08:00"), ParseLocalDateTime("2024-03-04 22:30"));
  EXPECT_FALSE(ParseLocalDateTime("2024-02-30 10:00"));
  EXPECT_FALSE(ParseLocalDateTime("2024-03-04 24:00"));
  EXPECT_FALSE(ParseLocalDateTime("yesterday"));
  EXPECT_FALSE(ParseDate("2023-13-01"));
  EXPECT_TRUE(ParseDate("2024-02-29"));
  EXPECT_FALSE(ParseDate("2023-02-29"));
}

TEST(LocalTime, DayArithmeticCrossesMonthsAndLeapYears) {
  const auto d = DaysFromCivil({2024, 2, 28});
  EXPECT_EQ(CivilFromDays(d + 1), (CivilDate{2024, 2, 29}));
  EXPECT_EQ(CivilFromDays(d + 2), (CivilDate{2024, 3, 1}));
  EXPECT_EQ(DaysInMonth(2100, 2), 28);
  EXPECT_EQ(DaysInMonth(2000, 2), 29);
  // Local midnight is 16:00 UTC the day before.
  EXPECT_EQ(LocalMidnight({2024, 1, 1}), 1704038400);
}

}  // namespace
}  // namespace fazhi
