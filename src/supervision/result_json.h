// JSON form of engine results, shared by the CLI (`fazhi supervise`) and, later, the HTTP API.
// Format: docs/supervision-engine.md §Output.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "supervision/engine.h"

namespace fazhi::supervision {

// {"case_id", "case_type", "at", "at_local", "hour_reading", "summary": {...}, "results": [...]}.
// Every instant appears twice: epoch seconds ("due") and local text ("due_local",
// "YYYY-MM-DD HH:MM:SS", Asia/Shanghai); unknown instants are null. Pure; allocates the document.
nlohmann::ordered_json ResultsToJson(const CaseTimeline& timeline, EpochSeconds at, const Catalog& catalog,
                                     const std::vector<RuleResult>& results);

}  // namespace fazhi::supervision
