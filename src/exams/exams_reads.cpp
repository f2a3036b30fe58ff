#include "exams/exams_reads.h"

#include "exams/exams_store.h"

namespace fazhi::exams {

bool HasValidQualification(soci::session& sql, std::int64_t person_id, EpochSeconds at) {
  return store::HasValid(sql, person_id, at);
}

}  // namespace fazhi::exams
