// Full re-evaluation of stored cases (after a rule or calendar change, a restore, an import of old
// history): the bulk path beside OnCaseChanged. Cases are read by ranges of ids — the case rows,
// then their persons and events through cases::LoadStoredRows, then their stored clocks — so a
// million cases cost a few thousand range queries instead of millions of point lookups, and only
// the cases whose clocks change are written.
#include <spdlog/spdlog.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "db/backend.h"
#include "jobs/worker_pool.h"
#include "oversight/internal.h"
#include "oversight/oversight_service.h"
#include "supervision/engine.h"

namespace fazhi::oversight {

namespace detail {

// The cases of one range of ids, as read, and those whose evaluation differs from their row.
struct Chunk {
  struct Changed {
    std::size_t index;
    supervision::CaseTimeline timeline;
    std::vector<supervision::RuleResult> results;
  };
  std::vector<CaseRow> rows;
  std::vector<std::int64_t> updated_at;
  std::vector<cases::StoredTimeline> timelines;
  std::vector<Changed> changed;
};

// What the workers of one ReevaluateAll share.
struct ReevaluationRun {
  const ReevaluateOptions& options;
  const RuleSet& rules;
  EpochSeconds now;
  std::int64_t chunk, max_id, total;
  std::atomic<std::int64_t> next;
  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> written_since_truncate{0};
  std::mutex mu;  // guards done and the progress callback
  std::int64_t done = 0;

