// The scoring module's section of the bulletins (kit/bulletin_section.h): “执法办案积分情况”, the
// units' points of the period's published (公示) or final months and their ranking. Months not yet
// published do not count: a bulletin prints only points people have seen. Registered through
// ScoringModule::AddBulletinSections.
#pragma once

#include <memory>

#include "kit/bulletin_section.h"

namespace fazhi::scoring {

std::unique_ptr<kit::BulletinSectionProvider> MakeScoringBulletinSection();

}  // namespace fazhi::scoring
