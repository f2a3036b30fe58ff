#include "auth/auth_service.h"

#include <sodium.h>

#include <algorithm>

#include <fmt/format.h>

#include "auth/password.h"
#include "auth/roles.h"
#include "auth/totp.h"
#include "core/json_fields.h"
#include "core/json_writer.h"
#include "core/text.h"
#include "db/sql.h"

namespace fazhi::auth {

namespace {

constexpr int kLastSeenGranularity = 60;  // write last_seen_at at most once a minute per session

// The account row sign-in checks.
struct LoginRow {
  std::int64_t id = 0, locked_until = 0, failed_logins = 0, totp_last_step = 0;
  std::optional<std::int64_t> bureau_id;
  bool active = false, totp_enabled = false;
  std::string password_hash, totp_secret_enc;
};

std::optional<LoginRow> LoadLoginRow(soci::session& sql, const std::string& username) {
  db::SqlArgs a;
  const std::string q = fmt::format(
      "SELECT us.id, us.password_hash, us.active, us.locked_until, us.failed_logins, us.totp_enabled, "
      "us.totp_secret_enc, us.totp_last_step, un.bureau_id FROM users us JOIN units un ON un.id = us.unit_id "
      "WHERE us.username = {}",
      a.Str(username));
  std::optional<LoginRow> found;
  db::First(sql, q, a, [&](const db::Row& r) {
    found = LoginRow{.id = r.Int("id"),
                     .locked_until = r.Int("locked_until"),
                     .failed_logins = r.Int("failed_logins"),
                     .totp_last_step = r.Int("totp_last_step"),
                     .bureau_id = r.OptInt("bureau_id"),
                     .active = r.Bool("active"),
                     .totp_enabled = r.Bool("totp_enabled"),
                     .password_hash = r.Str("password_hash"),
                     .totp_secret_enc = r.Str("totp_secret_enc")};
  });
  return found;
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
  return Merged(FZ_JSON(u, id, username, display_name, unit_id, unit_name, person_name, active, must_change_password,
                        totp_enabled, totp_required, locked_until, last_login_at, created_at),
                {{"roles", roles},
                 {"role_names", role_names},
                 {"person_id", u.person_id ? nlohmann::json(*u.person_id) : nlohmann::json()}});
}

// Written with the streaming writer, keys in the order nlohmann::json would sort them: /api/me is
// called on every page load, and building a std::map per member was half of its handler's time.
std::string MeText(const Principal& p) {
  JsonWriter w;
  w.BeginObject().Key("csrf_token").String(p.csrf_token);
  w.Key("display_name").String(p.display_name).Key("id").Int(p.user_id);
  w.Key("must_change_password").Bool(p.must_change_password);
  w.Key("permissions").BeginArray();
  for (const auto& perm : p.permissions) w.String(perm);
  w.EndArray().Key("person_id").OptInt(p.person_id);
  w.Key("role_names").BeginArray();
  for (const auto& r : p.roles)
    if (const RoleDef* d = FindRole(r)) w.String(d->name);
  w.EndArray().Key("roles").BeginArray();
  for (const auto& r : p.roles) w.String(r);
  w.EndArray().Key("totp_enabled").Bool(p.totp_enabled);
  w.Key("totp_required").Bool(p.totp_setup_required || p.totp_enabled);
  w.Key("unit").BeginObject().Key("id").Int(p.unit_id).Key("name").String(p.unit_name);
  w.Key("path").String(p.unit_path).EndObject();
  w.Key("username").String(p.username).EndObject();
  return w.Take();
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

bool AuthService::IpThrottled(const std::string& ip) {
  std::lock_guard lock(throttle_mu_);
  const EpochSeconds now = clock_.Now();
  auto it = failures_by_ip_.find(ip);
  if (it == failures_by_ip_.end()) return false;
  std::erase_if(it->second, [&](EpochSeconds t) { return t <= now - config_.ip_window_seconds; });
  return static_cast<int>(it->second.size()) >= config_.ip_attempts_per_window;
}

void AuthService::NoteIpFailure(const std::string& ip) {
  std::lock_guard lock(throttle_mu_);
  if (failures_by_ip_.size() > 100000) failures_by_ip_.clear();  // bound memory under a spray of IPs
  failures_by_ip_[ip].push_back(clock_.Now());
}

// Lock-out: an attempt claims one of the account's `max_failed_logins` tries BEFORE its password is
// checked, in one UPDATE that counts only while the account is unlocked and below the limit, and
// that locks the account in the same statement when it takes the last try. Parallel attempts
// therefore cannot check more passwords than the limit, and a lock once set stays: a later success
// or release only undoes the lock its own claim set (locked_until equal to its own value).
AuthService::Claim AuthService::ClaimAttempt(std::int64_t user_id, EpochSeconds now) {
  const EpochSeconds lock_at = now + config_.lockout_seconds;
  return db_
      .Write([&](soci::session& sql) -> Result<Claim> {
        db::SqlArgs a;
        const std::int64_t max = config_.max_failed_logins;
        const std::string q = fmt::format(
            "UPDATE users SET failed_logins = CASE WHEN failed_logins + 1 >= {} THEN 0 ELSE failed_logins + 1 END, "
            "locked_until = CASE WHEN failed_logins + 1 >= {} THEN {} ELSE locked_until END WHERE id = {} AND "
            "locked_until <= {} AND failed_logins < {}",
            a.Int(max), a.Int(max), a.Int(lock_at), a.Int(user_id), a.Int(now), a.Int(max));
        if (db::Exec(sql, q, a) != 1) return Claim{};
        db::SqlArgs r;
        const auto until = db::ScalarInt(sql, "SELECT locked_until FROM users WHERE id = " + r.Int(user_id), r);
        return Claim{.ok = true, .last = until == lock_at, .lock_at = lock_at};
      })
      .value_or(Claim{});
}

void AuthService::ReleaseAttempt(std::int64_t user_id, const Claim& claim) {
  (void)db_.Write([&](soci::session& sql) -> Result<void> {
    db::SqlArgs a;
    if (claim.last)
      db::Exec(sql,
               fmt::format("UPDATE users SET locked_until = 0, failed_logins = 0 WHERE id = {} AND locked_until = {}",
                           a.Int(user_id), a.Int(claim.lock_at)),
               a);
    else
      db::Exec(sql,
               "UPDATE users SET failed_logins = failed_logins - 1 WHERE failed_logins > 0 AND id = " + a.Int(user_id),
               a);
    return {};
  });
}

Result<void> AuthService::LockedAnswer(const audit::Actor& actor, EpochSeconds now) {
  const std::int64_t until = db_.Read([&](soci::session& sql) {
    db::SqlArgs a;
    return db::ScalarInt(sql, "SELECT locked_until FROM users WHERE id = " + a.Int(*actor.user_id), a).value_or(0);
  });
  AuditLoginFailure(actor, "账号已锁定");
  // Still at the limit with the locking attempt in flight: the lock is about to start.
  const std::int64_t left = until > now ? until - now : config_.lockout_seconds;
  return Fail(ErrorCode::kForbidden,
              fmt::format("连续登录失败次数过多，账号已锁定，请 {} 分钟后再试或联系安全管理员解锁", (left + 59) / 60),
              "", "account_locked");
}

Result<LoginResult> AuthService::Login(const LoginRequest& req) {
  audit::Actor actor{std::nullopt, req.username, std::nullopt, req.ip, req.request_id};
  if (IpThrottled(req.ip))
    return Fail(ErrorCode::kTooManyRequests, "登录尝试过于频繁，请稍后再试", "", "too_many_requests");
  auto invalid = [&] {
    NoteIpFailure(req.ip);
    return Fail(ErrorCode::kUnauthenticated, "用户名或密码错误", "", "invalid_credentials");
  };

  const auto u = db_.Read([&](soci::session& sql) { return LoadLoginRow(sql, req.username); });
  if (!u) {
    VerifyPassword(req.password, dummy_hash_);
    AuditLoginFailure(actor, "用户名不存在");
    return invalid();
  }
  // Audit rows about this account belong to its bureau, so that bureau's auditor sees them.
  actor.bureau_id = u->bureau_id;
  actor.user_id = u->id;
  if (!u->active) {
    // A disabled account answers exactly like a wrong password, whatever the password is: saying
    // "停用" only when the password is right would confirm the password to whoever guessed it.
    VerifyPassword(req.password, dummy_hash_);
    AuditLoginFailure(actor, "账号已停用");
    return invalid();
  }
  const EpochSeconds now = clock_.Now();
  const Claim claim = ClaimAttempt(u->id, now);
  if (!claim.ok) {
    NoteIpFailure(req.ip);
    FZ_CHECK(LockedAnswer(actor, now));
  }
  if (!VerifyPassword(req.password, u->password_hash)) {
    RecordFailedLogin(actor, claim, "密码错误");
    return invalid();
  }
  std::int64_t totp_step = u->totp_last_step;
  if (u->totp_enabled) {
    if (req.totp_code.empty()) {
      ReleaseAttempt(u->id, claim);  // the password was right; the second step has not been tried yet
      return Fail(ErrorCode::kUnauthenticated, "请输入动态验证码", "totp_code", "totp_required");
    }
    const std::string secret = FZ_TRY(vault_.Decrypt(u->totp_secret_enc));
    auto step = VerifyTotp(secret, req.totp_code, now);
    if (!step || *step <= u->totp_last_step) {
      RecordFailedLogin(actor, claim, "动态验证码错误");
      NoteIpFailure(req.ip);
      return Fail(ErrorCode::kUnauthenticated, "动态验证码错误或已使用", "totp_code", "invalid_totp");
    }
    totp_step = *step;
  }
  if (claim.last) ReleaseAttempt(u->id, claim);  // the last try succeeded: its own lock goes
  const std::string token = FZ_TRY(StartSession(actor, totp_step, req.user_agent, now));
  auto principal = FZ_TRY(Authenticate(token));
  return LoginResult{token, std::move(principal)};
}

void AuthService::AuditLoginFailure(const audit::Actor& actor, const std::string& why) {
  (void)db_.Write([&](soci::session& sql) -> Result<void> {
    audit::Append(
        sql, clock_, actor,
        {"auth.login_failed", "user", actor.user_id ? std::to_string(*actor.user_id) : "", "登录失败：" + why});
    return {};
  });
}

void AuthService::RecordFailedLogin(const audit::Actor& actor, const Claim& claim, const std::string& why) {
  // The attempt was counted when it was claimed; the claim of the last try has locked the account.
  (void)db_.Write([&](soci::session& sql) -> Result<void> {
    audit::Append(sql, clock_, actor,
                  {claim.last ? "auth.account_locked" : "auth.login_failed", "user", std::to_string(*actor.user_id),
                   claim.last ? "登录失败：" + why + "，账号已锁定" : "登录失败：" + why});
    return {};
  });
}

Result<std::string> AuthService::StartSession(const audit::Actor& actor, std::int64_t totp_step,
                                              const std::string& user_agent, EpochSeconds now) {
  const std::string token = NewToken();
  FZ_CHECK(db_.Write([&](soci::session& sql) -> Result<void> {
    const std::int64_t user_id = *actor.user_id;
    db::SqlArgs a;
    db::Exec(sql,
             fmt::format("UPDATE users SET failed_logins = 0, last_login_at = {}, "
                         "totp_last_step = {} WHERE id = {}",
                         a.Int(now), a.Int(totp_step), a.Int(user_id)),
             a);
    db::Values v;
    v.Str("token_hash", Sha256HexOf(token))
        .Int("user_id", user_id)
        .Str("csrf_token", NewToken())
        .Int("created_at", now)
        .Int("last_seen_at", now)
        .Int("expires_at", now + config_.session_max_seconds)
        .Str("ip", actor.ip)
        .Str("user_agent", user_agent.substr(0, 200));
    db::InsertValues(sql, "sessions", v);
    audit::Append(sql, clock_, actor, {"auth.login", "user", std::to_string(user_id), "登录成功"});
    return {};
  }));
  return token;
}

Result<Principal> AuthService::Authenticate(std::string_view token) {
  if (token.empty() || token.size() > 128) return Fail(ErrorCode::kUnauthenticated, "请先登录", "", "not_signed_in");
  const std::string hash = Sha256HexOf(token);
  const EpochSeconds now = clock_.Now();
  if (auto cached = CachedPrincipal(hash, now)) return std::move(*cached);
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(cache_mu_);
    generation = cache_generation_;
  }
  return db_.Read([&](soci::session& sql) -> Result<Principal> {
    Principal p;
    EpochSeconds last_seen = 0, expires = 0;
    bool found = false, active = false, totp_required = false;
    // One statement, cached per connection (db/sql.h): the session, its user and unit, and one row
    // per role of the user.
    db::SqlArgs a;
    const std::string q = fmt::format(
        "SELECT s.user_id, s.csrf_token, s.last_seen_at, s.expires_at, u.username, u.display_name, u.unit_id, "
        "u.person_id, un.bureau_id, u.active, u.must_change_password, u.totp_enabled, u.totp_required, "
        "un.name AS unit_name, un.path AS unit_path, r.role FROM sessions s JOIN users u ON u.id = s.user_id "
        "JOIN units un ON un.id = u.unit_id LEFT JOIN user_roles r ON r.user_id = u.id WHERE s.token_hash = {} "
        "ORDER BY r.role",
        a.Str(hash));
    db::Each(sql, q, a, [&](const db::Row& r) {
      if (!found) {
        found = true;
        FZ_READ(r, p, user_id, csrf_token, username, display_name, unit_id, person_id, bureau_id, must_change_password,
                totp_enabled, unit_name, unit_path);
        last_seen = r.Int("last_seen_at");
        expires = r.Int("expires_at");
        active = r.Bool("active");
        totp_required = r.Bool("totp_required");
      }
      if (auto role = r.OptStr("role")) p.roles.push_back(std::move(*role));
    });
    if (!found) return Fail(ErrorCode::kUnauthenticated, "登录已失效，请重新登录", "", "session_expired");
    if (!active || now >= expires || now - last_seen > config_.session_idle_seconds) {
      db::SqlArgs d;
      db::Exec(sql, "DELETE FROM sessions WHERE token_hash = " + d.Str(hash), d);
      return Fail(ErrorCode::kUnauthenticated,
                  active ? "长时间未操作，登录已过期，请重新登录" : "账号已停用，请联系系统管理员", "",
                  active ? "session_expired" : "account_disabled");
    }
    if (now - last_seen >= kLastSeenGranularity) {
      db::SqlArgs t;
      db::Exec(sql, fmt::format("UPDATE sessions SET last_seen_at = {} WHERE token_hash = {}", t.Int(now), t.Str(hash)),
               t);
      last_seen = now;
    }
    p.session_hash = hash;
    p.totp_setup_required = totp_required && !p.totp_enabled;
    p.permissions = PermissionsOf(p.roles);
    RememberSession(hash, generation, {.principal = p, .last_seen = last_seen, .expires = expires});
    return p;
  });
}

// A cached session answers only while it is fresh (read less than session_cache_ms ago) and while the
// database read would give the same answer without writing: not expired, not idle, and last_seen_at
// not due for its once-a-minute update.
std::optional<Principal> AuthService::CachedPrincipal(const std::string& hash, EpochSeconds now) {
  if (config_.session_cache_ms <= 0) return std::nullopt;
  const auto fresh_after = std::chrono::steady_clock::now() - std::chrono::milliseconds(config_.session_cache_ms);
  const EpochSeconds quiet = std::min<EpochSeconds>(kLastSeenGranularity, config_.session_idle_seconds);
  std::lock_guard lock(cache_mu_);
  auto it = cache_.find(hash);
  if (it == cache_.end()) return std::nullopt;
  const CachedSession& c = it->second;
  if (c.read_at > fresh_after && now < c.expires && now - c.last_seen < quiet) return c.principal;
  cache_.erase(it);
  return std::nullopt;
}

void AuthService::RememberSession(const std::string& hash, std::uint64_t generation, CachedSession entry) {
  if (config_.session_cache_ms <= 0) return;
  constexpr std::size_t kMaxCachedSessions = 20000;
  entry.read_at = std::chrono::steady_clock::now();
  std::lock_guard lock(cache_mu_);
  if (generation != cache_generation_) return;  // a write came between the read and now
  if (cache_.size() >= kMaxCachedSessions) cache_.clear();
  cache_.insert_or_assign(hash, std::move(entry));
}

void AuthService::ForgetSessions() {
  std::lock_guard lock(cache_mu_);
  ++cache_generation_;
  cache_.clear();
}

Result<void> AuthService::Logout(const Principal& p, const audit::Actor& actor) {
  return AfterSessionWrite(db_.Write([&](soci::session& sql) -> Result<void> {
    db::SqlArgs a;
    db::Exec(sql, "DELETE FROM sessions WHERE token_hash = " + a.Str(p.session_hash), a);
    audit::Append(sql, clock_, actor, {"auth.logout", "user", std::to_string(p.user_id), "退出登录"});
    return {};
  }));
}

// ---- the caller's own account ----

namespace {

// The stored password hash and TOTP fields of one account.
struct OwnAccount {
  std::string password_hash;
  std::optional<std::string> totp_secret_enc;
  bool totp_required = false;
};

OwnAccount LoadOwnAccount(db::Database& db, std::int64_t user_id) {
  return db.Read([&](soci::session& sql) {
    OwnAccount out;
    db::SqlArgs a;
    db::First(sql, "SELECT password_hash, totp_secret_enc, totp_required FROM users WHERE id = " + a.Int(user_id), a,
              [&](const db::Row& r) { FZ_READ(r, out, password_hash, totp_secret_enc, totp_required); });
    return out;
  });
}

}  // namespace

Result<void> AuthService::CheckNotRecent(std::int64_t user_id, const std::string& current_hash,
                                         const std::string& password) {
  if (config_.password_history <= 0) return {};
  std::vector<std::string> hashes;
  if (!current_hash.empty()) hashes.push_back(current_hash);
  db_.Read([&](soci::session& sql) {
    db::SqlArgs a;
    db::Each(sql,
             fmt::format("SELECT password_hash FROM password_history WHERE user_id = {} ORDER BY id DESC LIMIT {}",
                         a.Int(user_id), a.Int(config_.password_history - 1)),
             a, [&](const db::Row& r) { hashes.push_back(r.Str("password_hash")); });
  });
  for (const auto& h : hashes)
    if (VerifyPassword(password, h))
      return Invalid(fmt::format("新密码不能与最近 {} 次使用过的密码相同", config_.password_history), "new_password",
                     "password_reused");
  return {};
}

void AuthService::RememberPassword(soci::session& sql, std::int64_t user_id, const std::string& old_hash,
                                   EpochSeconds now) {
  if (old_hash.empty()) return;
  db::Values v;
  v.Int("user_id", user_id).Str("password_hash", old_hash).Int("created_at", now);
  db::InsertValues(sql, "password_history", v);
  db::SqlArgs d;
  db::Exec(sql,
           fmt::format("DELETE FROM password_history WHERE user_id = {} AND id NOT IN (SELECT id FROM password_history "
                       "WHERE user_id = {} ORDER BY id DESC LIMIT {})",
                       d.Int(user_id), d.Int(user_id), d.Int(std::max(config_.password_history - 1, 0))),
           d);
}

Result<void> AuthService::ChangePassword(const Principal& p, const std::string& old_password,
                                         const std::string& new_password, const audit::Actor& actor) {
  const OwnAccount own = LoadOwnAccount(db_, p.user_id);
  if (!VerifyPassword(old_password, own.password_hash))
    return Invalid("原密码不正确", "old_password", "wrong_password");
  FZ_CHECK(CheckPasswordPolicy(new_password, p.username));
  if (new_password == old_password) return Invalid("新密码不能与原密码相同", "new_password", "weak_password");
  FZ_CHECK(CheckNotRecent(p.user_id, "", new_password));
  const std::string new_hash = HashPassword(new_password);
  return AfterSessionWrite(db_.Write([&](soci::session& sql) -> Result<void> {
    const EpochSeconds now = clock_.Now();
    RememberPassword(sql, p.user_id, own.password_hash, now);
    db::SqlArgs a;
    db::Exec(sql,
             fmt::format("UPDATE users SET password_hash = {}, must_change_password = 0, password_changed_at = {}, "
                         "updated_at = {} WHERE id = {}",
                         a.Str(new_hash), a.Int(now), a.Int(now), a.Int(p.user_id)),
             a);
    // Other sessions of this user end: a changed password should lock out whoever else had it.
    db::SqlArgs d;
    db::Exec(sql,
             fmt::format("DELETE FROM sessions WHERE user_id = {} AND token_hash <> {}", d.Int(p.user_id),
                         d.Str(p.session_hash)),
             d);
    audit::Append(sql, clock_, actor, {"user.password_change", "user", std::to_string(p.user_id), "修改了自己的密码"});
    return {};
  }));
}

Result<TotpSetup> AuthService::BeginTotpSetup(const Principal& p, const audit::Actor& actor) {
  if (p.totp_enabled) return Conflict("两步验证已启用；如需更换，请先停用", "totp_already_enabled");
  TotpSetup setup;
  setup.secret = NewTotpSecret();
  setup.otpauth_uri = TotpUri("法治平台", p.username, setup.secret);
  const std::string sealed = vault_.Encrypt(setup.secret);
  FZ_CHECK(db_.Write([&](soci::session& sql) -> Result<void> {
    db::SqlArgs a;
    db::Exec(sql, fmt::format("UPDATE users SET totp_secret_enc = {} WHERE id = {}", a.Str(sealed), a.Int(p.user_id)),
             a);
    audit::Append(sql, clock_, actor, {"user.totp_setup", "user", std::to_string(p.user_id), "生成两步验证密钥"});
    return {};
  }));
  return setup;
}

Result<void> AuthService::EnableTotp(const Principal& p, const std::string& code, const audit::Actor& actor) {
  const OwnAccount own = LoadOwnAccount(db_, p.user_id);
  if (!own.totp_secret_enc || own.totp_secret_enc->empty()) return Conflict("请先生成两步验证密钥", "totp_not_setup");
  const std::string secret = FZ_TRY(vault_.Decrypt(*own.totp_secret_enc));
  auto step = VerifyTotp(secret, code, clock_.Now());
  if (!step) return Invalid("动态验证码不正确，请检查手机时间是否准确", "code", "invalid_totp");
  return AfterSessionWrite(db_.Write([&](soci::session& sql) -> Result<void> {
    db::SqlArgs a;
    db::Exec(sql,
             fmt::format("UPDATE users SET totp_enabled = 1, totp_last_step = {} WHERE id = {}", a.Int(*step),
                         a.Int(p.user_id)),
             a);
    audit::Append(sql, clock_, actor, {"user.totp_enable", "user", std::to_string(p.user_id), "启用两步验证"});
    return {};
  }));
}

Result<void> AuthService::DisableTotp(const Principal& p, const std::string& password, const audit::Actor& actor) {
  const OwnAccount own = LoadOwnAccount(db_, p.user_id);
  if (!VerifyPassword(password, own.password_hash)) return Invalid("密码不正确", "password", "wrong_password");
  if (own.totp_required) return Forbidden("安全策略要求本账号使用两步验证，不能停用", "totp_required_by_policy");
  return AfterSessionWrite(db_.Write([&](soci::session& sql) -> Result<void> {
    db::SqlArgs a;
    db::Exec(sql, "UPDATE users SET totp_enabled = 0, totp_secret_enc = NULL WHERE id = " + a.Int(p.user_id), a);
    audit::Append(sql, clock_, actor, {"user.totp_disable", "user", std::to_string(p.user_id), "停用两步验证"});
    return {};
  }));
}

}  // namespace fazhi::auth
