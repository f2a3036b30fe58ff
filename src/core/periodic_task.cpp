#include "core/periodic_task.h"

#include <spdlog/spdlog.h>

#include <exception>
#include <utility>

namespace fazhi::core {

PeriodicTask::PeriodicTask(std::string name, std::chrono::milliseconds interval, std::function<void()> fn)
    : PeriodicTask(std::move(name), interval, std::move(fn), Options{}) {}

PeriodicTask::PeriodicTask(std::string name, std::chrono::milliseconds interval, std::function<void()> fn,
                           Options options)
    : name_(std::move(name)),
      interval_(interval < std::chrono::milliseconds(1) ? std::chrono::milliseconds(1) : interval),
      fn_(std::move(fn)),
      options_(options) {}

PeriodicTask::~PeriodicTask() { Stop(); }

void PeriodicTask::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void PeriodicTask::Stop() {
  std::thread running;
  {
    // Taken out under the lock: a second caller finds nothing to join.
    std::lock_guard lock(mu_);
    if (!thread_.joinable()) return;
    stop_ = true;
    running = std::move(thread_);
  }
  cv_.notify_all();
  running.join();
}

bool PeriodicTask::running() const {
  std::lock_guard lock(mu_);
  return thread_.joinable();
}

int PeriodicTask::runs() const {
  std::lock_guard lock(mu_);
  return runs_;
}

void PeriodicTask::RunOnce() {
  try {
    fn_();
  } catch (const std::exception& e) {
    spdlog::error("{} threw: {}", name_, e.what());  // the next interval runs it again
  }
  std::lock_guard lock(mu_);
  ++runs_;
}

void PeriodicTask::Loop() {
  if (options_.run_at_start) RunOnce();
  for (;;) {
    {
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, interval_, [this] { return stop_; })) break;
    }
    RunOnce();
  }
  if (options_.run_at_stop) RunOnce();
}

}  // namespace fazhi::core
