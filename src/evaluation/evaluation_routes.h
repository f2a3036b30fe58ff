// /api/evaluation: the 优劣质案件评定 routes (docs/openapi.json). Handlers parse, call one
// EvaluationService function and serialise.
#pragma once

#include "evaluation/evaluation_service.h"
#include "http/router.h"

namespace fazhi::evaluation {

void RegisterRoutes(http::Router& router, EvaluationService& s);

}  // namespace fazhi::evaluation
