// The oversight module's public API in one include: OversightService (cases::CaseHooks),
// RegisterRoutes and Sweeper. See docs/oversight.md.
#pragma once

#include "oversight/oversight_routes.h"
#include "oversight/oversight_service.h"
#include "oversight/sweeper.h"
