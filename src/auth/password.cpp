#include "auth/password.h"

#include <sodium.h>

#include <semaphore>
#include <stdexcept>

#include "core/text.h"

namespace fazhi::auth {

namespace {

// Two cores: two concurrent hashes keep both busy without queuing memory.
std::counting_semaphore<2>& HashSlots() {
  static std::counting_semaphore<2> slots(2);
  return slots;
}

struct SlotGuard {
  SlotGuard() { HashSlots().acquire(); }
  ~SlotGuard() { HashSlots().release(); }
};

}  // namespace

std::string HashPassword(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  SlotGuard guard;
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    throw std::runtime_error("argon2id hashing failed (out of memory?)");
  return out;
}

bool VerifyPassword(std::string_view password, const std::string& hash) {
  if (hash.empty()) return false;
  SlotGuard guard;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

Result<void> CheckPasswordPolicy(std::string_view password, std::string_view username) {
  const auto len = Utf8Length(password);
  if (len < 8) return Invalid("密码至少 8 位", "password", "weak_password");
  if (len > 64) return Invalid("密码不能超过 64 位", "password", "weak_password");
  bool upper = false, lower = false, digit = false, symbol = false;
  for (unsigned char c : password) {
    if (c >= 'A' && c <= 'Z')
      upper = true;
    else if (c >= 'a' && c <= 'z')
      lower = true;
    else if (c >= '0' && c <= '9')
      digit = true;
    else
      symbol = true;
  }
  if (upper + lower + digit + symbol < 3)
    return Invalid("密码需包含大写字母、小写字母、数字、符号中的至少三类", "password", "weak_password");
  // Usernames are ASCII (CreateUser); compared without case, so PWTEST#2026ab fails for pwtest.
  auto fold = [](std::string_view s) {
    std::string out(s);
    for (char& c : out)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
  };
  if (!username.empty() && fold(password).find(fold(username)) != std::string::npos)
    return Invalid("密码不能包含用户名（不区分大小写）", "password", "weak_password");
  return {};
}

}  // namespace fazhi::auth
