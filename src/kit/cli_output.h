// What every subcommand shares: how it reports an error, and who it acts as.
#pragma once

#include "audit/audit_log.h"
#include "auth/principal.h"
#include "core/error.h"

namespace fazhi::kit {

// Prints "错误：<message>（field） [code]" to stderr; returns the exit code (1 internal, 2 input).
int PrintError(const Error& e);
// Full rights over everything: what the CLI acts as (it already holds the database and key files).
auth::Principal CliPrincipal();
// The audit actor of CLI writes ("system", address "cli").
audit::Actor CliActor();

}  // namespace fazhi::kit
