// The demo of the publicity module (publicity_demo.cpp): in 城区分局, each unit's duty list, the
// year's cycle (plan, mid-year check and summary, submitted on time but for one late mid-year check)
// and events on every campaign of the calendar plus everyday ones, with audience counts. Idempotent.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "db/database.h"

namespace fazhi::publicity {

Result<std::vector<std::string>> GeneratePublicityDemo(db::Database& db, int year);

}  // namespace fazhi::publicity
