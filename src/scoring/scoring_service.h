// 执法办案积分制 service: versioned schemes, the monthly cycle (draft → 公示 → 复核 → final),
// officer and unit views, objections, exports. docs/scoring.md describes the rules and the API.
//
// Every operation takes the caller (auth::Principal) and, for writes, an audit::Actor.
//   Permissions: score.read to read, score.manage to write schemes, compute/publish/finalise a
//   month and decide objections. An officer files objections with score.read, about HIS OWN
//   entries only.
//   Scope: a bureau (分县局) is addressed by its unit id. Managing a bureau's months needs the
//   bureau unit inside the caller's scope; for a score.manage holder of the bureau's 法制大队 /
//   法制部门, scoring takes the whole bureau as the scope. Reading its published rankings needs the
//   bureau in scope or the caller's own bureau, and then only officers and units of the caller's
//   subtree are shown.
//   An officer always sees his own entries; other officers' entries need score.manage and scope.
//   Anything outside the scope is answered like a missing object (NotFound).
//   Frozen months: a published month refuses recompute, a final month refuses recompute, publish,
//   objections and decisions (Conflict, reason month_frozen / month_final).
// Every write runs in one Database::Write transaction together with its audit row.
//
// Sources: a month is computed from the ledger sources given at construction (every module's,
// collected by ScoringModule::Init); scoring reads no table of another module in its own SQL.
//
// Thread safety: the service holds references, the immutable source list and mutex-guarded caches
// (parsed ranking snapshots, objection days per scheme); it may be used by all request threads.
// The Database and Clock must outlive it.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "audit/audit_log.h"
#include "auth/principal.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/paging.h"
#include "db/database.h"
#include "org/org_reads.h"
#include "points/month.h"
#include "scoring/scoring_types.h"

namespace fazhi::scoring {

// The system principal used by the CLI and the demo: every score permission, whole tree.
auth::Principal SystemPrincipal();

class ScoringService {
 public:
  // `sources`: the ledger sources months are computed from (none: every month is empty).
  ScoringService(db::Database& db, const Clock& clock, LedgerSources sources);

  // The sources given at construction (the demo and the CLI make services of their own with them).
  const LedgerSources& sources() const { return sources_; }

  // ---- schemes ----
  // Versions of a bureau's scheme, newest first.
  Result<std::vector<SchemeVersion>> ListSchemes(const auth::Principal& who, std::optional<std::int64_t> bureau_id);
  Result<SchemeVersion> GetScheme(const auth::Principal& who, std::int64_t id);
  // Validates without storing: the parsed, canonical scheme, or the error CreateScheme would give
  // (including overlaps with stored versions).
  Result<SchemeVersion> ValidateScheme(const auth::Principal& who, const SchemeInput& in);
  // Stores a new version (version = last + 1). InvalidArgument for a bad document (scheme.h
  // reasons), a bad name/status/month, a range overlapping another version (reason
  // overlapping_dates, naming it) — except that an open-ended version starting earlier is closed
  // the month before. Conflict (reason month_frozen) if the range starts in an already published
  // month. Nothing is stored on error.
  Result<SchemeVersion> CreateScheme(const auth::Principal& who, const audit::Actor& actor, const SchemeInput& in);

  // ---- the monthly cycle ----
  Result<std::vector<MonthInfo>> ListMonths(const auth::Principal& who, std::optional<std::int64_t> bureau_id,
                                            std::optional<int> year);
  Result<MonthInfo> GetMonth(const auth::Principal& who, std::optional<std::int64_t> bureau_id,
                             const std::string& month);
  // (Re)computes a draft month from the sources and the scheme in force. Conflict (month_frozen /
  // month_final) if already published or final; Conflict (no_scheme) if no scheme covers the month.
  Result<MonthInfo> ComputeMonth(const auth::Principal& who, const audit::Actor& actor,
                                 std::optional<std::int64_t> bureau_id, const std::string& month);
  // 公示: freezes the draft, stores the rankings snapshot and opens the objection window (the
  // scheme's objection_days, start day not counted, ending at local midnight). Conflict if the
  // month is not a draft (not_computed / month_frozen / month_final).
  Result<MonthInfo> PublishMonth(const auth::Principal& who, const audit::Actor& actor,
                                 std::optional<std::int64_t> bureau_id, const std::string& month);
  // Final: needs a published month whose window has closed and no pending objection (Conflict
  // otherwise, naming what is missing). Stores the final rankings (adjustments included).
  Result<MonthInfo> FinalizeMonth(const auth::Principal& who, const audit::Actor& actor,
                                  std::optional<std::int64_t> bureau_id, const std::string& month);

