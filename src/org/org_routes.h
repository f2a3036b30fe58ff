// HTTP routes of the organisation module (docs/api-contract-draft.md, "Units" and "People"):
//   GET/POST /api/units, GET/PUT/DELETE /api/units/{id}                         org.read / org.write
//   GET/POST /api/people, GET/PUT/DELETE /api/people/{id}                     people.read / people.write
//   POST /api/people/import?mode=check|commit[&skip_invalid=1] (multipart field "file")  people.write
//   GET /api/people/import/template?format=csv|xlsx                                      people.write
//   GET /api/people/export?format=xlsx|csv&<list filters>                                people.read
// Handlers only parse, call one OrgService function and serialise.
#pragma once

#include <nlohmann/json.hpp>

#include "http/router.h"
#include "org/org_service.h"

namespace fazhi::org {

// Adds the routes above to `router`. `service` must outlive the router.
void RegisterRoutes(http::Router& router, OrgService& service);

// JSON forms used by the routes (exposed for tests and other modules' responses).
nlohmann::json UnitJson(const Unit& u);
nlohmann::json PersonJson(const Person& p);
nlohmann::json ImportReportJson(const ImportReport& r);

}  // namespace fazhi::org
