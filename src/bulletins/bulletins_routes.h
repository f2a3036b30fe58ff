// HTTP routes of the bulletins module (docs/openapi.json): list, generate, read, edit the narrative,
// approve, publish, download the DOCX, open the print page.
#pragma once

#include "bulletins/bulletins_service.h"
#include "http/router.h"

namespace fazhi::bulletins {

void RegisterRoutes(http::Router& router, BulletinService& s);

}  // namespace fazhi::bulletins
