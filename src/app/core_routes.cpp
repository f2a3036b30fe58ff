// Routes of the foundation: health and readiness here; sign-in, accounts, roles and security policy in
// account_routes.cpp; the audit trail in audit_routes.cpp.
#include "app/core_routes.h"

#include <unistd.h>

#include <fstream>

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

// The process's resident memory in bytes (/proc/self/statm), 0 when unreadable.
double ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  long long pages_total = 0, pages_resident = 0;
  if (!(statm >> pages_total >> pages_resident)) return 0;
  return static_cast<double>(pages_resident) * static_cast<double>(::sysconf(_SC_PAGESIZE));
}

// GET /api/ops/metrics: the server's own figures in Prometheus text format, for a collector on the same
// machine. Answered only to loopback clients (behind nginx: a client whose forwarded address is
// loopback); anyone else gets the same 404 as an unknown path, and the nginx example hides it too.
Result<Reply> Metrics(Ctx& ctx, App& app) {
  if (ctx.ip() != "127.0.0.1" && ctx.ip() != "::1" && !ctx.ip().starts_with("::ffff:127."))
    return Fail(ErrorCode::kNotFound, "接口不存在：/api/ops/metrics", "", "no_such_endpoint");
  std::string text = app.metrics().Text();
  using http::Metrics;
  if (const http::Server* s = app.server()) {
    text += Metrics::Gauge("fazhi_http_requests_in_flight", "Requests inside a handler now.", s->in_flight());
    text += Metrics::Gauge("fazhi_http_requests_queued", "API requests waiting for a slot (--max-active).",
                           static_cast<double>(s->queued()));
  }
  text += Metrics::Gauge("fazhi_db_pool_size", "Database connections in the pool.",
                         static_cast<double>(app.db().pool_size()));
  text += Metrics::Gauge("fazhi_db_reconnects", "Pooled connections replaced after they broke, since start.",
                         static_cast<double>(app.db().reconnects()));
  text += Metrics::Gauge("fazhi_db_up", "1 when the database answers a trivial query now.", app.db().Ping() ? 1 : 0);
  text += Metrics::Gauge("fazhi_jobs_running", "Background jobs (imports, re-evaluations) of this instance running.",
                         app.jobs().Active());
  text += Metrics::Gauge("fazhi_process_resident_memory_bytes", "Resident memory.", ResidentBytes());
  text += Metrics::Gauge("fazhi_process_start_time_seconds", "Start of this process, UTC seconds.",
                         static_cast<double>(app.started_at()));
  Reply r = Reply::File(std::move(text), "text/plain; version=0.0.4; charset=utf-8", "");
  return r;
}

}  // namespace

void RegisterCoreRoutes(http::Router& router, App& app) {
  http::Routes<App> r(router, app);
  r.Get("/api/health", http::kHealth, Health);
  r.Get("/api/ready", http::kPublic, Ready);
  r.Get("/api/ops/metrics", http::kPublic, Metrics);
  RegisterAccountRoutes(router, app);
  RegisterAuditRoutes(router, app);
}

}  // namespace fazhi
