#include "jobs/job_runner.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <random>

#include <fmt/format.h>

#include "db/sql.h"

namespace fazhi::jobs {

namespace {

constexpr auto kHeartbeatPeriod = std::chrono::seconds(5);

std::string NewInstanceId() {
  std::random_device rd;
  char host[64] = {};
  gethostname(host, sizeof host - 1);
  return fmt::format("{}:{}:{:08x}", host, getpid(), rd());
}

const char* kJobColumns =
    "id, bureau_id, kind, title, state, done, total, message, result, instance, created_by, created_at, started_at, "
    "finished_at";

Job ReadJob(const db::Row& r) {
  Job j;
  FZ_READ(r, j, id, bureau_id, kind, title, state, done, total, message, result, instance, created_by, created_at,
          started_at, finished_at);
  return j;
}

}  // namespace

void Progress::Set(std::int64_t done, std::int64_t total, std::string message) {
  done_.store(done, std::memory_order_relaxed);
  total_.store(total, std::memory_order_relaxed);
  if (!message.empty()) SetMessage(std::move(message));
}

void Progress::SetMessage(std::string message) {
  std::lock_guard lock(mu_);
  message_ = std::move(message);
}

std::string Progress::message() const {
  std::lock_guard lock(mu_);
  return message_;
}

struct JobRunner::Running {
  Job job;  // guarded by JobRunner::mu_ (state, message, result, times)
  Work work;
  Progress progress;
  std::thread thread;
  bool finished = false;
};

JobRunner::JobRunner(db::Database& db, const Clock& clock) : db_(db), clock_(clock), instance_(NewInstanceId()) {
  heartbeat_ = std::thread([this] { HeartbeatLoop(); });
}

JobRunner::~JobRunner() {
  WaitAll();
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (heartbeat_.joinable()) heartbeat_.join();
}

Result<int> JobRunner::RecoverInterrupted() {
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<int> {
    db::SqlArgs a;
    const auto n = db::Exec(sql,
                            fmt::format("UPDATE jobs SET state = 'interrupted', finished_at = {}, message = {} "
                                        "WHERE state IN ('queued', 'running') AND heartbeat_at < {} AND instance <> {}",
                                        a.Int(now), a.Str("服务重启或中断，任务未完成，请重新发起"),
                                        a.Int(now - kStaleSeconds), a.Str(instance_)),
                            a);
    if (n > 0) spdlog::warn("{} background job(s) of a stopped process marked interrupted", n);
    return static_cast<int>(n);
  });
}

Result<Job> JobRunner::Start(const JobSpec& spec, Work work) {
  auto r = std::make_shared<Running>();
  r->work = std::move(work);
  const EpochSeconds now = clock_.Now();
  auto stored = db_.Write([&](soci::session& sql) -> Result<Job> {
    if (spec.exclusive) {
      db::SqlArgs a;
      const auto busy = db::Count(
          sql,
          fmt::format(
              "SELECT COUNT(*) FROM jobs WHERE kind = {} AND state IN ('queued', 'running') AND heartbeat_at >= {}",
              a.Str(spec.kind), a.Int(now - kStaleSeconds)),
          a);
      if (busy > 0) return Conflict("同类任务正在进行，请等它完成后再试", "job_running");
    }
    Job j;
    db::Values v;
    FZ_VALUES(v, spec, bureau_id, kind, title, created_by);
    v.Sql("state", "'queued'").Str("instance", instance_).Int("created_at", now).Int("heartbeat_at", now);
    j.id = db::InsertRow(sql, "jobs", v);
    j.bureau_id = spec.bureau_id;
    j.kind = spec.kind;
    j.title = spec.title;
    j.state = "queued";
    j.instance = instance_;
    j.created_by = spec.created_by;
    j.created_at = now;
    return j;
  });
  if (!stored) return stored;
  r->job = *stored;
  {
    std::lock_guard lock(mu_);
    // Reap the threads of jobs that have finished.
    for (auto it = running_.begin(); it != running_.end();) {
      if (it->second->finished) {
        if (it->second->thread.joinable()) it->second->thread.join();
        it = running_.erase(it);
      } else {
        ++it;
      }
    }
    running_[r->job.id] = r;
    r->thread = std::thread([this, r] { Run(r); });
  }
  return *stored;
}

void JobRunner::Run(std::shared_ptr<Running> r) {
  {
    std::lock_guard lock(mu_);
    r->job.state = "running";
    r->job.started_at = clock_.Now();
  }
  Flush(*r, false);
  Result<std::string> out = Internal("任务未执行");
  try {
    out = r->work(r->progress);
  } catch (const std::exception& e) {
    out = Internal(e.what());
  }
  {
    std::lock_guard lock(mu_);
    r->job.finished_at = clock_.Now();
    if (out) {
      r->job.state = "done";
      r->job.result = *out;
    } else {
      r->job.state = "failed";
      if (out.error().code == ErrorCode::kInternal) {
        spdlog::error("job {} ({}) failed: {}", r->job.id, r->job.kind, out.error().message);
        r->job.message = "任务执行出错，详情见服务日志（任务编号 " + std::to_string(r->job.id) + "）";
      } else {
        r->job.message = out.error().message;
      }
    }
  }
  Flush(*r, true);
  {
    std::lock_guard lock(mu_);
    r->finished = true;
  }
  changed_.notify_all();
}

