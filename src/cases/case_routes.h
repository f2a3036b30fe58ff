// HTTP routes of the case file (docs/cases.md lists them with examples): incidents, cases, case page
// data, event log, state machine, case list export and import — named handlers in one route table
// (http::Routes). Handlers only parse, call one CaseService function and serialise.
#pragma once

#include <nlohmann/json.hpp>

#include "cases/case_service.h"
#include "http/router.h"

namespace fazhi::cases {

// Registers every /api/incidents, /api/cases and /api/import route on `router`. `service` must
// outlive the router.
void RegisterRoutes(http::Router& router, CaseService& service);

// JSON forms used by the routes (times as UTC epoch seconds plus *_local text).
nlohmann::json IncidentJson(const Incident& i);
nlohmann::json CaseSummaryJson(const CaseSummary& c);
nlohmann::json CaseEventJson(const CaseEvent& e);
// The id is sent as text (the web app keeps job ids as strings); ImportReportJson is case_service.h's.
nlohmann::json ImportJobJson(const ImportJob& j);

}  // namespace fazhi::cases
