#include "training/training_reads.h"

#include <fmt/format.h>

#include "core/local_time.h"
#include "db/sql.h"

namespace fazhi::training {

namespace {

EpochSeconds YearStart(int year) { return LocalMidnight(CivilDate{year, 1, 1}); }

}  // namespace

std::map<std::string, std::int64_t> SessionCounts(soci::session& sql, const std::string& path, EpochSeconds from,
                                                  EpochSeconds to) {
  std::map<std::string, std::int64_t> out;
  db::SqlArgs a;
  db::Each(sql,
           fmt::format("SELECT s.kind, COUNT(*) AS n FROM training_sessions s JOIN units u ON u.id = s.unit_id WHERE "
                       "{} AND s.start_at >= {} AND s.start_at < {} GROUP BY s.kind",
                       db::PathUnder(a, "u.path", path), a.Int(from), a.Int(to)),
           a, [&](const db::Row& r) { out[r.Str("kind")] = r.Int("n"); });
  return out;
}

namespace {

void CountSessions(soci::session& sql, const std::string& path, int year, YearCounts& y) {
  for (const auto& k : kKinds) {
    y.by_kind[k] = 0;
    y.by_month[k] = std::vector<std::int64_t>(12, 0);
  }
  db::SqlArgs a;
  db::Each(sql,
           fmt::format("SELECT s.kind, s.start_at FROM training_sessions s JOIN units u ON u.id = s.unit_id WHERE {} "
                       "AND s.start_at >= {} AND s.start_at < {}",
                       db::PathUnder(a, "u.path", path), a.Int(YearStart(year)), a.Int(YearStart(year + 1))),
           a, [&](const db::Row& r) {
             const std::string kind = r.Str("kind");
             const int month = LocalDateOf(r.Int("start_at")).month;
             ++y.by_kind[kind];
             auto& months = y.by_month[kind];
             if (months.size() != 12) months.assign(12, 0);
             ++months[month - 1];
           });
}

// Per target unit under `path`: people expected (active people of the unit, per session aimed at
// it) and present.
void CountAttendance(soci::session& sql, const std::string& path, int year, YearCounts& y) {
  db::SqlArgs a;
  const std::string range =
      fmt::format("s.start_at >= {} AND s.start_at < {}", a.Int(YearStart(year)), a.Int(YearStart(year + 1)));
  struct Row {
    std::int64_t unit_id;
    std::string name;
    std::int64_t sessions, attended;
  };
  std::vector<Row> rows;
  db::Each(
      sql,
      fmt::format("SELECT u.id, u.name, COUNT(DISTINCT s.id) AS sessions, COUNT(x.id) AS attended FROM "
                  "training_session_units t JOIN training_sessions s ON s.id = t.session_id JOIN units u ON u.id = "
                  "t.unit_id LEFT JOIN training_attendance x ON x.session_id = s.id AND x.unit_id = u.id WHERE {} "
                  "AND {} GROUP BY u.id, u.name, u.path ORDER BY u.path",
                  range, db::PathUnder(a, "u.path", path)),
      a, [&](const db::Row& r) {
        rows.push_back({r.Int("id"), r.Str("name"), r.Int("sessions"), r.Int("attended")});
      });
  for (const auto& r : rows) {
    db::SqlArgs b;
    const std::int64_t people = db::Count(
        sql, fmt::format("SELECT COUNT(*) FROM people WHERE unit_id = {} AND active = 1", b.Int(r.unit_id)), b);
    y.attendance.push_back(UnitRate{r.unit_id, r.name, r.attended, people * r.sessions});
  }
}

}  // namespace

YearCounts CountYear(soci::session& sql, const std::string& path, int year, EpochSeconds now) {
  YearCounts y;
  y.year = year;
  CountSessions(sql, path, year, y);
  CountAttendance(sql, path, year, y);
  {
    db::SqlArgs a;
    y.law_reports =
        db::Count(sql,
                  fmt::format("SELECT COUNT(*) FROM training_law_reports r JOIN units u ON u.id = r.unit_id "
                              "WHERE {} AND r.year = {}",
                              db::PathUnder(a, "u.path", path), a.Int(year)),
                  a);
  }
  {
    db::SqlArgs a;
    db::First(sql,
              fmt::format("SELECT SUM(CASE WHEN c.kind = 'appearance' THEN 1 ELSE 0 END) AS app, SUM(CASE WHEN c.kind "
                          "= 'appearance' AND c.head_appeared = 1 THEN 1 ELSE 0 END) AS head, SUM(CASE WHEN c.kind = "
                          "'hearing' THEN 1 ELSE 0 END) AS hear FROM training_court_records c JOIN units u ON u.id = "
                          "c.unit_id WHERE {} AND c.held_at >= {} AND c.held_at < {}",
                          db::PathUnder(a, "u.path", path), a.Int(YearStart(year)), a.Int(YearStart(year + 1))),
              a, [&](const db::Row& r) {
                y.appearances = r.OptInt("app").value_or(0);
                y.head_appearances = r.OptInt("head").value_or(0);
                y.hearings = r.OptInt("hear").value_or(0);
              });
  }
  {
    const CivilDate today = LocalDateOf(now);
    const std::string this_month = fmt::format("{:04}-{:02}", today.year, today.month);
    db::SqlArgs a;
    db::First(sql,
              fmt::format("SELECT COUNT(*) AS n, SUM(CASE WHEN p.session_id IS NOT NULL THEN 1 ELSE 0 END) AS done, "
                          "SUM(CASE WHEN p.session_id IS NULL AND p.month < {} THEN 1 ELSE 0 END) AS missed FROM "
                          "training_plan_items p JOIN units u ON u.id = p.unit_id WHERE {} AND p.month >= {} AND "
                          "p.month <= {}",
                          a.Str(this_month), db::PathUnder(a, "u.path", path), a.Str(fmt::format("{:04}-01", year)),
                          a.Str(fmt::format("{:04}-12", year))),
              a, [&](const db::Row& r) {
                y.plan_items = r.Int("n");
                y.plan_done = r.OptInt("done").value_or(0);
                y.plan_missed = r.OptInt("missed").value_or(0);
              });
  }
  {
    // The library is the bureau's: issues of the bureaus in the subtree published in the year.
    db::SqlArgs a;
    y.materials =
        db::Count(sql,
                  fmt::format("SELECT COUNT(*) FROM training_materials m WHERE m.bureau_id IN (SELECT u.id FROM "
                              "units u WHERE {} OR u.id IN (SELECT bureau_id FROM units v WHERE {})) AND "
                              "m.published_at >= {} AND m.published_at < {}",
                              db::PathUnder(a, "u.path", path), db::PathUnder(a, "v.path", path),
                              a.Int(YearStart(year)), a.Int(YearStart(year + 1))),
                  a);
  }
  return y;
}

}  // namespace fazhi::training
