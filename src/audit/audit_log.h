// Append-only, hash-chained audit trail (全程留痕). Each row's hash covers its own fields and the
// previous row's hash, so editing or deleting any row breaks the chain from that row on. Since
// migration 010 the hash of a new row is an HMAC under the audit key kept outside the database
// (audit/chain_key.h), so it cannot be recomputed by someone who holds only the database, and
// signed checkpoints outside the database (audit/checkpoint.h) pin the chain's length.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/chain_key.h"
#include "audit/checkpoint.h"
#include "core/clock.h"
#include "core/error.h"
#include "db/database.h"

namespace fazhi::audit {

// Who acts, from where. Filled by the HTTP layer from the session, or by the CLI.
struct Actor {
  std::optional<std::int64_t> user_id;
  std::string username;  // "system" for CLI/background jobs
  std::optional<std::int64_t> bureau_id;
  std::string ip;
  std::string request_id;
};

struct Entry {
  std::string action;       // e.g. "unit.create", "person.read_pii", "auth.login_failed"
  std::string object_type;  // e.g. "unit", "person", "user"
  std::string object_id;
  std::string summary;                               // 中文 one-liner shown in the audit page
  nlohmann::json detail = nlohmann::json::object();  // what changed: {"before":…, "after":…}
};

struct Row {
  std::int64_t id = 0;
  std::optional<std::int64_t> bureau_id;
  EpochSeconds at = 0;
  std::optional<std::int64_t> user_id;
  std::string username, action, object_type, object_id, summary, detail, ip, request_id, prev_hash, hash;
  // How `hash` was made: "sha256" (plain SHA-256; rows written before migration 010, or in a
  // database that names no audit key), "hmac-sha256" or "hmac-sm3" (under the audit key).
  std::string alg = "sha256";
};

// Appends one row inside the caller's write transaction (`sql` must come from Database::Write, so
// the audit row commits or rolls back with the change it records). Serialises on audit_head. The
// row is keyed with the registered key (RegisterKey) that audit_head.key_check names, or plain
// SHA-256 when it names none. Throws when it names a key this process has not registered: a write
// whose audit row could not be keyed is refused rather than recorded unprotected.
void Append(soci::session& sql, const Clock& clock, const Actor& actor, const Entry& entry);

// The plain SHA-256 hash of a row given the previous row's hash (rows with alg "sha256").
std::string ComputeHash(const Row& row, const std::string& prev_hash);
// The keyed hash: HMAC under the chain sub-key of `key` of the same fields, the algorithm's name and
// a version label (rows with alg "hmac-sha256" / "hmac-sm3").
std::string ComputeKeyedHash(const Row& row, const std::string& prev_hash, const ChainKey& key, MacAlg alg);

// The check value stored in audit_head.key_check ("" when the database names no audit key yet).
std::string NamedKeyCheck(db::Database& db);
// At start-up: a database that names no audit key adopts `key` (its new rows are keyed from now
// on); one that names `key` is left alone. Conflict (audit_key_mismatch) when it names another key.
Result<void> AdoptKey(db::Database& db, const ChainKey& key);

struct VerifyOptions {
  // The key keyed rows and checkpoints are checked with; null = the registered key named by the
  // database's audit_head.key_check.
  std::shared_ptr<const ChainKey> key;
  // Checkpoints to hold the chain against (ReadCheckpoints); empty = the chain alone.
  std::vector<LoadedCheckpoint> checkpoints;
};

struct VerifyReport {
  bool ok = true;
  std::int64_t rows = 0;
  std::int64_t keyed_rows = 0;  // rows with an HMAC (the others are plain SHA-256 from before)
  std::optional<std::int64_t> first_bad_id;
  std::string message;  // 中文: the verdict, and the first problem
  // Checkpoints held against the chain, and the problems found with them (中文, one per checkpoint
  // at most: bad signature, a row cut off, a hash that changed).
  std::int64_t checkpoints = 0;
  std::optional<EpochSeconds> newest_checkpoint_at;
  std::vector<std::string> checkpoint_problems;
};

// Walks the whole chain in id order. Reports the first row whose hash, prev_hash, algorithm or id
// sequence is wrong (a plain SHA-256 row after a keyed one is a downgrade, hence wrong), a keyed
// row that cannot be checked for want of the key, and a head that does not match the last row
// (rows deleted from the end). With checkpoints: every checkpoint's signature, that the row it
// names still exists with the hash it recorded, and that the chain has at least as many rows.
VerifyReport Verify(db::Database& db);
VerifyReport Verify(db::Database& db, const VerifyOptions& options);

struct Query {
  std::optional<std::string> username;  // exact
  std::optional<std::int64_t> user_id;
  std::optional<std::string> object_type;
  std::optional<std::string> object_id;
  std::optional<std::string> action;  // prefix match, e.g. "person."
  std::optional<EpochSeconds> from, to;
  // Scope: only rows whose bureau lies in the subtree of the unit with this path ("/1/2/"; see
  // db::PathUnder). Empty = no restriction.
  std::string scope_path;
  // Also rows with no bureau (system and CLI actions, failed sign-ins with unknown user names):
  // for auditors at the top of the organisation only, since such rows may name any unit.
  bool include_unscoped = false;
  int page = 1, page_size = 20;
};

struct Page {
  std::vector<Row> items;
  std::int64_t total = 0;
};

// Newest first.
Page Search(db::Database& db, const Query& q);

// Up to `limit` rows with an id above `after_id`, oldest first (shipping the trail elsewhere:
// `fazhi audit export`).
std::vector<Row> After(db::Database& db, std::int64_t after_id, int limit);

}  // namespace fazhi::audit
