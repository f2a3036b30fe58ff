// Ledger sources (积分来源): each kind of input the ledger is computed from sits behind one small
// interface. A source reads its own tables with SQL and turns rows into RawFacts; it never
// computes points (that is ComputeLedger's job, with the scheme).
//
// Wired now: case stages (case_events + cases + case_officers), supervision violations, review
// findings, overdue 督办. Later modules (case evaluations 优劣质案件, complaints, inspection
// findings, training results) add a class implementing LedgerSource and register it with
// ScoringService::AddSource; a source whose table does not exist yet is simply not registered.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "db/soci.h"
#include "scoring/ledger.h"

namespace fazhi::scoring {

// What to collect: one bureau (分县局, units.id of level 'bureau'), one calendar month in
// Asia/Shanghai time.
struct MonthScope {
  std::int64_t bureau_id = 0;
  MonthKey month;
  EpochSeconds from = 0;   // local 00:00 of the 1st, UTC seconds (inclusive)
  EpochSeconds to = 0;     // local 00:00 of the next month's 1st (exclusive)
  EpochSeconds as_of = 0;  // computation time: 督办 still unanswered at this moment count as overdue
};
MonthScope MakeMonthScope(std::int64_t bureau_id, MonthKey month, EpochSeconds as_of);

class LedgerSource {
 public:
  virtual ~LedgerSource() = default;
  // Stable identifier, e.g. "case_stage"; also the `source` of the entries its facts produce.
  virtual std::string_view id() const = 0;
  // 中文 name for listings.
  virtual std::string_view name_zh() const = 0;
  // Appends the facts of `scope` to `out`. Runs inside the caller's transaction or read session;
  // must not borrow another session. Errors: Internal on a database failure (exceptions from SOCI
  // are caught by the caller too).
  virtual Result<void> Collect(soci::session& sql, const MonthScope& scope, std::vector<RawFact>& out) = 0;
};

// 受案/立案/移送起诉/行政处罚决定 from the first case_events row of each type per case (an act
// repeated for several suspects counts once per case: counting heads is the forbidden 刑拘数 kind of
// indicator); 破案/查结 from cases.closed_at (快速办理结案 instead when cases.fast_track). Officers
// from case_officers (role lead/assist), falling back to cases.lead_officer_id.
std::unique_ptr<LedgerSource> MakeCaseStageSource();
// violations detected in the month, charged to violations.officer_id (the 主办 when detected).
std::unique_ptr<LedgerSource> MakeViolationSource();
// review_findings created in the month, charged to the case's 主办.
std::unique_ptr<LedgerSource> MakeReviewFindingSource();
// supervision_orders whose deadline fell in the month and that were answered after it, or are
// still unanswered at scope.as_of (挂起 orders excepted), charged to the responsible person.
std::unique_ptr<LedgerSource> MakeOrderOverdueSource();

// The wired sources whose tables exist in this database, in a fixed order.
std::vector<std::unique_ptr<LedgerSource>> DefaultSources(soci::session& sql);

// True when `table` exists (both backends).
bool TableExists(soci::session& sql, const std::string& table);

}  // namespace fazhi::scoring
