// 执法资格 of a case's officers on the day of 受案, for the case page (issue s11 item 2): the same day
// rule as the supervision alert no_qualification (src/oversight/qualification_check.cpp), read
// through exams_reads.h. Only 民警 are checked (辅警 do not sit the examination), and only in a
// bureau that keeps a register at all; the caller has already checked that the case is visible.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cases/case_types.h"
#include "core/clock.h"
#include "db/soci.h"

namespace fazhi::cases {

// By person id; officers that are not checked (辅警, unknown people, a bureau without a register)
// are absent.
std::map<std::int64_t, OfficerQualification> OfficerQualifications(soci::session& sql, std::int64_t bureau_id,
                                                                   EpochSeconds accepted_at,
                                                                   const std::vector<std::int64_t>& persons);

std::string QualificationStatusName(const std::string& status);
std::string QualificationLevelName(const std::string& level);

}  // namespace fazhi::cases
