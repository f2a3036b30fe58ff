// /api/publicity: the 谁执法谁普法 routes (docs/openapi.json). Handlers parse, call one
// PublicityService function and serialise.
#pragma once

#include "http/router.h"
#include "publicity/publicity_service.h"

namespace fazhi::publicity {

void RegisterRoutes(http::Router& router, PublicityService& s);

}  // namespace fazhi::publicity
