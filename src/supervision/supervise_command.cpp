#include "supervision/supervise_command.h"

#include <exception>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/local_time.h"
#include "supervision/calendar.h"
#include "supervision/catalog.h"
#include "supervision/engine.h"
#include "supervision/result_json.h"
#include "supervision/timeline.h"

namespace fazhi::supervision {
namespace {

constexpr std::size_t kMaxFileBytes = 64 * 1024 * 1024;

Result<std::string> ReadFile(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Invalid(fmt::format("无法读取{}文件：{}", what, path), path, "unreadable_file");
  std::ostringstream buf;
  buf << in.rdbuf();
  std::string text = std::move(buf).str();
  if (text.size() > kMaxFileBytes) return Invalid(fmt::format("{}文件过大：{}", what, path), path, "too_large");
  return text;
}

int Report(std::ostream& err, const Error& e) {
  if (e.field.empty())
    err << "错误：" << e.message << "\n";
  else
    err << "错误：" << e.message << "（位置：" << e.field << "）\n";
  return 2;
}

}  // namespace

int RunSupervise(const SuperviseOptions& options, const Clock& clock, std::ostream& out, std::ostream& err) {
  try {
    EpochSeconds at = clock.Now();
    if (options.at) {
      // An empty --at is a mistake (a script's unset variable), not a request for "now".
      if (options.at->find_first_not_of(" \t\r\n") == std::string::npos)
        return Report(err,
                      Error{ErrorCode::kInvalidArgument,
                            "--at 不能为空：请写评估时刻，如“2024-03-05 23:00”；省略 --at 则按当前时间评估", "at"});
      auto parsed = ParseLocalDateTime(*options.at);
      if (!parsed)
        return Report(
            err, Error{ErrorCode::kInvalidArgument,
                       fmt::format("--at 的时间“{}”格式不对，应为“2024-03-05 23:00”或带时区的 ISO 时间", *options.at),
                       "at"});
      at = *parsed;
    }
    std::optional<Calendar> user_calendar;
    if (options.calendar_path) {
      auto text = ReadFile(*options.calendar_path, "节假日日历");
      if (!text) return Report(err, text.error());
      auto cal = ParseCalendar(*text, fmt::format("节假日日历 {}", *options.calendar_path));
      if (!cal) return Report(err, cal.error());
      user_calendar = *std::move(cal);
    }
    std::optional<Catalog> user_catalog;
    if (options.catalog_path) {
      auto text = ReadFile(*options.catalog_path, "规则目录");
      if (!text) return Report(err, text.error());
      auto cat = ParseCatalog(*text, fmt::format("规则目录 {}", *options.catalog_path));
      if (!cat) return Report(err, cat.error());
      user_catalog = *std::move(cat);
    }
    const Calendar& calendar = user_calendar ? *user_calendar : ShippedCalendar();
    const Catalog& catalog = user_catalog ? *user_catalog : ShippedCatalog();

    auto text = ReadFile(options.input_path, "案件事件");
    if (!text) return Report(err, text.error());
    auto timeline = ParseTimeline(*text, &catalog);
    if (!timeline) {
      Error e = timeline.error();
      e.message = fmt::format("案件事件文件 {}：{}", options.input_path, e.message);
      return Report(err, e);
    }
    auto results = Evaluate(*timeline, at, catalog, calendar);
    // By default only the rules that apply to the case; --all adds those not started or not applicable.
    int not_started = 0, not_applicable = 0;
    if (!options.show_all) {
      std::erase_if(results, [&](const RuleResult& r) {
        if (r.state == RuleState::kNotStarted) return ++not_started, true;
        if (r.state == RuleState::kNotApplicable) return ++not_applicable, true;
        return false;
      });
    }
    auto doc = ResultsToJson(*timeline, at, catalog, results);
    if (!options.show_all) doc["omitted"] = {{"not_started", not_started}, {"not_applicable", not_applicable}};
    out << doc.dump(2) << "\n";
    return 0;
  } catch (const std::exception& e) {
    err << "内部错误：" << e.what() << "\n";
    return 1;
  }
}

}  // namespace fazhi::supervision
