// The inspections module's contributions to scoring and bulletins (inspections_sources.cpp): the
// points-ledger source "inspection" (act inspection_finding, one per finding, to its 责任民警) and the
// bulletin section "inspections".
#pragma once

#include <memory>

#include "kit/bulletin_section.h"
#include "points/ledger_source.h"

namespace fazhi::inspections {

std::unique_ptr<points::LedgerSource> MakeLedgerSource();
std::unique_ptr<kit::BulletinSectionProvider> MakeBulletinSection();

}  // namespace fazhi::inspections
