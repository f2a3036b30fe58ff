// Sign-in, the caller's own account (password, TOTP), roles, account administration and the
// security policy. Handlers parse, call one AuthService function and serialise.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>

#include "app/app.h"
#include "app/core_routes.h"
#include "auth/roles.h"
#include "core/json_fields.h"
#include "core/json_input.h"
#include "core/json_writer.h"
#include "db/sql.h"
#include "http/query.h"
#include "notify/notify.h"
#include "org/org_reads.h"

namespace fazhi {

namespace {

using http::Ctx;
using http::Reply;

Reply Ok() { return Reply::Json({{"ok", true}}); }

// The Set-Cookie header of the session cookie (empty token and 0 seconds: clears it).
std::pair<std::string, std::string> CookieHeader(const App& app, const std::string& token, int max_age) {
  http::ServerOptions o;
  o.secure_cookie = app.config().secure_cookie;
  return {"Set-Cookie", http::Server::SessionCookie(o, token, max_age)};
}

// ---- sign-in ----

Result<Reply> Login(Ctx& ctx, App& app) {
  JsonInput in(ctx.body());
  auth::LoginRequest req;
  req.username = in.String("username", "用户名", {.required = true, .max_chars = 64}).value_or("");
  req.password = in.String("password", "密码", {.required = true, .max_chars = 128, .trim = false}).value_or("");
  req.totp_code = in.String("totp_code", "动态验证码", {.max_chars = 6}).value_or("");
  if (auto e = in.Finish()) return std::unexpected(*e);
  req.ip = ctx.ip();
  req.user_agent = ctx.req().get_header_value("User-Agent");
  req.request_id = ctx.request_id();
  const auth::LoginResult signed_in = FZ_TRY(app.auth().Login(req));
  JsonWriter w;
  w.BeginObject().Key("csrf_token").String(signed_in.principal.csrf_token);
  w.Key("user").Raw(auth::MeText(signed_in.principal)).EndObject();
  Reply reply = Reply::RawJson(w.Take());
  reply.headers.push_back(CookieHeader(app, signed_in.token, app.config().auth.session_max_seconds));
  return reply;
}

Result<Reply> Logout(Ctx& ctx, App& app) {
  FZ_CHECK(app.auth().Logout(ctx.user(), ctx.Actor()));
  Reply reply = Ok();
  reply.headers.push_back(CookieHeader(app, "", 0));
  return reply;
}

// ---- the caller's own account ----

Result<Reply> Me(Ctx& ctx, App&) { return Reply::RawJson(auth::MeText(ctx.user())); }

Result<Reply> ChangePassword(Ctx& ctx, App& app) {
  JsonInput in(ctx.body());
  auto old_pw = in.String("old_password", "原密码", {.required = true, .max_chars = 128, .trim = false});
  auto new_pw = in.String("new_password", "新密码", {.required = true, .max_chars = 128, .trim = false});
  if (auto e = in.Finish()) return std::unexpected(*e);
  FZ_CHECK(app.auth().ChangePassword(ctx.user(), *old_pw, *new_pw, ctx.Actor()));
  return Ok();
}

Result<Reply> BeginTotpSetup(Ctx& ctx, App& app) {
  const auth::TotpSetup s = FZ_TRY(app.auth().BeginTotpSetup(ctx.user(), ctx.Actor()));
  return Reply::Json({{"secret", s.secret}, {"otpauth_uri", s.otpauth_uri}});
}

Result<Reply> EnableTotp(Ctx& ctx, App& app) {
  JsonInput in(ctx.body());
  auto code = in.String("code", "动态验证码", {.required = true, .max_chars = 6});
  if (auto e = in.Finish()) return std::unexpected(*e);
  FZ_CHECK(app.auth().EnableTotp(ctx.user(), *code, ctx.Actor()));
  return Ok();
}

Result<Reply> DisableTotp(Ctx& ctx, App& app) {
  JsonInput in(ctx.body());
  auto pw = in.String("password", "密码", {.required = true, .max_chars = 128, .trim = false});
  if (auto e = in.Finish()) return std::unexpected(*e);
  FZ_CHECK(app.auth().DisableTotp(ctx.user(), *pw, ctx.Actor()));
  return Ok();
}

// ---- roles and accounts ----

Result<Reply> ListRoles(Ctx&, App&) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& role : auth::AllRoles()) items.push_back(FZ_JSON(role, code, name, permissions, separated_admin));
  return Reply::Json({{"items", items}});
}

