// Argon2id password hashing (libsodium) with a cap on concurrent hashes: each hash takes 64 MiB
// and ~80 ms of one core (STACK.md §6), so unbounded parallel logins could exhaust memory.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace fazhi::auth {

// Hashes with argon2id at libsodium's "interactive" limits. Blocks while `max_concurrent` others hash.
std::string HashPassword(std::string_view password);
// True if `password` matches `hash`. Same concurrency cap.
bool VerifyPassword(std::string_view password, const std::string& hash);

// Password policy: 8–64 characters, at least three of: upper case, lower case, digits, symbols;
// not containing the username. Returns InvalidArgument with a 中文 message naming the rule.
Result<void> CheckPasswordPolicy(std::string_view password, std::string_view username);

}  // namespace fazhi::auth
