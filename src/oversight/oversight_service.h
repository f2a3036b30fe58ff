// Supervision in the running system (执法监督运行, docs/oversight.md): the pure engine
// (src/supervision) applied to stored cases. It keeps the active rule catalog and holiday calendar
// (versioned in the database, edited in 监管配置), evaluates a case whenever it changes and in a
// periodic sweep, stores alert clocks, violations and notifications, runs the 督办 loop with
// attachments, records 法制员 stage reviews and enforces review gates on case transitions, and
// computes the platform-use metrics (平台应用考核).
//
// Thread safety: one OversightService is shared by all request threads and the Sweeper. The active
// rules are an immutable snapshot behind a shared_ptr, swapped under a mutex when a version is
// activated; every other method works through the session or the Database it is given.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
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
#include "oversight/oversight_types.h"
#include "supervision/calendar.h"
#include "supervision/catalog.h"

namespace fazhi::oversight {

namespace detail {
struct CaseRow;
struct CasePlan;
struct ClockWriter;
}  // namespace detail

// Full re-evaluation (ReevaluateAll).
struct ReevaluateOptions {
  bool open_only = false;         // only cases not yet closed (what a rule change needs)
  std::int64_t chunk_cases = 2000;  // case ids per read (three range queries per chunk)
  int threads = 0;                // 0 = one per core
  // Called after each chunk (from worker threads, one call at a time).
  std::function<void(std::int64_t cases_done, std::int64_t cases_total)> progress;
};
// The background re-evaluation a rule or calendar activation starts (or an administrator, by hand):
// one at a time per instance, its progress readable while it runs.
struct ReevaluationJob {
  std::string state = "idle";  // idle, running, done, failed
  std::string reason;          // 中文: why it runs (启用规则目录第 3 版 …)
  bool open_only = true;
  std::int64_t cases_done = 0, cases_total = 0;
  EpochSeconds started_at = 0, finished_at = 0;
  std::int64_t cases_written = 0, cases_failed = 0;
  std::string error;  // failed: the message
  std::string queued; // reason of a run that starts when this one ends (a second activation meanwhile)
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
};

struct Options {
  // Where attachment bytes are stored. Empty = the FAZHI_ATTACHMENT_DIR environment variable, else
  // `<directory of the SQLite file>/attachments`, else (PostgreSQL) `./attachments`.
  std::string attachment_dir;
  // Largest single attachment, in bytes (20 MB). Larger → PayloadTooLarge.
  std::int64_t max_attachment_bytes = 20LL * 1000 * 1000;
  // At most this many attachments per 督办 answer.
  int max_attachments_per_answer = 10;
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
  // `db` and `clock` must outlive the service. Call Init() before use.
  OversightService(db::Database& db, const Clock& clock, Options options = {});
  ~OversightService() override;

  // Loads the active rule catalog and calendar versions from the DB; if none exist, stores the
  // shipped ones as version 1 (active). A stored version that no longer parses (engine changed) is
  // logged and the shipped document is used instead. Errors: Internal (database).
  Result<void> Init();

  // The current rules (never null after Init()).
  std::shared_ptr<const RuleSet> Rules() const;
  const Options& options() const { return options_; }
  // The attachment directory actually used (resolved from Options at construction).
  const std::string& attachment_dir() const { return attachment_dir_; }

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

  // Re-evaluates (each in its own transaction) cases whose next_due_at has passed, notifies about
  // newly overdue 督办 orders, and reloads the rules if another instance activated new versions.
  Result<SweepReport> Sweep();

  // Re-evaluates every case (or every open one) with the active rules at clock.Now(): reads cases,
  // persons, events and stored clocks by ranges of case ids on `threads` workers (each with its own
  // pooled session), evaluates, and writes — one transaction per chunk — only the cases whose
  // clocks or alert state change, with the same effects as OnCaseChanged (violations recorded once,
  // notifications). A case changed by a concurrent request between the read and the write is
  // evaluated again inside the write. Timelines the engine refuses are counted and reported, not
  // fatal. Errors: Internal (database).
  Result<ReevaluateReport> ReevaluateAll(const ReevaluateOptions& options = {});
  // Starts ReevaluateAll on a background thread (audited as oversight.reevaluate). While one runs:
  // Conflict (reevaluation_running), or with `queue` another run of the open cases follows it.
  // Activating a rule catalog or calendar version starts (or queues) one for the open cases.
  Result<ReevaluationJob> StartReevaluation(const audit::Actor& actor, bool open_only, const std::string& reason,
                                            bool queue = false);
  ReevaluationJob GetReevaluation() const;
  // Joins a running re-evaluation (tests; the destructor does it too).
  void WaitForReevaluation();

  // ---- 监管配置: rule catalog and holiday calendar versions (writes need rule.admin) ----

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

  // ---- alerts (scope: the case's unit must be in the caller's subtree) ----

  Result<Paged<Alert>> ListAlerts(const auth::Principal& who, const AlertFilter& filter, const PageRequest& page) const;
  // Every stored clock of one case (running and done included), earliest due first. NotFound when
  // the case is absent or out of scope.
  Result<std::vector<Alert>> CaseAlerts(const auth::Principal& who, std::int64_t case_id) const;
  Result<Paged<Violation>> ListViolations(const auth::Principal& who, const ViolationFilter& filter,
                                          const PageRequest& page) const;

