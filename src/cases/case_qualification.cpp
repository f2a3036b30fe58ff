#include "cases/case_qualification.h"

#include <optional>

#include <fmt/format.h>

#include "core/local_time.h"
#include "db/sql.h"
#include "exams/exams_reads.h"

namespace fazhi::cases {

namespace {

std::string Day(EpochSeconds t) { return FormatDate(LocalDateOf(t)); }

// What the register says about one officer on `day` (the periods of exams_reads.h; both dates
// inclusive). Mirrors the alert's wording: a later period wins over an expired one.
OfficerQualification Judge(const std::vector<exams::QualificationPeriod>& periods, CivilDate day) {
  OfficerQualification q{.status = "none", .level = {}, .day = FormatDate(day), .obtained_on = {}, .valid_until = {}};
  if (const std::string level = exams::LevelOn(periods, day); !level.empty()) {
    const exams::QualificationPeriod* shown = nullptr;  // the held period of that level lasting longest
    for (const auto& p : periods)
      if (p.level == level && exams::QualifiedOn({p}, day) && (!shown || p.valid_until > shown->valid_until))
        shown = &p;
    q.status = "valid";
    q.level = level;
    if (shown) q.obtained_on = Day(shown->obtained_at), q.valid_until = Day(shown->valid_until);
    return q;
  }
  const EpochSeconds start = LocalMidnight(day);
  const exams::QualificationPeriod *ended = nullptr, *later = nullptr;
  for (const auto& p : periods) {
    if (p.valid_until < start && (!ended || p.valid_until > ended->valid_until)) ended = &p;
    if (p.valid_until >= start && (!later || p.obtained_at < later->obtained_at)) later = &p;
  }
  const exams::QualificationPeriod* shown = later ? later : ended;
  if (!shown) return q;
  q.status = later ? "not_yet" : "expired";
  q.level = shown->level;
  q.obtained_on = Day(shown->obtained_at);
  q.valid_until = Day(shown->valid_until);
  return q;
}

}  // namespace

std::map<std::int64_t, OfficerQualification> OfficerQualifications(soci::session& sql, std::int64_t bureau_id,
                                                                   EpochSeconds accepted_at,
                                                                   const std::vector<std::int64_t>& persons) {
  std::map<std::int64_t, OfficerQualification> out;
  if (persons.empty() || !exams::BureauKeepsQualifications(sql, bureau_id)) return out;
  db::SqlArgs a;
  std::vector<std::int64_t> police;
  db::Each(sql, fmt::format("SELECT id FROM people WHERE id IN {} AND kind = '民警' ORDER BY id", a.IntList(persons)),
           a, [&](const db::Row& r) { police.push_back(r.Int("id")); });
  const auto periods = exams::QualificationPeriods(sql, police);
  const CivilDate day = LocalDateOf(accepted_at);
  for (const std::int64_t p : police) {
    const auto it = periods.find(p);
    out.emplace(p, Judge(it == periods.end() ? std::vector<exams::QualificationPeriod>{} : it->second, day));
  }
  return out;
}

std::string QualificationStatusName(const std::string& status) {
  if (status == "valid") return "有效";
  if (status == "none") return "未登记";
  if (status == "expired") return "已过期";
  if (status == "not_yet") return "尚未取得";
  return status;
}

std::string QualificationLevelName(const std::string& level) {
  if (level == "basic") return "基本级";
  if (level == "intermediate") return "中级";
  if (level == "senior") return "高级";
  return level;
}

}  // namespace fazhi::cases
