#include "jobs/worker_pool.h"

#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace fazhi::jobs {

int WorkerCount(int threads) {
  if (threads > 0) return threads;
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

void RunWorkers(int threads, const std::function<void(int worker)>& body, std::atomic<bool>* stop) {
  const int n = WorkerCount(threads);
  std::mutex mu;
  std::exception_ptr first;
  auto run = [&](int w) {
    try {
      body(w);
    } catch (...) {
      std::lock_guard lock(mu);
      if (!first) first = std::current_exception();
      if (stop) stop->store(true);
    }
  };
  if (n == 1) {
    run(0);
  } else {
    std::vector<std::thread> pool;
    pool.reserve(static_cast<std::size_t>(n));
    for (int w = 0; w < n; ++w) pool.emplace_back(run, w);
    for (auto& t : pool) t.join();
  }
  if (first) std::rethrow_exception(first);
}

}  // namespace fazhi::jobs
