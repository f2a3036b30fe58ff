// Sign-in, sessions and the caller's own account (password, TOTP), plus account administration.
//
// Sessions are server-side: the cookie holds a random 256-bit token, the database only its SHA-256.
// A session ends after `session_idle_seconds` without requests or `session_max_seconds` in all.
// Each instance trusts a session it has read for at most `session_cache_ms` (default 500 ms) before
// reading it again: a logout, password change, role change or disabled account takes effect on every
// instance within that time, and at once on the instance that made the change.
// Failed sign-ins lock the account after `max_failed_logins` (for `lockout_seconds`); each client
// IP is also throttled. Thread-safe: one instance serves all request threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "auth/principal.h"
#include "auth/vault.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/paging.h"
#include "db/database.h"

namespace fazhi::auth {

struct AuthConfig {
  int session_idle_seconds = 30 * 60;   // idle expiry
  int session_max_seconds = 12 * 3600;  // absolute lifetime
  int max_failed_logins = 5;            // then the account locks
  int lockout_seconds = 15 * 60;
  int ip_attempts_per_window = 30;  // failed sign-ins per client IP …
  int ip_window_seconds = 5 * 60;   // … per this window, then 429
  int password_history = 5;         // a new password may not repeat the last N (the current one included)
  int session_cache_ms = 500;       // how long a session read from the database is trusted; 0: read every time
};

struct LoginRequest {
  std::string username, password, totp_code, ip, user_agent, request_id;
};

struct LoginResult {
  std::string token;  // goes into the cookie only
  Principal principal;
};

struct TotpSetup {
  std::string secret;  // base32
  std::string otpauth_uri;
};

struct UserView {
  std::int64_t id = 0;
  std::string username, display_name;
  std::vector<std::string> roles;
  std::int64_t unit_id = 0;
  std::string unit_name;
  std::optional<std::int64_t> person_id;
  std::string person_name;  // of the linked person record, "" when none
  bool active = true, must_change_password = false, totp_enabled = false, totp_required = false;
  EpochSeconds locked_until = 0, last_login_at = 0, created_at = 0;
};
nlohmann::json ToJson(const UserView& u);
// The JSON text of GET /api/me (and of the "user" of a login's answer).
std::string MeText(const Principal& p);

struct NewUser {
  std::string username, display_name, password;
  std::vector<std::string> roles;
  std::int64_t unit_id = 0;
  std::optional<std::int64_t> person_id;
};

struct UserPatch {
  std::optional<std::string> display_name;
  std::optional<std::vector<std::string>> roles;
  std::optional<std::int64_t> unit_id;
  std::optional<bool> active;
  std::optional<bool> totp_required;
  // Link the account to this person record (人员档案), or unlink it (inner nullopt).
  std::optional<std::optional<std::int64_t>> person_id;
};

// An act on a three-administrator account (三员: 系统/安全/审计管理员): one of those roles given or
// taken, or the account's password reset. Told to AuthService's hook inside the act's transaction.
struct AdminAct {
  std::int64_t target_id = 0;
  std::string target_username;
  std::int64_t bureau_id = 0;  // the target's bureau
  std::string target_unit_path;
  std::string actor_username;
  std::vector<std::string> actor_roles;  // the actor's separated roles (normally sec_admin)
  std::string summary;                   // 中文, e.g. "为账号 x 分配角色 审计管理员"
};
using AdminActHook = std::function<void(soci::session&, const AdminAct&)>;

class AuthService {
 public:
  AuthService(db::Database& db, const Clock& clock, const Vault& vault, AuthConfig config = {});

  // Errors: TooManyRequests (IP throttled), Unauthenticated invalid_credentials / totp_required /
  // invalid_totp, Forbidden account_locked. A disabled account answers invalid_credentials whatever
  // the password (no password oracle).
  Result<LoginResult> Login(const LoginRequest& req);
  // Errors: Unauthenticated session_expired / not_signed_in.
  Result<Principal> Authenticate(std::string_view token);
  Result<void> Logout(const Principal& p, const audit::Actor& actor);

  Result<void> ChangePassword(const Principal& p, const std::string& old_password, const std::string& new_password,
                              const audit::Actor& actor);
  Result<TotpSetup> BeginTotpSetup(const Principal& p, const audit::Actor& actor);
  Result<void> EnableTotp(const Principal& p, const std::string& code, const audit::Actor& actor);
  Result<void> DisableTotp(const Principal& p, const std::string& password, const audit::Actor& actor);

