// The `/api/inspections…` route table (三级执法巡查).
#pragma once

#include "http/router.h"
#include "inspections/inspections_service.h"

namespace fazhi::inspections {

void RegisterRoutes(http::Router& router, InspectionService& s);

}  // namespace fazhi::inspections
