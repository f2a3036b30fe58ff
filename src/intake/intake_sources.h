// The intake module's contributions to scoring and bulletins (intake_sources.cpp): the points-ledger
// source "complaint" (act complaint_substantiated: a complaint about an officer found substantiated,
// one deduction to that officer in the month it was concluded) and the bulletin section "intake"
// (接报案大厅受理情况). Both read only the module's own tables.
#pragma once

#include <memory>

#include "kit/bulletin_section.h"
#include "points/ledger_source.h"

namespace fazhi::intake {

std::unique_ptr<points::LedgerSource> MakeLedgerSource();
std::unique_ptr<kit::BulletinSectionProvider> MakeBulletinSection();

}  // namespace fazhi::intake
