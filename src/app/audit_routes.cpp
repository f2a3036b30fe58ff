// The audit trail (审计管理员): search within the caller's scope, and the hash-chain check.
#include <algorithm>

#include "app/app.h"
#include "app/core_routes.h"
#include "audit/audit_log.h"
#include "auth/roles.h"
#include "core/local_time.h"
#include "http/query.h"

namespace fazhi {

namespace {

using http::Ctx;
using http::Reply;

nlohmann::json AuditRowJson(const audit::Row& r) {
  nlohmann::json detail = nlohmann::json::parse(r.detail, nullptr, false);
  if (detail.is_discarded()) detail = r.detail;
  return {{"id", r.id},
          {"at", r.at},
          {"at_local", FormatLocalDateTime(r.at)},
          {"user_id", r.user_id ? nlohmann::json(*r.user_id) : nlohmann::json()},
          {"username", r.username},
          {"action", r.action},
          {"object_type", r.object_type},
          {"object_id", r.object_id},
          {"summary", r.summary},
          {"detail", detail},
          {"ip", r.ip},
          {"request_id", r.request_id},
          {"hash", r.hash}};
}

// GET /api/audit?user=&object_type=&object_id=&action=&from=&to=&page=: newest first, rows of the
// caller's subtree (a bare date as `to` includes that whole day).
Result<Reply> SearchAudit(Ctx& ctx, App& app) {
  http::QueryReader q(ctx);
  audit::Query f;
  f.username = q.Str("user");
  f.object_type = q.Str("object_type");
  f.object_id = q.Str("object_id");
  f.action = q.Str("action");
  f.from = q.Time("from");
  f.to = q.TimeEnd("to");
  const PageRequest page = q.Page({"id"});
  FZ_CHECK(q.Finish());
  const std::string& path = ctx.user().unit_path;
  f.scope_path = path;
  // A top-level unit's path is "/<id>/": its auditor also sees rows that belong to no bureau.
  f.include_unscoped = std::count(path.begin(), path.end(), '/') == 2;
  f.page = page.page;
  f.page_size = page.page_size;
  const audit::Page result = audit::Search(app.db(), f);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& row : result.items) items.push_back(AuditRowJson(row));
  return Reply::Json(http::PagedJson(std::move(items), result.total, page));
}

// GET /api/audit/verify: walks the whole chain.
Result<Reply> VerifyAudit(Ctx&, App& app) {
  const audit::VerifyReport rep = audit::Verify(app.db());
  return Reply::Json({{"ok", rep.ok},
                      {"rows", rep.rows},
                      {"first_bad_id", rep.first_bad_id ? nlohmann::json(*rep.first_bad_id) : nlohmann::json()},
                      {"message", rep.message}});
}

}  // namespace

void RegisterAuditRoutes(http::Router& router, App& app) {
  const http::Access audit_read = http::Perm(auth::perm::kAuditRead);
  http::Routes<App> r(router, app);
  r.Get("/api/audit", audit_read, SearchAudit);
  r.Get("/api/audit/verify", audit_read, VerifyAudit);
}

}  // namespace fazhi
