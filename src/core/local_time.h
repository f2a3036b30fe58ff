// Conversions between UTC epoch seconds and China Standard Time (Asia/Shanghai, UTC+8, no DST).
// Only used at the edges (STYLE §10): parsing user input and formatting output.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace fazhi {

inline constexpr EpochSeconds kChinaOffsetSeconds = 8 * 3600;

struct CivilDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  friend bool operator==(const CivilDate&, const CivilDate&) = default;
  friend auto operator<=>(const CivilDate&, const CivilDate&) = default;
};

// Days since 1970-01-01 for a proleptic Gregorian date, and back.
std::int64_t DaysFromCivil(CivilDate d);
CivilDate CivilFromDays(std::int64_t days);
int DaysInMonth(int year, int month);
bool IsValidDate(CivilDate d);

// "2024-03-04" → date; nullopt if malformed or not a real date.
std::optional<CivilDate> ParseDate(std::string_view text);
std::string FormatDate(CivilDate d);  // "2024-03-04"

// Local (UTC+8) wall time ↔ epoch. Accepts "2024-03-04 22:30", "2024-03-04T22:30:00",
// "2024-03-04 22:30:00+08:00", "...Z" (UTC) and a plain date (00:00 local).
std::optional<EpochSeconds> ParseLocalDateTime(std::string_view text);
std::string FormatLocalDateTime(EpochSeconds t);  // "2024-03-04 22:30:00"
std::string FormatLocalIso(EpochSeconds t);       // "2024-03-04T22:30:00+08:00"
CivilDate LocalDateOf(EpochSeconds t);
// Epoch of local 00:00:00 on the given date.
EpochSeconds LocalMidnight(CivilDate d);

}  // namespace fazhi
