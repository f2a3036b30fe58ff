// Full re-evaluation of stored cases (after a rule or calendar change, a restore, an import of old
// history): the bulk path beside OnCaseChanged. Cases are read by ranges of ids — the case rows,
// then their persons and events through cases::LoadStoredRows, then their stored clocks — so a
// million cases cost a few thousand range queries instead of millions of point lookups, and only
// the cases whose clocks change are written.
#include <spdlog/spdlog.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "audit/audit_log.h"
#include "oversight/internal.h"
#include "oversight/oversight_service.h"
#include "supervision/engine.h"

namespace fazhi::oversight {

namespace {

double ThreadCpu() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

struct Chunk {
  std::vector<detail::CaseRow> rows;
  std::vector<std::int64_t> updated_at;
  std::vector<cases::StoredTimeline> timelines;
};

// Reads cases with ids in [lo, hi] and everything their evaluation needs.
Chunk ReadChunk(soci::session& sql, std::int64_t lo, std::int64_t hi, bool open_only) {
  Chunk ch;
  long long first = lo, last = hi;
  {
    // Only what evaluation and the comparison need; the columns the write path uses (unit path,
    // officers, title, number) are loaded for the few cases that change.
    constexpr std::size_t kBatch = 1000;
    std::vector<long long> id(kBatch), serious(kBatch), fast(kBatch), next_due(kBatch), updated(kBatch), digest(kBatch);
    std::vector<soci::indicator> due_ind(kBatch), digest_ind(kBatch);
    std::vector<std::string> type(kBatch), alert(kBatch);
    const std::string q = std::string(
                              "SELECT id, case_type, serious, fast_track, alert_state, next_due_at, updated_at, "
                              "clock_digest FROM cases WHERE id >= :f AND id <= :l") +
                          (open_only ? " AND closed_at IS NULL" : "") + " ORDER BY id";
    soci::statement st = (sql.prepare << q, soci::into(id), soci::into(type), soci::into(serious), soci::into(fast),
                          soci::into(alert), soci::into(next_due, due_ind), soci::into(updated),
                          soci::into(digest, digest_ind), soci::use(first, "f"), soci::use(last, "l"));
    st.execute();
    while (st.fetch()) {
      for (std::size_t i = 0; i < id.size(); ++i) {
        detail::CaseRow c;
        c.id = id[i];
        c.case_type = std::move(type[i]);
        c.serious = serious[i] != 0;
        c.fast_track = fast[i] != 0;
        c.alert_state = std::move(alert[i]);
        if (due_ind[i] == soci::i_ok) c.next_due_at = next_due[i];
        if (digest_ind[i] == soci::i_ok) c.clock_digest = digest[i];
        ch.timelines.push_back(detail::StoredHead(c));
        ch.rows.push_back(std::move(c));
        ch.updated_at.push_back(updated[i]);
      }
      for (auto* v : {&id, &serious, &fast, &next_due, &updated, &digest}) v->resize(kBatch);
      for (auto* v : {&due_ind, &digest_ind}) v->resize(kBatch);
      for (auto* v : {&type, &alert}) v->resize(kBatch);
    }
  }
  if (!ch.rows.empty()) cases::LoadStoredRows(sql, ch.timelines);
  return ch;
}

}  // namespace

Result<ReevaluateReport> OversightService::ReevaluateAll(const ReevaluateOptions& options) {
  const auto rules = Rules();
  const EpochSeconds now = clock_.Now();
  ReevaluateReport report;
  report.catalog_version = rules->catalog_version;
  report.calendar_version = rules->calendar_version;

  long long min_id = 0, max_id = 0, total = 0;
  try {
    db_.Read([&](soci::session& sql) {
      soci::indicator i1 = soci::i_null, i2 = soci::i_null;
      sql << std::string("SELECT MIN(id), MAX(id), COUNT(*) FROM cases") +
                 (options.open_only ? " WHERE closed_at IS NULL" : ""),
          soci::into(min_id, i1), soci::into(max_id, i2), soci::into(total);
      if (i1 != soci::i_ok || i2 != soci::i_ok) total = 0;
      return 0;
    });
  } catch (const std::exception& e) {
    return Internal(std::string("读取案件范围失败：") + e.what());
  }
  if (total == 0) return report;

  const std::int64_t chunk = std::max<std::int64_t>(1, options.chunk_cases);
  int threads = options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::clamp(threads, 1, 16);

  std::atomic<std::int64_t> next{min_id};
  std::atomic<bool> stop{false};
  std::mutex mu;  // guards report, error and the progress callback
  std::optional<Error> error;
  std::int64_t done = 0;
  // SQLite: while the workers keep reading, the WAL is never reset by the automatic (passive)
  // checkpoints and grows with every write (to gigabytes on a first evaluation of a large database).
  // After every ~20,000 written cases one worker truncates it; readers start new statements all the
  // time, so the checkpoint's wait for them is short.
  const bool sqlite = db_.backend() == db::Backend::kSqlite;
  std::atomic<std::int64_t> written_since_checkpoint{0};

  auto worker = [&] {
    ReevaluateReport mine;
    EvalStats stats;
    std::vector<supervision::RuleResult> results;
    try {
      for (;;) {
        if (stop.load()) break;
        const std::int64_t lo = next.fetch_add(chunk);
        if (lo > max_id) break;
        const std::int64_t hi = std::min<std::int64_t>(lo + chunk - 1, max_id);
        double t0 = ThreadCpu();
        Chunk ch = db_.Read([&](soci::session& sql) { return ReadChunk(sql, lo, hi, options.open_only); });
        double t1 = ThreadCpu();
        mine.read_cpu += t1 - t0;

        // Cases whose fresh evaluation differs from the case row (state, next change, clock
        // fingerprint): only these are planned against their stored clocks and written.
        struct Changed {
          std::size_t index;
          supervision::CaseTimeline timeline;
          std::vector<supervision::RuleResult> results;
        };
        std::vector<Changed> changed;
        for (std::size_t i = 0; i < ch.rows.size(); ++i) {
          const auto& c = ch.rows[i];
          ++mine.cases;
          mine.events += static_cast<std::int64_t>(ch.timelines[i].events.size());
          t0 = ThreadCpu();
          auto tl = detail::BuildTimeline(c, ch.timelines[i], rules->catalog);
          t1 = ThreadCpu();
          mine.build_cpu += t1 - t0;
          if (!tl) {
            ++mine.cases_failed;
            if (mine.failures.size() < 20) {
              // Name the case by its number, as the single-case path does.
              auto full = db_.Read([&](soci::session& sql) { return detail::LoadCase(sql, c.id); });
              auto named = full ? detail::BuildTimeline(*full, ch.timelines[i], rules->catalog) : tl;
              mine.failures.push_back(named ? tl.error().message : named.error().message);
            }
            continue;
          }
          supervision::Evaluate(*tl, now, rules->catalog, rules->calendar, results);
          t0 = ThreadCpu();
          mine.evaluate_cpu += t0 - t1;
          const detail::CaseSummary sum = detail::Summarise(results, *tl, *rules, now);
          for (const auto& r : results)
            if (r.rule && r.state != supervision::RuleState::kNotStarted &&
                r.state != supervision::RuleState::kNotApplicable)
              ++mine.clocks;
          if (sum.digest != c.clock_digest || sum.state != c.alert_state || sum.next_due != c.next_due_at)
            changed.push_back({i, *std::move(tl), results});
          mine.compare_cpu += ThreadCpu() - t0;
        }
        t0 = ThreadCpu();
        if (!changed.empty()) {
          auto ok = db_.Write([&](soci::session& sql) -> Result<void> {
            detail::ClockWriter writer(sql);
            for (const auto& ch_case : changed) {
              const auto& c = ch.rows[ch_case.index];
              long long id = c.id, updated = 0;
              sql << "SELECT updated_at FROM cases WHERE id = :id", soci::use(id), soci::into(updated);
              if (!sql.got_data()) continue;  // deleted meanwhile
              if (updated != ch.updated_at[ch_case.index]) {
                // Changed since it was read: evaluate it afresh under the write lock.
                if (auto r = Evaluate(sql, c.id, &stats); !r) {
                  ++mine.cases_failed;
                  if (mine.failures.size() < 20) mine.failures.push_back(r.error().message);
                }
              } else {
                auto full = detail::LoadCase(sql, c.id);
                if (!full) continue;
                detail::StoredClocks stored = detail::LoadStoredClocks(sql, c.id);
                const detail::CasePlan plan =
                    detail::PlanCase(*full, ch_case.timeline, ch_case.results, stored, *rules, now);
                ApplyPlan(sql, *full, plan, now, &stats, &writer);
              }
              ++mine.cases_written;
            }
            return {};
          });
          if (!ok) throw std::runtime_error(ok.error().message);
          if (sqlite && written_since_checkpoint.fetch_add(static_cast<std::int64_t>(changed.size())) +
                                static_cast<std::int64_t>(changed.size()) >=
                            20000) {
            written_since_checkpoint = 0;
            db_.Read([](soci::session& sql) {
              sql << "PRAGMA wal_checkpoint(TRUNCATE)";
              return 0;
            });
          }
        }
        mine.write_cpu += ThreadCpu() - t0;
        std::lock_guard lock(mu);
        done += static_cast<std::int64_t>(ch.rows.size());
        if (options.progress) options.progress(done, total);
      }
    } catch (const std::exception& e) {
      stop = true;
      std::lock_guard lock(mu);
      if (!error) error = Internal(std::string("重新评估失败：") + e.what()).error();
    }
    mine.notifications = stats.notifications;
    std::lock_guard lock(mu);
    report.cases += mine.cases;
    report.events += mine.events;
    report.clocks += mine.clocks;
    report.cases_written += mine.cases_written;
    report.cases_failed += mine.cases_failed;
    report.notifications += mine.notifications;
    report.read_cpu += mine.read_cpu;
    report.build_cpu += mine.build_cpu;
    report.evaluate_cpu += mine.evaluate_cpu;
    report.compare_cpu += mine.compare_cpu;
    report.write_cpu += mine.write_cpu;
    for (auto& f : mine.failures)
      if (report.failures.size() < 20) report.failures.push_back(std::move(f));
  };

  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  if (error) return std::unexpected(*error);
  if (report.cases_failed > 0)
    spdlog::warn("oversight re-evaluation: {} case(s) refused by the engine; first: {}", report.cases_failed,
                 report.failures.empty() ? "" : report.failures.front());
  return report;
}

// ---- the background job (rule activation, or an administrator) ----

OversightService::~OversightService() { WaitForReevaluation(); }

ReevaluationJob OversightService::GetReevaluation() const {
  std::lock_guard lock(job_mu_);
  return job_;
}

void OversightService::WaitForReevaluation() {
  std::thread t;
  {
    std::lock_guard lock(job_mu_);
    t = std::move(job_thread_);
  }
  if (t.joinable()) t.join();
}

Result<ReevaluationJob> OversightService::StartReevaluation(const audit::Actor& actor, bool open_only,
                                                             const std::string& reason, bool queue) {
  auto audit_start = [&] {
    return db_.Write([&](soci::session& sql) -> Result<bool> {
      audit::Append(sql, clock_, actor,
                    {"oversight.reevaluate", "cases", "",
                     fmt::format("重新评估{}案件：{}", open_only ? "未结" : "全部", reason),
                     {{"open_only", open_only}, {"reason", reason}}});
      return true;
    });
  };
  // The audit row is written outside job_mu_: the job's progress callback takes that lock between
  // its own write transactions.
  std::thread finished;
  std::optional<ReevaluationJob> queued;
  {
    std::lock_guard lock(job_mu_);
    if (job_.state == "running") {
      if (!queue)
        return Conflict(fmt::format("重新评估正在进行（{}，已完成 {}/{} 件），请等待完成后再启动", job_.reason,
                                    job_.cases_done, job_.cases_total),
                        "reevaluation_running");
      job_.queued = reason;  // the open cases again, after the current run
      queued = job_;
    } else {
      finished = std::move(job_thread_);  // a previous run that has ended
    }
  }
  if (auto logged = audit_start(); !logged) return std::unexpected(logged.error());
  if (queued) return *queued;
  if (finished.joinable()) finished.join();
  std::lock_guard lock(job_mu_);
  if (job_.state == "running") {  // a concurrent call started one meanwhile
    if (!queue) return Conflict("重新评估刚刚已由他人启动，请等待完成", "reevaluation_running");
    job_.queued = reason;
    return job_;
  }
  // A thread that set its final state under this lock has nothing left to do but return.
  if (job_thread_.joinable()) job_thread_.join();
  job_ = ReevaluationJob{};
  job_.state = "running";
  job_.reason = reason;
  job_.open_only = open_only;
  job_.started_at = clock_.Now();
  job_thread_ = std::thread([this] {
    for (;;) {
      ReevaluateOptions o;
      {
        std::lock_guard lock(job_mu_);
        o.open_only = job_.open_only;
      }
      o.threads = 1;  // the job shares the cores with the requests being served
      o.progress = [this](std::int64_t done, std::int64_t total) {
        std::lock_guard lock(job_mu_);
        job_.cases_done = done;
        job_.cases_total = total;
      };
      Result<ReevaluateReport> r = Internal("重新评估未完成");
      try {
        r = ReevaluateAll(o);
      } catch (const std::exception& e) {
        r = Internal(std::string("重新评估失败：") + e.what());
      }
      std::lock_guard lock(job_mu_);
      job_.finished_at = clock_.Now();
      if (r) {
        job_.state = "done";
        job_.cases_done = job_.cases_total = r->cases;
        job_.cases_written = r->cases_written;
        job_.cases_failed = r->cases_failed;
        spdlog::info("re-evaluation done ({}): {} cases, {} written, {} refused", job_.reason, r->cases,
                     r->cases_written, r->cases_failed);
      } else {
        job_.state = "failed";
        job_.error = r.error().message;
        spdlog::error("re-evaluation failed ({}): {}", job_.reason, r.error().message);
      }
      if (job_.queued.empty()) return;
      const std::string next = std::move(job_.queued);
      job_ = ReevaluationJob{};
      job_.state = "running";
      job_.reason = next;
      job_.open_only = true;
      job_.started_at = clock_.Now();
    }
  });
  return job_;
}

}  // namespace fazhi::oversight
