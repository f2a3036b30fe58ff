// Routes of the foundation: health, sign-in, the caller's own account, accounts, roles, security
// policy and the audit trail. Handlers only parse, call one service function and serialise.
#include <algorithm>

#include <fmt/format.h>

#include "app/app.h"
#include "audit/audit_log.h"
#include "auth/roles.h"
#include "core/json_input.h"
#include "core/local_time.h"

namespace fazhi {

namespace {

using http::Access;
using http::Ctx;
using http::Reply;

template <typename T>
Result<Reply> OkOr(const Result<T>& r, nlohmann::json body = {{"ok", true}}) {
  if (!r) return std::unexpected(r.error());
  return Reply::Json(std::move(body));
}

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

Result<std::optional<EpochSeconds>> QueryTime(const Ctx& ctx, const std::string& name, bool end_of_day) {
  auto v = ctx.Query(name);
  if (!v) return std::optional<EpochSeconds>();
  auto t = ParseLocalDateTime(*v);
  if (!t) return Invalid("时间“" + *v + "”格式不对，应为 2024-03-04 或 2024-03-04 08:00", name, "invalid_time");
  // A bare date as the end of a range means the whole of that day.
  if (end_of_day && v->size() == 10) *t += 86400;
  return std::optional<EpochSeconds>(*t);
}

}  // namespace

void RegisterCoreRoutes(http::Router& r, App& app) {
  const Access kPublic{.public_route = true};
  const Access kSignedIn{};
  const Access kSetup{.allowed_before_setup = true};

  r.Get("/api/health", kPublic, [&app](Ctx&) -> Result<Reply> {
    return Reply::Json({{"status", "ok"},
                        {"version", "0.1.0"},
                        {"backend", app.db().backend() == db::Backend::kSqlite ? "sqlite" : "postgresql"}});
  });

  // ---- sign-in ----
  r.Post("/api/auth/login", kPublic, [&app](Ctx& ctx) -> Result<Reply> {
    JsonInput in(ctx.body());
    auth::LoginRequest req;
    req.username = in.String("username", "用户名", {.required = true, .max_chars = 64}).value_or("");
    req.password = in.String("password", "密码", {.required = true, .max_chars = 128, .trim = false}).value_or("");
    req.totp_code = in.String("totp_code", "动态验证码", {.max_chars = 6}).value_or("");
    if (auto e = in.Finish()) return std::unexpected(*e);
    req.ip = ctx.ip();
    req.user_agent = ctx.req().get_header_value("User-Agent");
    req.request_id = ctx.request_id();
    auto result = app.auth().Login(req);
    if (!result) return std::unexpected(result.error());
    Reply reply = Reply::Json({{"user", auth::MeJson(result->principal)}, {"csrf_token", result->principal.csrf_token}});
    http::ServerOptions o;
    o.secure_cookie = app.config().secure_cookie;
    reply.headers.emplace_back("Set-Cookie",
                               http::Server::SessionCookie(o, result->token, app.config().auth.session_max_seconds));
    return reply;
  });

  r.Post("/api/auth/logout", kSetup, [&app](Ctx& ctx) -> Result<Reply> {
    auto ok = app.auth().Logout(ctx.user(), ctx.Actor());
    if (!ok) return std::unexpected(ok.error());
    Reply reply = Reply::Json({{"ok", true}});
    http::ServerOptions o;
    o.secure_cookie = app.config().secure_cookie;
    reply.headers.emplace_back("Set-Cookie", http::Server::SessionCookie(o, "", 0));
    return reply;
  });

  // ---- the caller's own account ----
  r.Get("/api/me", kSetup, [](Ctx& ctx) -> Result<Reply> { return Reply::Json(auth::MeJson(ctx.user())); });

  r.Post("/api/me/password", kSetup, [&app](Ctx& ctx) -> Result<Reply> {
    JsonInput in(ctx.body());
    auto old_pw = in.String("old_password", "原密码", {.required = true, .max_chars = 128, .trim = false});
    auto new_pw = in.String("new_password", "新密码", {.required = true, .max_chars = 128, .trim = false});
    if (auto e = in.Finish()) return std::unexpected(*e);
    return OkOr(app.auth().ChangePassword(ctx.user(), *old_pw, *new_pw, ctx.Actor()));
  });

  r.Post("/api/me/totp/setup", kSetup, [&app](Ctx& ctx) -> Result<Reply> {
    auto s = app.auth().BeginTotpSetup(ctx.user(), ctx.Actor());
    if (!s) return std::unexpected(s.error());
    return Reply::Json({{"secret", s->secret}, {"otpauth_uri", s->otpauth_uri}});
  });

  r.Post("/api/me/totp/enable", kSetup, [&app](Ctx& ctx) -> Result<Reply> {
    JsonInput in(ctx.body());
    auto code = in.String("code", "动态验证码", {.required = true, .max_chars = 6});
    if (auto e = in.Finish()) return std::unexpected(*e);
    return OkOr(app.auth().EnableTotp(ctx.user(), *code, ctx.Actor()));
  });

  r.Post("/api/me/totp/disable", kSignedIn, [&app](Ctx& ctx) -> Result<Reply> {
    JsonInput in(ctx.body());
    auto pw = in.String("password", "密码", {.required = true, .max_chars = 128, .trim = false});
    if (auto e = in.Finish()) return std::unexpected(*e);
    return OkOr(app.auth().DisableTotp(ctx.user(), *pw, ctx.Actor()));
  });

  // ---- roles and accounts ----
  r.Get("/api/roles", kSignedIn, [](Ctx&) -> Result<Reply> {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& role : auth::AllRoles())
      items.push_back({{"code", role.code},
                       {"name", role.name},
                       {"permissions", role.permissions},
                       {"separated_admin", role.separated_admin}});
    return Reply::Json({{"items", items}});
  });

