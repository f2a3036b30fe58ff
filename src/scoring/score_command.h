// `fazhi score --month 2023-07 [--unit ID] [--format json|xlsx] [--out FILE]`: prints a month's
// scores as JSON or writes them as XLSX, through the same ScoringService code as the server.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "scoring/scoring_service.h"

namespace fazhi::scoring {

struct ScoreCommandOptions {
  std::string month;                    // 'YYYY-MM', required
  std::optional<std::int64_t> unit_id;  // a bureau, a team (narrows to it) or a city unit (all its bureaus)
  std::string format = "json";          // json (stdout or --out) / xlsx (needs --out and one bureau)
  std::string out;                      // output file; empty = stdout (json only)
};

// For each bureau in question: a published or final month is printed as stored (frozen
// snapshot); a month nobody computed yet is previewed from the current data without storing
// anything (phase "preview"; several bureaus are previewed on two threads, so the service's
// database should hold at least two connections). Returns 0 on success, 2 on bad input (message
// on `err`, 中文), 1 on an internal error. JSON: {"month": …, "bureaus": [{month, phase, officers,
// units}, …]}.
int RunScoreCommand(ScoringService& svc, const ScoreCommandOptions& o, std::ostream& out, std::ostream& err);

}  // namespace fazhi::scoring