  void ChunkDone(std::int64_t cases) {
    std::lock_guard lock(mu);
    done += cases;
    if (options.progress) options.progress(done, total);
  }
};

}  // namespace detail

namespace {

double ThreadCpu() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Reads cases with ids in [lo, hi] and everything their evaluation needs: only the columns
// evaluation and the comparison need; those the write path uses (unit path, officers, title,
// number) are loaded for the few cases that change.
detail::Chunk ReadChunk(soci::session& sql, std::int64_t lo, std::int64_t hi, bool open_only) {
  detail::Chunk ch;
  db::SqlArgs a;
  const std::string q = fmt::format(
      "SELECT id, case_type, serious, fast_track, many_people, alert_state, next_due_at, nearest_due_at, updated_at, "
      "clock_digest "
      "FROM cases WHERE id >= {} AND id <= {}{} ORDER BY id",
      a.Int(lo), a.Int(hi), open_only ? " AND closed_at IS NULL" : "");
  struct Columns {
    int id, type, serious, fast, many, alert, due, nearest, updated, digest;
  };
  std::optional<Columns> col;  // resolved at the first row: thousands of rows per chunk
  db::Each(sql, q, a, [&](const db::Row& r) {
    if (!col)
      col =
          Columns{r.Column("id"),          r.Column("case_type"),   r.Column("serious"),     r.Column("fast_track"),
                  r.Column("many_people"), r.Column("alert_state"), r.Column("next_due_at"), r.Column("nearest_due_at"),
                  r.Column("updated_at"),  r.Column("clock_digest")};
    detail::CaseRow c;
    c.id = r.IntAt(col->id);
    c.case_type = std::string(r.TextAt(col->type));
    c.serious = r.IntAt(col->serious) != 0;
    c.fast_track = r.IntAt(col->fast) != 0;
    c.many_people = r.IntAt(col->many) != 0;
    c.alert_state = std::string(r.TextAt(col->alert));
    if (!r.NullAt(col->due)) c.next_due_at = r.IntAt(col->due);
    if (!r.NullAt(col->nearest)) c.nearest_due_at = r.IntAt(col->nearest);
    if (!r.NullAt(col->digest)) c.clock_digest = r.IntAt(col->digest);
    ch.timelines.push_back(detail::StoredHead(c));
    ch.updated_at.push_back(r.IntAt(col->updated));
    ch.rows.push_back(std::move(c));
  });
  if (!ch.rows.empty()) cases::LoadStoredRows(sql, ch.timelines);
  return ch;
}

// Evaluates every case of the chunk and keeps those whose result differs from their row (state,
// next change, clock fingerprint): only these are planned against their stored clocks and written.
void EvaluateChunk(db::Database& db, const RuleSet& rules, EpochSeconds now, detail::Chunk& ch,
                   ReevaluateReport& mine) {
  std::vector<supervision::RuleResult> results;
  for (std::size_t i = 0; i < ch.rows.size(); ++i) {
    const auto& c = ch.rows[i];
    ++mine.cases;
    mine.events += static_cast<std::int64_t>(ch.timelines[i].events.size());
    double t0 = ThreadCpu();
    auto tl = detail::BuildTimeline(c, ch.timelines[i], rules.catalog);
    double t1 = ThreadCpu();
    mine.build_cpu += t1 - t0;
    if (!tl) {
      ++mine.cases_failed;
      if (mine.failures.size() < 20) {
        // Name the case by its number, as the single-case path does.
        auto full = db.Read([&](soci::session& sql) { return detail::LoadCase(sql, c.id); });
        auto named = full ? detail::BuildTimeline(*full, ch.timelines[i], rules.catalog) : tl;
        mine.failures.push_back(named ? tl.error().message : named.error().message);
      }
      continue;
    }
    supervision::Evaluate(*tl, now, rules.catalog, rules.calendar, results);
    t0 = ThreadCpu();
    mine.evaluate_cpu += t0 - t1;
    const detail::CaseSummary sum = detail::Summarise(results, *tl, rules, now);
    for (const auto& r : results)
      if (r.rule && r.state != supervision::RuleState::kNotStarted && r.state != supervision::RuleState::kNotApplicable)
        ++mine.clocks;
    if (detail::SummaryDiffers(sum, c)) ch.changed.push_back({i, *std::move(tl), results});
    mine.compare_cpu += ThreadCpu() - t0;
  }
}

}  // namespace

void ReevaluateReport::Add(const ReevaluateReport& m) {
  cases += m.cases;
  events += m.events;
  clocks += m.clocks;
  cases_written += m.cases_written;
  cases_failed += m.cases_failed;
  notifications += m.notifications;
  read_cpu += m.read_cpu;
  build_cpu += m.build_cpu;
  evaluate_cpu += m.evaluate_cpu;
  compare_cpu += m.compare_cpu;
  write_cpu += m.write_cpu;
  for (const auto& f : m.failures)
    if (failures.size() < 20) failures.push_back(f);
}

Result<ReevaluateReport> OversightService::ReevaluateAll(const ReevaluateOptions& options) {
  const auto rules = Rules();
  ReevaluateReport report;
  report.catalog_version = rules->catalog_version;
  report.calendar_version = rules->calendar_version;
  std::int64_t min_id = 0, max_id = 0, total = 0;
  db_.Read([&](soci::session& sql) {
    db::First(sql,
              std::string("SELECT MIN(id) AS min_id, MAX(id) AS max_id, COUNT(*) AS n FROM cases") +
                  (options.open_only ? " WHERE closed_at IS NULL" : ""),
              {}, [&](const db::Row& r) {
                min_id = r.Int("min_id");
                max_id = r.Int("max_id");
                total = r.Int("n");
              });
    return 0;
  });
  if (total == 0) return report;

  detail::ReevaluationRun run{.options = options,
                              .rules = *rules,
                              .now = clock_.Now(),
                              .chunk = std::max<std::int64_t>(1, options.chunk_cases),
                              .max_id = max_id,
                              .total = total,
                              .next = min_id};
  const int threads = std::clamp(jobs::WorkerCount(options.threads), 1, 16);
  std::vector<ReevaluateReport> per_worker(static_cast<std::size_t>(threads));
  jobs::RunWorkers(
      threads, [&](int w) { ReevaluateChunks(run, per_worker[static_cast<std::size_t>(w)]); }, &run.stop);
  for (const auto& mine : per_worker) report.Add(mine);
  if (report.cases_failed > 0)
    spdlog::warn("oversight re-evaluation: {} case(s) refused by the engine; first: {}", report.cases_failed,
                 report.failures.empty() ? "" : report.failures.front());
  return report;
}

void OversightService::ReevaluateChunks(detail::ReevaluationRun& run, ReevaluateReport& mine) {
  EvalStats stats;
  while (!run.stop.load()) {
    const std::int64_t lo = run.next.fetch_add(run.chunk);
    if (lo > run.max_id) break;
    const std::int64_t hi = std::min<std::int64_t>(lo + run.chunk - 1, run.max_id);
    double t0 = ThreadCpu();
    detail::Chunk ch = db_.Read([&](soci::session& sql) { return ReadChunk(sql, lo, hi, run.options.open_only); });
    mine.read_cpu += ThreadCpu() - t0;
    EvaluateChunk(db_, run.rules, run.now, ch, mine);
    t0 = ThreadCpu();
    if (!ch.changed.empty()) {
      WriteChunk(run, ch, mine, stats);
      // SQLite: while the workers keep reading, the automatic (passive) checkpoints never reset the
      // write-ahead log, which grows with every write (to gigabytes on a first evaluation of a large
      // database). After every ~20,000 written cases one worker truncates it; readers start new
      // statements all the time, so the checkpoint's wait for them is short.
      const auto n = static_cast<std::int64_t>(ch.changed.size());
      if (run.written_since_truncate.fetch_add(n) + n >= 20000) {
        run.written_since_truncate = 0;
        db::TruncateLogIfSqlite(db_);
      }
    }
    // The 执法资格 of the chunk's officers: planned on a read, written only when something changes.
    const auto qual = db_.Read([&](soci::session& sql) { return detail::PlanQualificationsRange(sql, lo, hi); });
    if (qual.Writes())
      (void)db_.Write([&](soci::session& sql) -> Result<void> {
        detail::ApplyQualPlan(sql, qual, run.now);
        return {};
      });
    mine.write_cpu += ThreadCpu() - t0;
    run.ChunkDone(static_cast<std::int64_t>(ch.rows.size()));
  }
  mine.notifications = stats.notifications;
}

void OversightService::WriteChunk(const detail::ReevaluationRun& run, const detail::Chunk& ch, ReevaluateReport& mine,
                                  EvalStats& stats) {
  // On PostgreSQL the chunk's case rows are locked in id order; a writer that holds one of them and
  // then waits for another the chunk already holds (a multi-case import) closes a cycle, and the
  // server ends one of the two transactions. The chunk's transaction did nothing then: run it again
  // (its counters restored), a few times, before the re-evaluation gives up.
  constexpr int kAttempts = 4;
  for (int attempt = 1;; ++attempt) {
    const ReevaluateReport mine_before = mine;
    const EvalStats stats_before = stats;
    try {
      (void)db_.Write([&](soci::session& sql) -> Result<void> {
        WriteChanged(sql, run.rules, run.now, ch, mine, stats);
        return {};
      });
      return;
    } catch (const std::exception& e) {
      if (attempt == kAttempts || !db::IsRetryableConflict(e)) throw;
      spdlog::info("oversight re-evaluation: cases {}–{} written again after a lock conflict ({} of {})",
                   ch.rows.front().id, ch.rows.back().id, attempt, kAttempts - 1);
      mine = mine_before;
      stats = stats_before;
      std::this_thread::sleep_for(std::chrono::milliseconds(20 * attempt));
    }
  }
}

void OversightService::WriteChanged(soci::session& sql, const RuleSet& rules, EpochSeconds now, const detail::Chunk& ch,
                                    ReevaluateReport& mine, EvalStats& stats) {
  // Where most cases of the chunk change (a first evaluation, a rule change), their rows and clocks
  // are read by two range queries and the new clocks and violations written in batches; a few
  // changed cases are read one by one.
  const bool dense = ch.changed.size() * 4 >= ch.rows.size();
  std::unordered_map<std::int64_t, detail::StoredCase> stored;
  if (dense) stored = detail::LoadStoredCases(sql, ch.rows.front().id, ch.rows.back().id);
  detail::ClockBatch batch;
  for (const auto& changed : ch.changed) {
    const auto& c = ch.rows[changed.index];
    if (!dense) stored = detail::LoadStoredCases(sql, c.id, c.id);
    const auto it = stored.find(c.id);
    if (it == stored.end()) continue;  // deleted meanwhile
    detail::StoredCase& sc = it->second;
    if (sc.updated_at != ch.updated_at[changed.index]) {
      // Changed since it was read: evaluate it afresh under the write lock.
      if (auto r = Evaluate(sql, c.id, &stats); !r) {
        ++mine.cases_failed;
        if (mine.failures.size() < 20) mine.failures.push_back(r.error().message);
      }
    } else {
      const detail::CasePlan plan = detail::PlanCase(sc.row, changed.timeline, changed.results, sc.clocks, rules, now);
      ApplyPlan(sql, sc.row, plan, now, &stats, &batch);
    }
    ++mine.cases_written;
  }
  batch.Flush(sql);
}

}  // namespace fazhi::oversight