Result<Reply> ListUsers(Ctx& ctx, App& app) {
  http::QueryReader q(ctx);
  const auto text = q.Str("q");
  const bool locked = q.Bool("locked").value_or(false);
  const PageRequest page = q.Page({"username", "display_name", "unit", "last_login_at", "created_at"});
  FZ_CHECK(q.Finish());
  const Paged<auth::UserView> users = FZ_TRY(app.auth().ListUsers(ctx.user(), text, page, locked));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& u : users.items) items.push_back(auth::ToJson(u));
  return Reply::Json(http::PagedJson(std::move(items), users.total, page));
}

Result<Reply> GetUser(Ctx& ctx, App& app) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  return Reply::Json(auth::ToJson(FZ_TRY(app.auth().GetUser(ctx.user(), id))));
}

Result<Reply> CreateUser(Ctx& ctx, App& app) {
  // Who may act is decided before the body is read, so a caller without the right learns nothing
  // about the fields (tests/http/access_matrix.tsv).
  // The security administrator creates the 三员 accounts (AuthService::CreateUser checks which roles).
  if (!ctx.user().Has(auth::perm::kUserAdmin) && !ctx.user().Has(auth::perm::kSecurityAdmin))
    return Forbidden("只有系统管理员或安全管理员可以创建账号", "permission_denied");
  JsonInput in(ctx.body());
  auth::NewUser nu;
  nu.username = in.String("username", "用户名", {.required = true, .max_chars = 32}).value_or("");
  nu.display_name = in.String("display_name", "姓名", {.required = true, .max_chars = 32}).value_or("");
  nu.password = in.String("password", "初始密码", {.required = true, .max_chars = 128, .trim = false}).value_or("");
  nu.roles = in.StringArray("roles", "角色", {.max_chars = 32}, true, 10).value_or(std::vector<std::string>{});
  nu.unit_id = in.Int("unit_id", "所属单位", {.required = true, .min = 1}).value_or(0);
  nu.person_id = in.Int("person_id", "对应人员", {.min = 1});
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(auth::ToJson(FZ_TRY(app.auth().CreateUser(ctx.user(), nu, ctx.Actor()))), 201);
}

Result<Reply> UpdateUser(Ctx& ctx, App& app) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  auth::UserPatch p;
  p.display_name = in.String("display_name", "姓名", {.min_chars = 1, .max_chars = 32});
  p.roles = in.StringArray("roles", "角色", {.max_chars = 32}, false, 10);
  p.unit_id = in.Int("unit_id", "所属单位", {.min = 1});
  p.active = in.Bool("active", "启用");
  p.totp_required = in.Bool("totp_required", "要求两步验证");
  // "person_id": 12 links the account to that person record, "person_id": null unlinks it.
  const auto body = nlohmann::json::parse(ctx.body(), nullptr, false);
  if (const auto raw = in.Raw("person_id", "对应人员"); raw || (body.is_object() && body.contains("person_id"))) {
    if (!raw || raw->is_null()) {
      p.person_id = std::optional<std::int64_t>();
    } else if (!raw->is_number_integer() || raw->get<std::int64_t>() < 1) {
      return Invalid("“对应人员”必须是人员编号", "person_id", "wrong_type");
    } else {
      p.person_id = raw->get<std::int64_t>();
    }
  }
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(auth::ToJson(FZ_TRY(app.auth().UpdateUser(ctx.user(), id, p, ctx.Actor()))));
}

Result<Reply> ResetPassword(Ctx& ctx, App& app) {
  if (!ctx.user().Has(auth::perm::kUserAdmin) && !ctx.user().Has(auth::perm::kSecurityAdmin))
    return Forbidden("只有系统管理员或安全管理员可以重置密码", "permission_denied");
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  auto pw = in.String("new_password", "新密码", {.required = true, .max_chars = 128, .trim = false});
  if (auto e = in.Finish()) return std::unexpected(*e);
  FZ_CHECK(app.auth().ResetPassword(ctx.user(), id, *pw, ctx.Actor()));
  return Ok();
}

Result<Reply> Unlock(Ctx& ctx, App& app) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  FZ_CHECK(app.auth().Unlock(ctx.user(), id, ctx.Actor()));
  return Ok();
}

// ---- security policy (安全管理员) ----

Result<Reply> GetSecurityPolicy(Ctx&, App& app) {
  const auto& c = app.config().auth;
  return Reply::Json({{"admin_totp_required", app.auth().AdminTotpRequired()},
                      {"max_failed_logins", c.max_failed_logins},
                      {"lockout_minutes", c.lockout_seconds / 60},
                      {"session_idle_minutes", c.session_idle_seconds / 60},
                      {"password_history", c.password_history},
                      {"password_rule", fmt::format("8–64 位，至少包含大写字母、小写字母、数字、符号中的三类，不得包含"
                                                    "用户名（不区分大小写），不得与最近 {} 次使用过的密码相同",
                                                    c.password_history)}});
}

