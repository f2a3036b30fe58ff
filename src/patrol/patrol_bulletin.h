// The patrol module's part of the quarterly 执法规范化建设通报 (patrol_bulletin.cpp): the section
// "patrol" (五化巡防与平安志愿者) — 必到点 check-ins and their flagged share, 警情 arrivals on time per
// unit and the slowest units, 模拟测警, the 矛盾纠纷 and 安全隐患 registers, and the volunteers'
// figures and 巡防之星 (read through volunteers/volunteers_reads.h). Everything is computed from
// the rows of units within the bulletin's scope, in its period.
#pragma once

#include <memory>

#include "kit/bulletin_section.h"

namespace fazhi::patrol {

std::unique_ptr<kit::BulletinSectionProvider> MakeBulletinSection();

}  // namespace fazhi::patrol
