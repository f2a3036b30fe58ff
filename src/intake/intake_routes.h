// /api/intake: the 接报案大厅 routes (docs/openapi.json). Handlers parse, call one IntakeService
// function and serialise.
#pragma once

#include "http/router.h"
#include "intake/intake_service.h"

namespace fazhi::intake {

void RegisterRoutes(http::Router& router, IntakeService& s);

}  // namespace fazhi::intake
