#include "http/gate.h"

namespace fazhi::http {

void AdmissionGate::Enter() {
  if (limit_ == 0) return;
  std::unique_lock lock(mu_);
  if (active_ < limit_ && queue_.empty()) {
    ++active_;
    return;
  }
  Waiter me;
  queue_.push_back(&me);
  me.cv.wait(lock, [&] { return me.admitted; });
  // The slot was handed over by Leave(): active_ already counts this request.
}

void AdmissionGate::Leave() {
  if (limit_ == 0) return;
  std::lock_guard lock(mu_);
  if (queue_.empty()) {
    --active_;
    return;
  }
  Waiter* next = queue_.front();
  queue_.pop_front();
  next->admitted = true;
  // Notify under the lock: the waiter's condition variable lives on its stack and is destroyed as
  // soon as it returns from wait, which it cannot do before this lock is released.
  next->cv.notify_one();
}

std::size_t AdmissionGate::waiting() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

}  // namespace fazhi::http
