// The background re-evaluation (a rule or calendar activation, or an administrator by hand) as a job
// of the shared runner (src/jobs): kind `reevaluate`, exclusive across instances, its progress in
// the jobs table. An activation during a run queues one more run of the open cases, started by the
// running job as it ends.
#include <spdlog/spdlog.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "core/json_fields.h"
#include "oversight/oversight_service.h"

namespace fazhi::oversight {

namespace {

constexpr const char* kJobKind = "reevaluate";

}  // namespace

OversightService::~OversightService() { WaitForReevaluation(); }

Result<jobs::Job> OversightService::StartJob(const std::string& reason, bool open_only, std::optional<std::int64_t> by,
                                             bool exclusive) {
  return jobs_.Start({.kind = kJobKind, .title = reason, .created_by = by, .exclusive = exclusive},
                     [this, open_only](jobs::Progress& p) { return RunReevaluation(p, open_only); });
}

Result<std::string> OversightService::RunReevaluation(jobs::Progress& progress, bool open_only) {
  ReevaluateOptions o;
  o.open_only = open_only;
  o.threads = 1;  // the job shares the cores with the requests being served
  o.progress = [&progress](std::int64_t done, std::int64_t total) { progress.Set(done, total); };
  std::optional<Result<ReevaluateReport>> r;
  try {
    r = ReevaluateAll(o);
  } catch (const std::exception& e) {
    spdlog::error("re-evaluation failed: {}", e.what());
    r = Internal("重新评估出错");  // the cause is in the log line above; people see a generic failure
  }
  {
    // The run queued meanwhile starts now, before this job's row is final (so not exclusive: this
    // instance holds the slot).
    std::lock_guard lock(job_mu_);
    if (queued_.empty()) {
      job_active_ = false;
    } else {
      const std::string next = std::move(queued_);
      queued_.clear();
      auto job = StartJob(next, true, std::nullopt, false);
      if (job) {
        current_job_ = job->id;
        job_meta_[job->id] = {next, true};
      } else {
        spdlog::error("queued re-evaluation ({}) not started: {}", next, job.error().message);
        job_active_ = false;
      }
    }
  }
  if (!*r) return std::unexpected(r->error());
  const ReevaluateReport& rep = **r;
  progress.Set(rep.cases, rep.cases);
  spdlog::info("re-evaluation done: {} cases, {} written, {} refused", rep.cases, rep.cases_written, rep.cases_failed);
  return Merged(FZ_JSON(rep, cases, cases_written, cases_failed, notifications), {{"open_only", open_only}}).dump();
}

Result<ReevaluationJob> OversightService::StartReevaluation(const audit::Actor& actor, bool open_only,
                                                            const std::string& reason, bool queue) {
  std::int64_t previous = 0;
  bool busy = false, queued = false;
  {
    std::lock_guard lock(job_mu_);
    if (job_active_ && queue) {
      queued_ = reason;  // the open cases again, after the current run
      queued = true;
    } else if (job_active_) {
      busy = true;
    } else {
      job_active_ = true;  // reserved: a concurrent call queues behind this one
      previous = current_job_;
    }
  }
  if (busy) {
    const ReevaluationJob now = GetReevaluation();
    return Conflict(fmt::format("重新评估正在进行（{}，已完成 {}/{} 件），请等待完成后再启动", now.reason,
                                now.cases_done, now.cases_total),
                    "reevaluation_running");
  }
  try {
    db_.Write([&](soci::session& sql) -> Result<void> {
      audit::Append(sql, clock_, actor,
                    {"oversight.reevaluate",
                     "cases",
                     "",
                     fmt::format("重新评估{}案件：{}", open_only ? "未结" : "全部", reason),
                     {{"open_only", open_only}, {"reason", reason}}});
      return {};
    });
  } catch (...) {
    std::lock_guard lock(job_mu_);
    if (!queued) job_active_ = false;  // give the reservation back
    throw;
  }
  if (queued) return GetReevaluation();
  // The previous job of this instance has done its work; let its row become final first.
  if (previous) jobs_.Wait(previous);
  auto job = StartJob(reason, open_only, actor.user_id, true);
  {
    std::lock_guard lock(job_mu_);
    if (!job) {
      job_active_ = false;
      if (job.error().reason == "job_running")
        return Conflict("重新评估正在其他实例上进行，请等待完成后再启动", "reevaluation_running");
      return std::unexpected(job.error());
    }
    current_job_ = job->id;
    job_meta_[job->id] = {reason, open_only};
  }
  return GetReevaluation();
}

ReevaluationJob OversightService::GetReevaluation() const {
  ReevaluationJob out;
  auto recent = jobs_.Recent(kJobKind, 1);
  if (!recent || recent->empty()) return out;
  const jobs::Job& j = recent->front();
  out.reason = j.title;
  out.state = j.Finished() ? (j.state == "done" ? "done" : "failed") : "running";
  out.cases_done = j.done;
  out.cases_total = j.total;
  out.started_at = j.started_at.value_or(j.created_at);
  out.finished_at = j.finished_at.value_or(0);
  if (out.state == "failed") out.error = j.message;
  const auto result = nlohmann::json::parse(j.result.empty() ? "{}" : j.result, nullptr, false);
  if (result.is_object()) {
    out.open_only = result.value("open_only", true);
    out.cases_written = result.value("cases_written", std::int64_t{0});
    out.cases_failed = result.value("cases_failed", std::int64_t{0});
  }
  std::lock_guard lock(job_mu_);
  if (auto it = job_meta_.find(j.id); it != job_meta_.end()) {
    out.reason = it->second.reason;
    out.open_only = it->second.open_only;
  }
  if (j.id == current_job_ && out.state == "running") out.queued = queued_;
  return out;
}

void OversightService::WaitForReevaluation() {
  for (;;) {
    std::int64_t id = 0;
    {
      std::lock_guard lock(job_mu_);
      id = current_job_;
    }
    if (id == 0) return;
    jobs_.Wait(id);
    std::lock_guard lock(job_mu_);
    if (current_job_ == id && !job_active_) return;
  }
}

}  // namespace fazhi::oversight
