#include "scoring/scoring_module.h"

#include <iostream>

#include <fmt/format.h>

#include "kit/commands.h"
#include "scoring/score_command.h"
#include "scoring/scoring_demo.h"
#include "scoring/scoring_routes.h"

namespace fazhi::scoring {

Result<void> ScoringModule::Init(kit::ModuleSet& modules) {
  std::vector<std::unique_ptr<points::LedgerSource>> collected;
  for (const auto& m : modules.all()) m->AddLedgerSources(collected);
  LedgerSources sources;
  for (auto& s : collected) sources.push_back(std::move(s));
  service_.emplace(services_.db, services_.clock, std::move(sources));
  return {};
}

void ScoringModule::RegisterRoutes(http::Router& router) { scoring::RegisterRoutes(router, *service_); }

Result<std::vector<std::string>> ScoringModule::GenerateDemo(const kit::DemoOptions& options) {
  auto sc = FZ_TRY(GenerateScoringDemo(services_.db, services_.clock, options.year, service_->sources()));
  if (sc.already_present) return std::vector<std::string>{"积分演示数据已存在，未做改动。"};
  return std::vector<std::string>{fmt::format("已计算并公示 {} 个月的执法办案积分：积分明细 {} 条，复核申请 {} 件。",
                                              sc.months, sc.entries, sc.objections)};
}

namespace {

struct ScoreArgs {
  ScoreCommandOptions options;
  std::int64_t unit = 0;
};

// `fazhi score --month 2023-07 [--unit ID] [--format json|xlsx] [--out FILE]`.
void AddCommands(kit::Commands& c) {
  auto a = std::make_shared<ScoreArgs>();
  CLI::App* cmd = c.Add("score", "计算并输出某月执法办案积分（与服务端同一套代码）", [a](kit::ModuleSet& m) {
    ScoreCommandOptions o = a->options;
    if (a->unit > 0) o.unit_id = a->unit;
    return RunScoreCommand(m.Find<ScoringModule>()->service(), o, std::cout, std::cerr);
  });
  cmd->add_option("--month", a->options.month, "月份，如 2023-07")->required();
  cmd->add_option("--unit", a->unit, "只看某单位（含下级）的编号");
  cmd->add_option("--format", a->options.format, "json 或 xlsx")->capture_default_str();
  cmd->add_option("--out", a->options.out, "xlsx 输出文件路径");
}

}  // namespace

kit::ModuleSpec ScoringModule::Spec() { return kit::SpecOf<ScoringModule>("scoring", AddCommands); }

}  // namespace fazhi::scoring