  r.Get("/api/users", kSignedIn, [&app](Ctx& ctx) -> Result<Reply> {
    auto page = ctx.Page({"username", "display_name", "unit", "last_login_at", "created_at"});
    if (!page) return std::unexpected(page.error());
    auto users = app.auth().ListUsers(ctx.user(), ctx.Query("q"), *page);
    if (!users) return std::unexpected(users.error());
    nlohmann::json items = nlohmann::json::array();
    for (const auto& u : users->items) items.push_back(auth::ToJson(u));
    return Reply::Json(http::PagedJson(std::move(items), users->total, *page));
  });

  r.Get("/api/users/{id}", kSignedIn, [&app](Ctx& ctx) -> Result<Reply> {
    auto id = ctx.PathId();
    if (!id) return std::unexpected(id.error());
    auto u = app.auth().GetUser(ctx.user(), *id);
    if (!u) return std::unexpected(u.error());
    return Reply::Json(auth::ToJson(*u));
  });

  r.Post("/api/users", {.permission = std::string(auth::perm::kUserAdmin)}, [&app](Ctx& ctx) -> Result<Reply> {
    JsonInput in(ctx.body());
    auth::NewUser nu;
    nu.username = in.String("username", "用户名", {.required = true, .max_chars = 32}).value_or("");
    nu.display_name = in.String("display_name", "姓名", {.required = true, .max_chars = 32}).value_or("");
    nu.password = in.String("password", "初始密码", {.required = true, .max_chars = 128, .trim = false}).value_or("");
    nu.roles = in.StringArray("roles", "角色", {.max_chars = 32}, true, 10).value_or(std::vector<std::string>{});
    nu.unit_id = in.Int("unit_id", "所属单位", {.required = true, .min = 1}).value_or(0);
    nu.person_id = in.Int("person_id", "对应人员", {.min = 1});
    if (auto e = in.Finish()) return std::unexpected(*e);
    auto u = app.auth().CreateUser(ctx.user(), nu, ctx.Actor());
    if (!u) return std::unexpected(u.error());
    return Reply::Json(auth::ToJson(*u), 201);
  });

  r.Put("/api/users/{id}", kSignedIn, [&app](Ctx& ctx) -> Result<Reply> {
    auto id = ctx.PathId();
    if (!id) return std::unexpected(id.error());
    JsonInput in(ctx.body());
    auth::UserPatch p;
    p.display_name = in.String("display_name", "姓名", {.min_chars = 1, .max_chars = 32});
    p.roles = in.StringArray("roles", "角色", {.max_chars = 32}, false, 10);
    p.unit_id = in.Int("unit_id", "所属单位", {.min = 1});
    p.active = in.Bool("active", "启用");
    p.totp_required = in.Bool("totp_required", "要求两步验证");
    if (auto e = in.Finish()) return std::unexpected(*e);
    auto u = app.auth().UpdateUser(ctx.user(), *id, p, ctx.Actor());
    if (!u) return std::unexpected(u.error());
    return Reply::Json(auth::ToJson(*u));
  });

