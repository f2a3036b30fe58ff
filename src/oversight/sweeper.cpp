#include "oversight/sweeper.h"

#include <spdlog/spdlog.h>

namespace fazhi::oversight {

Sweeper::Sweeper(OversightService& service, db::Database& db, int interval_seconds)
    : service_(service),
      lock_(db, kSweepLockKey),
      task_("oversight sweep", std::chrono::seconds(interval_seconds < 1 ? 1 : interval_seconds),
            [this] { SweepOnce(); }) {}

Sweeper::~Sweeper() { Stop(); }

void Sweeper::Start() { task_.Start(); }

void Sweeper::Stop() {
  task_.Stop();
  std::lock_guard lock(mu_);  // the thread is gone: the lock is ours to release (once)
  lock_.Release();
  holds_lock_ = false;
}

bool Sweeper::holds_lock() const {
  std::lock_guard lock(mu_);
  return holds_lock_;
}

void Sweeper::SweepOnce() {
  const bool have = lock_.TryAcquire();
  {
    std::lock_guard lock(mu_);
    holds_lock_ = have;
  }
  if (!have) return;
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
  lock_.StillHeld();  // a lost connection drops the lock: TryAcquire again next time
}

}  // namespace fazhi::oversight
