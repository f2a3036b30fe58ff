// The month a points ledger is about (积分月份): "2023-07" as a value, and the scope one ledger
// source collects for — one bureau (分县局), one calendar month in Asia/Shanghai time. Pure code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/error.h"

namespace fazhi::points {

// "2023-07" → {2023, 7}.
struct MonthKey {
  int year = 0;
  int month = 0;
  std::string Text() const;  // "2023-07"
  MonthKey Prev() const;
  MonthKey Next() const;
  int Index() const { return year * 12 + (month - 1); }
  friend bool operator==(const MonthKey&, const MonthKey&) = default;
  friend auto operator<=>(const MonthKey&, const MonthKey&) = default;
};
// nullopt if malformed (not "YYYY-MM", year outside 2000..2100, month outside 1..12).
std::optional<MonthKey> ParseMonth(std::string_view text);
// InvalidArgument (reason invalid_month, naming `field`) for a malformed month.
Result<MonthKey> RequireMonth(std::string_view text, const std::string& field);

// What a ledger source collects: one bureau (units.id of level 'bureau'), one calendar month in
// Asia/Shanghai time.
struct MonthScope {
  std::int64_t bureau_id = 0;
  MonthKey month;
  EpochSeconds from = 0;   // local 00:00 of the 1st, UTC seconds (inclusive)
  EpochSeconds to = 0;     // local 00:00 of the next month's 1st (exclusive)
  EpochSeconds as_of = 0;  // computation time: 督办 still unanswered at this moment count as overdue
};
MonthScope MakeMonthScope(std::int64_t bureau_id, MonthKey month, EpochSeconds as_of);

}  // namespace fazhi::points
