#include "core/local_time.h"

#include <charconv>
#include <cstdio>

namespace fazhi {

// Howard Hinnant's days_from_civil algorithm (public domain description), rewritten here.
std::int64_t DaysFromCivil(CivilDate d) {
  const std::int64_t y = d.month <= 2 ? d.year - 1 : d.year;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t mp = (d.month + 9) % 12;
  const std::int64_t doy = (153 * mp + 2) / 5 + d.day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate CivilFromDays(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
  return {year, month, day};
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2) {
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return leap ? 29 : 28;
  }
  return kDays[month - 1];
}

bool IsValidDate(CivilDate d) {
  return d.year >= 1900 && d.year <= 2200 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
         d.day <= DaysInMonth(d.year, d.month);
}

namespace {

bool ParseInt(std::string_view s, int& out) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

std::optional<CivilDate> ParseDate(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  CivilDate d;
  if (!ParseInt(t.substr(0, 4), d.year) || !ParseInt(t.substr(5, 2), d.month) || !ParseInt(t.substr(8, 2), d.day))
    return std::nullopt;
  if (!IsValidDate(d)) return std::nullopt;
  return d;
}

std::string FormatDate(CivilDate d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

std::optional<EpochSeconds> ParseLocalDateTime(std::string_view t) {
  auto date = ParseDate(t.substr(0, std::min<size_t>(10, t.size())));
  if (!date) return std::nullopt;
  EpochSeconds offset = kChinaOffsetSeconds;
  int hh = 0, mm = 0, ss = 0;
  std::string_view rest = t.substr(10);
  if (!rest.empty()) {
    if (rest[0] != ' ' && rest[0] != 'T') return std::nullopt;
    rest.remove_prefix(1);
    // Zone suffix.
    if (!rest.empty() && rest.back() == 'Z') {
      offset = 0;
      rest.remove_suffix(1);
    } else if (rest.size() > 6 && (rest[rest.size() - 6] == '+' || rest[rest.size() - 6] == '-') &&
               rest[rest.size() - 3] == ':') {
      int oh = 0, om = 0;
      if (!ParseInt(rest.substr(rest.size() - 5, 2), oh) || !ParseInt(rest.substr(rest.size() - 2, 2), om))
        return std::nullopt;
      // Real offsets lie within ±14:00 (UTC-12 … UTC+14) and have minutes below 60.
      if (om > 59 || oh * 60 + om > 14 * 60) return std::nullopt;
      offset = (oh * 3600 + om * 60) * (rest[rest.size() - 6] == '-' ? -1 : 1);
      rest.remove_suffix(6);
    }
    if (rest.size() != 5 && rest.size() != 8) return std::nullopt;
    if (rest[2] != ':' || !ParseInt(rest.substr(0, 2), hh) || !ParseInt(rest.substr(3, 2), mm)) return std::nullopt;
    if (rest.size() == 8 && (rest[5] != ':' || !ParseInt(rest.substr(6, 2), ss))) return std::nullopt;
    if (hh > 23 || mm > 59 || ss > 59) return std::nullopt;
  }
  return DaysFromCivil(*date) * 86400 + hh * 3600 + mm * 60 + ss - offset;
}

CivilDate LocalDateOf(EpochSeconds t) {
  const EpochSeconds local = t + kChinaOffsetSeconds;
  std::int64_t days = local / 86400;
  if (local % 86400 < 0) --days;
  return CivilFromDays(days);
}

EpochSeconds LocalMidnight(CivilDate d) { return DaysFromCivil(d) * 86400 - kChinaOffsetSeconds; }

std::string FormatLocalDateTime(EpochSeconds t) {
  const CivilDate d = LocalDateOf(t);
  const EpochSeconds sec = t - LocalMidnight(d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", d.year, d.month, d.day, static_cast<int>(sec / 3600),
                static_cast<int>(sec % 3600 / 60), static_cast<int>(sec % 60));
  return buf;
}

std::string FormatLocalIso(EpochSeconds t) {
  std::string s = FormatLocalDateTime(t);
  s[10] = 'T';
  return s + "+08:00";
}

}  // namespace fazhi
