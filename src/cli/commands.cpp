#include "cli/commands.h"

namespace fazhi::cli {

void AddFoundationCommands(kit::Commands& commands, const Config& config) {
  AddUserCommands(commands);
  AddAuditCommands(commands, config);
  AddKeyCommands(commands);
  AddSuperviseCommand(commands);
  AddBackupCommands(commands, config);
}

}  // namespace fazhi::cli
