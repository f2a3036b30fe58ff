// The case file's points-ledger source (积分来源, points/ledger_source.h): the stages a case
// reaches in a month. CasesModule registers it (kit::Module::AddLedgerSources); the scoring module
// turns its facts into points with the scheme in force.
#pragma once

#include <memory>

#include "points/ledger_source.h"

namespace fazhi::cases {

// Source "case_stage". 受案/立案/移送起诉/行政处罚决定 from the first case_events row of each type
// per case, when that first one lies in the month (an act repeated for several suspects counts once
// per case: counting heads is the forbidden 刑拘数 kind of indicator); 破案/查结 from cases.closed_at
// (快速办理结案 instead when cases.fast_track). Officers from case_officers (role lead/assist),
// falling back to cases.lead_officer_id as 主办.
std::unique_ptr<points::LedgerSource> MakeCaseStageSource();

}  // namespace fazhi::cases
