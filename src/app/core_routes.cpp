// Routes of the foundation: health here; sign-in, accounts, roles and security policy in
// account_routes.cpp; the audit trail in audit_routes.cpp.
#include "app/core_routes.h"

#include "app/app.h"

namespace fazhi {

namespace {

using http::Ctx;
using http::Reply;

// GET /api/health: no session, no database query (load balancers and the bench's baseline).
Result<Reply> Health(Ctx&, App& app) {
  return Reply::Json({{"status", "ok"},
                      {"version", "0.1.0"},
                      {"backend", app.db().backend() == db::Backend::kSqlite ? "sqlite" : "postgresql"}});
}

}  // namespace

void RegisterCoreRoutes(http::Router& router, App& app) {
  http::Routes<App> r(router, app);
  r.Get("/api/health", http::kPublic, Health);
  RegisterAccountRoutes(router, app);
  RegisterAuditRoutes(router, app);
}

}  // namespace fazhi
