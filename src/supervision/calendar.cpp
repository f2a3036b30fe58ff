#include "supervision/calendar.h"

#include <algorithm>
#include <cstdlib>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "supervision/embedded_data.h"

namespace fazhi::supervision {
namespace {

bool Contains(const std::vector<std::int64_t>& sorted, std::int64_t day) {
  return std::binary_search(sorted.begin(), sorted.end(), day);
}

void InsertSorted(std::vector<std::int64_t>& v, std::int64_t day) {
  auto it = std::lower_bound(v.begin(), v.end(), day);
  if (it == v.end() || *it != day) v.insert(it, day);
}

std::unexpected<Error> Bad(std::string_view source, const std::string& item, const std::string& what) {
  return Invalid(fmt::format("{}：“{}”{}", source, item, what), item, "invalid_calendar");
}

// Reads a "YYYY-MM-DD" string member `key` of `obj`; error names `item`.
Result<CivilDate> DateMember(const nlohmann::json& obj, const char* key, std::string_view source,
                             const std::string& item) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return Bad(source, item, fmt::format("缺少日期字段“{}”", key));
  auto d = ParseDate(it->get<std::string>());
  if (!d) return Bad(source, item, fmt::format("的“{}”不是合法日期：{}", key, it->get<std::string>()));
  return *d;
}

std::optional<std::string> UnknownKey(const nlohmann::json& obj, std::initializer_list<std::string_view> known) {
  for (auto it = obj.begin(); it != obj.end(); ++it)
    if (std::find(known.begin(), known.end(), it.key()) == known.end()) return it.key();
  return std::nullopt;
}

}  // namespace

bool Calendar::IsHoliday(CivilDate date) const {
  const std::int64_t day = DaysFromCivil(date);
  if (Contains(working_days_, day)) return false;  // 调休 overrides everything
  if (Contains(days_off_, day)) return true;
  if (!weekends_are_holidays_) return false;
  // 1970-01-01 was a Thursday; weekday 0 = Monday.
  const std::int64_t weekday = ((day % 7) + 7 + 3) % 7;
  return weekday >= 5;
}

CivilDate Calendar::FirstWorkingDayFrom(CivilDate date) const {
  std::int64_t day = DaysFromCivil(date);
  for (int i = 0; i < 366 && IsHoliday(CivilFromDays(day)); ++i) ++day;
  return CivilFromDays(day);
}

void Calendar::AddDayOff(CivilDate d) { InsertSorted(days_off_, DaysFromCivil(d)); }
void Calendar::AddWorkingDay(CivilDate d) { InsertSorted(working_days_, DaysFromCivil(d)); }

Result<Calendar> ParseCalendar(std::string_view json_text, std::string_view source) {
  const auto doc = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object())
    return Invalid(fmt::format("{}不是合法的 JSON 对象", source), "", "invalid_calendar");
  if (auto key = UnknownKey(doc, {"weekends_are_holidays", "days_off", "working_days", "description"}))
    return Bad(source, *key, "是不认识的字段");
  Calendar cal;
  if (auto it = doc.find("weekends_are_holidays"); it != doc.end()) {
    if (!it->is_boolean()) return Bad(source, "weekends_are_holidays", "必须是 true 或 false");
    cal.set_weekends_are_holidays(it->get<bool>());
  }
  std::set<std::int64_t> off_days;
  if (auto it = doc.find("days_off"); it != doc.end()) {
    if (!it->is_array()) return Bad(source, "days_off", "必须是数组");
    for (size_t i = 0; i < it->size(); ++i) {
      const auto& entry = (*it)[i];
      const std::string item = fmt::format("days_off[{}]", i);
      if (!entry.is_object()) return Bad(source, item, "必须是对象");
      if (auto key = UnknownKey(entry, {"name", "from", "to"}))
        return Bad(source, item, fmt::format("含有不认识的字段“{}”", *key));
      if (auto n = entry.find("name"); n != entry.end() && !n->is_string())
        return Bad(source, item, "的“name”必须是文本");
      auto from = DateMember(entry, "from", source, item);
      if (!from) return std::unexpected(from.error());
      auto to = DateMember(entry, "to", source, item);
      if (!to) return std::unexpected(to.error());
      const auto a = DaysFromCivil(*from), b = DaysFromCivil(*to);
      if (b < a) return Bad(source, item, "的结束日期早于开始日期");
      if (b - a > 31) return Bad(source, item, "的假期超过31天，请检查日期");
      for (auto d = a; d <= b; ++d) {
        off_days.insert(d);
        cal.AddDayOff(CivilFromDays(d));
      }
    }
  }
  if (auto it = doc.find("working_days"); it != doc.end()) {
    if (!it->is_array()) return Bad(source, "working_days", "必须是数组");
    for (size_t i = 0; i < it->size(); ++i) {
      const auto& entry = (*it)[i];
      const std::string item = fmt::format("working_days[{}]", i);
      if (!entry.is_object()) return Bad(source, item, "必须是对象");
      if (auto key = UnknownKey(entry, {"name", "date"}))
        return Bad(source, item, fmt::format("含有不认识的字段“{}”", *key));
      if (auto n = entry.find("name"); n != entry.end() && !n->is_string())
        return Bad(source, item, "的“name”必须是文本");
      auto date = DateMember(entry, "date", source, item);
      if (!date) return std::unexpected(date.error());
      if (off_days.contains(DaysFromCivil(*date)))
        return Bad(source, item, fmt::format("的日期 {} 同时被列为放假日", FormatDate(*date)));
      cal.AddWorkingDay(*date);
    }
  }
  return cal;
}

std::string_view ShippedCalendarJson() { return kEmbeddedCalendarJson; }

const Calendar& ShippedCalendar() {
  static const Calendar calendar = [] {
    auto parsed = ParseCalendar(kEmbeddedCalendarJson, "内置节假日日历");
    if (!parsed) {
      // The shipped file is checked by the unit tests; reaching this is a build defect.
      fmt::print(stderr, "内置节假日日历无效：{}\n", parsed.error().message);
      std::abort();
    }
    return *std::move(parsed);
  }();
  return calendar;
}

}  // namespace fazhi::supervision
