// The cases module's section of the bulletins (通报栏目 “案件受理与办结情况”): cases accepted and
// closed in the period within the scope, by type and by unit, with the change from the previous
// period (kit/bulletin_section.h). Registered through CasesModule::AddBulletinSections.
#pragma once

#include <memory>

#include "kit/bulletin_section.h"

namespace fazhi::cases {

std::unique_ptr<kit::BulletinSectionProvider> MakeCaseBulletinSection();

}  // namespace fazhi::cases
