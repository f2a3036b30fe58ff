// The scoring module's public surface in one include (for App, the CLI and `fazhi demo`):
//   ScoringService (scoring_service.h), RegisterRoutes (scoring_routes.h),
//   RunScoreCommand (score_command.h), GenerateScoringDemo (scoring_demo.h).
#pragma once

#include "scoring/score_command.h"
#include "scoring/scoring_demo.h"
#include "scoring/scoring_routes.h"
#include "scoring/scoring_service.h"
