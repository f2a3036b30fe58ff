// Supervision in the running system (执法监督运行, docs/oversight.md): the pure engine
// (src/supervision) applied to stored cases. It keeps the active rule catalog and holiday calendar
// (versioned in the database, edited in 监管配置), evaluates a case whenever it changes and in a
// periodic sweep, stores alert clocks and violations and notifies about them (notify::Send),
// records 法制员 stage reviews and enforces review gates on case transitions, re-evaluates every
// case as a background job (jobs::JobRunner) and computes the platform-use metrics (平台应用考核).
// Its problems — violations and review findings, and cases by hand — are 督办 order sources
// (order_sources.h) of the shared loop in src/orders.
//
// Errors: expected failures are Error values; database failures throw and reach the caller's
// boundary (the request's, the job's, the sweep's).
//
// Thread safety: one OversightService is shared by all request threads, the sweep and the
// re-evaluation job. The active rules are an immutable snapshot behind a shared_ptr, swapped under
// a mutex when a version is activated; every other method works through the session or the
// Database it is given.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "auth/principal.h"
#include "cases/case_hooks.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/paging.h"
#include "db/database.h"
#include "files/document.h"
#include "jobs/job_runner.h"
#include "oversight/oversight_types.h"
#include "supervision/calendar.h"
#include "supervision/catalog.h"

namespace fazhi::orders {
class OrderService;
}

namespace fazhi::oversight {

namespace detail {
struct CaseRow;
struct CasePlan;
struct ClockBatch;
struct Chunk;
struct ReevaluationRun;
}  // namespace detail

// Full re-evaluation (ReevaluateAll).
struct ReevaluateOptions {
  bool open_only = false;           // only cases not yet closed (what a rule change needs)
  std::int64_t chunk_cases = 2000;  // case ids per read (three range queries per chunk)
  int threads = 0;                  // 0 = one per core (at most 16)
  // Called after each chunk (from worker threads, one call at a time).
  std::function<void(std::int64_t cases_done, std::int64_t cases_total)> progress;
};
// The background re-evaluation a rule or calendar activation starts (or an administrator, by hand),
// as GET /api/oversight/reevaluation shows it: the newest job of kind `reevaluate` (any instance).
struct ReevaluationJob {
  std::string state = "idle";  // idle, running, done, failed
  std::string reason;          // 中文: why it runs (启用规则目录第 3 版 …)
  bool open_only = true;
  std::int64_t cases_done = 0, cases_total = 0;
  EpochSeconds started_at = 0, finished_at = 0;
  std::int64_t cases_written = 0, cases_failed = 0;
  std::string error;   // failed: the message
  std::string queued;  // reason of a run that starts when this one ends (a second activation meanwhile)
};
struct ReevaluateReport {
  std::int64_t cases = 0, events = 0, clocks = 0;
  std::int64_t cases_written = 0;  // cases whose stored clocks or state changed
  std::int64_t cases_failed = 0;   // stored timelines the engine refused
  std::int64_t notifications = 0;
  std::int64_t catalog_version = 0, calendar_version = 0;
  std::vector<std::string> failures;  // the first 20 messages
  // CPU seconds spent by the workers in each phase (summed over threads).
  double read_cpu = 0, build_cpu = 0, evaluate_cpu = 0, compare_cpu = 0, write_cpu = 0;
  void Add(const ReevaluateReport& worker);
};

struct Options {
  // Cases re-evaluated by one Sweep() call; the rest wait for the next one.
  int sweep_batch = 5000;
  // 告警 notifications are only pushed for clocks due within this window before now; older
  // deadlines found late (imported history, demo data, an outage) are recorded as violations but
  // do not flood the notification centre. 预警 always notifies.
  std::int64_t notify_max_age_seconds = 30LL * 86400;
};

// The rules every evaluation uses: one catalog and one calendar version. Immutable once built.
struct RuleSet {
  std::int64_t catalog_version = 0;
  std::int64_t calendar_version = 0;
  supervision::Catalog catalog;
  supervision::Calendar calendar;
  // Per catalog rule (same index): a hash of the texts its stored clocks carry (id, name, legal
  // basis, requirement labels, …), so a clock fingerprint changes when an edit changes a message.
  std::vector<std::uint64_t> rule_texts;
  void Fingerprint();
};

class OversightService : public cases::CaseHooks {
 public:
  // `db`, `clock` and `jobs` must outlive the service. Call Init() before use.
  OversightService(db::Database& db, const Clock& clock, jobs::JobRunner& jobs, Options options = {});
  // Waits for the re-evaluation jobs it started.
  ~OversightService() override;

