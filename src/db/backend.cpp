#include "db/backend.h"

#include <soci/postgresql/soci-postgresql.h>
#include <spdlog/spdlog.h>

#include <filesystem>

namespace fazhi::db {

InstanceLock::InstanceLock(Database& db, std::int64_t key) : db_(db), key_(key) {}

InstanceLock::~InstanceLock() { Release(); }

bool InstanceLock::TryAcquire() {
  if (db_.backend() != Backend::kPostgres) return held_ = true;
  if (held_) return true;
  try {
    if (!session_) {
      session_ = std::make_unique<soci::session>();
      session_->open(*soci::factory_postgresql(), db_.url().soci_connect);
    }
    int got = 0;
    long long key = key_;
    *session_ << "SELECT CASE WHEN pg_try_advisory_lock(:k) THEN 1 ELSE 0 END", soci::use(key), soci::into(got);
    held_ = got == 1;
  } catch (const std::exception& e) {
    spdlog::warn("instance lock {}: {}", key_, e.what());
    session_.reset();  // reconnect next time
    held_ = false;
  }
  return held_;
}

bool InstanceLock::StillHeld() {
  if (!held_ || !session_) return held_;
  try {
    int alive = 0;
    *session_ << "SELECT 1", soci::into(alive);
    return true;
  } catch (const std::exception&) {
    session_.reset();
    held_ = false;
    return false;
  }
}

void InstanceLock::Release() {
  if (session_ && held_) {
    try {
      long long key = key_;
      *session_ << "SELECT pg_advisory_unlock(:k)", soci::use(key);
    } catch (const std::exception& e) {
      spdlog::warn("instance lock {}: unlock: {}", key_, e.what());
    }
  }
  session_.reset();
  held_ = false;
}

void TruncateLogIfSqlite(Database& db) {
  if (db.backend() != Backend::kSqlite) return;
  db.Read([](soci::session& sql) {
    sql << "PRAGMA wal_checkpoint(TRUNCATE)";
    return 0;
  });
}

std::string DirBesideData(const Database& db, std::string_view name) {
  if (db.backend() == Backend::kSqlite && !db.url().sqlite_path.empty()) {
    const std::filesystem::path p(db.url().sqlite_path);
    return (p.parent_path().empty() ? std::filesystem::path(".") : p.parent_path()).append(name).string();
  }
  return std::string(name);
}

}  // namespace fazhi::db
