#include "oversight/sweeper.h"

#include <spdlog/spdlog.h>

namespace fazhi::oversight {

Sweeper::Sweeper(OversightService& service, db::Database& db, int interval_seconds)
    : service_(service), interval_(interval_seconds < 1 ? 1 : interval_seconds), lock_(db, kSweepLockKey) {}

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

void Sweeper::Run() {
  while (true) {
    const bool have = lock_.TryAcquire();
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
      lock_.StillHeld();  // a lost connection drops the lock: TryAcquire again next time
    }
    std::unique_lock lock(mu_);
    if (cv_.wait_for(lock, std::chrono::seconds(interval_), [this] { return stop_; })) break;
  }
  lock_.Release();
  std::lock_guard lock(mu_);
  holds_lock_ = false;
}

}  // namespace fazhi::oversight
