// The foundation's route tables, by area (src/app/README.md). App::Create calls RegisterCoreRoutes
// (app.h), which registers these in this order: health, then accounts, then the audit trail.
#pragma once

#include "http/router.h"

namespace fazhi {

class App;

// Sign-in, the caller's own account, roles, accounts and the security policy (account_routes.cpp).
void RegisterAccountRoutes(http::Router& router, App& app);
// The audit trail and its chain check (audit_routes.cpp).
void RegisterAuditRoutes(http::Router& router, App& app);

}  // namespace fazhi
