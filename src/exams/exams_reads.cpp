#include "exams/exams_reads.h"

#include <algorithm>

#include <fmt/format.h>

#include "db/sql.h"
#include "exams/exams_store.h"

namespace fazhi::exams {

bool HasValidQualification(soci::session& sql, std::int64_t person_id, EpochSeconds at) {
  return store::HasValid(sql, person_id, at);
}

std::map<std::int64_t, std::vector<QualificationPeriod>> QualificationPeriods(
    soci::session& sql, const std::vector<std::int64_t>& persons) {
  std::map<std::int64_t, std::vector<QualificationPeriod>> out;
  constexpr std::size_t kBatch = 500;
  for (std::size_t i = 0; i < persons.size(); i += kBatch) {
    const std::vector<std::int64_t> part(
        persons.begin() + static_cast<std::ptrdiff_t>(i),
        persons.begin() + static_cast<std::ptrdiff_t>(std::min(persons.size(), i + kBatch)));
    db::SqlArgs a;
    db::Each(
        sql,
        fmt::format("SELECT person_id, level, obtained_at, valid_until FROM exam_qualifications WHERE person_id IN "
                    "{} ORDER BY person_id, obtained_at, id",
                    a.IntList(part)),
        a, [&](const db::Row& r) {
          out[r.Int("person_id")].push_back(
              {.level = r.Str("level"), .obtained_at = r.Int("obtained_at"), .valid_until = r.Int("valid_until")});
        });
  }
  return out;
}

namespace {

int LevelRank(const std::string& level) {
  if (level == "senior") return 3;
  if (level == "intermediate") return 2;
  return 1;
}

}  // namespace

std::string LevelOn(const std::vector<QualificationPeriod>& periods, CivilDate day) {
  const EpochSeconds start = LocalMidnight(day);
  const EpochSeconds next = LocalMidnight(CivilFromDays(DaysFromCivil(day) + 1));
  std::string best;
  for (const auto& p : periods)
    if (p.obtained_at < next && p.valid_until >= start && (best.empty() || LevelRank(p.level) > LevelRank(best)))
      best = p.level;
  return best;
}

bool QualifiedOn(const std::vector<QualificationPeriod>& periods, CivilDate day) {
  return !LevelOn(periods, day).empty();
}

bool BureauKeepsQualifications(soci::session& sql, std::int64_t bureau_id) {
  db::SqlArgs a;
  return db::Count(
             sql,
             fmt::format("SELECT COUNT(*) FROM (SELECT id FROM exam_qualifications WHERE bureau_id = {} LIMIT 1) x",
                         a.Int(bureau_id)),
             a) > 0;
}

}  // namespace fazhi::exams
