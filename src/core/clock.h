// Time source (STYLE §2, §10). Logic never reads the system clock directly; it takes a Clock&.
#pragma once

#include <atomic>
#include <cstdint>

namespace fazhi {

// UTC epoch seconds.
using EpochSeconds = std::int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  // Current UTC time in epoch seconds. Thread-safe.
  virtual EpochSeconds Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  EpochSeconds Now() const override;
};

// A clock tests move by hand. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(EpochSeconds start) : now_(start) {}
  EpochSeconds Now() const override { return now_.load(); }
  void Set(EpochSeconds t) { now_.store(t); }
  void Advance(EpochSeconds seconds) { now_.fetch_add(seconds); }

 private:
  std::atomic<EpochSeconds> now_;
};

}  // namespace fazhi
