// /api/patrol: the 五化巡防 routes (docs/openapi.json). Handlers parse, call one PatrolService function
// and serialise.
#pragma once

#include "http/router.h"
#include "patrol/patrol_service.h"

namespace fazhi::patrol {

void RegisterRoutes(http::Router& router, PatrolService& s);

}  // namespace fazhi::patrol
