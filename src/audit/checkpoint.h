// Signed checkpoints of the audit chain's head, kept outside the database (issue 16). A keyed chain
// alone cannot show that rows were cut off its end: whoever holds the database deletes the newest
// rows and sets audit_head back to the last one kept, and every remaining hash is still right. A
// checkpoint {newest row id, its hash, row count, time}, signed with the audit key and written to a
// file outside the database (and one line of the application log, which can be sent to a remote
// syslog), pins the chain: `fazhi audit verify` reports a chain shorter than a checkpoint, or a
// row whose hash differs from the one a checkpoint recorded.
//
// Files: DIR/checkpoints-YYYYMM.jsonl (UTC month), one JSON object per line, appended and synced.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "audit/chain_key.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/periodic_task.h"
#include "db/database.h"

namespace fazhi::audit {

struct Checkpoint {
  std::int64_t last_id = 0;  // the newest audit row
  std::string hash;          // its hash
  std::string alg;           // its audit_log.alg
  std::int64_t rows = 0;     // rows in audit_log
  EpochSeconds at = 0;       // when taken (UTC seconds)
  std::string sig_alg;       // "hmac-sha256" or "hmac-sm3"
  std::string sig;           // hex HMAC of SignedText under the checkpoint sub-key
};

// The text the signature covers (every field but sig, length-prefixed).
std::string SignedText(const Checkpoint& cp);
// Sets sig_alg and sig.
void Sign(Checkpoint& cp, const ChainKey& key, MacAlg alg);
// Whether sig is the signature of cp under `key` (false for an unknown sig_alg).
bool SignatureValid(const Checkpoint& cp, const ChainKey& key);
// One line of JSON: {"v":1,"last_id":…,"hash":…,"alg":…,"rows":…,"at":…,"time":"…","sig_alg":…,"sig":…}.
std::string ToJsonLine(const Checkpoint& cp);

// The newest row and the row count, read in one transaction, signed. nullopt when audit_log is
// empty (nothing to pin).
std::optional<Checkpoint> TakeCheckpoint(db::Database& db, const Clock& clock, const ChainKey& key, MacAlg alg);

// Appends cp to DIR/checkpoints-YYYYMM.jsonl, creating DIR (0700) and the file (0600) when absent,
// and syncs it. Returns the file's path; Internal naming the path when it cannot be written.
Result<std::string> WriteCheckpoint(const std::string& dir, const Checkpoint& cp);

// Takes a checkpoint, writes it, and logs it as one line "audit_checkpoint {json}" (info). The
// checkpoint, or nullopt for an empty chain (nothing written).
Result<std::optional<Checkpoint>> WriteAndLogCheckpoint(db::Database& db, const Clock& clock, const ChainKey& key,
                                                        MacAlg alg, const std::string& dir);

struct LoadedCheckpoint {
  Checkpoint cp;
  std::string where;    // "DIR/checkpoints-202612.jsonl 第 3 行"
  std::string problem;  // 中文; empty = parsed and signature valid
};

// Every line of every checkpoints-*.jsonl in `dir`, in file and line order. A line that does not
// parse, or whose signature does not match under `key` (or with no key), is returned with its
// problem. A missing directory gives an empty list.
std::vector<LoadedCheckpoint> ReadCheckpoints(const std::string& dir, const ChainKey* key);

// `fazhi serve`'s background writer: one checkpoint when started, then one every `interval` if the
// chain has grown since the last, and a last one when stopped. Failures are logged (error) and
// retried at the next tick; the server keeps running.
class CheckpointTimer {
 public:
  CheckpointTimer(db::Database& db, const Clock& clock, std::shared_ptr<const ChainKey> key, MacAlg alg,
                  std::string dir, std::chrono::seconds interval);
  ~CheckpointTimer();
  CheckpointTimer(const CheckpointTimer&) = delete;
  CheckpointTimer& operator=(const CheckpointTimer&) = delete;

  void Start();
  void Stop();
  // Checkpoints written so far (tests).
  int written() const;

 private:
  void Tick();

  db::Database& db_;
  const Clock& clock_;
  std::shared_ptr<const ChainKey> key_;
  MacAlg alg_;
  std::string dir_;
  mutable std::mutex mu_;
  int written_ = 0;
  std::int64_t last_written_id_ = -1;  // the task's thread only
  core::PeriodicTask task_;            // last: stopped before the fields it uses go
};

}  // namespace fazhi::audit
