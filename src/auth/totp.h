// TOTP second factor (RFC 6238, HMAC-SHA1, 30 s steps, 6 digits): what phone authenticator apps use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace fazhi::auth {

std::string Base32Encode(std::string_view bytes);
// Case-insensitive, ignores spaces and '=' padding; nullopt on other characters.
std::optional<std::string> Base32Decode(std::string_view text);

// A new random 20-byte secret, base32-encoded.
std::string NewTotpSecret();
// The 6-digit code for time step `step` (= epoch / 30).
std::string TotpCode(std::string_view secret_bytes, std::int64_t step);
// Matches `code` against steps now-1..now+1 and returns the matched step, so callers can refuse a
// step that was already used (replay).
std::optional<std::int64_t> VerifyTotp(std::string_view secret_base32, std::string_view code, EpochSeconds now);
// otpauth:// URI for authenticator apps.
std::string TotpUri(std::string_view issuer, std::string_view account, std::string_view secret_base32);

}  // namespace fazhi::auth
