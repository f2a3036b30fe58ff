#include "points/month.h"

#include <fmt/format.h>

#include "core/local_time.h"

namespace fazhi::points {

std::string MonthKey::Text() const { return fmt::format("{:04d}-{:02d}", year, month); }
MonthKey MonthKey::Prev() const { return month == 1 ? MonthKey{year - 1, 12} : MonthKey{year, month - 1}; }
MonthKey MonthKey::Next() const { return month == 12 ? MonthKey{year + 1, 1} : MonthKey{year, month + 1}; }

std::optional<MonthKey> ParseMonth(std::string_view t) {
  if (t.size() != 7 || t[4] != '-') return std::nullopt;
  int y = 0, m = 0;
  for (int i = 0; i < 4; ++i) {
    if (t[i] < '0' || t[i] > '9') return std::nullopt;
    y = y * 10 + (t[i] - '0');
  }
  for (int i = 5; i < 7; ++i) {
    if (t[i] < '0' || t[i] > '9') return std::nullopt;
    m = m * 10 + (t[i] - '0');
  }
  if (y < 2000 || y > 2100 || m < 1 || m > 12) return std::nullopt;
  return MonthKey{y, m};
}

Result<MonthKey> RequireMonth(std::string_view text, const std::string& field) {
  auto m = ParseMonth(text);
  if (!m) return Invalid("月份“" + std::string(text) + "”格式不对，应为 2023-07", field, "invalid_month");
  return *m;
}

MonthScope MakeMonthScope(std::int64_t bureau_id, MonthKey month, EpochSeconds as_of) {
  MonthScope s;
  s.bureau_id = bureau_id;
  s.month = month;
  s.from = LocalMidnight(CivilDate{month.year, month.month, 1});
  const MonthKey next = month.Next();
  s.to = LocalMidnight(CivilDate{next.year, next.month, 1});
  s.as_of = as_of;
  return s;
}

}  // namespace fazhi::points
