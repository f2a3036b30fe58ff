// The shape every fazhi module follows (docs/module-template.md). A module is one folder under
// src/ with one CMake library; it implements kit::Module and is listed once in
// src/app/modules.cpp. Through this interface it contributes its routes, CLI subcommands, demo
// data, 督办 sources, points-ledger sources, bulletin sections and background work; it reaches the shared services
// (database, clock, personal-data vault, background jobs) through kit::Services and the other
// modules it builds on through ModuleSet::Find.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "auth/vault.h"
#include "core/clock.h"
#include "core/error.h"
#include "db/database.h"
#include "http/router.h"
#include "jobs/job_runner.h"
#include "kit/bulletin_section.h"
#include "points/ledger_source.h"

namespace fazhi::kit {

// Settings of an installation that modules read (the rest of Config stays in app/).
struct Settings {
  // Where attachment bytes live (files service); empty = beside the SQLite file.
  std::string attachment_dir;
  // Seconds between supervision sweeps in `serve`; 0 = none.
  int sweep_interval_seconds = 60;
};

// The shared services, owned by the App, that every module may use. All outlive the modules.
struct Services {
  db::Database& db;
  const Clock& clock;
  const auth::Vault& vault;
  jobs::JobRunner& jobs;
  const Settings& settings;
};

// What `fazhi demo` asks of each module, in module order (org first: the others need its units).
struct DemoOptions {
  int year = 2023;  // the demo year (bulletins and annual figures)
};

class ModuleSet;
class Commands;

class Module {
 public:
  virtual ~Module() = default;
  // Machine name ("cases") and 中文 title ("案件管理"), for logs and the demo report.
  virtual std::string_view Name() const = 0;
  virtual std::string_view Title() const = 0;

  // Called once every module exists, in module order: look up the modules this one builds on and
  // connect to them (e.g. oversight sets itself as the cases module's hooks). An error stops the App.
  virtual Result<void> Init(ModuleSet& modules) {
    (void)modules;
    return {};
  }
  // Adds the module's routes (a short route table of named handlers, http::Routes).
  virtual void RegisterRoutes(http::Router& router) { (void)router; }
  // Writes the module's demo data. Idempotent: a second run changes nothing. Returns lines for the
  // person running `fazhi demo` (中文).
  virtual Result<std::vector<std::string>> GenerateDemo(const DemoOptions& options) {
    (void)options;
    return std::vector<std::string>{};
  }
  // Adds the module's points-ledger sources (积分来源, points/ledger_source.h): one per kind of fact
  // the module owns that earns or costs officers points. Called once, after Init, by the scoring
  // module, which owns them from then on; a source keeps no state and is used from many threads.
  virtual void AddLedgerSources(std::vector<std::unique_ptr<points::LedgerSource>>& out) { (void)out; }
  // Adds the module's bulletin sections (通报栏目, kit/bulletin_section.h): one per part of the
  // 执法质量通报 / 执法规范化建设通报 computed from the module's own tables. Called once, after Init,
  // by the bulletins module, which owns them from then on.
  virtual void AddBulletinSections(std::vector<std::unique_ptr<BulletinSectionProvider>>& out) { (void)out; }
  // Background work of `serve` (sweeps, timers): started once the server listens, stopped before
  // it exits.
  virtual void StartBackground() {}
  virtual void StopBackground() {}
};

// The modules of one App, in dependency order, with the shared services.
class ModuleSet {
 public:
  explicit ModuleSet(const Services& services) : services_(services) {}
  const Services& services() const { return services_; }

  void Add(std::unique_ptr<Module> m) { modules_.push_back(std::move(m)); }
  const std::vector<std::unique_ptr<Module>>& all() const { return modules_; }

  // The module of type M, or nullptr when the installation does not have it.
  template <typename M>
  M* Find() const {
    for (const auto& m : modules_)
      if (auto* found = dynamic_cast<M*>(m.get())) return found;
    return nullptr;
  }
  // The module of type M; Internal error naming it when absent (a build without a required module).
  template <typename M>
  Result<M*> Require(std::string_view needed_by) const {
    if (M* m = Find<M>()) return m;
    return Internal(std::string(needed_by) + " 需要的模块未启用");
  }

 private:
  Services services_;
  std::vector<std::unique_ptr<Module>> modules_;
};

// How an installation gets a module: src/app/modules.cpp lists one ModuleSpec per module, in
// dependency order.
struct ModuleSpec {
  std::string_view name;
  // Builds the module; the services outlive it.
  std::unique_ptr<Module> (*create)(const Services& services) = nullptr;
  // Adds the module's subcommands to the program before the command line is parsed (may be null).
  void (*add_commands)(Commands& commands) = nullptr;
};

// The ModuleSpec of a module type whose constructor takes the shared services (src/app/modules.cpp).
template <typename M>
ModuleSpec SpecOf(std::string_view name, void (*add_commands)(Commands&) = nullptr) {
  return {.name = name,
          .create = [](const Services& s) -> std::unique_ptr<Module> { return std::make_unique<M>(s); },
          .add_commands = add_commands};
}

}  // namespace fazhi::kit
