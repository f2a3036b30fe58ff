// Background sweep (定时巡检): runs OversightService::Sweep() every `interval` seconds so deadlines
// that pass with no new event still alert. With several app instances on one PostgreSQL database,
// only the instance holding the instance lock kSweepLockKey sweeps (db::InstanceLock: retried every
// interval, so another instance takes over when the holder stops or loses its connection).
#pragma once

#include <mutex>

#include "core/periodic_task.h"
#include "db/backend.h"
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
  // Stops and joins the thread; releases the lock. Idempotent, thread-safe.
  void Stop();
  // Whether this instance currently holds the sweep lock.
  bool holds_lock() const;

 private:
  void SweepOnce();

  OversightService& service_;
  db::InstanceLock lock_;  // used by the sweep thread, and by Stop() once the thread is gone
  mutable std::mutex mu_;
  bool holds_lock_ = false;
  core::PeriodicTask task_;  // last: stopped before the fields it uses go
};

}  // namespace fazhi::oversight
