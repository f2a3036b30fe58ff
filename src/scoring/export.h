// File forms of a month's scores: the XLSX export and the printable 晾晒 sheet (HTML). Pure
// formatting of data the service already filtered to the caller's scope.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "scoring/scoring_service.h"

namespace fazhi::scoring {

// Workbook with sheets 民警积分排名, 单位积分排名 and, when `entries` is not empty, 积分明细.
// Points are written as numbers. Internal error if the temporary file cannot be written.
Result<std::string> WriteMonthXlsx(const RankingView& view, const std::vector<EntryView>& entries);

// A self-contained printable HTML page (A4, 中文) of the month's 晾晒 sheet: the bureau, month and
// status, the unit ranking, the officer ranking with movement since last month. Text is escaped.
std::string PublicitySheetHtml(const RankingView& view);

// "↑3", "↓2", "—" (no change), "新" (not ranked last month).
std::string MovementText(const std::optional<int>& movement);

}  // namespace fazhi::scoring
