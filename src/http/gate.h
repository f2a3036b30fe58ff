// Admission gate: at most N API requests run at once; the others wait in arrival order.
//
// cpp-httplib serves each keep-alive connection on its own thread, so 64 connections mean 64
// runnable threads on two cores: the scheduler time-slices them, every request is preempted
// several times, and the slowest percent waits many times longer than the median (bench/README.md,
// "Request admission"). With the gate, a few requests run to completion while the rest queue FIFO:
// the same throughput or better, and a latency tail close to the queueing time itself.
//
// A waiting request is handed the slot of the request that finishes (no thundering herd, no
// overtaking). Thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>

namespace fazhi::http {

class AdmissionGate {
 public:
  // limit 0 = no gate (every request runs at once).
  explicit AdmissionGate(std::size_t limit) : limit_(limit) {}
  AdmissionGate(const AdmissionGate&) = delete;
  AdmissionGate& operator=(const AdmissionGate&) = delete;

  void Enter();
  void Leave();

  std::size_t limit() const { return limit_; }
  // Requests waiting right now (for tests and diagnostics).
  std::size_t waiting() const;

  class Pass {
   public:
    explicit Pass(AdmissionGate& g) : gate_(g) { gate_.Enter(); }
    ~Pass() { gate_.Leave(); }
    Pass(const Pass&) = delete;
    Pass& operator=(const Pass&) = delete;

   private:
    AdmissionGate& gate_;
  };

 private:
  struct Waiter {
    std::condition_variable cv;
    bool admitted = false;
  };

  const std::size_t limit_;
  mutable std::mutex mu_;
  std::size_t active_ = 0;
  std::deque<Waiter*> queue_;
};

}  // namespace fazhi::http
