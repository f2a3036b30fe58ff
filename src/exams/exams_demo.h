// The exams module's demo data for the demo year: a bank of generated questions on real law topics,
// the 4 法制夜校 exams and the 2 执法资格考试 sittings of the seed with attempts, marks and results
// for the demo bureau's officers, and every 民警's 执法资格. Deterministic; idempotent.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "db/database.h"

namespace fazhi::exams {

Result<std::vector<std::string>> GenerateExamsDemo(db::Database& db, const Clock& clock, int year);

}  // namespace fazhi::exams
