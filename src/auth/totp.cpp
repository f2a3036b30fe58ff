#include "auth/totp.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <cstdio>

namespace fazhi::auth {

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

std::string UrlEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}
}  // namespace

std::string Base32Encode(std::string_view bytes) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out += kAlphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
  return out;
}

std::optional<std::string> Base32Decode(std::string_view text) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char ch : text) {
    if (ch == ' ' || ch == '=') continue;
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    int v = -1;
    if (ch >= 'A' && ch <= 'Z')
      v = ch - 'A';
    else if (ch >= '2' && ch <= '7')
      v = ch - '2' + 26;
    if (v < 0) return std::nullopt;
    buffer = (buffer << 5) | static_cast<std::uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out += static_cast<char>((buffer >> (bits - 8)) & 0xFF);
      bits -= 8;
    }
  }
  return out;
}

std::string NewTotpSecret() {
  unsigned char raw[20];
  randombytes_buf(raw, sizeof raw);
  return Base32Encode(std::string_view(reinterpret_cast<const char*>(raw), sizeof raw));
}

std::string TotpCode(std::string_view secret, std::int64_t step) {
  unsigned char msg[8];
  for (int i = 7; i >= 0; --i) {
    msg[i] = static_cast<unsigned char>(step & 0xFF);
    step >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), msg, sizeof msg, mac, &mac_len);
  const int offset = mac[mac_len - 1] & 0x0F;  // RFC 4226 §5.3 dynamic truncation
  const std::uint32_t bin =
      ((mac[offset] & 0x7F) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
  char buf[8];
  std::snprintf(buf, sizeof buf, "%06u", bin % 1000000);
  return buf;
}

std::optional<std::int64_t> VerifyTotp(std::string_view secret_base32, std::string_view code, EpochSeconds now) {
  if (code.size() != 6) return std::nullopt;
  auto secret = Base32Decode(secret_base32);
  if (!secret || secret->empty()) return std::nullopt;
  const std::int64_t step = now / 30;
  for (std::int64_t s = step - 1; s <= step + 1; ++s)
    if (TotpCode(*secret, s) == code) return s;
  return std::nullopt;
}

std::string TotpUri(std::string_view issuer, std::string_view account, std::string_view secret_base32) {
  return "otpauth://totp/" + UrlEncode(issuer) + ":" + UrlEncode(account) + "?secret=" + std::string(secret_base32) +
         "&issuer=" + UrlEncode(issuer) + "&algorithm=SHA1&digits=6&period=30";
}

}  // namespace fazhi::auth
