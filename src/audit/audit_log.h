// Append-only, hash-chained audit trail (全程留痕). Each row's hash covers its own fields and the
// previous row's hash, so editing or deleting any row breaks the chain from that row on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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
};

// Appends one row inside the caller's write transaction (`sql` must come from Database::Write, so
// the audit row commits or rolls back with the change it records). Serialises on audit_head.
void Append(soci::session& sql, const Clock& clock, const Actor& actor, const Entry& entry);

// The hash of a row given the previous row's hash (exposed for tests and `fazhi audit verify`).
std::string ComputeHash(const Row& row, const std::string& prev_hash);

struct VerifyReport {
  bool ok = true;
  std::int64_t rows = 0;
  std::optional<std::int64_t> first_bad_id;
  std::string message;  // 中文
};

// Walks the whole chain in id order. Reports the first row whose hash, prev_hash or id sequence is wrong,
// and a head that does not match the last row (rows deleted from the end).
VerifyReport Verify(db::Database& db);

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
