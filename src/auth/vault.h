// Encryption of personal data at rest (身份证号, 手机号, TOTP secrets) with libsodium secretbox.
// The key lives in a file outside the database (created on first use with mode 0600), so a stolen
// database file alone reveals nothing. A second key derived from it gives a blind index (keyed hash)
// for equality look-ups without decrypting.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "core/error.h"

namespace fazhi::auth {

class Vault {
 public:
  // Loads the 32-byte key from `key_file`, creating it (random, mode 0600) if absent and
  // `create_if_missing`. Errors: the file is unreadable, has the wrong size, or cannot be created.
  static Result<Vault> Open(const std::string& key_file, bool create_if_missing = true);

  // base64(nonce || ciphertext). Thread-safe.
  std::string Encrypt(std::string_view plaintext) const;
  // Error if the text was not produced by this key (tampered, or another installation's key).
  Result<std::string> Decrypt(std::string_view sealed) const;
  // Keyed hash (hex) of normalised text, for unique checks and look-ups.
  std::string BlindIndex(std::string_view text) const;

 private:
  std::array<unsigned char, 32> key_{};
  std::array<unsigned char, 32> index_key_{};
};

// 身份证号 "140502199001011234" → "1405**********1234"; phone "13812345678" → "138****5678".
std::string MaskIdNumber(std::string_view id);
std::string MaskPhone(std::string_view phone);

// 18-digit 居民身份证号 with a valid GB 11643 check digit (upper-case X accepted).
bool IsValidIdNumber(std::string_view id);
// The GB 11643 check character ('0'–'9' or 'X') of the first 17 digits of a 身份证号.
char IdNumberCheckChar(std::string_view first17);
// Mainland mobile number: 11 digits starting with 1[3-9].
bool IsValidMobile(std::string_view phone);

}  // namespace fazhi::auth
