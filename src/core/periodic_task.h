// A function run on its own thread at a fixed interval until Stop(): the background sweeps of the
// modules (supervision, inspection deadlines, intake deadlines), the audit checkpoints and SQLite's
// WAL checkpointer all use it, so there is one stop/join/wake-up implementation.
//
//   core::PeriodicTask task("intake deadline sweep", std::chrono::seconds(60), [&] { service.NotifyDeadlines(); });
//   task.Start();   // the first run at once (Options::run_at_start), then one per interval
//   …
//   task.Stop();    // wakes the thread, waits for a run in progress, joins
//
// An exception thrown by the function is logged with the task's name; the next interval runs it
// again. Stop() is idempotent and may be called from several threads (a signal handler's thread
// and a destructor): only the first joins. Start() after Stop() starts a new thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace fazhi::core {

class PeriodicTask {
 public:
  struct Options {
    bool run_at_start = true;  // run once as soon as the thread starts (else wait one interval first)
    bool run_at_stop = false;  // run once more after Stop() is asked (e.g. to record the final state)
  };

  PeriodicTask(std::string name, std::chrono::milliseconds interval, std::function<void()> fn);
  PeriodicTask(std::string name, std::chrono::milliseconds interval, std::function<void()> fn, Options options);
  ~PeriodicTask();  // Stop()s
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  void Start();  // idempotent
  void Stop();   // idempotent, thread-safe
  bool running() const;
  int runs() const;  // completed runs of the function (tests)

 private:
  void Loop();
  void RunOnce();

  const std::string name_;
  const std::chrono::milliseconds interval_;
  const std::function<void()> fn_;
  const Options options_;
  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  int runs_ = 0;
};

}  // namespace fazhi::core