  // ---- notifications (the caller's own) ----

  Result<Paged<Notification>> ListNotifications(const auth::Principal& who, bool unread_only,
                                                const PageRequest& page) const;
  Result<std::int64_t> UnreadCount(const auth::Principal& who) const;
  // NotFound if the notification is not the caller's.
  Result<void> MarkRead(const auth::Principal& who, std::int64_t id);
  Result<std::int64_t> MarkAllRead(const auth::Principal& who);

  // ---- 督办 loop ----
  // Creating, closing, returning, suspending and resuming need case.review and the order's unit in
  // scope; only the responsible officer (users.person_id) answers. A transition the state machine
  // does not allow is Conflict with a 中文 message naming both states. Every step is written to
  // supervision_order_steps and the audit trail in one transaction.

  Result<Order> CreateOrder(const auth::Principal& who, const audit::Actor& actor, const NewOrder& order);
  Result<Order> GetOrder(const auth::Principal& who, std::int64_t id) const;
  Result<Paged<Order>> ListOrders(const auth::Principal& who, const OrderFilter& filter, const PageRequest& page) const;
  // Stores the files (sha256 recorded; PayloadTooLarge over the size cap) and moves open/returned →
  // answered.
  Result<Order> AnswerOrder(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                            const std::string& text, const std::vector<Upload>& files);
  // answered → closed.
  Result<Order> CloseOrder(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                           const std::string& note);
  // answered → returned (note required; optional new deadline, which must be in the future).
  Result<Order> ReturnOrder(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                            const std::string& note, std::optional<EpochSeconds> new_deadline);
  // open/returned/answered → suspended (挂起, reason required).
  Result<Order> SuspendOrder(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                             const std::string& reason);
  // suspended → the status it had before.
  Result<Order> ResumeOrder(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                            const std::string& note);
  // An attachment's metadata and bytes, if the caller may see its order. NotFound otherwise.
  Result<std::pair<Attachment, std::string>> ReadAttachment(const auth::Principal& who, std::int64_t id) const;

  // ---- 法制员 reviews ----

  // Needs case.review (checked by the route) and the case in scope. Findings become
  // review_findings rows; a verdict other than pass notifies the 主办民警.
  Result<Review> AddReview(const auth::Principal& who, const audit::Actor& actor, std::int64_t case_id,
                           const NewReview& review);
  Result<std::vector<Review>> CaseReviews(const auth::Principal& who, std::int64_t case_id) const;

  // ---- 平台应用考核 metrics ----

  // `month` is "YYYY-MM" (local time). `unit_id` narrows to that unit's subtree (NotFound if out of
  // scope). Definitions: docs/oversight.md §平台应用考核.
  Result<MetricsReport> Metrics(const auth::Principal& who, const std::string& month,
                                std::optional<std::int64_t> unit_id) const;
  // The same report as an XLSX workbook (sheets 单位, 民警, 趋势).
  Result<std::string> MetricsXlsx(const auth::Principal& who, const std::string& month,
                                  std::optional<std::int64_t> unit_id) const;

 private:
  struct CaseHead;
  struct EvalStats {
    int notifications = 0;
  };

  Result<void> Evaluate(soci::session& sql, std::int64_t case_id, EvalStats* stats);
  // Writes a plan: clocks, violations (once), retractions, removals, case state, notifications.
  // `writer` (optional) holds the clock upsert prepared on `sql` for many cases.
  void ApplyPlan(soci::session& sql, const detail::CaseRow& c, const detail::CasePlan& plan, EpochSeconds now,
                 EvalStats* stats, detail::ClockWriter* writer = nullptr);
  void SetRules(std::shared_ptr<const RuleSet> rules);
  // Loads the active versions (creating version 1 when the table is empty).
  Result<std::shared_ptr<const RuleSet>> LoadActive(soci::session& sql);
  Result<std::int64_t> SaveVersion(bool catalog, const auth::Principal& who, const audit::Actor& actor,
                                   const std::string& text, const std::string& note, bool activate);
  Result<void> ActivateVersion(bool catalog, const auth::Principal& who, const audit::Actor& actor,
                               std::int64_t version);
  Result<ConfigDocument> GetConfig(bool catalog) const;
  Result<std::string> GetConfigVersion(bool catalog, std::int64_t version) const;
  Result<Order> LoadOrder(soci::session& sql, std::int64_t id, bool with_steps) const;
  Result<Order> Transition(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                           const std::string& action, const std::string& note,
                           std::optional<EpochSeconds> new_deadline);
  int NotifyOverdueOrders(soci::session& sql, int* orders);

  db::Database& db_;
  const Clock& clock_;
  Options options_;
  std::string attachment_dir_;
  mutable std::mutex rules_mu_;
  std::shared_ptr<const RuleSet> rules_;
  mutable std::mutex job_mu_;
  ReevaluationJob job_;
  std::thread job_thread_;
};

}  // namespace fazhi::oversight