  // ---- views ----
  // Rankings of a month. Drafts only for score.manage (computed live from the draft entries).
  // `unit_id` narrows to a unit subtree inside the scope (NotFound otherwise).
  Result<RankingView> GetRankings(const auth::Principal& who, std::optional<std::int64_t> bureau_id,
                                  const std::string& month, std::optional<std::int64_t> unit_id);
  // One officer's month: entries with link targets, breakdown, ranks, 12-month trend, year total.
  // `person_id` nullopt = the caller's own person (Forbidden if the account has none).
  Result<OfficerMonth> GetOfficerMonth(const auth::Principal& who, std::optional<std::int64_t> person_id,
                                       const std::string& month);
  // Year totals (published/final months) per officer in scope, for 评先评优 and 晋升 files.
  Result<YearTotals> GetYearTotals(const auth::Principal& who, std::optional<std::int64_t> bureau_id, int year,
                                   std::optional<std::int64_t> unit_id);
  // Ledger entries of a month within scope (score.manage; officers use GetOfficerMonth), paged.
  Result<Paged<EntryView>> ListEntries(const auth::Principal& who, std::optional<std::int64_t> bureau_id,
                                       const std::string& month, std::optional<std::int64_t> unit_id,
                                       const PageRequest& page);
  // XLSX of the month within scope: 民警排名, 单位排名, and (score.manage) 积分明细. Audited
  // (scoring.export). A month never computed is previewed when `preview_if_missing` (CLI only).
  Result<FileDownload> ExportMonth(const auth::Principal& who, const audit::Actor& actor,
                                   std::optional<std::int64_t> bureau_id, const std::string& month,
                                   std::optional<std::int64_t> unit_id);
  // Rankings of a month computed in memory from the current data, without storing anything (the
  // CLI on a month nobody computed yet). score.manage.
  // `unit_id` narrows the result like GetRankings.
  Result<RankingView> PreviewMonth(const auth::Principal& who, std::int64_t bureau_id, const std::string& month,
                                   std::optional<std::int64_t> unit_id = std::nullopt);

  // What a caller derives from a frozen (published/final) view, kept per RankingView::frozen_key:
  // `make` runs on a miss; least recently used entries are dropped beyond 32 MB (an entry larger
  // than that is returned, not kept). The ranking page is the module's most read page and a whole
  // bureau's lists (400 officers, ~100 KB) cost ~3 ms of CPU to build and serialise; the lists of
  // a frozen month never change, so the routes serialise them once per view. Thread-safe.
  std::shared_ptr<const FrozenLists> FrozenListsOf(const RankingView& v, const std::function<FrozenLists()>& make);

  // PreviewMonth for several bureaus at once (a city month: bureaus are independent), on up to
  // `threads` threads, each borrowing its own session from the pool; results in the order of
  // `bureau_ids`. `threads` should not exceed the pool size (extra threads only wait for a session).
  // An exception in a worker (a database failure) is rethrown here once every worker has stopped.
  std::vector<Result<RankingView>> PreviewMonths(const auth::Principal& who,
                                                 const std::vector<std::int64_t>& bureau_ids, const std::string& month,
                                                 std::optional<std::int64_t> unit_id = std::nullopt,
                                                 unsigned threads = 2);

