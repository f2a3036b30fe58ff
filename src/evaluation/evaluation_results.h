// Closing a round (评定结果): per case the mean of the totals of the members who marked every item,
// its grade, and for 优质/劣质 cases the anonymised teaching text (title and the members' comments,
// names replaced through cases::NamesOfCase). Shared by the service and the demo generator.
#pragma once

#include "core/clock.h"
#include "db/soci.h"
#include "evaluation/evaluation_types.h"

namespace fazhi::evaluation {

struct CloseSummary {
  int good = 0, pass = 0, poor = 0, unmarked = 0;
};

// Computes and stores every case's result and closes the round, inside the caller's transaction.
CloseSummary CloseRoundIn(soci::session& sql, const Round& round, EpochSeconds now);

}  // namespace fazhi::evaluation
