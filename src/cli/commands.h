// Subcommands that need no App (supervise, backup, restore): registered on the CLI11 app and run
// before an App is built.
#pragma once

#include <optional>

#include <CLI/CLI.hpp>

#include "app/config.h"

namespace fazhi {

void AddExtraCommands(CLI::App& cli, Config& config);
// The exit code if one of these subcommands was given, else nullopt.
std::optional<int> RunExtraCommands(CLI::App& cli, const Config& config);

}  // namespace fazhi
