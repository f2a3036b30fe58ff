// `fazhi supervise --input timeline.json`: the supervision rules over one case timeline, verdicts as
// JSON on stdout (docs/supervision-engine.md). Needs no database.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "core/clock.h"
#include "supervision/supervise_command.h"

namespace fazhi::cli {

namespace {

struct SuperviseArgs {
  supervision::SuperviseOptions options;
  std::string at, calendar, catalog;  // empty = not given
};

int RunSuperviseCommand(const SuperviseArgs& a) {
  supervision::SuperviseOptions o = a.options;
  if (!a.at.empty()) o.at = a.at;
  if (!a.calendar.empty()) o.calendar_path = a.calendar;
  if (!a.catalog.empty()) o.catalog_path = a.catalog;
  SystemClock clock;
  return supervision::RunSupervise(o, clock, std::cout, std::cerr);
}

}  // namespace

void AddSuperviseCommand(kit::Commands& commands) {
  auto a = std::make_shared<SuperviseArgs>();
  CLI::App* cmd = commands.AddStandalone("supervise", "按监管规则评估一个案件时间线，输出预警/告警（JSON）",
                                         [a] { return RunSuperviseCommand(*a); });
  cmd->add_option("--input", a->options.input_path, "案件时间线 JSON 文件（格式见 docs/supervision-engine.md）")
      ->required();
  cmd->add_option("--at", a->at, "评估时刻，如 \"2024-03-05 23:00\"（北京时间）；默认当前时间");
  cmd->add_flag("--all", a->options.show_all, "也输出未开始和不适用的规则（默认只输出适用的规则）");
  cmd->add_option("--calendar", a->calendar, "节假日日历 JSON（默认内置 2023–2026）");
  cmd->add_option("--catalog", a->catalog, "规则目录 JSON（默认内置）");
}

}  // namespace fazhi::cli
