// The evaluation module's contributions to scoring and bulletins (evaluation_sources.cpp): the
// points-ledger source "case_rating" (acts case_rating_good — a bonus — and case_rating_poor — a
// deduction — to the case's 主办民警, in the month the round was closed, priced by the scheme in
// force) and the bulletin section "evaluation" (优劣质案件评定情况). Both read only the module's tables.
#pragma once

#include <memory>

#include "kit/bulletin_section.h"
#include "points/ledger_source.h"

namespace fazhi::evaluation {

std::unique_ptr<points::LedgerSource> MakeLedgerSource();
std::unique_ptr<kit::BulletinSectionProvider> MakeBulletinSection();

}  // namespace fazhi::evaluation
