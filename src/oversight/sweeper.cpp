#include "oversight/sweeper.h"

#include <soci/postgresql/soci-postgresql.h>
#include <spdlog/spdlog.h>

namespace fazhi::oversight {

Sweeper::Sweeper(OversightService& service, db::Database& db, int interval_seconds)
    : service_(service), db_(db), interval_(interval_seconds < 1 ? 1 : interval_seconds) {}

Sweeper::~Sweeper() { Stop(); }

void Sweeper::Start() {
  std::lock_guard lock(mu_);
  if (running_) return;
  stop_ = false;
  running_ = true;
  thread_ = std::thread([this] { Run(); });
}

void Sweeper::Stop() {
  {
    std::lock_guard lock(mu_);
    if (!running_) return;
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  running_ = false;
}

bool Sweeper::holds_lock() const {
  std::lock_guard lock(mu_);
  return holds_lock_;
}

bool Sweeper::AcquireLock() {
  if (db_.backend() != db::Backend::kPostgres) return true;
  try {
    if (!lock_session_) {
      lock_session_ = std::make_unique<soci::session>();
      lock_session_->open(*soci::factory_postgresql(), db_.url().soci_connect);
    }
    int got = 0;
    *lock_session_ << "SELECT CASE WHEN pg_try_advisory_lock(" << kSweepLockKey << ") THEN 1 ELSE 0 END",
        soci::into(got);
    return got == 1;
  } catch (const std::exception& e) {
    spdlog::warn("oversight sweeper: advisory lock: {}", e.what());
    lock_session_.reset();  // reconnect next time
    return false;
  }
}

void Sweeper::Run() {
  bool have = false;
  while (true) {
    if (!have) have = AcquireLock();
    {
      std::lock_guard lock(mu_);
      holds_lock_ = have;
    }
    if (have) {
      try {
        auto r = service_.Sweep();
        if (!r)
          spdlog::error("oversight sweep failed: {}", r.error().message);
        else if (r->cases_evaluated || r->notifications || r->cases_failed)
          spdlog::info("oversight sweep: {} cases, {} failed, {} notifications, {} overdue 督办", r->cases_evaluated,
                       r->cases_failed, r->notifications, r->orders_overdue);
      } catch (const std::exception& e) {
        spdlog::error("oversight sweep threw: {}", e.what());
      }
      // A lost connection drops the lock: check it is still ours.
      if (lock_session_) {
        try {
          int alive = 0;
          *lock_session_ << "SELECT 1", soci::into(alive);
        } catch (const std::exception&) {
          lock_session_.reset();
          have = false;
        }
      }
    }
    std::unique_lock lock(mu_);
    if (cv_.wait_for(lock, std::chrono::seconds(interval_), [this] { return stop_; })) break;
  }
  if (lock_session_) {
    try {
      *lock_session_ << "SELECT pg_advisory_unlock(" << kSweepLockKey << ")";
    } catch (...) {
    }
    lock_session_.reset();
  }
  std::lock_guard lock(mu_);
  holds_lock_ = false;
}

}  // namespace fazhi::oversight
