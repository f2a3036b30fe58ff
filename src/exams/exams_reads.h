// Read functions other modules may call (docs/module-template.md §1): whether an officer held a
// valid 执法资格 at a time — for the supervision alert and the points entry of issue 14 item 3 (an
// officer handling a case without a valid qualification). Plain reads on the caller's session.
#pragma once

#include <cstdint>

#include "core/clock.h"
#include "db/soci.h"

namespace fazhi::exams {

// A qualification of any level obtained at or before `at` and valid after it.
bool HasValidQualification(soci::session& sql, std::int64_t person_id, EpochSeconds at);

}  // namespace fazhi::exams