Result<Reply> SetSecurityPolicy(Ctx& ctx, App& app) {
  // The policy holds for every administrator account of the installation, so a 派出所's security
  // administrator may read it but not change it (issue 16, tests/http/access_matrix.tsv).
  const bool bureau_level = app.db().Read([&](soci::session& sql) {
    const auto unit = org::ReadUnit(sql, ctx.user().unit_id);
    return unit && (unit->level == "city" || unit->level == "bureau");
  });
  if (!bureau_level)
    return Forbidden("安全策略作用于所有管理员账号，只能由市局或分局的安全管理员修改", "bureau_level_required");
  JsonInput in(ctx.body());
  auto required = in.Bool("admin_totp_required", "三员账号必须启用两步验证", true);
  if (auto e = in.Finish()) return std::unexpected(*e);
  FZ_CHECK(app.auth().SetAdminTotpRequired(*required, ctx.Actor()));
  return Reply::Json({{"admin_totp_required", *required}});
}

// 三员分立: every act on an administrator account (role given or taken, password reset) is told to
// the active holders of the other two administrator roles of the target's bureau and of the units
// above it, in the act's own transaction (the audit row is written beside it by AuthService).
void NotifyAdminAct(soci::session& sql, const auth::AdminAct& act, EpochSeconds now) {
  std::vector<std::string> others;
  for (const auto& r : auth::AllRoles())
    if (r.separated_admin && std::find(act.actor_roles.begin(), act.actor_roles.end(), r.code) == act.actor_roles.end())
      others.push_back(r.code);
  db::SqlArgs a;
  std::vector<std::int64_t> users;
  db::Each(
      sql,
      fmt::format("SELECT DISTINCT u.id FROM users u JOIN user_roles r ON r.user_id = u.id JOIN units un ON un.id = "
                  "u.unit_id WHERE u.active = 1 AND r.role IN {} AND (un.bureau_id = {} OR {} LIKE un.path || '%') "
                  "ORDER BY u.id",
                  a.StrList(others), a.Int(act.bureau_id), a.Str(act.target_unit_path)),
      a, [&](const db::Row& r) { users.push_back(r.Int("id")); });
  static std::atomic<std::uint64_t> seq{0};
  notify::Send(sql,
               {.bureau_id = act.bureau_id,
                .kind = "security",
                .title = "三员账号变更",
                .body = act.actor_username + "：" + act.summary,
                .dedup_key = fmt::format("admin_act:{}:{}:{}", act.target_id, now, ++seq)},
               {.users = users}, now);
}

}  // namespace

void RegisterAccountRoutes(http::Router& router, App& app) {
  const Clock* clock = &app.clock();
  app.auth().SetAdminActHook(
      [clock](soci::session& sql, const auth::AdminAct& act) { NotifyAdminAct(sql, act, clock->Now()); });
  using http::kBeforeSetup, http::kPublic, http::kSignedIn;
  const http::Access security_admin = http::Perm(auth::perm::kSecurityAdmin);
  http::Routes<App> r(router, app);
  r.Post("/api/auth/login", kPublic, Login);
  r.Post("/api/auth/logout", kBeforeSetup, Logout);

  // Answered from the session cache in microseconds: queueing it behind list requests at the admission
  // gate cost more than the request itself (bench/README.md, "The session cache").
  r.Get("/api/me", http::Access{.allowed_before_setup = true, .ungated = true}, Me);
  r.Post("/api/me/password", kBeforeSetup, ChangePassword);
  r.Post("/api/me/totp/setup", kBeforeSetup, BeginTotpSetup);
  r.Post("/api/me/totp/enable", kBeforeSetup, EnableTotp);
  r.Post("/api/me/totp/disable", kSignedIn, DisableTotp);

  // The service checks user.admin / security.admin per operation (unlock and reads: either; the
  // three administrator roles and their passwords: security.admin, 三员分立).
  r.Get("/api/roles", kSignedIn, ListRoles);
  r.Get("/api/users", kSignedIn, ListUsers);
  r.Get("/api/users/{id}", kSignedIn, GetUser);
  r.Post("/api/users", kSignedIn, CreateUser);
  r.Put("/api/users/{id}", kSignedIn, UpdateUser);
  r.Post("/api/users/{id}/reset-password", kSignedIn, ResetPassword);
  r.Post("/api/users/{id}/unlock", kSignedIn, Unlock);

  r.Get("/api/security/policy", security_admin, GetSecurityPolicy);
  r.Put("/api/security/policy", security_admin, SetSecurityPolicy);
}

}  // namespace fazhi