  // Loads the active rule catalog and calendar versions from the DB; if none exist, stores the
  // shipped ones as version 1 (active). A stored version that no longer parses (engine changed) is
  // logged and the shipped document is used instead.
  Result<void> Init();
  // The 督办 service whose overdue orders the sweep notifies (the module connects it; none = the
  // sweep leaves orders alone). Call before serving.
  void SetOrders(orders::OrderService* orders) { orders_ = orders; }

  // The current rules (never null after Init()).
  std::shared_ptr<const RuleSet> Rules() const;
  const Options& options() const { return options_; }

  // ---- cases::CaseHooks (run inside the caller's write transaction) ----

  // Evaluates the case at clock.Now(): upserts its alert clocks (stable clock_key), records each
  // violation once, notifies (pre_warn: 主办 + 法制员; overdue/violation: also the unit head), deletes
  // clocks that no longer exist, and sets cases.alert_state / cases.next_due_at. Errors: NotFound
  // (no such case), InvalidArgument (the stored timeline does not pass the engine's validation).
  Result<void> OnCaseChanged(soci::session& sql, std::int64_t case_id) override;
  // Conflict (reason review_required, 中文 message naming the stage) when a review gate applies to
  // (case type, `to`) and the latest review of that stage is missing or not a pass.
  Result<void> CheckTransition(soci::session& sql, std::int64_t case_id, const std::string& from,
                               const std::string& to) override;
  // 一案一档 (dossier_sections.cpp): after the case file's sections, 办案期限 (every stored clock
  // with its state, due time and legal basis), 法制审核 (each review with its findings) and 执法监督
  // 督办 (the orders of the case `who` may see).
  Result<void> AddDossierSections(soci::session& sql, const auth::Principal& who, std::int64_t case_id,
                                  files::Document& doc) override;

  // Re-evaluates (each in its own transaction) cases whose next_due_at has passed, notifies about
  // newly overdue 督办 orders, and reloads the rules if another instance activated new versions.
  Result<SweepReport> Sweep();

  // Re-evaluates every case (or every open one) with the active rules at clock.Now(): reads cases,
  // persons, events and stored clocks by ranges of case ids on `threads` workers (jobs::RunWorkers,
  // each with its own pooled session), evaluates, and writes — one transaction per chunk — only the
  // cases whose clocks or alert state change, with the same effects as OnCaseChanged (violations
  // recorded once, notifications). A case changed by a concurrent request between the read and the
  // write is evaluated again inside the write. Timelines the engine refuses are counted and
  // reported, not fatal.
  Result<ReevaluateReport> ReevaluateAll(const ReevaluateOptions& options = {});
  // Starts ReevaluateAll of the open cases (or all) as a background job (kind reevaluate, exclusive,
  // one worker thread; audited as oversight.reevaluate). While one runs: Conflict
  // (reevaluation_running), or with `queue` another run of the open cases follows it. Activating a
  // rule catalog or calendar version starts (or queues) one.
  Result<ReevaluationJob> StartReevaluation(const audit::Actor& actor, bool open_only, const std::string& reason,
                                            bool queue = false);
  // The newest re-evaluation job of any instance (state idle when there was none).
  ReevaluationJob GetReevaluation() const;
  // Waits until the re-evaluations this service started (and those queued behind them) have ended.
  void WaitForReevaluation();

  // The 执法资格 check of the cases of `persons` (主办 or 协办), or of every case when empty: adds,
  // rewrites and clears the no_qualification alerts (qualification_check.cpp) in the caller's
  // transaction. The exams module calls it when qualifications are recorded.
  Result<void> CheckQualifications(soci::session& sql, const std::vector<std::int64_t>& persons);

