// The 2023 demo of the evaluation module (evaluation_demo.cpp): in 城区分局, a rubric of five items,
// the round "2023年度优劣质案件评定" over a seeded random draw of 20 cases closed in 2023, a panel of
// three 法制员 accounts (fazhiyuan and, created here when absent, pingshen2 and pingshen3, password
// kDemoPassword) with every member's marks, closed: 7 优质, 2 劣质, the rest 合格. Idempotent.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "db/database.h"

namespace fazhi::evaluation {

Result<std::vector<std::string>> GenerateEvaluationDemo(db::Database& db, const Clock& clock, int year);

}  // namespace fazhi::evaluation
