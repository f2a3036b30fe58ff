// kit::ModuleSweep: the periodic work of a module in `serve`.
#include "kit/module_sweep.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "support/eventually.h"

namespace fazhi::kit {
namespace {

using std::chrono::milliseconds;

using fazhi::testing::Eventually;

TEST(ModuleSweep, NoIntervalMeansNoSweep) {
  Settings settings;
  settings.sweep_interval_seconds = 0;
  std::atomic<int> calls{0};
  ModuleSweep sweep(settings, "test sweep", [&] { ++calls; });
  sweep.Start();
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_EQ(calls.load(), 0);
  sweep.Stop();
}

TEST(ModuleSweep, RunsAtStartKeepsGoingAfterAnErrorAndStops) {
  Settings settings;
  settings.sweep_interval_seconds = 1;
  std::atomic<int> calls{0};
  // A sweep whose work fails: the error is logged, the sweep is not stopped by it.
  ModuleSweep sweep(settings, "failing sweep", [&]() -> Result<int> {
    ++calls;
    return Internal("出错了");
  });
  sweep.Start();
  sweep.Start();  // idempotent
  EXPECT_TRUE(Eventually([&] { return calls.load() >= 1; }));
  EXPECT_TRUE(Eventually([&] { return calls.load() >= 2; }));  // the next interval ran it again
  sweep.Stop();
  const int stopped_at = calls.load();
  std::this_thread::sleep_for(milliseconds(1200));
  EXPECT_EQ(calls.load(), stopped_at);
  sweep.Start();  // a new thread after Stop, first run at once
  EXPECT_TRUE(Eventually([&] { return calls.load() > stopped_at; }));
}

TEST(ModuleSweep, WorkMayReturnACountOrNothing) {
  Settings settings;
  settings.sweep_interval_seconds = 60;
  std::atomic<int> counted{0}, plain{0};
  ModuleSweep a(settings, "count sweep", [&] { return ++counted; });
  ModuleSweep b(settings, "void sweep", [&] { ++plain; });
  a.Start();
  b.Start();
  EXPECT_TRUE(Eventually([&] { return counted.load() == 1 && plain.load() == 1; }));
  // Destroyed while running: the destructor stops and joins.
}

}  // namespace
}  // namespace fazhi::kit
