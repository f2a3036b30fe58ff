// HTTP routes of the oversight module (docs/oversight.md §接口). Handlers only parse, call one
// OversightService function and serialise.
//
//   监管配置 (GET: case.read; writes: rule.admin)
//     GET  /api/oversight/catalog                              active catalog + versions (who/when/note)
//     PUT  /api/oversight/catalog                              {catalog, note?, activate?=true} → new version
//     GET  /api/oversight/catalog/versions/{version}           one stored version
//     POST /api/oversight/catalog/versions/{version}/activate  activate / roll back
//     GET|PUT /api/oversight/calendar, GET /api/oversight/calendar/versions/{version},
//     POST /api/oversight/calendar/versions/{version}/activate the same for the holiday calendar
//     GET|PUT /api/oversight/review-gates                      review gate table
//     POST /api/oversight/sweep                                run one sweep now (rule.admin)
//   告警中心 (case.read)
//     GET /api/alerts?state=&rule_id=&unit_id=&officer_id=&case_id=&due_from=&due_to=&page=&page_size=&sort=&order=
//     GET /api/cases/{id}/alerts                               the case's clocks (countdowns)
//     GET /api/violations?unit_id=&officer_id=&case_id=&rule_id=&from=&to=&page=
//   通知中心 (signed in; the caller's own)
//     GET /api/notifications?unread=1&page=, GET /api/notifications/unread-count,
//     POST /api/notifications/{id}/read, POST /api/notifications/read-all
//   督办 (list/read: signed in, scope or responsible; create/close/return/suspend/resume: case.review)
//     GET/POST /api/supervision-orders, GET /api/supervision-orders/{id}
//     POST /api/supervision-orders/{id}/answer (JSON {text} or multipart: field text + file parts)
//     POST /api/supervision-orders/{id}/{close|return|suspend|resume}
//     GET  /api/attachments/{id}                               download
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
nlohmann::json OrderJson(const Order& o);
nlohmann::json ReviewJson(const Review& r);
nlohmann::json MetricsJson(const MetricsReport& r);

}  // namespace fazhi::oversight
