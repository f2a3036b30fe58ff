// The foundation's subcommands, registered through kit::Commands the way modules register theirs
// (docs/module-template.md §5): each area adds its own, and the state a subcommand parses into is
// owned by its registration. main.cpp keeps only the program's own subcommands (serve, migrate,
// demo, routes).
//
// These live here rather than beside auth/, audit/ and backup/ because kit/ builds on those
// libraries (kit links auth and, through http, audit): a command file inside them would make a cycle.
#pragma once

#include "app/config.h"
#include "kit/commands.h"

namespace fazhi::cli {

// `fazhi user add|passwd`: accounts, through the same AuthService functions as the API.
void AddUserCommands(kit::Commands& commands);
// `fazhi audit verify|checkpoint|export`: the audit hash chain and its checkpoints. `config` as for
// AddBackupCommands (the checkpoint folder).
void AddAuditCommands(kit::Commands& commands, const Config& config);
// `fazhi backup` / `fazhi restore` (no App: they open the database of `config` themselves). `config`
// is the program's, filled by the command-line parse before the command runs; it must outlive the
// run.
void AddBackupCommands(kit::Commands& commands, const Config& config);
// `fazhi key rotate`: re-encrypts the personal data with a new key.
void AddKeyCommands(kit::Commands& commands);
// `fazhi supervise`: one timeline file through the supervision rules, no database.
void AddSuperviseCommand(kit::Commands& commands);

// All of the above, in the order `fazhi --help` lists them.
void AddFoundationCommands(kit::Commands& commands, const Config& config);

}  // namespace fazhi::cli
