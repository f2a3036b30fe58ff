#include "core/periodic_task.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "support/eventually.h"

namespace fazhi::core {
namespace {

using std::chrono::milliseconds;

using fazhi::testing::Eventually;

TEST(PeriodicTask, RunsAtStartAndEachIntervalUntilStopped) {
  std::atomic<int> calls{0};
  PeriodicTask task("test", milliseconds(20), [&] { ++calls; });
  EXPECT_FALSE(task.running());
  task.Start();
  task.Start();  // idempotent: still one thread
  EXPECT_TRUE(task.running());
  EXPECT_TRUE(Eventually([&] { return calls.load() >= 3; }));
  task.Stop();
  EXPECT_FALSE(task.running());
  const int after_stop = calls.load();
  std::this_thread::sleep_for(milliseconds(80));
  EXPECT_EQ(calls.load(), after_stop);  // nothing runs once stopped
  EXPECT_EQ(task.runs(), after_stop);
  task.Stop();  // idempotent
}

TEST(PeriodicTask, StopWakesALongWaitAndRunsTheFinalRun) {
  std::atomic<int> calls{0};
  PeriodicTask task("final", std::chrono::hours(1), [&] { ++calls; }, {.run_at_start = false, .run_at_stop = true});
  task.Start();
  std::this_thread::sleep_for(milliseconds(30));
  EXPECT_EQ(calls.load(), 0);  // waits one interval first
  const auto before = std::chrono::steady_clock::now();
  task.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(5));  // not the hour
  EXPECT_EQ(calls.load(), 1);                                                     // the run at stop
}

TEST(PeriodicTask, AThrowingRunIsLoggedAndTheNextOneStillComes) {
  std::atomic<int> calls{0};
  PeriodicTask task("throws", milliseconds(10), [&] {
    ++calls;
    throw std::runtime_error("boom");
  });
  task.Start();
  EXPECT_TRUE(Eventually([&] { return calls.load() >= 2; }));
  task.Stop();
}

TEST(PeriodicTask, StopFromTwoThreadsJoinsOnceAndStartAgainWorks) {
  std::atomic<int> calls{0};
  PeriodicTask task("twice", milliseconds(5), [&] { ++calls; });
  task.Start();
  std::thread a([&] { task.Stop(); });
  std::thread b([&] { task.Stop(); });
  a.join();
  b.join();
  EXPECT_FALSE(task.running());
  const int first = calls.load();
  task.Start();
  EXPECT_TRUE(Eventually([&] { return calls.load() > first; }));
  task.Stop();
}

}  // namespace
}  // namespace fazhi::core
