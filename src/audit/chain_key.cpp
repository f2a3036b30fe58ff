#include "audit/chain_key.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <stdexcept>

#include "core/text.h"

namespace fazhi::audit {

namespace {

const char* DigestName(MacAlg alg) { return alg == MacAlg::kHmacSm3 ? "SM3" : "SHA256"; }

// OpenSSL's HMAC (EVP_MAC "HMAC" with the digest as a parameter), one call. The MAC and digest
// implementations are fetched once; a fetch per call costs more than the hash of an audit row.
EVP_MAC* HmacImpl() {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (!mac) throw std::runtime_error("OpenSSL provides no HMAC");
  return mac;
}

std::string Hmac(MacAlg alg, const unsigned char* key, std::size_t key_len, std::string_view data) {
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(HmacImpl());
  if (!ctx) throw std::runtime_error("EVP_MAC_CTX_new failed");
  char* digest = const_cast<char*>(DigestName(alg));
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_construct_end()};
  unsigned char out[EVP_MAX_MD_SIZE];
  std::size_t out_len = 0;
  const bool ok = EVP_MAC_init(ctx, key, key_len, params) == 1 &&
                  EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1 &&
                  EVP_MAC_final(ctx, out, &out_len, sizeof out) == 1;
  EVP_MAC_CTX_free(ctx);
  if (!ok) throw std::runtime_error(std::string("HMAC-") + DigestName(alg) + " failed");
  return std::string(reinterpret_cast<const char*>(out), out_len);
}

std::array<unsigned char, 32> SubKey(MacAlg alg, const std::string& file_key, std::string_view label) {
  const std::string mac = Hmac(alg, reinterpret_cast<const unsigned char*>(file_key.data()), file_key.size(), label);
  std::array<unsigned char, 32> out{};
  std::copy_n(mac.begin(), out.size(), out.begin());  // SHA-256 and SM3 both give 32 bytes
  return out;
}

std::string MacHex(MacAlg alg, const std::array<unsigned char, 32>& key, std::string_view data) {
  return ToHex(Hmac(alg, key.data(), key.size(), data));
}

Error KeyError(std::string message, std::string code) {
  return Error{ErrorCode::kInvalidArgument, std::move(message), "audit_key_file", std::move(code)};
}

std::mutex registry_mu;
std::map<std::string, RegisteredKey, std::less<>>& Registry() {
  static std::map<std::string, RegisteredKey, std::less<>> keys;
  return keys;
}

}  // namespace

std::string_view AlgName(MacAlg alg) { return alg == MacAlg::kHmacSm3 ? "hmac-sm3" : "hmac-sha256"; }

std::optional<MacAlg> ParseAlg(std::string_view name) {
  if (name == "hmac-sha256") return MacAlg::kHmacSha256;
  if (name == "hmac-sm3") return MacAlg::kHmacSm3;
  return std::nullopt;
}

bool Sm3Available() {
  static const bool available = [] {
    EVP_MD* md = EVP_MD_fetch(nullptr, "SM3", nullptr);
    EVP_MD_free(md);
    return md != nullptr;
  }();
  return available;
}

std::shared_ptr<const ChainKey> ChainKey::FromBytes(std::string_view bytes) {
  if (bytes.size() != 32) throw std::invalid_argument("audit key must be 32 bytes");
  const std::string file_key(bytes);
  std::shared_ptr<ChainKey> k(new ChainKey());
  k->chain_sha256_ = SubKey(MacAlg::kHmacSha256, file_key, "fazhi audit chain v2");
  k->checkpoint_sha256_ = SubKey(MacAlg::kHmacSha256, file_key, "fazhi audit checkpoint v1");
  if (Sm3Available()) {
    k->chain_sm3_ = SubKey(MacAlg::kHmacSm3, file_key, "fazhi audit chain v2");
    k->checkpoint_sm3_ = SubKey(MacAlg::kHmacSm3, file_key, "fazhi audit checkpoint v1");
  }
  k->check_value_ = ToHex(Hmac(MacAlg::kHmacSha256, reinterpret_cast<const unsigned char*>(file_key.data()),
                               file_key.size(), "fazhi audit key check v1"));
  return k;
}

Result<std::shared_ptr<const ChainKey>> ChainKey::Open(const std::string& path, bool create_if_missing) {
  std::string raw;
  if (std::ifstream in(path, std::ios::binary); in) {
    raw.assign(std::istreambuf_iterator<char>(in), {});
  } else {
    if (!create_if_missing) return std::unexpected(KeyError("找不到审计密钥文件 " + path, "audit_key_missing"));
    unsigned char key[32];
    if (RAND_bytes(key, sizeof key) != 1)
      return std::unexpected(KeyError("无法生成审计密钥（随机数源不可用）", "audit_key_create_failed"));
    const mode_t old = ::umask(077);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(key), sizeof key);
    out.close();
    ::umask(old);
    if (!out) return std::unexpected(KeyError("无法创建审计密钥文件 " + path, "audit_key_create_failed"));
    ::chmod(path.c_str(), 0600);
    raw.assign(reinterpret_cast<const char*>(key), sizeof key);
  }
  if (raw.size() != 32)
    return std::unexpected(KeyError("审计密钥文件 " + path + " 长度不对（应为 32 字节）", "audit_key_invalid"));
  return FromBytes(raw);
}

std::string ChainKey::ChainMac(MacAlg alg, std::string_view data) const {
  return MacHex(alg, alg == MacAlg::kHmacSm3 ? chain_sm3_ : chain_sha256_, data);
}

std::string ChainKey::CheckpointMac(MacAlg alg, std::string_view data) const {
  return MacHex(alg, alg == MacAlg::kHmacSm3 ? checkpoint_sm3_ : checkpoint_sha256_, data);
}

void RegisterKey(std::shared_ptr<const ChainKey> key, MacAlg alg) {
  if (!key) return;
  std::string check = key->CheckValue();  // before the move: `a[x] = y` evaluates y first
  std::lock_guard lock(registry_mu);
  Registry()[std::move(check)] = RegisteredKey{std::move(key), alg};
}

std::optional<RegisteredKey> FindKey(std::string_view check_value) {
  std::lock_guard lock(registry_mu);
  const auto& keys = Registry();
  const auto it = keys.find(check_value);
  if (it == keys.end()) return std::nullopt;
  return it->second;
}

}  // namespace fazhi::audit
