// The patrol module's points-ledger source "patrol" (patrol_points.cpp): act patrol_checkin for
// each 必到点 check-in of the month that is finished (left) without any flag, and act patrol_catch
// for each 抓获现行 log entry, both to the officer whose account made them (users.person_id; rows of
// accounts without a person earn nothing). The scheme prices them and caps patrol_checkin per
// officer per month (caps.acts, src/scoring/scheme.cpp); the source only reads the rows.
#pragma once

#include <memory>

#include "points/ledger_source.h"

namespace fazhi::patrol {

std::unique_ptr<points::LedgerSource> MakeLedgerSource();

}  // namespace fazhi::patrol
