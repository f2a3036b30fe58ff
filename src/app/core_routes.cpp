// Routes of the foundation: health and readiness here; sign-in, accounts, roles and security policy in
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

// GET /api/ready: whether this instance can serve requests, i.e. whether its database answers a
// trivial query now (PostgreSQL: a broken pooled connection is replaced on the way). 200 when it
// does; 503 with a Chinese error (code db_unavailable) when it does not, for monitoring and load
// balancers. /api/health stays the cheap liveness check.
Result<Reply> Ready(Ctx&, App& app) {
  const char* backend = app.db().backend() == db::Backend::kSqlite ? "sqlite" : "postgresql";
  if (!app.db().Ping()) {
    Reply r = Reply::Json(http::ErrorJson(Error{ErrorCode::kInternal,
                                                "数据库暂时无法访问：服务在运行，但连不上数据库。请检查数据库服务，"
                                                "恢复后无需重启 fazhi",
                                                "db", "db_unavailable"}),
                          503);
    r.headers.emplace_back("Retry-After", "5");
    return r;
  }
  return Reply::Json({{"status", "ok"}, {"database", "ok"}, {"backend", backend}});
}

}  // namespace

void RegisterCoreRoutes(http::Router& router, App& app) {
  http::Routes<App> r(router, app);
  r.Get("/api/health", http::kPublic, Health);
  r.Get("/api/ready", http::kPublic, Ready);
  RegisterAccountRoutes(router, app);
  RegisterAuditRoutes(router, app);
}

}  // namespace fazhi
