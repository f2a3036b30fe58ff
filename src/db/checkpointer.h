// SQLite only: moves the write-ahead log into the database file from a background thread, so that
// no request transaction pays for it. By default the commit that pushes the WAL past 1,000 pages
// runs the checkpoint itself, adding several milliseconds to that one request: measured with
// bench/event_latency, a new event's p99 was 8.6 ms with it and 3.3 ms with this thread instead.
// Start() turns the automatic checkpoint off on every pooled connection, Stop() turns it back on
// (CLI commands and tests that never start it keep SQLite's default). Each second it runs a PASSIVE
// checkpoint (never waits); if the log still holds more than 20,000 pages (~80 MB, readers kept it
// from being copied), a RESTART one that waits for readers up to the busy timeout.
#pragma once

#include <chrono>

#include "core/periodic_task.h"
#include "db/database.h"

namespace fazhi::db {

class Checkpointer {
 public:
  // Does nothing on PostgreSQL.
  Checkpointer(Database& db, std::chrono::milliseconds interval);
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  void Start();
  void Stop();
  // Checkpoints run so far (tests).
  int runs() const;

 private:
  void Checkpoint();
  void SetAutocheckpoint(int pages);

  Database& db_;
  core::PeriodicTask task_;
};

}  // namespace fazhi::db
