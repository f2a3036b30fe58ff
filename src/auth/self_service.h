// Accounts for people who are not staff — 平安志愿者 (src/volunteers) — created by the module that vets
// them, inside its own write transaction, without user.admin (a coordinator must not hold it). The
// one home of such account rows: the same columns as AuthService::CreateUser, one fixed role
// `volunteer` (permission volunteer.self only), no person link, no TOTP requirement. The caller has
// checked the password policy and hashed the password (auth::HashPassword).
#pragma once

#include <cstdint>
#include <string>

#include "core/clock.h"
#include "core/error.h"
#include "db/soci.h"

namespace fazhi::auth {

struct SelfServiceAccount {
  std::int64_t bureau_id = 0, unit_id = 0;
  std::string username, display_name, password_hash;
  bool must_change_password = true;  // false only for the demo's known sign-in
};

// The new users.id. Invalid invalid_username (not 3–32 letters, digits, _ . -), Conflict
// username_taken; database errors throw (they roll the caller's transaction back).
Result<std::int64_t> CreateSelfServiceAccount(soci::session& sql, const SelfServiceAccount& account, EpochSeconds now);

}  // namespace fazhi::auth
