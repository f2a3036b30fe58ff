#include "auth/auth_service.h"

#include <sodium.h>

#include <algorithm>

#include <fmt/format.h>

#include "auth/password.h"
#include "auth/roles.h"
#include "auth/totp.h"
#include "core/text.h"
#include "db/sql.h"

namespace fazhi::auth {

namespace {

constexpr const char* kAdminTotpSetting = "security.admin_totp_required";
constexpr int kLastSeenGranularity = 60;  // write last_seen_at at most once a minute per session

bool HasSeparatedAdminRole(const std::vector<std::string>& roles) {
  for (const auto& r : roles)
    if (const RoleDef* d = FindRole(r); d && d->separated_admin) return true;
  return false;
}

std::vector<std::string> LoadRoles(soci::session& sql, std::int64_t user_id) {
  long long uid = user_id;
  std::vector<std::string> roles;
  soci::rowset<std::string> rs = (sql.prepare << "SELECT role FROM user_roles WHERE user_id = :u ORDER BY role",
                                  soci::use(uid));
  for (const auto& r : rs) roles.push_back(r);
  return roles;
}

struct UnitRow {
  std::int64_t id = 0;
  std::string name, path;
  std::optional<std::int64_t> bureau_id;
};

std::optional<UnitRow> LoadUnit(soci::session& sql, std::int64_t id) {
  long long uid = id, bureau = 0;
  soci::indicator bind = soci::i_ok;
  UnitRow u;
  sql << "SELECT name, path, bureau_id FROM units WHERE id = :id", soci::use(uid), soci::into(u.name),
      soci::into(u.path), soci::into(bureau, bind);
  if (!sql.got_data()) return std::nullopt;
  u.id = id;
  if (bind == soci::i_ok) u.bureau_id = bureau;
  return u;
}

}  // namespace

std::string Sha256HexOf(std::string_view data) {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return ToHex(std::string_view(reinterpret_cast<const char*>(out), sizeof out));
}

nlohmann::json ToJson(const UserView& u) {
  nlohmann::json roles = u.roles, role_names = nlohmann::json::array();
  for (const auto& r : u.roles)
    if (const RoleDef* d = FindRole(r)) role_names.push_back(d->name);
  return {{"id", u.id},
          {"username", u.username},
          {"display_name", u.display_name},
          {"roles", roles},
          {"role_names", role_names},
          {"unit_id", u.unit_id},
          {"unit_name", u.unit_name},
          {"person_id", u.person_id ? nlohmann::json(*u.person_id) : nlohmann::json()},
          {"active", u.active},
          {"must_change_password", u.must_change_password},
          {"totp_enabled", u.totp_enabled},
          {"totp_required", u.totp_required},
          {"locked_until", u.locked_until},
          {"last_login_at", u.last_login_at},
          {"created_at", u.created_at}};
}

nlohmann::json MeJson(const Principal& p) {
  nlohmann::json role_names = nlohmann::json::array();
  for (const auto& r : p.roles)
    if (const RoleDef* d = FindRole(r)) role_names.push_back(d->name);
  return {{"id", p.user_id},
          {"username", p.username},
          {"display_name", p.display_name},
          {"roles", p.roles},
          {"role_names", role_names},
          {"permissions", p.permissions},
          {"unit", {{"id", p.unit_id}, {"name", p.unit_name}, {"path", p.unit_path}}},
          {"person_id", p.person_id ? nlohmann::json(*p.person_id) : nlohmann::json()},
          {"csrf_token", p.csrf_token},
          {"must_change_password", p.must_change_password},
          {"totp_enabled", p.totp_enabled},
          {"totp_required", p.totp_setup_required || p.totp_enabled}};
}

AuthService::AuthService(db::Database& db, const Clock& clock, const Vault& vault, AuthConfig config)
    : db_(db), clock_(clock), vault_(vault), config_(config), dummy_hash_(HashPassword("not-a-real-password-Aa1!")) {}

std::string AuthService::NewToken() const {
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char out[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

bool AuthService::ThrottleIp(const std::string& ip) {
  std::lock_guard lock(throttle_mu_);
  const EpochSeconds now = clock_.Now();
  auto& v = attempts_by_ip_[ip];
  std::erase_if(v, [&](EpochSeconds t) { return t <= now - config_.ip_window_seconds; });
  if (static_cast<int>(v.size()) >= config_.ip_attempts_per_window) return true;
  v.push_back(now);
  if (attempts_by_ip_.size() > 100000) attempts_by_ip_.clear();  // bound memory under a spray of IPs
  return false;
}

Result<LoginResult> AuthService::Login(const LoginRequest& req) {
  audit::Actor actor{std::nullopt, req.username, std::nullopt, req.ip, req.request_id};
  if (ThrottleIp(req.ip))
    return Fail(ErrorCode::kTooManyRequests, "登录尝试过于频繁，请稍后再试", "", "too_many_requests");

  struct Row {
    long long id = 0, unit_id = 0, locked_until = 0, failed = 0, totp_last_step = 0, bureau_id = 0;
    soci::indicator bureau_ind = soci::i_null;
    int active = 0, totp_enabled = 0;
    std::string hash, totp_secret_enc;
    soci::indicator totp_ind = soci::i_null;
  } u;
  const bool found = db_.Read([&](soci::session& sql) {
    sql << "SELECT us.id, us.password_hash, us.active, us.locked_until, us.failed_logins, us.totp_enabled, "
           "us.totp_secret_enc, us.totp_last_step, un.bureau_id FROM users us JOIN units un ON un.id = us.unit_id "
           "WHERE us.username = :u",
        soci::use(req.username), soci::into(u.id), soci::into(u.hash), soci::into(u.active),
        soci::into(u.locked_until), soci::into(u.failed), soci::into(u.totp_enabled),
        soci::into(u.totp_secret_enc, u.totp_ind), soci::into(u.totp_last_step), soci::into(u.bureau_id, u.bureau_ind);
    return sql.got_data();
  });
  // Audit rows about this account belong to its bureau, so that bureau's auditor sees them.
  if (found && u.bureau_ind == soci::i_ok) actor.bureau_id = u.bureau_id;
  const EpochSeconds now = clock_.Now();
  auto fail_audit = [&](const std::string& why, std::optional<std::int64_t> uid) {
    db_.Write([&](soci::session& sql) -> Result<void> {
      audit::Actor a = actor;
      a.user_id = uid;
      audit::Append(sql, clock_, a, {"auth.login_failed", "user", uid ? std::to_string(*uid) : "", "登录失败：" + why});
      return {};
    });
  };
  if (!found) {
    VerifyPassword(req.password, dummy_hash_);
    fail_audit("用户名不存在", std::nullopt);
    return Fail(ErrorCode::kUnauthenticated, "用户名或密码错误", "", "invalid_credentials");
  }
  if (u.locked_until > now) {
    fail_audit("账号已锁定", u.id);
    return Fail(ErrorCode::kForbidden,
                fmt::format("连续登录失败次数过多，账号已锁定，请 {} 分钟后再试或联系安全管理员解锁",
                            (u.locked_until - now + 59) / 60),
                "", "account_locked");
  }
  auto record_failure = [&](const std::string& why) {
    db_.Write([&](soci::session& sql) -> Result<void> {
      long long failed = u.failed + 1;
      long long locked = failed >= config_.max_failed_logins ? now + config_.lockout_seconds : 0;
      if (locked) failed = 0;
      sql << "UPDATE users SET failed_logins = :f, locked_until = :l WHERE id = :id", soci::use(failed),
          soci::use(locked), soci::use(u.id);
      audit::Actor a = actor;
      a.user_id = u.id;
      audit::Append(sql, clock_, a,
                    {locked ? "auth.account_locked" : "auth.login_failed", "user", std::to_string(u.id),
                     locked ? "登录失败：" + why + "，账号已锁定" : "登录失败：" + why});
      return {};
    });
  };
  if (!VerifyPassword(req.password, u.hash)) {
    record_failure("密码错误");
    return Fail(ErrorCode::kUnauthenticated, "用户名或密码错误", "", "invalid_credentials");
  }
  if (!u.active) {
    fail_audit("账号已停用", u.id);
    return Fail(ErrorCode::kForbidden, "账号已停用，请联系系统管理员", "", "account_disabled");
  }
  long long totp_step = u.totp_last_step;
  if (u.totp_enabled) {
    if (req.totp_code.empty())
      return Fail(ErrorCode::kUnauthenticated, "请输入动态验证码", "totp_code", "totp_required");
    auto secret = vault_.Decrypt(u.totp_secret_enc);
    if (!secret) return std::unexpected(secret.error());
    auto step = VerifyTotp(*secret, req.totp_code, now);
    if (!step || *step <= u.totp_last_step) {
      record_failure("动态验证码错误");
      return Fail(ErrorCode::kUnauthenticated, "动态验证码错误或已使用", "totp_code", "invalid_totp");
    }
    totp_step = *step;
  }
  const std::string token = NewToken();
  const std::string token_hash = Sha256HexOf(token);
  auto created = db_.Write([&](soci::session& sql) -> Result<void> {
    const std::string csrf = NewToken();
    long long t = now, expires = now + config_.session_max_seconds;
    sql << "UPDATE users SET failed_logins = 0, locked_until = 0, last_login_at = :t, totp_last_step = :s WHERE id = :id",
        soci::use(t), soci::use(totp_step), soci::use(u.id);
    std::string ua = req.user_agent.substr(0, 200);
    sql << "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent) "
           "VALUES (:h, :u, :c, :t, :t2, :e, :ip, :ua)",
        soci::use(token_hash), soci::use(u.id), soci::use(csrf), soci::use(t), soci::use(t), soci::use(expires),
        soci::use(req.ip), soci::use(ua);
    audit::Actor a = actor;
    a.user_id = u.id;
    audit::Append(sql, clock_, a, {"auth.login", "user", std::to_string(u.id), "登录成功"});
    return {};
  });
  if (!created) return std::unexpected(created.error());
  auto principal = Authenticate(token);
  if (!principal) return std::unexpected(principal.error());
  return LoginResult{token, std::move(*principal)};
}

Result<Principal> AuthService::Authenticate(std::string_view token) {
  if (token.empty() || token.size() > 128) return Fail(ErrorCode::kUnauthenticated, "请先登录", "", "not_signed_in");
  const std::string hash = Sha256HexOf(token);
  const EpochSeconds now = clock_.Now();
  return db_.Read([&](soci::session& sql) -> Result<Principal> {
    Principal p;
    std::int64_t user_id = 0, last_seen = 0, expires = 0, unit_id = 0;
    std::optional<std::int64_t> person_id, bureau_id;
    bool found = false, active = false, must_change = false, totp_enabled = false, totp_required = false;
    // One statement, cached per connection (db/sql.h): the session, its user and unit, and one row
    // per role of the user.
    db::SqlArgs a;
    db::ForEachRow(
        sql,
        "SELECT s.user_id, s.csrf_token, s.last_seen_at, s.expires_at, u.username, u.display_name, u.unit_id, "
        "u.person_id, un.bureau_id, u.active, u.must_change_password, u.totp_enabled, u.totp_required, un.name, "
        "un.path, r.role FROM sessions s JOIN users u ON u.id = s.user_id JOIN units un ON un.id = u.unit_id "
        "LEFT JOIN user_roles r ON r.user_id = u.id WHERE s.token_hash = " +
            a.Str(hash) + " ORDER BY r.role",
        a, [&](const soci::row& r) {
          if (!found) {
            found = true;
            user_id = db::GetInt64(r, 0);
            p.csrf_token = db::GetText(r, 1);
            last_seen = db::GetInt64(r, 2);
            expires = db::GetInt64(r, 3);
            p.username = db::GetText(r, 4);
            p.display_name = db::GetText(r, 5);
            unit_id = db::GetInt64(r, 6);
            if (!db::IsNull(r, 7)) person_id = db::GetInt64(r, 7);
            if (!db::IsNull(r, 8)) bureau_id = db::GetInt64(r, 8);
            active = db::GetInt64(r, 9) != 0;
            must_change = db::GetInt64(r, 10) != 0;
            totp_enabled = db::GetInt64(r, 11) != 0;
            totp_required = db::GetInt64(r, 12) != 0;
            p.unit_name = db::GetText(r, 13);
            p.unit_path = db::GetText(r, 14);
          }
          if (!db::IsNull(r, 15)) p.roles.push_back(db::GetText(r, 15));
        });
    if (!found) return Fail(ErrorCode::kUnauthenticated, "登录已失效，请重新登录", "", "session_expired");
    if (!active || now >= expires || now - last_seen > config_.session_idle_seconds) {
      sql << "DELETE FROM sessions WHERE token_hash = :h", soci::use(hash);
      return Fail(ErrorCode::kUnauthenticated,
                  active ? "长时间未操作，登录已过期，请重新登录" : "账号已停用，请联系系统管理员", "",
                  active ? "session_expired" : "account_disabled");
    }
    if (now - last_seen >= kLastSeenGranularity) {
      long long t = now;
      sql << "UPDATE sessions SET last_seen_at = :t WHERE token_hash = :h", soci::use(t), soci::use(hash);
    }
    p.user_id = user_id;
    p.unit_id = unit_id;
    p.person_id = person_id;
    p.bureau_id = bureau_id;
    p.session_hash = hash;
    p.must_change_password = must_change;
    p.totp_enabled = totp_enabled;
    p.totp_setup_required = totp_required && !totp_enabled;
    p.permissions = PermissionsOf(p.roles);
    return p;
  });
}

Result<void> AuthService::Logout(const Principal& p, const audit::Actor& actor) {
  return db_.Write([&](soci::session& sql) -> Result<void> {
    sql << "DELETE FROM sessions WHERE token_hash = :h", soci::use(p.session_hash);
    audit::Append(sql, clock_, actor, {"auth.logout", "user", std::to_string(p.user_id), "退出登录"});
    return {};
  });
}

Result<void> AuthService::ChangePassword(const Principal& p, const std::string& old_password,
                                         const std::string& new_password, const audit::Actor& actor) {
  std::string hash;
  long long uid = p.user_id;
  db_.Read([&](soci::session& sql) { sql << "SELECT password_hash FROM users WHERE id = :id", soci::use(uid), soci::into(hash); return 0; });
  if (!VerifyPassword(old_password, hash)) return Invalid("原密码不正确", "old_password", "wrong_password");
  if (auto ok = CheckPasswordPolicy(new_password, p.username); !ok) return ok;
  if (new_password == old_password) return Invalid("新密码不能与原密码相同", "new_password", "weak_password");
  const std::string new_hash = HashPassword(new_password);
  return db_.Write([&](soci::session& sql) -> Result<void> {
    long long now = clock_.Now();
    sql << "UPDATE users SET password_hash = :h, must_change_password = 0, password_changed_at = :t, updated_at = :t2 "
           "WHERE id = :id",
        soci::use(new_hash), soci::use(now), soci::use(now), soci::use(uid);
    // Other sessions of this user end: a changed password should lock out whoever else had it.
    sql << "DELETE FROM sessions WHERE user_id = :u AND token_hash <> :h", soci::use(uid), soci::use(p.session_hash);
    audit::Append(sql, clock_, actor, {"user.password_change", "user", std::to_string(uid), "修改了自己的密码"});
    return {};
  });
}

Result<TotpSetup> AuthService::BeginTotpSetup(const Principal& p, const audit::Actor& actor) {
  if (p.totp_enabled) return Conflict("两步验证已启用；如需更换，请先停用", "totp_already_enabled");
  TotpSetup setup;
  setup.secret = NewTotpSecret();
  setup.otpauth_uri = TotpUri("法治平台", p.username, setup.secret);
  const std::string sealed = vault_.Encrypt(setup.secret);
  auto r = db_.Write([&](soci::session& sql) -> Result<void> {
    long long uid = p.user_id;
    sql << "UPDATE users SET totp_secret_enc = :s WHERE id = :id", soci::use(sealed), soci::use(uid);
    audit::Append(sql, clock_, actor, {"user.totp_setup", "user", std::to_string(uid), "生成两步验证密钥"});
    return {};
  });
  if (!r) return std::unexpected(r.error());
  return setup;
}

Result<void> AuthService::EnableTotp(const Principal& p, const std::string& code, const audit::Actor& actor) {
  std::string sealed;
  soci::indicator ind = soci::i_null;
  long long uid = p.user_id;
  db_.Read([&](soci::session& sql) { sql << "SELECT totp_secret_enc FROM users WHERE id = :id", soci::use(uid), soci::into(sealed, ind); return 0; });
  if (ind != soci::i_ok || sealed.empty()) return Conflict("请先生成两步验证密钥", "totp_not_setup");
  auto secret = vault_.Decrypt(sealed);
  if (!secret) return std::unexpected(secret.error());
  auto step = VerifyTotp(*secret, code, clock_.Now());
  if (!step) return Invalid("动态验证码不正确，请检查手机时间是否准确", "code", "invalid_totp");
  return db_.Write([&](soci::session& sql) -> Result<void> {
    long long s = *step;
    sql << "UPDATE users SET totp_enabled = 1, totp_last_step = :s WHERE id = :id", soci::use(s), soci::use(uid);
    audit::Append(sql, clock_, actor, {"user.totp_enable", "user", std::to_string(uid), "启用两步验证"});
    return {};
  });
}

Result<void> AuthService::DisableTotp(const Principal& p, const std::string& password, const audit::Actor& actor) {
  std::string hash;
  int required = 0;
  long long uid = p.user_id;
  db_.Read([&](soci::session& sql) {
    sql << "SELECT password_hash, totp_required FROM users WHERE id = :id", soci::use(uid), soci::into(hash),
        soci::into(required);
    return 0;
  });
  if (!VerifyPassword(password, hash)) return Invalid("密码不正确", "password", "wrong_password");
  if (required) return Forbidden("安全策略要求本账号使用两步验证，不能停用", "totp_required_by_policy");
  return db_.Write([&](soci::session& sql) -> Result<void> {
    sql << "UPDATE users SET totp_enabled = 0, totp_secret_enc = NULL WHERE id = :id", soci::use(uid);
    audit::Append(sql, clock_, actor, {"user.totp_disable", "user", std::to_string(uid), "停用两步验证"});
    return {};
  });
}

// ---- administration ----

namespace {

constexpr const char* kUserColumns =
    "u.id, u.username, u.display_name, u.unit_id, un.name, u.person_id, u.active, u.must_change_password, "
    "u.totp_enabled, u.totp_required, u.locked_until, u.last_login_at, u.created_at";

UserView UserFromRow(const soci::row& r) {
  UserView u;
  u.id = db::GetInt64(r, 0);
  u.username = db::GetText(r, 1);
  u.display_name = db::GetText(r, 2);
  u.unit_id = db::GetInt64(r, 3);
  u.unit_name = db::GetText(r, 4);
  if (!db::IsNull(r, 5)) u.person_id = db::GetInt64(r, 5);
  u.active = db::GetInt64(r, 6) != 0;
  u.must_change_password = db::GetInt64(r, 7) != 0;
  u.totp_enabled = db::GetInt64(r, 8) != 0;
  u.totp_required = db::GetInt64(r, 9) != 0;
  u.locked_until = db::GetInt64(r, 10);
  u.last_login_at = db::GetInt64(r, 11);
  u.created_at = db::GetInt64(r, 12);
  return u;
}

Result<UserView> LoadUserInScope(soci::session& sql, const Principal& caller, std::int64_t id) {
  long long uid = id;
  const std::string scope = caller.ScopePattern();
  soci::rowset<soci::row> rs = (sql.prepare << "SELECT " << kUserColumns
                                            << " FROM users u JOIN units un ON un.id = u.unit_id WHERE u.id = :id AND "
                                               "un.path LIKE :scope",
                                soci::use(uid), soci::use(scope));
  for (const auto& r : rs) {
    UserView u = UserFromRow(r);
    u.roles = LoadRoles(sql, u.id);
    return u;
  }
  return NotFound("账号不存在或不在您的管辖范围内");
}

bool CanAdminister(const Principal& caller) { return caller.Has(perm::kUserAdmin) || caller.Has(perm::kSecurityAdmin); }

}  // namespace

Result<Paged<UserView>> AuthService::ListUsers(const Principal& caller, const std::optional<std::string>& q,
                                               const PageRequest& page) {
  if (!CanAdminister(caller)) return Forbidden("没有权限查看账号", "permission_denied");
  const std::string scope = caller.ScopePattern();
  const std::string like = q ? "%" + EscapeLike(*q) + "%" : "%";
  static const std::map<std::string, std::string> kSort = {
      {"username", "u.username"}, {"display_name", "u.display_name"}, {"unit", "un.name"},
      {"last_login_at", "u.last_login_at"}, {"created_at", "u.created_at"}};
  auto it = kSort.find(page.sort);
  const std::string order = (it == kSort.end() ? "u.username" : it->second) + (page.descending ? " DESC" : " ASC");
  return db_.Read([&](soci::session& sql) -> Result<Paged<UserView>> {
    Paged<UserView> out;
    long long total = 0;
    const std::string where =
        " FROM users u JOIN units un ON un.id = u.unit_id WHERE un.path LIKE :scope AND (u.username LIKE :q ESCAPE "
        "'\\' OR u.display_name LIKE :q2 ESCAPE '\\')";
    sql << "SELECT COUNT(*)" << where, soci::use(scope), soci::use(like), soci::use(like), soci::into(total);
    out.total = total;
    long long limit = page.page_size, offset = page.Offset();
    soci::rowset<soci::row> rs = (sql.prepare << "SELECT " << kUserColumns << where << " ORDER BY " << order
                                              << ", u.id LIMIT :lim OFFSET :off",
                                  soci::use(scope), soci::use(like), soci::use(like), soci::use(limit),
                                  soci::use(offset));
    for (const auto& r : rs) out.items.push_back(UserFromRow(r));
    for (auto& u : out.items) u.roles = LoadRoles(sql, u.id);
    return out;
  });
}

Result<UserView> AuthService::GetUser(const Principal& caller, std::int64_t id) {
  if (!CanAdminister(caller)) return Forbidden("没有权限查看账号", "permission_denied");
  return db_.Read([&](soci::session& sql) { return LoadUserInScope(sql, caller, id); });
}

Result<UserView> AuthService::CreateUser(const Principal& caller, const NewUser& nu, const audit::Actor& actor) {
  if (!caller.Has(perm::kUserAdmin)) return Forbidden("只有系统管理员可以创建账号", "permission_denied");
  if (nu.username.size() < 3 || nu.username.size() > 32 ||
      !std::all_of(nu.username.begin(), nu.username.end(),
                   [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-'; }))
    return Invalid("用户名须为 3–32 位字母、数字、下划线、点或连字符", "username", "invalid_username");
  if (auto why = CheckRoleCombination(nu.roles); !why.empty()) return Invalid(why, "roles", "invalid_roles");
  if (auto ok = CheckPasswordPolicy(nu.password, nu.username); !ok) return std::unexpected(ok.error());
  const std::string hash = HashPassword(nu.password);
  const bool admin_totp = AdminTotpRequired() && HasSeparatedAdminRole(nu.roles);
  auto id = db_.Write([&](soci::session& sql) -> Result<std::int64_t> {
    auto unit = LoadUnit(sql, nu.unit_id);
    if (!unit || !caller.InScope(unit->path)) return Invalid("所属单位不存在或不在您的管辖范围内", "unit_id");
    long long exists = 0;
    sql << "SELECT COUNT(*) FROM users WHERE username = :u", soci::use(nu.username), soci::into(exists);
    if (exists) return Conflict("用户名“" + nu.username + "”已被使用", "username_taken");
    long long now = clock_.Now(), unit_id = nu.unit_id;
    db::NullableInt bureau(unit->bureau_id), person(nu.person_id);
    int totp_required = admin_totp ? 1 : 0;
    long long new_id = 0;
    // Accounts created by an administrator must choose their own password at first sign-in.
    sql << "INSERT INTO users (bureau_id, username, display_name, password_hash, unit_id, person_id, active, "
           "must_change_password, totp_required, password_changed_at, created_at, updated_at) VALUES (:b, :u, :d, :h, "
           ":unit, :p, 1, 1, :tr, :t, :t2, :t3) RETURNING id",
        soci::use(bureau.value, bureau.ind), soci::use(nu.username), soci::use(nu.display_name), soci::use(hash),
        soci::use(unit_id), soci::use(person.value, person.ind), soci::use(totp_required), soci::use(now),
        soci::use(now), soci::use(now), soci::into(new_id);
    for (const auto& r : nu.roles)
      sql << "INSERT INTO user_roles (user_id, role) VALUES (:u, :r)", soci::use(new_id), soci::use(r);
    audit::Append(sql, clock_, actor,
                  {"user.create", "user", std::to_string(new_id), "创建账号 " + nu.username,
                   {{"after",
                     {{"username", nu.username}, {"display_name", nu.display_name}, {"roles", nu.roles},
                      {"unit_id", nu.unit_id}}}}});
    return static_cast<std::int64_t>(new_id);
  });
  if (!id) return std::unexpected(id.error());
  return GetUser(caller, *id);
}

Result<UserView> AuthService::UpdateUser(const Principal& caller, std::int64_t id, const UserPatch& patch,
                                         const audit::Actor& actor) {
  const bool touches_admin_fields = patch.display_name || patch.roles || patch.unit_id || patch.active;
  if (touches_admin_fields && !caller.Has(perm::kUserAdmin)) return Forbidden("只有系统管理员可以修改账号信息", "permission_denied");
  if (patch.totp_required && !caller.Has(perm::kSecurityAdmin))
    return Forbidden("只有安全管理员可以设置两步验证要求", "permission_denied");
  if (!CanAdminister(caller)) return Forbidden("没有权限修改账号", "permission_denied");
  if (patch.roles) {
    if (auto why = CheckRoleCombination(*patch.roles); !why.empty()) return Invalid(why, "roles", "invalid_roles");
    if (id == caller.user_id) return Forbidden("不能修改自己的角色", "self_role_change");
  }
  if (patch.active && !*patch.active && id == caller.user_id) return Forbidden("不能停用自己的账号", "self_disable");
  auto r = db_.Write([&](soci::session& sql) -> Result<void> {
    auto before = LoadUserInScope(sql, caller, id);
    if (!before) return std::unexpected(before.error());
    long long uid = id, now = clock_.Now();
    nlohmann::json b = ToJson(*before), after = nlohmann::json::object();
    if (patch.display_name) {
      sql << "UPDATE users SET display_name = :d WHERE id = :id", soci::use(*patch.display_name), soci::use(uid);
      after["display_name"] = *patch.display_name;
    }
    if (patch.unit_id) {
      auto unit = LoadUnit(sql, *patch.unit_id);
      if (!unit || !caller.InScope(unit->path)) return Invalid("所属单位不存在或不在您的管辖范围内", "unit_id");
      long long unit_id = *patch.unit_id;
      db::NullableInt bureau(unit->bureau_id);
      sql << "UPDATE users SET unit_id = :u, bureau_id = :b WHERE id = :id", soci::use(unit_id),
          soci::use(bureau.value, bureau.ind), soci::use(uid);
      after["unit_id"] = unit_id;
    }
    if (patch.active) {
      int a = *patch.active ? 1 : 0;
      sql << "UPDATE users SET active = :a WHERE id = :id", soci::use(a), soci::use(uid);
      if (!*patch.active) sql << "DELETE FROM sessions WHERE user_id = :id", soci::use(uid);
      after["active"] = *patch.active;
    }
    if (patch.totp_required) {
      int t = *patch.totp_required ? 1 : 0;
      sql << "UPDATE users SET totp_required = :t WHERE id = :id", soci::use(t), soci::use(uid);
      after["totp_required"] = *patch.totp_required;
    }
    if (patch.roles) {
      sql << "DELETE FROM user_roles WHERE user_id = :id", soci::use(uid);
      for (const auto& role : *patch.roles)
        sql << "INSERT INTO user_roles (user_id, role) VALUES (:u, :r)", soci::use(uid), soci::use(role);
      after["roles"] = *patch.roles;
    }
    sql << "UPDATE users SET updated_at = :t WHERE id = :id", soci::use(now), soci::use(uid);
    nlohmann::json before_subset = nlohmann::json::object();
    for (auto it = after.begin(); it != after.end(); ++it) before_subset[it.key()] = b.value(it.key(), nlohmann::json());
    audit::Append(sql, clock_, actor,
                  {"user.update", "user", std::to_string(id), "修改账号 " + before->username,
                   {{"before", before_subset}, {"after", after}}});
    return {};
  });
  if (!r) return std::unexpected(r.error());
  return GetUser(caller, id);
}

Result<void> AuthService::ResetPassword(const Principal& caller, std::int64_t id, const std::string& new_password,
                                        const audit::Actor& actor) {
  if (!caller.Has(perm::kUserAdmin)) return Forbidden("只有系统管理员可以重置密码", "permission_denied");
  auto target = GetUser(caller, id);
  if (!target) return std::unexpected(target.error());
  if (auto ok = CheckPasswordPolicy(new_password, target->username); !ok) return ok;
  const std::string hash = HashPassword(new_password);
  return db_.Write([&](soci::session& sql) -> Result<void> {
    long long uid = id, now = clock_.Now();
    sql << "UPDATE users SET password_hash = :h, must_change_password = 1, password_changed_at = :t, updated_at = :t2 "
           "WHERE id = :id",
        soci::use(hash), soci::use(now), soci::use(now), soci::use(uid);
    sql << "DELETE FROM sessions WHERE user_id = :id", soci::use(uid);
    audit::Append(sql, clock_, actor,
                  {"user.password_reset", "user", std::to_string(id), "重置账号 " + target->username + " 的密码"});
    return {};
  });
}

Result<void> AuthService::Unlock(const Principal& caller, std::int64_t id, const audit::Actor& actor) {
  if (!CanAdminister(caller)) return Forbidden("没有权限解锁账号", "permission_denied");
  auto target = GetUser(caller, id);
  if (!target) return std::unexpected(target.error());
  return db_.Write([&](soci::session& sql) -> Result<void> {
    long long uid = id;
    sql << "UPDATE users SET locked_until = 0, failed_logins = 0 WHERE id = :id", soci::use(uid);
    audit::Append(sql, clock_, actor, {"user.unlock", "user", std::to_string(id), "解锁账号 " + target->username});
    return {};
  });
}

bool AuthService::AdminTotpRequired() {
  return db_.Read([&](soci::session& sql) {
    std::string v;
    const std::string key = kAdminTotpSetting;  // soci::use binds by reference: no temporaries
    soci::indicator ind = soci::i_null;
    sql << "SELECT value FROM settings WHERE key = :k", soci::use(key), soci::into(v, ind);
    return sql.got_data() && ind == soci::i_ok && v == "1";
  });
}

Result<void> AuthService::SetAdminTotpRequired(bool required, const audit::Actor& actor) {
  return db_.Write([&](soci::session& sql) -> Result<void> {
    const std::string key = kAdminTotpSetting, value = required ? "1" : "0";
    long long now = clock_.Now();
    sql << "INSERT INTO settings (key, value, updated_at) VALUES (:k, :v, :t) ON CONFLICT (key) DO UPDATE SET value = "
           "excluded.value, updated_at = excluded.updated_at",
        soci::use(key), soci::use(value), soci::use(now);
    if (required) {
      // Every current holder of an administrator role must now use TOTP.
      sql << "UPDATE users SET totp_required = 1 WHERE id IN (SELECT user_id FROM user_roles WHERE role IN "
             "('sys_admin', 'sec_admin', 'audit_admin'))";
    }
    audit::Append(sql, clock_, actor,
                  {"security.policy", "setting", key, required ? "要求三员账号启用两步验证" : "取消三员账号两步验证要求",
                   {{"after", {{"admin_totp_required", required}}}}});
    return {};
  });
}

}  // namespace fazhi::auth
