#include "db/checkpointer.h"

#include <spdlog/spdlog.h>

#include <exception>
#include <string>
#include <vector>

namespace fazhi::db {

Checkpointer::Checkpointer(Database& db, std::chrono::milliseconds interval)
    : db_(db), task_("wal checkpoint", interval, [this] { Checkpoint(); }, {.run_at_start = false}) {}

Checkpointer::~Checkpointer() { Stop(); }

void Checkpointer::SetAutocheckpoint(int pages) {
  // Lease every connection of the pool at once so that each one gets the setting. A connection
  // that cannot be had within a second (a request holding one while it waits for a second) keeps
  // its setting rather than risk a deadlock: either value is safe, only the tail latency differs.
  auto& pool = db_.pool();
  std::vector<std::size_t> leased;
  for (std::size_t i = 0; i < db_.pool_size(); ++i) {
    std::size_t pos = 0;
    if (!pool.try_lease(pos, 1000)) break;
    leased.push_back(pos);
  }
  for (std::size_t pos : leased) {
    try {
      pool.at(pos) << "PRAGMA wal_autocheckpoint=" + std::to_string(pages);
    } catch (const std::exception& e) {
      spdlog::warn("wal_autocheckpoint: {}", e.what());
    }
  }
  for (std::size_t pos : leased) pool.give_back(pos);
  if (leased.size() < db_.pool_size())
    spdlog::warn("wal_autocheckpoint={} set on {} of {} connections (the others were busy)", pages, leased.size(),
                 db_.pool_size());
}

void Checkpointer::Start() {
  if (db_.backend() != Backend::kSqlite || task_.running()) return;
  SetAutocheckpoint(0);
  task_.Start();
}

void Checkpointer::Stop() {
  if (!task_.running()) return;
  task_.Stop();
  SetAutocheckpoint(1000);
}

int Checkpointer::runs() const { return task_.runs(); }

void Checkpointer::Checkpoint() {
  // PASSIVE: copies what no reader still needs and never waits for anyone.
  db_.Read([](soci::session& sql) {
    int busy = 0, log = 0, done = 0;
    sql << "PRAGMA wal_checkpoint(PASSIVE)", soci::into(busy), soci::into(log), soci::into(done);
    if (log > 20000) sql << "PRAGMA wal_checkpoint(RESTART)";
    return 0;
  });
}

}  // namespace fazhi::db
