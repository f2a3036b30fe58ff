// Background jobs (后台任务): long work started by a request (a case import, a re-evaluation after a
// rule change) runs on its own thread while the page polls its progress. Every job is a row of the
// `jobs` table, so any instance behind the load balancer can report it, and a job whose process
// stopped (crash, restart, deploy) is marked 已中断 (interrupted) instead of running forever.
//
//   auto job = runner.Start({.kind = "case_import", .title = "导入案件 cases.xlsx", .created_by = uid},
//                           [&](jobs::Progress& p) -> Result<std::string> {
//                             p.Set(0, rows.size(), "正在导入");
//                             …  p.Add(1);  …
//                             return R"({"rows":120})";   // result JSON, kept with the job
//                           });
//
// Thread safety: one JobRunner per App, shared by all request threads. Progress objects are used by
// their job's thread only.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "db/database.h"

namespace fazhi::jobs {

struct Job {
  std::int64_t id = 0;
  std::optional<std::int64_t> bureau_id;
  std::string kind;
  std::string title;  // 中文
  std::string state;  // queued, running, done, failed, interrupted
  std::int64_t done = 0, total = 0;
  std::string message;  // 中文 progress line, or what went wrong
  std::string result;   // JSON text the work returned (done) — empty otherwise
  std::string instance;
  std::optional<std::int64_t> created_by;  // users.id
  EpochSeconds created_at = 0;
  std::optional<EpochSeconds> started_at, finished_at;

  bool Finished() const { return state == "done" || state == "failed" || state == "interrupted"; }
};

// What the work reports while it runs. Cheap to call per row.
class Progress {
 public:
  void Set(std::int64_t done, std::int64_t total, std::string message = {});
  void Add(std::int64_t n = 1) { done_.fetch_add(n, std::memory_order_relaxed); }
  void SetTotal(std::int64_t total) { total_.store(total, std::memory_order_relaxed); }
  void SetMessage(std::string message);
  std::int64_t done() const { return done_.load(std::memory_order_relaxed); }
  std::int64_t total() const { return total_.load(std::memory_order_relaxed); }
  std::string message() const;

 private:
  std::atomic<std::int64_t> done_{0}, total_{0};
  mutable std::mutex mu_;
  std::string message_;
};

struct JobSpec {
  std::string kind;
  std::string title;  // 中文, shown on the progress bar
  std::optional<std::int64_t> bureau_id;
  std::optional<std::int64_t> created_by;
  // Conflict (reason job_running) when a job of this kind is queued or running on any instance.
  bool exclusive = false;
};

// The work of a job: returns the result JSON text (may be empty) or an error, whose message is
// shown to people (an Internal error is logged and shown as a generic failure).
using Work = std::function<Result<std::string>(Progress&)>;

class JobRunner {
 public:
  // A job whose heartbeat is older than this belongs to a process that stopped.
  static constexpr EpochSeconds kStaleSeconds = 60;

  // `db` and `clock` must outlive the runner.
  JobRunner(db::Database& db, const Clock& clock);
  // Waits for the jobs of this instance to finish.
  ~JobRunner();
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // Marks the jobs of stopped processes (queued or running, heartbeat older than kStaleSeconds) as
  // interrupted. Returns how many. Called when an App starts.
  Result<int> RecoverInterrupted();

  // Stores the job (queued) and runs `work` on a new thread. Errors: Conflict for an exclusive kind
  // already running; Internal (database).
  Result<Job> Start(const JobSpec& spec, Work work);

  // A job by id (this instance's running jobs with their live progress). NotFound when absent.
  Result<Job> Get(std::int64_t id) const;
  // The newest jobs of a kind (all kinds when empty), newest first.
  Result<std::vector<Job>> Recent(std::string_view kind, int limit = 20) const;

  // Blocks until the job (run by this instance) has finished; returns at once for others.
  void Wait(std::int64_t id);
  void WaitAll();
  // Jobs of this instance that have not finished.
  int Active() const;
  // This process's id in jobs.instance.
  const std::string& instance() const { return instance_; }

 private:
  struct Running;
  void Run(std::shared_ptr<Running> r);
  void Flush(const Running& r, bool final);
  void HeartbeatLoop();

  db::Database& db_;
  const Clock& clock_;
  std::string instance_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::int64_t, std::shared_ptr<Running>> running_;
  std::vector<std::thread> threads_;
  bool stopping_ = false;
  std::thread heartbeat_;
};

}  // namespace fazhi::jobs
