// Demo data of the scoring module (`fazhi demo`, after the case demo): a default scheme (试行) for
// every bureau that has people, and the twelve months of `year` computed, published (公示), with a
// few objections (in March, June, September and November: one deduction accepted and cancelled, one
// stage entry rejected) and finalised.
#pragma once

#include "core/clock.h"
#include "core/error.h"
#include "db/database.h"
#include "scoring/scoring_types.h"

namespace fazhi::scoring {

struct ScoringDemoSummary {
  int months = 0;                // months finalised (summed over bureaus)
  int entries = 0;               // ledger entries written
  int objections = 0;            // objections filed
  bool already_present = false;  // the demo scheme existed: nothing was written, counts are what exists
};

// The name of the scheme the demo installs.
inline constexpr const char* kDemoSchemeName = "执法办案积分考核实施办法（试行）";

// Idempotent: a bureau that already has the demo scheme is left alone (already_present when every
// bureau had it). Each month's steps are timed as they would happen (computed on the 2nd of the
// next month, published, objections on the 3rd, decided on the 4th, finalised after the window),
// so the audit trail reads like a real year. `clock` only stamps the scheme creation; `sources`
// are the ledger sources the months are computed from (ScoringService::sources()).
// Errors: Conflict if a month was already published outside the demo; database failures throw.
Result<ScoringDemoSummary> GenerateScoringDemo(db::Database& db, const Clock& clock, int year,
                                               const LedgerSources& sources);

}  // namespace fazhi::scoring
