// The audit chain's key (issue 16: an audit that holds against the database administrator). A
// 32-byte key in a file outside the database, like the personal-data key but a separate file:
// `fazhi key rotate` replaces the personal-data key, and a key derived from it would leave every
// older audit row unverifiable. With it each new audit row's hash is an HMAC (HMAC-SHA256, or
// HMAC-SM3 as the 国密 option), so someone who holds only the database can no longer recompute the
// hashes after editing a row; signed checkpoints (audit/checkpoint.h) catch rows cut off the end.
//
// Sub-keys, one per purpose and algorithm, are derived as HMAC(file key, label) so that a chain
// hash can never be replayed as a checkpoint signature or a check value.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace fazhi::audit {

enum class MacAlg { kHmacSha256, kHmacSm3 };

// "hmac-sha256", "hmac-sm3": the text stored in audit_log.alg and in checkpoints.
std::string_view AlgName(MacAlg alg);
// The inverse of AlgName; nullopt for anything else (including the plain "sha256" of old rows).
std::optional<MacAlg> ParseAlg(std::string_view name);
// Whether this OpenSSL provides SM3 (Debian 12's OpenSSL 3.0 does). Checked by Config::Validate.
bool Sm3Available();

class ChainKey {
 public:
  // Loads the 32-byte key of `path`; when the file is absent and `create_if_missing`, creates it
  // (random, mode 0600). Errors (InvalidArgument, field "audit_key_file"): unreadable or missing
  // (audit_key_missing), wrong size (audit_key_invalid), cannot be created (audit_key_create_failed).
  static Result<std::shared_ptr<const ChainKey>> Open(const std::string& path, bool create_if_missing);
  // From raw bytes (tests and benchmarks); `bytes` must be 32 bytes long.
  static std::shared_ptr<const ChainKey> FromBytes(std::string_view bytes);

  // Hex HMAC of `data` under the chain sub-key: the hash of an audit row.
  std::string ChainMac(MacAlg alg, std::string_view data) const;
  // Hex HMAC of `data` under the checkpoint sub-key: a checkpoint's signature.
  std::string CheckpointMac(MacAlg alg, std::string_view data) const;
  // A keyed hash of a fixed text (hex; says nothing about the key). audit_head.key_check holds the
  // check value of the key the chain is written with.
  const std::string& CheckValue() const { return check_value_; }

 private:
  ChainKey() = default;
  std::array<unsigned char, 32> chain_sha256_{}, chain_sm3_{}, checkpoint_sha256_{}, checkpoint_sm3_{};
  std::string check_value_;
};

// The key Append and Verify use for a database. Process-wide on purpose: Append is called from
// every module with (session, clock, actor, entry) and the key must reach it without a parameter.
// Keys are registered under their check value, and Append and Verify pick the one named by the
// database's audit_head.key_check, so two Apps in one process with different keys (tests) never
// mix them. A database that names no key (new, from before migration 010, or a test database no
// App opened) gets plain SHA-256 rows, as before.
//
// Registers `key`; new rows of databases that name it use `alg`. Thread-safe; the last call for
// the same key sets the algorithm.
void RegisterKey(std::shared_ptr<const ChainKey> key, MacAlg alg);

struct RegisteredKey {
  std::shared_ptr<const ChainKey> key;
  MacAlg alg = MacAlg::kHmacSha256;
};
// The registered key with this check value, if any. Thread-safe.
std::optional<RegisteredKey> FindKey(std::string_view check_value);

}  // namespace fazhi::audit
