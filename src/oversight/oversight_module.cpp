#include "oversight/oversight_module.h"

#include <algorithm>
#include <chrono>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cases/cases_module.h"
#include "exams/exams_module.h"
#include "kit/cli_output.h"
#include "kit/commands.h"
#include "orders/orders_module.h"
#include "oversight/order_sources.h"
#include "oversight/oversight_routes.h"

namespace fazhi::oversight {

OversightModule::OversightModule(const kit::Services& s) : services_(s), service_(s.db, s.clock, s.jobs) {}

OversightModule::~OversightModule() { StopBackground(); }

Result<void> OversightModule::Init(kit::ModuleSet& modules) {
  FZ_CHECK(service_.Init());
  auto* cases = FZ_TRY(modules.Require<cases::CasesModule>("执法监督"));
  cases->service().SetHooks(&service_);
  auto* loop = FZ_TRY(modules.Require<orders::OrdersModule>("执法监督"));
  FZ_CHECK(RegisterOrderSources(loop->service()));
  service_.SetOrders(&loop->service());
  // 执法资格 (issue 14 item 3): recorded qualifications clear or raise no_qualification alerts.
  if (auto* exams = modules.Find<exams::ExamsModule>())
    exams->service().SetQualificationsChanged([this](soci::session& sql, const std::vector<std::int64_t>& persons) {
      return service_.CheckQualifications(sql, persons);
    });
  return {};
}

void OversightModule::RegisterRoutes(http::Router& router) { oversight::RegisterRoutes(router, service_); }

void OversightModule::StartBackground() {
  if (services_.settings.sweep_interval_seconds > 0 && !sweeper_) {
    sweeper_ = std::make_unique<Sweeper>(service_, services_.db, services_.settings.sweep_interval_seconds);
    sweeper_->Start();
  }
}

void OversightModule::StopBackground() {
  if (sweeper_) sweeper_->Stop();
}

namespace {

// `fazhi reevaluate [--open-only] [--threads N]`: every case under the active rules.
void AddCommands(kit::Commands& c) {
  auto o = std::make_shared<ReevaluateOptions>();
  CLI::App* cmd = c.Add(
      "reevaluate", "用当前启用的监管规则和节假日日历重新评估全部案件（规则修改、数据恢复或批量导入历史数据后使用）",
      [o](kit::ModuleSet& m) {
        const auto started = std::chrono::steady_clock::now();
        std::int64_t last_shown = 0;
        ReevaluateOptions options = *o;
        options.progress = [&](std::int64_t done, std::int64_t total) {
          if (done - last_shown < 20000 && done != total) return;
          last_shown = done;
          std::cerr << fmt::format("已评估 {}/{} 件案件（{:.0f}%）", done, total,
                                   100.0 * static_cast<double>(done) / static_cast<double>(total))
                    << std::endl;
        };
        auto r = m.Find<OversightModule>()->service().ReevaluateAll(options);
        if (!r) return kit::PrintError(r.error());
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        nlohmann::json out = {{"cases", r->cases},
                              {"events", r->events},
                              {"clocks", r->clocks},
                              {"cases_written", r->cases_written},
                              {"cases_failed", r->cases_failed},
                              {"notifications", r->notifications},
                              {"catalog_version", r->catalog_version},
                              {"calendar_version", r->calendar_version},
                              {"seconds", seconds},
                              {"failures", r->failures}};
        std::cout << out.dump(1) << std::endl;
        return r->cases_failed > 0 ? 3 : 0;
      },
      [o] { return std::max(2, o->threads > 0 ? o->threads + 1 : 3); });
  cmd->add_flag("--open-only", o->open_only, "只评估未办结的案件");
  cmd->add_option("--threads", o->threads, "工作线程数（默认每核一个）");
}

}  // namespace

kit::ModuleSpec OversightModule::Spec() { return kit::SpecOf<OversightModule>("oversight", AddCommands); }

}  // namespace fazhi::oversight
