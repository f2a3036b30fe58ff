#include "kit/bulletin_section.h"

#include <charconv>

#include <fmt/format.h>

#include "core/local_time.h"

namespace fazhi::kit {

namespace {

const char* const kQuarterNames[] = {"一", "二", "三", "四"};

std::optional<int> Digits(std::string_view s) {
  int v = 0;
  if (s.empty()) return std::nullopt;
  for (char c : s)
    if (c < '0' || c > '9') return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

BulletinPeriod MakeBulletinPeriod(int year, int index, bool quarter) {
  BulletinPeriod p;
  p.quarter = quarter;
  p.year = year;
  p.index = index;
  const int first_month = quarter ? (index - 1) * 3 + 1 : index;
  const int months = quarter ? 3 : 1;
  int end_year = year, end_month = first_month + months;
  if (end_month > 12) end_month -= 12, ++end_year;
  p.key = quarter ? fmt::format("{:04d}-Q{}", year, index) : fmt::format("{:04d}-{:02d}", year, index);
  p.from = LocalMidnight(CivilDate{year, first_month, 1});
  p.to = LocalMidnight(CivilDate{end_year, end_month, 1});
  return p;
}

Result<BulletinPeriod> ParseBulletinPeriod(std::string_view text) {
  auto bad = [&] {
    return Invalid(fmt::format("期间“{}”格式不对：月度通报写 2023-07，季度通报写 2023-Q3", text), "period",
                   "invalid_period");
  };
  if (text.size() < 7 || text[4] != '-') return bad();
  const auto year = Digits(text.substr(0, 4));
  if (!year || *year < 2000 || *year > 2100) return bad();
  const std::string_view rest = text.substr(5);
  if (rest.size() == 2 && (rest[0] == 'Q' || rest[0] == 'q')) {
    const auto q = Digits(rest.substr(1));
    if (!q || *q < 1 || *q > 4) return bad();
    return MakeBulletinPeriod(*year, *q, true);
  }
  if (rest.size() != 2) return bad();
  const auto m = Digits(rest);
  if (!m || *m < 1 || *m > 12) return bad();
  return MakeBulletinPeriod(*year, *m, false);
}

std::string BulletinPeriod::Label() const {
  if (quarter) return fmt::format("{}年第{}季度", year, kQuarterNames[(index - 1) & 3]);
  return fmt::format("{}年{}月", year, index);
}

BulletinPeriod BulletinPeriod::Previous() const {
  const int last = quarter ? 4 : 12;
  if (index > 1) return MakeBulletinPeriod(year, index - 1, quarter);
  return MakeBulletinPeriod(year - 1, last, quarter);
}

std::vector<std::string> BulletinPeriod::Months() const {
  if (!quarter) return {fmt::format("{:04d}-{:02d}", year, index)};
  std::vector<std::string> out;
  for (int m = (index - 1) * 3 + 1; m <= index * 3; ++m) out.push_back(fmt::format("{:04d}-{:02d}", year, m));
  return out;
}

std::string BulletinPeriod::RangeText() const {
  return fmt::format("{} 至 {}", FormatDate(LocalDateOf(from)), FormatDate(LocalDateOf(to - 1)));
}

std::string RatioText(std::int64_t num, std::int64_t den) {
  if (den <= 0) return "—";
  return fmt::format("{:.1f}%", 100.0 * static_cast<double>(num) / static_cast<double>(den));
}

std::string ChangeText(const BulletinFigure& f) {
  if (!f.previous) return {};
  const std::int64_t d = f.value - *f.previous;
  if (d == 0) return fmt::format("与上期持平（上期 {}{}）", *f.previous, f.unit);
  return fmt::format("较上期{}{}{}（上期 {}{}）", d > 0 ? "增加" : "减少", d > 0 ? d : -d, f.unit, *f.previous, f.unit);
}

}  // namespace fazhi::kit
