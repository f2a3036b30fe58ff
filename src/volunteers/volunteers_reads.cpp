#include "volunteers/volunteers_reads.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "db/sql.h"
#include "volunteers/volunteers_store.h"

namespace fazhi::volunteers {

PeriodFigures FiguresOfPeriod(soci::session& sql, const std::string& unit_path, EpochSeconds from, EpochSeconds to) {
  PeriodFigures f;
  db::SqlArgs a;
  db::Each(sql,
           fmt::format("SELECT COUNT(DISTINCT s.volunteer_id) AS active, COUNT(*) AS tasks, "
                       "COALESCE(SUM(s.checkout_at - s.checkin_at), 0) AS seconds FROM volunteer_assignments s "
                       "JOIN volunteers v ON v.id = s.volunteer_id JOIN units u ON u.id = v.unit_id "
                       "WHERE v.status = 'approved' AND s.state = 'done' AND s.checkout_at IS NOT NULL AND "
                       "s.checkin_at >= {} AND s.checkin_at < {} AND {}",
                       a.Int(from), a.Int(to), db::PathUnder(a, "u.path", unit_path)),
           a, [&](const db::Row& r) {
             f.active = r.Int("active");
             f.tasks_done = r.Int("tasks");
             f.service_seconds = r.Int("seconds");
           });
  db::SqlArgs b;
  db::Each(sql,
           fmt::format("SELECT COUNT(*) AS n FROM volunteer_clues c JOIN volunteers v ON v.id = c.volunteer_id "
                       "JOIN units u ON u.id = v.unit_id WHERE v.status = 'approved' AND c.status = 'accepted' AND "
                       "c.created_at >= {} AND c.created_at < {} AND {}",
                       b.Int(from), b.Int(to), db::PathUnder(b, "u.path", unit_path)),
           b, [&](const db::Row& r) { f.clues_accepted = r.Int("n"); });
  return f;
}

std::vector<StarCandidate> RankStars(soci::session& sql, const std::string& unit_path, const std::string& month,
                                     EpochSeconds from, EpochSeconds to, const StarCriteria& c) {
  std::vector<StarCandidate> out;
  for (const auto& f : store::FiguresOfMonth(sql, unit_path, month, from, to)) {
    StarCandidate s{.volunteer_id = f.volunteer_id,
                    .unit_id = f.unit_id,
                    .name = f.name,
                    .unit_name = f.unit_name,
                    .team_name = f.team_name,
                    .points = f.points,
                    .tasks = f.tasks,
                    .clues = f.clues};
    s.score = f.points * c.points_weight + f.tasks * c.task_weight + f.clues * c.clue_weight;
    if (s.score <= 0) continue;
    s.reasons = fmt::format("当月积分 {} 分 ×{} + 完成任务 {} 次 ×{} + 线索采纳 {} 条 ×{} = {:g} 分", f.points,
                            c.points_weight, f.tasks, c.task_weight, f.clues, c.clue_weight, s.score);
    out.push_back(std::move(s));
  }
  std::stable_sort(out.begin(), out.end(), [](const StarCandidate& a, const StarCandidate& b) {
    if (a.unit_id != b.unit_id) return a.unit_id < b.unit_id;
    if (a.score != b.score) return a.score > b.score;
    if (a.tasks != b.tasks) return a.tasks > b.tasks;
    return a.volunteer_id < b.volunteer_id;
  });
  std::map<std::int64_t, int> per_unit;
  for (auto& s : out) s.star = per_unit[s.unit_id]++ < c.stars_per_unit;
  return out;
}

}  // namespace fazhi::volunteers