  // ---- 监管配置: rule catalog and holiday calendar versions (writes need rule.admin) ----

  // Settings that act on the whole bureau (catalog, calendar, review gates, sweep, re-evaluation)
  // need rule.admin held at bureau level: the holder's unit is a bureau (or the city above it) or
  // the bureau's legal unit (org::IsLegalUnit), the accounts scoring also widens to the bureau.
  // A 派出所's part-time 法制员 gets Forbidden bureau_level_required.
  Result<void> CheckBureauWide(const auth::Principal& who) const;

  Result<ConfigDocument> GetCatalog() const;
  Result<std::string> GetCatalogVersion(std::int64_t version) const;
  // Validates `catalog_json` with the engine's ParseCatalog (InvalidArgument naming rule id and
  // field; nothing stored), stores it as the next version and, if `activate`, activates it.
  // Returns the new version number.
  Result<std::int64_t> SaveCatalog(const auth::Principal& who, const audit::Actor& actor,
                                   const std::string& catalog_json, const std::string& note, bool activate);
  // Activates a stored version (rollback = activating an older one). NotFound if absent.
  Result<void> ActivateCatalog(const auth::Principal& who, const audit::Actor& actor, std::int64_t version);

  Result<ConfigDocument> GetCalendar() const;
  Result<std::string> GetCalendarVersion(std::int64_t version) const;
  Result<std::int64_t> SaveCalendar(const auth::Principal& who, const audit::Actor& actor,
                                    const std::string& calendar_json, const std::string& note, bool activate);
  Result<void> ActivateCalendar(const auth::Principal& who, const audit::Actor& actor, std::int64_t version);

  // Review gates (settings key oversight.review_gates; defaults in docs/oversight.md).
  Result<std::vector<ReviewGate>> GetReviewGates() const;
  // InvalidArgument naming the row for an unknown case type or stage, or an empty status.
  Result<void> SetReviewGates(const auth::Principal& who, const audit::Actor& actor,
                              const std::vector<ReviewGate>& gates);

  // ---- alerts (scope: the case is visible to the caller, cases/case_reads.h CaseVisible) ----

  // Default (no state filter, no sort): live items only, 告警 first then 预警, each by due time.
  Result<Paged<Alert>> ListAlerts(const auth::Principal& who, const AlertFilter& filter, const PageRequest& page) const;
  // The alert list with the same filter and default order as an XLSX sheet with 中文 headers (at most
  // 10,000 rows).
  Result<std::string> AlertsXlsx(const auth::Principal& who, const AlertFilter& filter) const;
  // Every stored clock of one case (running and done included), earliest due first. NotFound when
  // the case is absent or out of scope.
  Result<std::vector<Alert>> CaseAlerts(const auth::Principal& who, std::int64_t case_id) const;
  Result<Paged<Violation>> ListViolations(const auth::Principal& who, const ViolationFilter& filter,
                                          const PageRequest& page) const;

  // ---- 法制员 reviews ----

  // Needs case.review (checked by the route) and the case in scope. Findings become
  // review_findings rows; a verdict other than pass notifies the 主办民警 (the notification opens
  // the review).
  Result<Review> AddReview(const auth::Principal& who, const audit::Actor& actor, std::int64_t case_id,
                           const NewReview& review);
  Result<std::vector<Review>> CaseReviews(const auth::Principal& who, std::int64_t case_id) const;
  // The 法制审核意见书 of one review of a case in the caller's scope (review_document.h), signed by the
  // reviewer's unit. NotFound for a case out of scope or a review not of that case.
  Result<files::Document> ReviewOpinion(const auth::Principal& who, std::int64_t case_id, std::int64_t review_id) const;
  // The 法制审核 queue (review_queue.cpp): cases in scope (mine: bound to the caller's person) that
  // await a stage review first, by the nearest running deadline; Invalid for `mine` without a person
  // linked to the account, for an unknown state or case type; NotFound for a unit out of scope.
  Result<ReviewQueuePage> ReviewQueue(const auth::Principal& who, const ReviewQueueFilter& f,
                                      const PageRequest& page) const;
  // The same rows (at most 10,000) as an XLSX sheet with Chinese headers.
  Result<std::string> ReviewQueueXlsx(const auth::Principal& who, const ReviewQueueFilter& f) const;

