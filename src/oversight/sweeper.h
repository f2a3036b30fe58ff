// Background sweep (定时巡检): runs OversightService::Sweep() every `interval` seconds so deadlines
// that pass with no new event still alert. With PostgreSQL and several app instances, only the
// instance holding the session-level advisory lock kSweepLockKey sweeps; the lock lives on a
// dedicated connection outside the pool (so the sweep's own transactions never wait for a pool
// slot held by the lock), and is retried every interval, so another instance takes over when the
// holder stops. SQLite has one instance by construction and sweeps without a lock.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "db/database.h"
#include "oversight/oversight_service.h"

namespace fazhi::oversight {

inline constexpr long long kSweepLockKey = 0x66617a6803LL;  // "fazh" + 3

class Sweeper {
 public:
  // `service` and `db` must outlive the Sweeper. interval_seconds < 1 is taken as 1.
  Sweeper(OversightService& service, db::Database& db, int interval_seconds);
  ~Sweeper();  // Stop()s
  Sweeper(const Sweeper&) = delete;
  Sweeper& operator=(const Sweeper&) = delete;

  // Starts the background thread (the first sweep runs immediately). Idempotent.
  void Start();
  // Stops and joins the thread; releases the advisory lock. Idempotent, thread-safe.
  void Stop();
  // Whether this instance currently holds the PostgreSQL sweep lock (always true on SQLite once started).
  bool holds_lock() const;

 private:
  void Run();
  bool AcquireLock();

  OversightService& service_;
  db::Database& db_;
  int interval_;
  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool running_ = false;
  bool holds_lock_ = false;
  std::unique_ptr<soci::session> lock_session_;
};

}  // namespace fazhi::oversight