  // Administration (caller needs user.admin; unlock and totp_required: security.admin too). Users
  // outside the caller's scope are NotFound. 三员分立: giving or taking a 系统/安全/审计管理员 role
  // (create or update) and resetting the password of an account that holds one need security.admin
  // — never user.admin alone (Forbidden separated_admin_needs_security_admin); each act is audited
  // and told to the AdminActHook (the app notifies the holders of the other two roles).
  // `locked_only`: the accounts locked now (the 安全管理员's to-do).
  Result<Paged<UserView>> ListUsers(const Principal& caller, const std::optional<std::string>& q,
                                    const PageRequest& page, bool locked_only = false);
  Result<UserView> GetUser(const Principal& caller, std::int64_t id);
  Result<UserView> CreateUser(const Principal& caller, const NewUser& u, const audit::Actor& actor);
  Result<UserView> UpdateUser(const Principal& caller, std::int64_t id, const UserPatch& patch,
                              const audit::Actor& actor);
  Result<void> ResetPassword(const Principal& caller, std::int64_t id, const std::string& new_password,
                             const audit::Actor& actor);
  Result<void> Unlock(const Principal& caller, std::int64_t id, const audit::Actor& actor);

  // Security policy (security.admin): whether the three administrator roles must use TOTP.
  bool AdminTotpRequired();
  Result<void> SetAdminTotpRequired(bool required, const audit::Actor& actor);

  const AuthConfig& config() const { return config_; }
  // Set once at start-up, before requests (App): notifications of AdminAct.
  void SetAdminActHook(AdminActHook hook) { admin_act_hook_ = std::move(hook); }

 private:
  // The per-address limit counts failed sign-ins only (a shared office address signs in often).
  bool IpThrottled(const std::string& ip);
  void NoteIpFailure(const std::string& ip);
  // One try of the account's lock-out budget (auth_service.cpp): not ok = locked; `last` = this claim
  // took the last try and locked the account until `lock_at`.
  struct Claim {
    bool ok = false, last = false;
    EpochSeconds lock_at = 0;
  };
  Claim ClaimAttempt(std::int64_t user_id, EpochSeconds now);
  // Gives a claimed try back (the password was right): uncounts it, or lifts the lock it set.
  void ReleaseAttempt(std::int64_t user_id, const Claim& claim);
  Result<void> LockedAnswer(const audit::Actor& actor, EpochSeconds now);
  // InvalidArgument password_reused when `password` matches `current_hash` or one of the account's
  // newest password_history − 1 earlier hashes (argon2 verifies: up to N of them).
  Result<void> CheckNotRecent(std::int64_t user_id, const std::string& current_hash, const std::string& password);
  // Keeps `old_hash` in password_history and prunes what lies beyond the last N.
  void RememberPassword(soci::session& sql, std::int64_t user_id, const std::string& old_hash, EpochSeconds now);
  std::string NewToken() const;
  // Sign-in steps (auth_service.cpp). `actor` names the account (user_id set) once it is known.
  void AuditLoginFailure(const audit::Actor& actor, const std::string& why);
  void RecordFailedLogin(const audit::Actor& actor, const Claim& claim, const std::string& why);
  // Clears the failure count, stores a new session and its audit row; returns the session token.
  Result<std::string> StartSession(const audit::Actor& actor, std::int64_t totp_step, const std::string& user_agent,
                                   EpochSeconds now);

  db::Database& db_;
  const Clock& clock_;
  const Vault& vault_;
  AuthConfig config_;
  // Calls the hook for an act on `target` (no-op without a hook).
  void TellAdminAct(soci::session& sql, const Principal& caller, const UserView& target, std::string summary);

  // The session cache (Authenticate). A write of this service that may end or change a session
  // forgets every entry and bumps the generation, so a read that began before the write cannot
  // store what it read.
  struct CachedSession {
    Principal principal;
    EpochSeconds last_seen = 0, expires = 0;
    std::chrono::steady_clock::time_point read_at;
  };
  std::optional<Principal> CachedPrincipal(const std::string& hash, EpochSeconds now);
  void RememberSession(const std::string& hash, std::uint64_t generation, CachedSession entry);
  void ForgetSessions();
  template <class T>
  T AfterSessionWrite(T result) {
    ForgetSessions();
    return result;
  }
  std::mutex cache_mu_;
  std::uint64_t cache_generation_ = 0;
  std::unordered_map<std::string, CachedSession> cache_;

  AdminActHook admin_act_hook_;
  std::string dummy_hash_;  // verified against when the user does not exist, so timing reveals nothing
  std::mutex throttle_mu_;
  std::map<std::string, std::vector<EpochSeconds>> failures_by_ip_;
};

std::string Sha256HexOf(std::string_view data);

}  // namespace fazhi::auth