  // ---- objections (复核) ----
  // Files an objection about one of the caller's own entries of a published month, inside the
  // window. NotFound for another officer's entry (as for a missing one), Conflict for a draft/final month
  // (month_not_published / month_final), a closed window (objection_window_closed), an adjustment
  // entry, or a pending objection on the same entry.
  Result<Objection> FileObjection(const auth::Principal& who, const audit::Actor& actor, std::int64_t entry_id,
                                  const std::string& reason);
  // Decides a pending objection (score.manage, officer in scope). Accepting adds an adjustment
  // entry (default: minus the entry's points) with the reason. Conflict if already decided or the
  // month is final.
  Result<Objection> DecideObjection(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                                    const Decision& d);
  // Managers: objections in scope; officers: their own.
  Result<std::vector<Objection>> ListObjections(const auth::Principal& who, const ObjectionFilter& f);

  // What `fazhi score --unit` selects: the bureaus (units of level 'bureau') under a unit, or the
  // unit's own bureau; a team (科所队) also narrows the view to itself. No unit: every bureau.
  // NotFound for an unknown unit.
  struct Targets {
    std::vector<std::int64_t> bureau_ids;
    std::optional<std::int64_t> team_id;
  };
  Result<Targets> TargetsFor(std::optional<std::int64_t> unit_id);

 private:
  // The caller as scoring sees him: a score.manage holder of the bureau's 法制大队 / 法制部门 manages
  // the whole bureau (unit_path widened to the bureau's); anybody else unchanged.
  auth::Principal ScoringScope(const auth::Principal& who);

  // The stored ranking snapshot of a published or final month (frozen), parsed once: the ranking
  // page is the most read page of the module. Keyed by month row; an entry is used only while the
  // month keeps the status and time it was cached with (publish and finalise change them).
  std::shared_ptr<const Rankings> FrozenRankings(soci::session& sql, const MonthInfo& m);

  // objection_days of a scheme version, read and parsed from its document once: stored documents
  // never change (a new version is a new row), and every month shown carries the figure.
  int ObjectionDays(soci::session& sql, std::int64_t scheme_id);
  // What computing, publishing and finalising a month share: score.manage, a valid month, the bureau
  // in scope, one write transaction, and the month as stored afterwards. `step` gets a MonthChange:
  // the session, the bureau, the month and the month's row before the change (nullopt: never
  // computed).
  struct MonthChange {
    soci::session& sql;
    const org::UnitRef& bureau;
    points::MonthKey key;
    std::string month;  // key.Text()
    std::optional<MonthInfo> existing;
  };
  using MonthStep = std::function<Result<void>(const MonthChange&)>;
  Result<MonthInfo> ChangeMonth(const auth::Principal& caller, std::optional<std::int64_t> bureau_id,
                                const std::string& month, const MonthStep& step);
  // A bureau's month (nullopt: never computed), bureau name and objection_days included.
  std::optional<MonthInfo> LoadMonth(soci::session& sql, const org::UnitRef& bureau, const std::string& month);
  std::optional<MonthInfo> LoadMonth(soci::session& sql, std::int64_t bureau, const std::string& month);

  db::Database& db_;
  const Clock& clock_;
  const LedgerSources sources_;
  struct CachedSnapshot {
    std::string status;
    EpochSeconds stamp = 0;
    std::shared_ptr<const Rankings> rankings;
  };
  std::mutex snapshots_mu_;
  std::map<std::int64_t, CachedSnapshot> snapshots_;  // score_months.id → snapshot
  std::mutex scheme_days_mu_;
  std::map<std::int64_t, int> scheme_days_;  // score_schemes.id → objection_days
  // FrozenListsOf: most recently used first.
  struct FrozenListsNode {
    std::string key;
    std::shared_ptr<const FrozenLists> lists;
    std::size_t bytes = 0;
  };
  std::mutex lists_mu_;
  std::list<FrozenListsNode> lists_lru_;
  std::unordered_map<std::string, std::list<FrozenListsNode>::iterator> lists_index_;
  std::size_t lists_bytes_ = 0;
};

}  // namespace fazhi::scoring
