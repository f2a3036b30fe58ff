// The audit trail (审计管理员): search within the caller's scope, its 中文 filter choices, the XLSX export
// and the hash-chain check.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "app/app.h"
#include "app/core_routes.h"
#include "audit/audit_labels.h"
#include "audit/audit_log.h"
#include "auth/roles.h"
#include "core/json_fields.h"
#include "core/local_time.h"
#include "files/attachments.h"
#include "files/spreadsheet.h"
#include "http/query.h"

namespace fazhi {

namespace {

using http::Ctx;
using http::Reply;

// At most this many rows in one export; the auditor narrows the filters for more.
constexpr int kExportMax = 100000;

nlohmann::json AuditRowJson(const audit::Row& r, const std::map<std::string, std::string>& objects) {
  const auto object = objects.find(r.object_type + ":" + r.object_id);
  nlohmann::json detail = nlohmann::json::parse(r.detail, nullptr, false);
  if (detail.is_discarded()) detail = r.detail;
  return Merged(FZ_JSON(r, id, at, username, action, object_type, object_id, summary, ip, request_id, hash),
                {{"at_local", FormatLocalDateTime(r.at)},
                 {"user_id", r.user_id ? nlohmann::json(*r.user_id) : nlohmann::json()},
                 {"action_name", audit::ActionName(r.action)},
                 {"object_type_name", r.object_type.empty() ? "" : audit::ObjectTypeName(r.object_type)},
                 {"object_name", object == objects.end() ? "" : object->second},
                 {"detail", detail}});
}

// The filters of GET /api/audit and its export, and the caller's scope: the rows of the caller's
// subtree; an auditor of a bureau (or of the top of the organisation) also sees the rows that belong
// to no bureau (system and CLI actions, demo generation, failed sign-ins with unknown user names),
// so that he can list every row the chain check counts.
audit::Query ScopeOf(const auth::Principal& who) {
  audit::Query f;
  const std::string& path = who.unit_path;
  f.scope_path = path;
  f.include_unscoped =
      std::count(path.begin(), path.end(), '/') == 2 || (who.bureau_id && *who.bureau_id == who.unit_id);
  return f;
}

Result<audit::Query> ReadFilters(http::QueryReader& q, const auth::Principal& who) {
  audit::Query f = ScopeOf(who);
  f.username = q.Str("user");
  f.object_type = q.Str("object_type");
  f.object_id = q.Str("object_id");
  f.action = q.Str("action");
  f.from = q.Time("from");
  f.to = q.TimeEnd("to");
  return f;
}

// GET /api/audit?user=&object_type=&object_id=&action=&from=&to=&page=: newest first, rows of the
// caller's scope (a bare date as `to` includes that whole day).
Result<Reply> SearchAudit(Ctx& ctx, App& app) {
  http::QueryReader q(ctx);
  audit::Query f = FZ_TRY(ReadFilters(q, ctx.user()));
  const PageRequest page = q.Page({"id"});
  FZ_CHECK(q.Finish());
  f.page = page.page;
  f.page_size = page.page_size;
  const audit::Page result = audit::Search(app.db(), f);
  const auto objects = audit::DescribeObjects(app.db(), result.items);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& row : result.items) items.push_back(AuditRowJson(row, objects));
  return Reply::Json(http::PagedJson(std::move(items), result.total, page));
}

// GET /api/audit/facets: every action and object type in the caller's scope, with 中文 names, for
// the filters of the audit page.
Result<Reply> AuditFacets(Ctx& ctx, App& app) {
  const audit::Facets facets = audit::ListFacets(app.db(), ScopeOf(ctx.user()));
  auto list = [](const std::vector<audit::Facet>& v) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& f : v) out.push_back(FZ_JSON(f, code, name, count));
    return out;
  };
  return Reply::Json({{"actions", list(facets.actions)}, {"object_types", list(facets.object_types)}});
}

// GET /api/audit/export?<the filters of GET /api/audit>: the list as XLSX (newest first, at most
// kExportMax rows); the export itself is an audit row.
Result<Reply> ExportAudit(Ctx& ctx, App& app) {
  http::QueryReader q(ctx);
  audit::Query f = FZ_TRY(ReadFilters(q, ctx.user()));
  FZ_CHECK(q.Finish());
  f.page = 1;
  f.page_size = kExportMax;
  const audit::Page result = audit::Search(app.db(), f);
  if (result.total > kExportMax)
    return Invalid(
        fmt::format("符合条件的审计记录有 {} 条，超过单次导出上限 {} 条，请缩小查询条件", result.total, kExportMax), "",
        "too_many_rows");
  const auto objects = audit::DescribeObjects(app.db(), result.items);
  std::vector<files::CellRow> rows;
  rows.push_back({"序号", "时间", "操作人", "操作", "对象", "摘要", "来源地址", "操作代码", "对象类型", "对象编号"});
  for (const auto& r : result.items) {
    const auto object = objects.find(r.object_type + ":" + r.object_id);
    rows.push_back({files::Cell::Int(r.id), FormatLocalDateTime(r.at), r.username.empty() ? "—" : r.username,
                    audit::ActionName(r.action), object == objects.end() ? "" : object->second, r.summary, r.ip,
                    r.action, r.object_type, r.object_id});
  }
  std::string bytes =
      FZ_TRY(files::WriteXlsx({{"审计日志", std::move(rows), {8, 20, 14, 24, 28, 60, 16, 28, 16, 12}}}));
  FZ_CHECK(app.db().Write([&](soci::session& sql) -> Result<void> {
    audit::Append(sql, app.clock(), ctx.Actor(),
                  {"audit.export", "audit", "", fmt::format("导出审计日志 {} 条", result.items.size())});
    return {};
  }));
  return Reply::File(std::move(bytes), files::kXlsx, "审计日志.xlsx");
}

// GET /api/audit/verify: walks the whole chain and holds it against the checkpoints this server
// wrote (Config::AuditCheckpointDir), like `fazhi audit verify`.
Result<Reply> VerifyAudit(Ctx&, App& app) {
  audit::VerifyOptions options;
  options.key = app.audit_key();
  options.checkpoints = audit::ReadCheckpoints(app.config().AuditCheckpointDir(), app.audit_key().get());
  const audit::VerifyReport rep = audit::Verify(app.db(), options);
  return Reply::Json(
      Merged(FZ_JSON(rep, ok, rows, keyed_rows, checkpoints, checkpoint_problems, message),
             {{"first_bad_id", rep.first_bad_id ? nlohmann::json(*rep.first_bad_id) : nlohmann::json()},
              {"newest_checkpoint_at",
               rep.newest_checkpoint_at ? nlohmann::json(*rep.newest_checkpoint_at) : nlohmann::json()}}));
}

}  // namespace

void RegisterAuditRoutes(http::Router& router, App& app) {
  const http::Access audit_read = http::Perm(auth::perm::kAuditRead);
  http::Routes<App> r(router, app);
  r.Get("/api/audit", audit_read, SearchAudit);
  r.Get("/api/audit/verify", audit_read, VerifyAudit);
  r.Get("/api/audit/facets", audit_read, AuditFacets);
  r.Get("/api/audit/export", audit_read, ExportAudit);
}

}  // namespace fazhi
