#include "cli/commands.h"

#include <iostream>

namespace fazhi {

void AddExtraCommands(CLI::App&, Config&) {}

std::optional<int> RunExtraCommands(CLI::App&, const Config&) { return std::nullopt; }

}  // namespace fazhi
