// The few places where SQLite and PostgreSQL need different handling outside plain SQL, as
// functions a module calls without asking which database it runs on (docs/module-template.md §3).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "db/database.h"

namespace fazhi::db {

// A lock that at most one process of an installation holds at a time, for periodic work that must
// run once however many instances serve (the supervision sweep).
//
// PostgreSQL: a session-level advisory lock (pg_try_advisory_lock(key)) on a dedicated connection
// outside the pool, so the holder's own transactions never wait for a pool slot taken by the lock;
// when the connection is lost the lock goes with it and another instance takes over. SQLite: one
// process per database file by construction, so the lock is always held.
//
// Thread safety: one thread uses an InstanceLock (the one running the periodic work).
class InstanceLock {
 public:
  // `db` must outlive the lock.
  InstanceLock(Database& db, std::int64_t key);
  ~InstanceLock();  // releases
  InstanceLock(const InstanceLock&) = delete;
  InstanceLock& operator=(const InstanceLock&) = delete;

  // Takes the lock if it is free (or already ours). Never throws: a connection failure is logged
  // and answered false (retry later).
  bool TryAcquire();
  // After work done under the lock: false when the dedicated connection was lost (and with it the
  // lock), so the caller must TryAcquire again. Never throws.
  bool StillHeld();
  // Gives the lock up. Idempotent, never throws.
  void Release();

 private:
  Database& db_;
  std::int64_t key_;
  bool held_ = false;
  std::unique_ptr<soci::session> session_;
};

// SQLite: truncates the write-ahead log (PRAGMA wal_checkpoint(TRUNCATE)) — while long readers keep
// running, the automatic checkpoints never reset the log, which then grows with every write.
// PostgreSQL: nothing. Uses a pooled connection; call it holding none.
void TruncateLogIfSqlite(Database& db);

// A directory for files that belong with the data (`name`, e.g. "attachments"): beside the SQLite
// database file, or `name` relative to the working directory on PostgreSQL.
std::string DirBesideData(const Database& db, std::string_view name);

}  // namespace fazhi::db
