#include "auth/vault.h"

#include <sodium.h>
#include <sys/stat.h>

#include <fstream>
#include <stdexcept>

#include "core/text.h"

namespace fazhi::auth {

namespace {

struct SodiumInit {
  SodiumInit() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  }
};

}  // namespace

Result<Vault> Vault::Open(const std::string& key_file, bool create_if_missing) {
  static SodiumInit init;
  Vault v;
  std::ifstream in(key_file, std::ios::binary);
  std::string raw;
  if (in) {
    raw.assign(std::istreambuf_iterator<char>(in), {});
  } else {
    if (!create_if_missing) return Fail(ErrorCode::kInternal, "找不到密钥文件 " + key_file, "key_file", "key_missing");
    unsigned char key[32];
    randombytes_buf(key, sizeof key);
    const mode_t old = ::umask(077);
    {
      std::ofstream out(key_file, std::ios::binary | std::ios::trunc);
      out.write(reinterpret_cast<const char*>(key), sizeof key);
      if (!out) {
        ::umask(old);
        return Fail(ErrorCode::kInternal, "无法创建密钥文件 " + key_file, "key_file", "key_create_failed");
      }
    }
    ::umask(old);
    ::chmod(key_file.c_str(), 0600);
    raw.assign(reinterpret_cast<const char*>(key), sizeof key);
  }
  if (raw.size() != 32)
    return Fail(ErrorCode::kInternal, "密钥文件 " + key_file + " 长度不对（应为 32 字节）", "key_file", "key_invalid");
  std::copy(raw.begin(), raw.end(), v.key_.begin());
  // Separate sub-key for the blind index, so index values say nothing about ciphertexts.
  crypto_kdf_derive_from_key(v.index_key_.data(), v.index_key_.size(), 1, "fzhindex", v.key_.data());
  return v;
}

std::string Vault::Encrypt(std::string_view plaintext) const {
  std::string buf(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size(), '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(buf.data());
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES, reinterpret_cast<const unsigned char*>(plaintext.data()),
                        plaintext.size(), nonce, key_.data());
  std::string out(sodium_base64_ENCODED_LEN(buf.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(buf.data()), buf.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // drop the terminating NUL
  return out;
}

Result<std::string> Vault::Decrypt(std::string_view sealed) const {
  std::string bin(sealed.size(), '\0');
  size_t bin_len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(bin.data()), bin.size(), sealed.data(), sealed.size(), nullptr,
                        &bin_len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      bin_len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
    return Internal("加密数据格式错误");
  const auto* nonce = reinterpret_cast<const unsigned char*>(bin.data());
  std::string out(bin_len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(out.data()), nonce + crypto_secretbox_NONCEBYTES,
                                 bin_len - crypto_secretbox_NONCEBYTES, nonce, key_.data()) != 0)
    return Internal("加密数据无法解密（密钥不符或数据被篡改）");
  return out;
}

std::string Vault::BlindIndex(std::string_view text) const {
  unsigned char out[32];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                     index_key_.data(), index_key_.size());
  return ToHex(std::string_view(reinterpret_cast<const char*>(out), sizeof out));
}

std::string MaskIdNumber(std::string_view id) {
  if (id.empty()) return {};
  return MaskMiddle(id, 4, 4);
}

std::string MaskPhone(std::string_view phone) {
  if (phone.empty()) return {};
  return MaskMiddle(phone, 3, 4);
}

char IdNumberCheckChar(std::string_view first17) {
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return "10X98765432"[sum % 11];
}

bool IsValidIdNumber(std::string_view id) {
  if (id.size() != 18) return false;
  for (int i = 0; i < 17; ++i)
    if (id[i] < '0' || id[i] > '9') return false;
  return id[17] == IdNumberCheckChar(id.substr(0, 17));
}

bool IsValidMobile(std::string_view phone) {
  if (phone.size() != 11 || phone[0] != '1' || phone[1] < '3' || phone[1] > '9') return false;
  for (char c : phone)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace fazhi::auth
