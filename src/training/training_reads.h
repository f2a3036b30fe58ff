// Read functions other modules may call for the training figures of a year (学法用法 counts), e.g.
// bulletins, scoring or the annual summary: the number of sessions per kind and month, attendance
// per unit, 述法 reports, 出庭应诉 with the 负责人出庭率, 旁听庭审, the monthly plans and the library.
// The training module's own bulletin section ("training", training_sources.cpp) is built on these.
// Each runs on the caller's session; no scope check (the caller passes the subtree it may see);
// database failures throw. Thread safety: as the session.
#pragma once

#include <string>

#include "db/soci.h"
#include "training/training_types.h"

namespace fazhi::training {

// Sessions organised in the subtree of `path` that started in [from, to).
std::map<std::string, std::int64_t> SessionCounts(soci::session& sql, const std::string& path, EpochSeconds from,
                                                  EpochSeconds to);

// Everything of `year` (local calendar) for the subtree of `path`; `now` decides which plan items
// are already 未落实.
YearCounts CountYear(soci::session& sql, const std::string& path, int year, EpochSeconds now);

}  // namespace fazhi::training
