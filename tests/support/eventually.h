// Waits for something another thread does: `pred` polled every 10 ms for up to 5 s.
#pragma once

#include <chrono>
#include <thread>

namespace fazhi::testing {

template <class Pred>
bool Eventually(Pred pred) {
  for (int i = 0; i < 500; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

}  // namespace fazhi::testing
