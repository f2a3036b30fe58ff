// Accounts for people who are not staff — 平安志愿者 (src/volunteers) — created by the module that vets
// them, inside its own write transaction, without user.admin (a coordinator must not hold it). The
// one home of such account rows: the same columns as AuthService::CreateUser, one fixed role
// `volunteer` (permission volunteer.self only), no person link, no TOTP requirement. The caller has
// checked the password policy and hashed the password (auth::HashPassword).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "db/soci.h"

namespace fazhi::auth {

struct SelfServiceAccount {
  std::int64_t bureau_id = 0, unit_id = 0;
  std::string username, display_name, password_hash;
  bool must_change_password = true;  // false only for the demo's known sign-in
};

// A users row and its user_roles rows. InsertAccount is the one place that inserts accounts: the
// administrator's AuthService::CreateUser, CreateSelfServiceAccount below and the demo's logins
// (org::detail::InsertDemoLogin) all go through it. It checks nothing; callers validate the name,
// the unit and the password and hash the password first.
struct NewAccount {
  std::optional<std::int64_t> bureau_id;
  std::int64_t unit_id = 0;
  std::optional<std::int64_t> person_id;
  std::string username, display_name, password_hash;
  bool must_change_password = true;
  bool totp_required = false;
  std::vector<std::string> roles;
};
// The new users.id; active, its password changed `now`.
std::int64_t InsertAccount(soci::session& sql, const NewAccount& account, EpochSeconds now);

// The new users.id. Invalid invalid_username (not 3–32 letters, digits, _ . -), Conflict
// username_taken; database errors throw (they roll the caller's transaction back).
Result<std::int64_t> CreateSelfServiceAccount(soci::session& sql, const SelfServiceAccount& account, EpochSeconds now);

}  // namespace fazhi::auth
