// HTTP routes of the scoring module (docs/scoring.md has request/response examples):
//   GET  /api/scoring/acts                                         score.read   scorable acts, forbidden indicators
//   GET  /api/scoring/schemes[?bureau_id=]                         score.read   scheme versions, newest first
//   GET  /api/scoring/schemes/{id}                                 score.read
//   POST /api/scoring/schemes/validate                             score.manage check only, nothing stored
//   POST /api/scoring/schemes                                      score.manage new version → 201
//   GET  /api/scoring/months[?bureau_id=&year=]                    score.read
//   GET  /api/scoring/months/{month}[?bureau_id=]                  score.read
//   POST /api/scoring/months/{month}/compute|publish|finalize      score.manage body {"bureau_id"?} or ?bureau_id=
//   GET  /api/scoring/months/{month}/rankings[?bureau_id=&unit_id=] score.read
//   GET  /api/scoring/months/{month}/entries[?bureau_id=&unit_id=&page=&page_size=]  score.manage
//   GET  /api/scoring/months/{month}/export[?bureau_id=&unit_id=]  score.read   XLSX
//   GET  /api/scoring/months/{month}/sheet[?bureau_id=&unit_id=&format=json|html]  score.read  晾晒 sheet
//   GET  /api/scoring/me?month=YYYY-MM                             score.read   my points
//   GET  /api/scoring/officers/{id}?month=YYYY-MM                  score.read   (others: score.manage + scope)
//   GET  /api/scoring/years/{year}[?bureau_id=&unit_id=]           score.read   year totals (评先评优/晋升)
//   GET  /api/scoring/objections[?bureau_id=&month=&status=]       score.read
//   POST /api/scoring/objections                                   score.read   {"entry_id","reason"} → 201
//   POST /api/scoring/objections/{id}/decide                       score.manage
//   {"decision":"accept|reject","reason","adjustment"?}
// Handlers only parse, call one ScoringService function and serialise.
#pragma once

#include <nlohmann/json.hpp>

#include "http/router.h"
#include "scoring/scoring_service.h"

namespace fazhi::scoring {

// Adds the routes above to `router`. `service` must outlive the router.
void RegisterRoutes(http::Router& router, ScoringService& service);

// JSON forms (shared by the routes and `fazhi score`).
nlohmann::json PointsJson(Centi c);  // 250 → 2.5, 300 → 3
nlohmann::json EntryJson(const EntryView& e);
nlohmann::json MonthJson(const MonthInfo& m);
nlohmann::json SchemeVersionJson(const SchemeVersion& v);
nlohmann::json RankingViewJson(const RankingView& v);
nlohmann::json OfficerMonthJson(const OfficerMonth& o);
nlohmann::json YearTotalsJson(const YearTotals& y);
nlohmann::json ObjectionJson(const Objection& o);
nlohmann::json ActsJson();

}  // namespace fazhi::scoring
