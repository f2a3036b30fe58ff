// The /api/volunteers… routes (coordinator) and /api/volunteer/… routes (the volunteer's own page).
#pragma once

#include "http/router.h"
#include "volunteers/volunteers_service.h"

namespace fazhi::volunteers {

void RegisterRoutes(http::Router& router, VolunteerService& s);

}  // namespace fazhi::volunteers
