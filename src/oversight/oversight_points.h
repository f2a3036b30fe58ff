// Supervision's points-ledger sources (积分来源, points/ledger_source.h): what costs an officer
// points — supervision violations, 法制审核 findings and 督办 not answered by their deadline, cases
// handled without a valid 执法资格.
// OversightModule registers them (kit::Module::AddLedgerSources); the scoring module turns their
// facts into deductions with the scheme in force.
#pragma once

#include <memory>

#include "points/ledger_source.h"

namespace fazhi::oversight {

// Source "violation": violations detected in the month, charged to violations.officer_id (the 主办
// when detected), else to the case's 主办.
std::unique_ptr<points::LedgerSource> MakeViolationSource();
// Source "review_finding": review_findings created in the month, charged to the case's 主办.
std::unique_ptr<points::LedgerSource> MakeReviewFindingSource();
// Source "order_overdue": supervision_orders whose deadline fell in the month and that were
// answered after it, or are still unanswered at scope.as_of (挂起 orders excepted), charged to the
// responsible person, else to the case's 主办.
std::unique_ptr<points::LedgerSource> MakeOrderOverdueSource();
// Source "qualification" (act no_qualification): the cases accepted in the month whose 主办 had no
// valid 执法资格 that day — a standing no_qualification alert (qualification_check.cpp) — charged to
// that 主办.
std::unique_ptr<points::LedgerSource> MakeQualificationSource();

}  // namespace fazhi::oversight