  r.Post("/api/users/{id}/reset-password", {.permission = std::string(auth::perm::kUserAdmin)},
         [&app](Ctx& ctx) -> Result<Reply> {
           auto id = ctx.PathId();
           if (!id) return std::unexpected(id.error());
           JsonInput in(ctx.body());
           auto pw = in.String("new_password", "新密码", {.required = true, .max_chars = 128, .trim = false});
           if (auto e = in.Finish()) return std::unexpected(*e);
           return OkOr(app.auth().ResetPassword(ctx.user(), *id, *pw, ctx.Actor()));
         });

  r.Post("/api/users/{id}/unlock", kSignedIn, [&app](Ctx& ctx) -> Result<Reply> {
    auto id = ctx.PathId();
    if (!id) return std::unexpected(id.error());
    return OkOr(app.auth().Unlock(ctx.user(), *id, ctx.Actor()));
  });

  // ---- security policy (安全管理员) ----
  const Access kSecurity{.permission = std::string(auth::perm::kSecurityAdmin)};
  r.Get("/api/security/policy", kSecurity, [&app](Ctx&) -> Result<Reply> {
    const auto& c = app.config().auth;
    return Reply::Json({{"admin_totp_required", app.auth().AdminTotpRequired()},
                        {"max_failed_logins", c.max_failed_logins},
                        {"lockout_minutes", c.lockout_seconds / 60},
                        {"session_idle_minutes", c.session_idle_seconds / 60},
                        {"password_rule", "8–64 位，至少包含大写字母、小写字母、数字、符号中的三类，不得包含用户名"}});
  });
  r.Put("/api/security/policy", kSecurity, [&app](Ctx& ctx) -> Result<Reply> {
    JsonInput in(ctx.body());
    auto required = in.Bool("admin_totp_required", "三员账号必须启用两步验证", true);
    if (auto e = in.Finish()) return std::unexpected(*e);
    return OkOr(app.auth().SetAdminTotpRequired(*required, ctx.Actor()), {{"admin_totp_required", *required}});
  });

  // ---- audit trail (审计管理员) ----
  const Access kAudit{.permission = std::string(auth::perm::kAuditRead)};
  r.Get("/api/audit", kAudit, [&app](Ctx& ctx) -> Result<Reply> {
    auto page = ctx.Page({"id"});
    if (!page) return std::unexpected(page.error());
    audit::Query q;
    q.username = ctx.Query("user");
    q.object_type = ctx.Query("object_type");
    q.object_id = ctx.Query("object_id");
    q.action = ctx.Query("action");
    auto from = QueryTime(ctx, "from", false);
    if (!from) return std::unexpected(from.error());
    auto to = QueryTime(ctx, "to", true);
    if (!to) return std::unexpected(to.error());
    q.from = *from;
    q.to = *to;
    q.scope_pattern = ctx.user().ScopePattern();
    // A top-level unit's path is "/<id>/": its auditor also sees rows that belong to no bureau.
    q.include_unscoped = std::count(ctx.user().unit_path.begin(), ctx.user().unit_path.end(), '/') == 2;
    q.page = page->page;
    q.page_size = page->page_size;
    auto result = audit::Search(app.db(), q);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& row : result.items) items.push_back(AuditRowJson(row));
    return Reply::Json(http::PagedJson(std::move(items), result.total, *page));
  });

  r.Get("/api/audit/verify", kAudit, [&app](Ctx&) -> Result<Reply> {
    auto rep = audit::Verify(app.db());
    return Reply::Json({{"ok", rep.ok},
                        {"rows", rep.rows},
                        {"first_bad_id", rep.first_bad_id ? nlohmann::json(*rep.first_bad_id) : nlohmann::json()},
                        {"message", rep.message}});
  });
}

}  // namespace fazhi