// Writes the job's state and progress to its row. Failures are logged: the next flush retries, and
// the final one is retried a few times so that a finished job never stays 'running' in the table.
void JobRunner::Flush(const Running& r, bool final) {
  Job j;
  {
    std::lock_guard lock(mu_);
    j = r.job;
  }
  j.done = r.progress.done();
  j.total = r.progress.total();
  if (j.state == "running" || (j.state == "done" && j.message.empty())) j.message = r.progress.message();
  for (int attempt = 0; attempt < (final ? 5 : 1); ++attempt) {
    try {
      db_.Write([&](soci::session& sql) -> Result<void> {
        db::SqlArgs a;
        db::Exec(sql,
                 fmt::format("UPDATE jobs SET state = {}, done = {}, total = {}, message = {}, result = {}, "
                             "started_at = {}, finished_at = {}, heartbeat_at = {} WHERE id = {}{}",
                             a.Str(j.state), a.Int(j.done), a.Int(j.total), a.Str(j.message), a.Str(j.result),
                             a.OptInt(j.started_at), a.OptInt(j.finished_at), a.Int(clock_.Now()), a.Int(j.id),
                             // A progress or heartbeat write copied before the job ended may reach the
                             // database after the final one: it must not turn a finished job back to
                             // 'running' (seen on PostgreSQL in jobs_test).
                             final ? "" : " AND finished_at IS NULL"),
                 a);
        return {};
      });
      return;
    } catch (const std::exception& e) {
      spdlog::warn("job {}: progress not stored ({})", j.id, e.what());
      if (final) std::this_thread::sleep_for(std::chrono::milliseconds(200 << attempt));
    }
  }
}

void JobRunner::HeartbeatLoop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    changed_.wait_for(lock, kHeartbeatPeriod);
    if (stopping_) break;
    std::vector<std::shared_ptr<Running>> live;
    for (auto& [id, r] : running_)
      if (!r->finished && r->job.state == "running") live.push_back(r);
    lock.unlock();
    for (auto& r : live) Flush(*r, false);
    lock.lock();
  }
}

Result<Job> JobRunner::Get(std::int64_t id) const {
  {
    std::lock_guard lock(mu_);
    if (auto it = running_.find(id); it != running_.end() && !it->second->finished) {
      Job j = it->second->job;
      j.done = it->second->progress.done();
      j.total = it->second->progress.total();
      if (j.state == "running") j.message = it->second->progress.message();
      return j;
    }
  }
  return db_.Read([&](soci::session& sql) -> Result<Job> {
    std::optional<Job> j;
    db::SqlArgs a;
    db::First(sql, fmt::format("SELECT {} FROM jobs WHERE id = {}", kJobColumns, a.Int(id)), a,
              [&](const db::Row& r) { j = ReadJob(r); });
    if (!j) return NotFound("任务不存在");
    return *j;
  });
}

Result<std::vector<Job>> JobRunner::Recent(std::string_view kind, int limit) const {
  auto rows = db_.Read([&](soci::session& sql) -> Result<std::vector<Job>> {
    std::vector<Job> out;
    db::SqlArgs a;
    const std::string where = kind.empty() ? "" : fmt::format(" WHERE kind = {}", a.Str(std::string(kind)));
    db::Each(sql, fmt::format("SELECT {} FROM jobs{} ORDER BY id DESC LIMIT {}", kJobColumns, where, a.Int(limit)), a,
             [&](const db::Row& r) { out.push_back(ReadJob(r)); });
    return out;
  });
  if (!rows) return rows;
  // This instance's running jobs with their live progress.
  std::lock_guard lock(mu_);
  for (auto& j : *rows)
    if (auto it = running_.find(j.id); it != running_.end() && !it->second->finished) {
      j = it->second->job;
      j.done = it->second->progress.done();
      j.total = it->second->progress.total();
      if (j.state == "running") j.message = it->second->progress.message();
    }
  return rows;
}

void JobRunner::Wait(std::int64_t id) {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [&] {
    auto it = running_.find(id);
    return it == running_.end() || it->second->finished;
  });
}

void JobRunner::WaitAll() {
  std::vector<std::shared_ptr<Running>> all;
  {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] {
      for (auto& [id, r] : running_)
        if (!r->finished) return false;
      return true;
    });
    for (auto& [id, r] : running_) all.push_back(r);
    running_.clear();
  }
  for (auto& r : all)
    if (r->thread.joinable()) r->thread.join();
}

int JobRunner::Active() const {
  std::lock_guard lock(mu_);
  int n = 0;
  for (const auto& [id, r] : running_) n += r->finished ? 0 : 1;
  return n;
}

}  // namespace fazhi::jobs