  // ---- 平台应用考核 metrics ----

  // `month` is "YYYY-MM" (local time). `unit_id` narrows to that unit's subtree (NotFound if out of
  // scope). Definitions: docs/oversight.md §平台应用考核.
  Result<MetricsReport> Metrics(const auth::Principal& who, const std::string& month,
                                std::optional<std::int64_t> unit_id) const;
  // The same report as an XLSX workbook (sheets 单位, 民警, 趋势).
  Result<std::string> MetricsXlsx(const auth::Principal& who, const std::string& month,
                                  std::optional<std::int64_t> unit_id) const;

 private:
  struct EvalStats {
    int notifications = 0;
  };
  // What this instance knows of a re-evaluation job it started.
  struct JobMeta {
    std::string reason;
    bool open_only = true;
  };

  Result<void> Evaluate(soci::session& sql, std::int64_t case_id, EvalStats* stats);
  // Writes a plan: clocks, violations (once), retractions, removals, case state, notifications. With
  // a batch, new clocks and violations go into it (the caller flushes it in the same transaction).
  void ApplyPlan(soci::session& sql, const detail::CaseRow& c, const detail::CasePlan& plan, EpochSeconds now,
                 EvalStats* stats, detail::ClockBatch* batch = nullptr);
  void NotifyClocks(soci::session& sql, const detail::CaseRow& c, const detail::CasePlan& plan, EpochSeconds now,
                    EvalStats* stats);
  // One worker of ReevaluateAll: takes chunks of case ids until none is left or another failed.
  void ReevaluateChunks(detail::ReevaluationRun& run, ReevaluateReport& mine);
  void WriteChunk(const detail::ReevaluationRun& run, const detail::Chunk& ch, ReevaluateReport& mine,
                  EvalStats& stats);
  // Writes the cases of a chunk whose evaluation differs from their row (one transaction).
  void WriteChanged(soci::session& sql, const RuleSet& rules, EpochSeconds now, const detail::Chunk& chunk,
                    ReevaluateReport& mine, EvalStats& stats);
  void SetRules(std::shared_ptr<const RuleSet> rules);
  // Loads the active versions (creating version 1 when the table is empty).
  std::shared_ptr<const RuleSet> LoadActive(soci::session& sql);
  Result<std::int64_t> SaveVersion(bool catalog, const auth::Principal& who, const audit::Actor& actor,
                                   const std::string& text, const std::string& note, bool activate);
  Result<void> ActivateVersion(bool catalog, const auth::Principal& who, const audit::Actor& actor,
                               std::int64_t version);
  Result<ConfigDocument> GetConfig(bool catalog) const;
  Result<std::string> GetConfigVersion(bool catalog, std::int64_t version) const;
  // The re-evaluation job's work; starts the queued run (if any) before it returns.
  Result<std::string> RunReevaluation(jobs::Progress& progress, bool open_only);
  Result<jobs::Job> StartJob(const std::string& reason, bool open_only, std::optional<std::int64_t> by, bool exclusive);

  db::Database& db_;
  const Clock& clock_;
  jobs::JobRunner& jobs_;
  Options options_;
  orders::OrderService* orders_ = nullptr;
  mutable std::mutex rules_mu_;
  std::shared_ptr<const RuleSet> rules_;
  // The re-evaluation jobs of this instance (guarded by job_mu_).
  mutable std::mutex job_mu_;
  bool job_active_ = false;       // one runs (or is being started)
  std::int64_t current_job_ = 0;  // the newest this instance started
  std::string queued_;            // reason of the run to start when it ends
  std::map<std::int64_t, JobMeta> job_meta_;
};

}  // namespace fazhi::oversight
