// HTTP routes of the oversight module (docs/oversight.md §接口): named handlers and one route table.
// Handlers only parse (JsonInput, http::QueryReader), call one OversightService function and
// serialise. Notifications and 督办 have their own routes (src/notify, src/orders).
//
//   监管配置 (GET: case.read; writes: rule.admin)
//     GET  /api/oversight/catalog                              active catalog + versions (who/when/note)
//     PUT  /api/oversight/catalog                              {catalog, note?, activate?=true} → new version
//     GET  /api/oversight/catalog/versions/{version}           one stored version
//     POST /api/oversight/catalog/versions/{version}/activate  activate / roll back
//     GET|PUT /api/oversight/calendar, GET /api/oversight/calendar/versions/{version},
//     POST /api/oversight/calendar/versions/{version}/activate the same for the holiday calendar
//     GET|POST /api/oversight/reevaluation                     the background re-evaluation (POST: rule.admin)
//     GET|PUT /api/oversight/review-gates                      review gate table
//     POST /api/oversight/sweep                                run one sweep now (rule.admin)
//   告警中心 (case.read)
//     GET /api/alerts?state=&rule_id=&unit_id=&officer_id=&case_id=&due_from=&due_to=&page=&page_size=&sort=&order=
//     GET /api/cases/{id}/alerts                               the case's clocks (countdowns)
//     GET /api/violations?unit_id=&officer_id=&case_id=&rule_id=&from=&to=&page=
//   法制员审核
//     GET /api/cases/{id}/reviews (case.read), POST /api/cases/{id}/reviews (case.review)
//   平台应用考核 (case.read)
//     GET /api/metrics?month=2023-07&unit_id=, GET /api/metrics/export?month=&unit_id= (XLSX)
#pragma once

#include <nlohmann/json.hpp>

#include "http/router.h"
#include "oversight/oversight_service.h"

namespace fazhi::oversight {

// Adds the routes above. `service` must outlive the router.
void RegisterRoutes(http::Router& router, OversightService& service);

// JSON forms (exposed for tests and other modules).
nlohmann::json AlertJson(const Alert& a);
nlohmann::json ReviewJson(const Review& r);
nlohmann::json MetricsJson(const MetricsReport& r);

}  // namespace fazhi::oversight
