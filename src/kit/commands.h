// Subcommands of the `fazhi` program contributed by modules (docs/module-template.md §CLI). A module
// adds its subcommands before the command line is parsed; the one chosen runs after the App (with
// every module) is built, so it works through the same services as the server.
//
//   void CasesModule::AddCommands(kit::Commands& c) {
//     auto opts = std::make_shared<ImportOptions>();
//     CLI::App* cmd = c.Add("import", "从文件导入警情/案件", [opts](kit::ModuleSet& m) {
//       return m.Find<CasesModule>()->RunImport(*opts);   // exit code
//     });
//     cmd->add_option("--file", opts->file)->required();
//   }
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "kit/module.h"

namespace fazhi::kit {

class Commands {
 public:
  using Run = std::function<int(ModuleSet&)>;
  using Standalone = std::function<int()>;

  explicit Commands(CLI::App& cli) : cli_(cli), entries_(std::make_shared<std::vector<std::unique_ptr<Entry>>>()) {}

  // A group of subcommands ("unit" for `fazhi unit add-root`): Add on the result adds beneath it.
  // The group requires one of its subcommands.
  Commands Group(const std::string& name, const std::string& description);

  // A subcommand that runs with every module built (database open and migrated). `db_pool`, when
  // given, says how many database connections it needs (default 2).
  CLI::App* Add(const std::string& name, const std::string& description, Run run,
                std::function<int()> db_pool = nullptr);
  // A subcommand that needs no database (e.g. supervise: a timeline file in, verdicts out).
  CLI::App* AddStandalone(const std::string& name, const std::string& description, Standalone run);

  // After parsing: the chosen module subcommand, if any.
  struct Chosen {
    const Run* run = nullptr;
    const Standalone* standalone = nullptr;
    int db_pool = 2;
  };
  std::optional<Chosen> Parsed() const;

  CLI::App& cli() { return cli_; }

 private:
  struct Entry {
    CLI::App* sub = nullptr;
    Run run;
    Standalone standalone;
    std::function<int()> db_pool;
  };
  Commands(CLI::App& cli, std::shared_ptr<std::vector<std::unique_ptr<Entry>>> entries)
      : cli_(cli), entries_(std::move(entries)) {}

  CLI::App& cli_;
  std::shared_ptr<std::vector<std::unique_ptr<Entry>>> entries_;  // shared by a program's groups
};

}  // namespace fazhi::kit
