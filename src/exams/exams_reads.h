// Read functions other modules may call (docs/module-template.md §1): whether an officer held a
// valid 执法资格 — for the supervision alert and the points entry of issue 14 item 3 (an officer
// handling a case without a valid qualification; src/oversight/qualification_check.cpp). Plain reads
// on the caller's session, and the hook through which the module tells the supervision loop that
// qualifications were recorded.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "core/local_time.h"
#include "db/soci.h"

namespace fazhi::exams {

// A qualification of any level obtained at or before `at` and valid after it (valid_until exclusive,
// to the second: the register's own 有效/已失效 flag).
bool HasValidQualification(soci::session& sql, std::int64_t person_id, EpochSeconds at);

// One recorded qualification, as the day rule below reads it.
struct QualificationPeriod {
  std::string level;  // basic / intermediate / senior
  EpochSeconds obtained_at = 0;
  EpochSeconds valid_until = 0;
};
// The qualifications of `persons`, by person (persons without any are absent). One query per 500 ids.
std::map<std::int64_t, std::vector<QualificationPeriod>> QualificationPeriods(soci::session& sql,
                                                                              const std::vector<std::int64_t>& persons);
// The day rule of supervision (pure): an officer is qualified on local day `day` when one of his
// qualifications was obtained on or before that day and its 有效期至 is that day or later — both
// dates inclusive, whatever the time of day stored with them.
bool QualifiedOn(const std::vector<QualificationPeriod>& periods, CivilDate day);
// The highest level of the qualifications valid on `day` ("" when none) — for display.
std::string LevelOn(const std::vector<QualificationPeriod>& periods, CivilDate day);
// Whether the bureau has recorded any qualification at all. Supervision checks no case of a bureau
// whose register is still empty (a fresh installation would otherwise flag every case).
bool BureauKeepsQualifications(soci::session& sql, std::int64_t bureau_id);

// Called inside the transaction that recorded qualifications (登记, 导入, the demo), with the
// persons concerned — empty means "any person" (the demo). The supervision module sets it to
// re-check the cases of these officers, so that an alert clears as soon as the record exists.
using QualificationsChanged = std::function<Result<void>(soci::session& sql, const std::vector<std::int64_t>& persons)>;

}  // namespace fazhi::exams
