// Background jobs: progress visible while running, results and failures stored, exclusive kinds,
// and a job left running by a stopped process marked interrupted by the next one.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "db/sql.h"
#include "jobs/job_runner.h"
#include "jobs/worker_pool.h"
#include "support/test_db.h"

namespace fazhi {
namespace {

class JobsTest : public ::testing::Test {
 protected:
  testing::TestDb tdb_;
  std::unique_ptr<db::Database> db_ = tdb_.Open();
  ManualClock clock_{1'700'000'000};
};

TEST_F(JobsTest, ProgressIsVisibleWhileRunningAndTheResultIsKept) {
  jobs::JobRunner runner(*db_, clock_);
  std::atomic<bool> release{false};
  auto job = runner.Start({.kind = "test", .title = "测试任务", .created_by = 7},
                          [&](jobs::Progress& p) -> Result<std::string> {
                            p.Set(3, 10, "第 3 行");
                            while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(2));
                            p.Set(10, 10);
                            return std::string(R"({"rows":10})");
                          });
  ASSERT_TRUE(job) << job.error().message;
  for (int i = 0; i < 500; ++i) {
    auto j = runner.Get(job->id);
    ASSERT_TRUE(j);
    if (j->state == "running" && j->done == 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  auto live = runner.Get(job->id);
  EXPECT_EQ(live->state, "running");
  EXPECT_EQ(live->done, 3);
  EXPECT_EQ(live->total, 10);
  EXPECT_EQ(live->message, "第 3 行");
  release = true;
  runner.Wait(job->id);
  auto done = runner.Get(job->id);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->state, "done");
  EXPECT_EQ(done->done, 10);
  EXPECT_EQ(done->result, R"({"rows":10})");
  EXPECT_EQ(done->created_by, 7);
  // Another instance on the same database reads the same row.
  jobs::JobRunner other(*db_, clock_);
  auto seen = other.Get(job->id);
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->state, "done");
  EXPECT_EQ(seen->result, done->result);
}

TEST_F(JobsTest, FailuresKeepTheirMessageButNeverInternalText) {
  jobs::JobRunner runner(*db_, clock_);
  auto bad = runner.Start({.kind = "test", .title = "a"},
                          [](jobs::Progress&) -> Result<std::string> { return Invalid("第 3 行：警号为空"); });
  auto boom = runner.Start({.kind = "test", .title = "b"}, [](jobs::Progress&) -> Result<std::string> {
    throw std::runtime_error("UNIQUE constraint failed: secret.table");
  });
  ASSERT_TRUE(bad && boom);
  runner.WaitAll();
  auto b = runner.Get(bad->id);
  EXPECT_EQ(b->state, "failed");
  EXPECT_EQ(b->message, "第 3 行：警号为空");
  auto x = runner.Get(boom->id);
  EXPECT_EQ(x->state, "failed");
  EXPECT_EQ(x->message.find("UNIQUE"), std::string::npos) << x->message;
  EXPECT_NE(x->message.find("任务编号"), std::string::npos);
}

TEST_F(JobsTest, ExclusiveKindsRunOneAtATime) {
  jobs::JobRunner runner(*db_, clock_);
  std::atomic<bool> release{false};
  auto work = [&](jobs::Progress&) -> Result<std::string> {
    while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return std::string();
  };
  auto first = runner.Start({.kind = "reevaluate", .title = "一", .exclusive = true}, work);
  ASSERT_TRUE(first);
  auto second = runner.Start({.kind = "reevaluate", .title = "二", .exclusive = true}, work);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().MachineCode(), "job_running");
  release = true;
  runner.WaitAll();
  EXPECT_TRUE(runner.Start({.kind = "reevaluate", .title = "三", .exclusive = true}, work));
  runner.WaitAll();
}

TEST_F(JobsTest, AJobOfAStoppedProcessIsMarkedInterrupted) {
  // A row as a crashed process leaves it: running, its heartbeat two minutes old.
  db_->Write([&](soci::session& sql) -> Result<void> {
    db::SqlArgs a;
    db::Exec(sql,
             fmt::format("INSERT INTO jobs (kind, title, state, instance, created_at, heartbeat_at, done, total) "
                         "VALUES ('case_import', '导入', 'running', 'gone:1:0', {0}, {0}, 40, 100)",
                         a.Int(clock_.Now() - 120)),
             a);
    return {};
  });
  jobs::JobRunner runner(*db_, clock_);
  auto recovered = runner.RecoverInterrupted();
  ASSERT_TRUE(recovered);
  EXPECT_EQ(*recovered, 1);
  auto list = runner.Recent("case_import");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].state, "interrupted");
  EXPECT_EQ((*list)[0].done, 40);
  EXPECT_NE((*list)[0].message.find("中断"), std::string::npos);
  // A second recovery finds nothing more.
  EXPECT_EQ(*runner.RecoverInterrupted(), 0);
}

TEST(WorkerPoolTest, EveryWorkerRunsAndTheFirstExceptionIsRethrown) {
  std::atomic<int> ran{0};
  jobs::RunWorkers(3, [&](int) { ran++; });
  EXPECT_EQ(ran, 3);
  std::atomic<bool> stop{false};
  EXPECT_THROW(jobs::RunWorkers(
                   2,
                   [&](int w) {
                     if (w == 1) throw std::runtime_error("x");
                   },
                   &stop),
               std::runtime_error);
  EXPECT_TRUE(stop);
}

}  // namespace
}  // namespace fazhi
