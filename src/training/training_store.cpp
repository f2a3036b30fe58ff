#include "training/training_store.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/local_time.h"
#include "core/text.h"
#include "db/bulk_insert.h"
#include "db/sql.h"
#include "org/org_reads.h"

namespace fazhi::training::store {

namespace {

constexpr const char* kSessionColumns =
    "SELECT s.id, s.bureau_id, s.unit_id, u.name AS unit_name, u.path AS unit_path, s.kind, s.topic, s.start_at, "
    "s.end_at, s.place, s.online_url, s.speaker_kind, s.speaker_person_id, s.speaker_name, s.speaker_title, s.format, "
    "s.minutes, s.created_at, (SELECT COUNT(*) FROM training_attendance a WHERE a.session_id = s.id) AS attended "
    "FROM training_sessions s JOIN units u ON u.id = s.unit_id ";

Session SessionFrom(const db::Row& r) {
  Session s;
  FZ_READ(r, s, id, bureau_id, unit_id, unit_name, unit_path, kind, topic, start_at, end_at, place, online_url,
          speaker_kind, speaker_person_id, speaker_name, speaker_title, format, minutes, created_at, attended);
  return s;
}

// Targets (with names) and the number of active people in them.
void FillTargets(soci::session& sql, Session& s) {
  db::SqlArgs a;
  s.targets = db::AllOf(sql,
                        fmt::format("SELECT t.unit_id, u.name FROM training_session_units t JOIN units u ON u.id = "
                                    "t.unit_id WHERE t.session_id = {} ORDER BY u.path",
                                    a.Int(s.id)),
                        a, [](const db::Row& r) {
                          return UnitName{r.Int("unit_id"), r.Str("name")};
                        });
  db::SqlArgs b;
  s.expected = db::Count(sql,
                         fmt::format("SELECT COUNT(*) FROM people p JOIN training_session_units t ON t.unit_id = "
                                     "p.unit_id WHERE t.session_id = {} AND p.active = 1",
                                     b.Int(s.id)),
                         b);
}

void WriteTargets(soci::session& sql, std::int64_t id, std::int64_t bureau_id, const std::vector<std::int64_t>& ids) {
  db::SqlArgs d;
  db::Exec(sql, fmt::format("DELETE FROM training_session_units WHERE session_id = {}", d.Int(id)), d);
  for (std::int64_t unit : ids) {
    db::Values v;
    v.Int("session_id", id).Int("unit_id", unit).Int("bureau_id", bureau_id);
    db::InsertValues(sql, "training_session_units", v);
  }
}

// Visible under reach: organised there, or aimed at a unit there.
std::string VisibleWhere(db::SqlArgs& a, const std::string& reach) {
  return fmt::format(
      "({} OR EXISTS (SELECT 1 FROM training_session_units t JOIN units tu ON tu.id = t.unit_id WHERE t.session_id = "
      "s.id AND {}))",
      db::PathUnder(a, "u.path", reach), db::PathUnder(a, "tu.path", reach));
}

std::string MonthOf(EpochSeconds t) {
  const CivilDate d = LocalDateOf(t);
  return fmt::format("{:04}-{:02}", d.year, d.month);
}

std::string PlanState(const std::optional<std::int64_t>& session, const std::string& month, EpochSeconds now) {
  if (session) return "done";
  return month < MonthOf(now) ? "missed" : "pending";
}

constexpr const char* kPlanColumns =
    "SELECT p.id, p.bureau_id, p.unit_id, u.name AS unit_name, p.month, p.kind, p.topic, p.session_id, s.topic AS "
    "session_topic, s.start_at AS session_at FROM training_plan_items p JOIN units u ON u.id = p.unit_id LEFT JOIN "
    "training_sessions s ON s.id = p.session_id ";

PlanItem PlanFrom(const db::Row& r, EpochSeconds now) {
  PlanItem p;
  FZ_READ(r, p, id, bureau_id, unit_id, unit_name, month, kind, topic, session_id, session_topic, session_at);
  p.state = PlanState(p.session_id, p.month, now);
  return p;
}

constexpr const char* kMaterialColumns =
    "SELECT m.id, m.bureau_id, m.series, m.issue_no, m.title, m.body, m.version, m.published_at, m.updated_at FROM "
    "training_materials m ";

Material MaterialFrom(const db::Row& r) {
  Material m;
  FZ_READ(r, m, id, bureau_id, series, issue_no, title, body, version, published_at, updated_at);
  return m;
}

constexpr const char* kReportColumns =
    "SELECT r.id, r.bureau_id, r.unit_id, u.name AS unit_name, r.year, r.person_id, p.name AS person_name, r.form, "
    "r.title, r.summary, r.held_at, (SELECT COUNT(*) FROM training_law_ratings g WHERE g.report_id = r.id) AS n, "
    "(SELECT SUM(g.score) FROM training_law_ratings g WHERE g.report_id = r.id) AS total, (SELECT g.score FROM "
    "training_law_ratings g WHERE g.report_id = r.id AND g.rater_user_id = {}) AS mine FROM training_law_reports r "
    "JOIN units u ON u.id = r.unit_id JOIN people p ON p.id = r.person_id ";

LawReport ReportFrom(const db::Row& r) {
  LawReport x;
  FZ_READ(r, x, id, bureau_id, unit_id, unit_name, year, person_id, person_name, form, title, summary, held_at);
  x.ratings = static_cast<int>(r.Int("n"));
  if (x.ratings > 0) x.average = static_cast<double>(r.OptInt("total").value_or(0)) / x.ratings;
  if (auto m = r.OptInt("mine")) x.my_score = static_cast<int>(*m);
  return x;
}

EpochSeconds YearStart(int year) { return LocalMidnight(CivilDate{year, 1, 1}); }

}  // namespace

// ---- sessions ----

std::int64_t InsertSession(soci::session& sql, std::int64_t bureau_id, const SessionInput& in,
                           std::optional<std::int64_t> user_id, EpochSeconds now) {
  db::Values v;
  FZ_VALUES(v, in, unit_id, kind, topic, start_at, end_at, place, online_url, speaker_kind, speaker_person_id,
            speaker_name, speaker_title, format, minutes);
  v.Int("bureau_id", bureau_id).OptInt("created_by", user_id).Int("created_at", now).Int("updated_at", now);
  const std::int64_t id = db::InsertRow(sql, "training_sessions", v);
  WriteTargets(sql, id, bureau_id, in.target_unit_ids);
  return id;
}

void UpdateSession(soci::session& sql, std::int64_t id, const SessionInput& in, EpochSeconds now) {
  db::SqlArgs a;
  db::Exec(
      sql,
      fmt::format("UPDATE training_sessions SET kind = {}, topic = {}, start_at = {}, end_at = {}, place = {}, "
                  "online_url = {}, speaker_kind = {}, speaker_person_id = {}, speaker_name = {}, speaker_title = "
                  "{}, format = {}, minutes = {}, updated_at = {} WHERE id = {}",
                  a.Str(in.kind), a.Str(in.topic), a.Int(in.start_at), a.Int(in.end_at), a.Str(in.place),
                  a.Str(in.online_url), a.Str(in.speaker_kind), a.OptInt(in.speaker_person_id), a.Str(in.speaker_name),
                  a.Str(in.speaker_title), a.Str(in.format), a.Str(in.minutes), a.Int(now), a.Int(id)),
      a);
  db::SqlArgs b;
  const auto bureau =
      db::ScalarInt(sql, fmt::format("SELECT bureau_id FROM training_sessions WHERE id = {}", b.Int(id)), b);
  WriteTargets(sql, id, bureau.value_or(0), in.target_unit_ids);
}

std::optional<Session> LoadSession(soci::session& sql, std::int64_t id, bool full) {
  db::SqlArgs a;
  auto s = db::FirstOf(sql, fmt::format("{} WHERE s.id = {}", kSessionColumns, a.Int(id)), a, SessionFrom);
  if (s && full) FillTargets(sql, *s);
  return s;
}

bool SessionVisible(soci::session& sql, const Session& s, const std::string& reach) {
  db::SqlArgs a;
  return db::Count(sql,
                   fmt::format("SELECT COUNT(*) FROM training_sessions s JOIN units u ON u.id = s.unit_id WHERE s.id = "
                               "{} AND {}",
                               a.Int(s.id), VisibleWhere(a, reach)),
                   a) > 0;
}

Paged<Session> ListSessions(soci::session& sql, const std::string& reach, const SessionFilter& f,
                            const PageRequest& page) {
  db::SqlArgs a;
  std::string where = "WHERE " + VisibleWhere(a, reach);
  if (f.kind) where += " AND s.kind = " + a.Str(*f.kind);
  if (f.unit_id)
    where += fmt::format(
        " AND (s.unit_id = {} OR EXISTS (SELECT 1 FROM training_session_units t2 WHERE t2.session_id = s.id AND "
        "t2.unit_id = {}))",
        a.Int(*f.unit_id), a.Int(*f.unit_id));
  if (f.from) where += " AND s.start_at >= " + a.Int(*f.from);
  if (f.to) where += " AND s.start_at < " + a.Int(*f.to);
  if (!f.q.empty()) where += fmt::format(" AND s.topic LIKE {} ESCAPE '\\'", a.Str(db::ContainsPattern(f.q)));
  Paged<Session> out;
  out.total = db::Count(
      sql, fmt::format("SELECT COUNT(*) FROM training_sessions s JOIN units u ON u.id = s.unit_id {}", where), a);
  const std::string order = page.descending || page.sort.empty() ? "DESC" : "ASC";
  db::SqlArgs b = a;
  out.items = db::AllOf(sql,
                        fmt::format("{} {} ORDER BY s.start_at {}, s.id {} LIMIT {} OFFSET {}", kSessionColumns, where,
                                    order, order, b.Int(page.page_size), b.Int(page.Offset())),
                        b, SessionFrom);
  for (auto& s : out.items) FillTargets(sql, s);
  return out;
}

// ---- attendance ----

bool AddAttendance(soci::session& sql, std::int64_t bureau_id, std::int64_t session_id, std::int64_t person_id,
                   std::int64_t unit_id, const std::string& method, EpochSeconds at,
                   std::optional<std::int64_t> user_id) {
  db::SqlArgs a;
  return db::Exec(sql,
                  fmt::format("INSERT INTO training_attendance (bureau_id, session_id, person_id, unit_id, method, "
                              "checked_at, recorded_by) VALUES ({}, {}, {}, {}, {}, {}, {}) ON CONFLICT (session_id, "
                              "person_id) DO NOTHING",
                              a.Int(bureau_id), a.Int(session_id), a.Int(person_id), a.Int(unit_id), a.Str(method),
                              a.Int(at), a.OptInt(user_id)),
                  a) > 0;
}

void RemoveAttendance(soci::session& sql, std::int64_t session_id, std::int64_t person_id) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("DELETE FROM training_attendance WHERE session_id = {} AND person_id = {}", a.Int(session_id),
                       a.Int(person_id)),
           a);
}

std::optional<EpochSeconds> AttendedAt(soci::session& sql, std::int64_t session_id, std::int64_t person_id) {
  db::SqlArgs a;
  return db::ScalarInt(
      sql,
      fmt::format("SELECT checked_at FROM training_attendance WHERE session_id = {} AND person_id = {}",
                  a.Int(session_id), a.Int(person_id)),
      a);
}

Attendance LoadAttendance(soci::session& sql, const Session& s) {
  Attendance out;
  db::SqlArgs a;
  // The target units' active people, and anyone else who attended (a guest), by unit and name.
  db::Each(sql,
           fmt::format(
               "SELECT p.id, p.name, p.badge_no, p.unit_id, u.name AS unit_name, att.method, att.checked_at, CASE WHEN "
               "EXISTS (SELECT 1 FROM training_session_units t WHERE t.session_id = {0} AND t.unit_id = p.unit_id) "
               "THEN 1 ELSE 0 END AS target FROM people p JOIN units u ON u.id = p.unit_id LEFT JOIN "
               "training_attendance att ON att.session_id = {0} AND att.person_id = p.id WHERE (p.active = 1 AND "
               "p.unit_id IN (SELECT unit_id FROM training_session_units WHERE session_id = {0})) OR att.id IS NOT "
               "NULL ORDER BY u.path, p.id",
               a.Int(s.id)),
           a, [&](const db::Row& r) {
             RosterLine l;
             l.person_id = r.Int("id");
             FZ_READ(r, l, name, badge_no, unit_id, unit_name, method, checked_at);
             l.attended = l.checked_at.has_value();
             const bool target = r.Int("target") != 0;
             if (target) {
               if (out.units.empty() || out.units.back().unit_id != l.unit_id)
                 out.units.push_back(UnitRate{l.unit_id, l.unit_name, 0, 0});
               ++out.units.back().expected;
               ++out.expected;
               if (l.attended) ++out.units.back().attended;
             }
             if (l.attended) ++out.attended;
             out.lines.push_back(std::move(l));
           });
  return out;
}

// ---- plans ----

std::int64_t InsertPlanItem(soci::session& sql, std::int64_t bureau_id, std::int64_t unit_id, const std::string& month,
                            const std::string& kind, const std::string& topic, std::optional<std::int64_t> session_id,
                            std::optional<std::int64_t> user_id, EpochSeconds now) {
  db::Values v;
  v.Int("bureau_id", bureau_id)
      .Int("unit_id", unit_id)
      .Str("month", month)
      .Str("kind", kind)
      .Str("topic", topic)
      .OptInt("session_id", session_id)
      .OptInt("created_by", user_id)
      .Int("created_at", now)
      .Int("updated_at", now);
  return db::InsertRow(sql, "training_plan_items", v);
}

void LinkPlanItem(soci::session& sql, std::int64_t id, std::optional<std::int64_t> session_id, EpochSeconds now) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE training_plan_items SET session_id = {}, updated_at = {} WHERE id = {}",
                       a.OptInt(session_id), a.Int(now), a.Int(id)),
           a);
}

std::optional<PlanItem> LoadPlanItem(soci::session& sql, std::int64_t id, EpochSeconds now) {
  db::SqlArgs a;
  return db::FirstOf(sql, fmt::format("{} WHERE p.id = {}", kPlanColumns, a.Int(id)), a,
                     [&](const db::Row& r) { return PlanFrom(r, now); });
}

std::string PlanItemPath(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  return db::ScalarText(sql,
                        fmt::format("SELECT u.path FROM training_plan_items p JOIN units u ON u.id = p.unit_id WHERE "
                                    "p.id = {}",
                                    a.Int(id)),
                        a)
      .value_or("");
}

std::vector<PlanItem> ListPlanItems(soci::session& sql, const std::string& reach, const std::string& from_month,
                                    const std::string& to_month, std::optional<std::int64_t> unit_id,
                                    EpochSeconds now) {
  db::SqlArgs a;
  std::string where = fmt::format("WHERE {} AND p.month >= {} AND p.month <= {}", db::PathUnder(a, "u.path", reach),
                                  a.Str(from_month), a.Str(to_month));
  if (unit_id) where += " AND p.unit_id = " + a.Int(*unit_id);
  return db::AllOf(sql, fmt::format("{} {} ORDER BY p.month, u.path, p.id", kPlanColumns, where), a,
                   [&](const db::Row& r) { return PlanFrom(r, now); });
}

std::vector<PlanItem> MissedUnnotified(soci::session& sql, const std::string& before_month, EpochSeconds now) {
  db::SqlArgs a;
  return db::AllOf(sql,
                   fmt::format("{} WHERE p.session_id IS NULL AND p.notified_at IS NULL AND p.month < {} ORDER BY "
                               "p.month, p.unit_id, p.id LIMIT 500",
                               kPlanColumns, a.Str(before_month)),
                   a, [&](const db::Row& r) { return PlanFrom(r, now); });
}

bool MarkPlanNotified(soci::session& sql, std::int64_t id, EpochSeconds now) {
  db::SqlArgs a;
  return db::Exec(sql,
                  fmt::format("UPDATE training_plan_items SET notified_at = {} WHERE id = {} AND notified_at IS NULL",
                              a.Int(now), a.Int(id)),
                  a) > 0;
}

std::vector<std::int64_t> PlanRecipients(soci::session& sql, std::int64_t unit_id) {
  std::vector<std::int64_t> out = org::UnitRoleUsers(sql, unit_id, {"legal_officer", "leader"});
  const std::vector<std::int64_t> heads = org::UnitPositionHeadUsers(sql, unit_id);
  out.insert(out.end(), heads.begin(), heads.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// ---- materials ----

std::int64_t InsertMaterial(soci::session& sql, std::int64_t bureau_id, const MaterialInput& in,
                            std::optional<std::int64_t> user_id, EpochSeconds now) {
  const EpochSeconds published = in.published_at.value_or(now);
  db::Values v;
  FZ_VALUES(v, in, series, issue_no, title, body);
  v.Int("bureau_id", bureau_id)
      .Sql("version", "1")
      .Int("published_at", published)
      .OptInt("created_by", user_id)
      .Int("created_at", now)
      .Int("updated_at", now);
  const std::int64_t id = db::InsertRow(sql, "training_materials", v);
  db::Values first;
  FZ_VALUES(first, in, title, body, note);
  first.Int("bureau_id", bureau_id)
      .Int("material_id", id)
      .Sql("version", "1")
      .OptInt("created_by", user_id)
      .Int("created_at", published);
  db::InsertValues(sql, "training_material_versions", first);
  return id;
}

int AddMaterialVersion(soci::session& sql, std::int64_t id, const std::string& title, const std::string& body,
                       const std::string& note, std::optional<std::int64_t> user_id, EpochSeconds now) {
  db::LockRowForUpdate(sql, "training_materials", id);
  auto m = LoadMaterial(sql, id);
  const int version = m->version + 1;
  db::Values v;
  v.Int("bureau_id", m->bureau_id)
      .Int("material_id", id)
      .Int("version", version)
      .Str("title", title)
      .Str("body", body)
      .Str("note", note)
      .OptInt("created_by", user_id)
      .Int("created_at", now);
  db::InsertValues(sql, "training_material_versions", v);
  db::SqlArgs b;
  db::Exec(
      sql,
      fmt::format("UPDATE training_materials SET title = {}, body = {}, version = {}, updated_at = {} WHERE id = {}",
                  b.Str(title), b.Str(body), b.Int(version), b.Int(now), b.Int(id)),
      b);
  return version;
}

std::optional<Material> LoadMaterial(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  return db::FirstOf(sql, fmt::format("{} WHERE m.id = {}", kMaterialColumns, a.Int(id)), a, MaterialFrom);
}

std::vector<MaterialVersion> LoadVersions(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  return db::AllOf(sql,
                   fmt::format("SELECT v.version, v.title, v.body, v.note, v.created_at, x.display_name, x.username "
                               "FROM training_material_versions v LEFT JOIN users x ON x.id = v.created_by WHERE "
                               "v.material_id = {} ORDER BY v.version DESC",
                               a.Int(id)),
                   a, [](const db::Row& r) {
                     MaterialVersion v;
                     FZ_READ(r, v, version, title, body, note, created_at);
                     v.author = r.Str("display_name");
                     if (v.author.empty()) v.author = r.Str("username");
                     return v;
                   });
}

bool MaterialExists(soci::session& sql, std::int64_t bureau_id, const std::string& series, int issue_no) {
  db::SqlArgs a;
  return db::Count(sql,
                   fmt::format("SELECT COUNT(*) FROM training_materials WHERE bureau_id = {} AND series = {} AND "
                               "issue_no = {}",
                               a.Int(bureau_id), a.Str(series), a.Int(issue_no)),
                   a) > 0;
}

Paged<Material> SearchMaterials(soci::session& sql, std::int64_t bureau_id, const std::string& series,
                                const std::string& q, const PageRequest& page) {
  db::SqlArgs a;
  std::string where = "WHERE m.bureau_id = " + a.Int(bureau_id);
  if (!series.empty()) where += " AND m.series = " + a.Str(series);
  // Every word (separated by spaces) must appear in the title or the current text.
  std::string rest = q;
  for (std::size_t pos = 0; pos <= rest.size();) {
    const std::size_t end = std::min(rest.find(' ', pos), rest.size());
    const std::string word = rest.substr(pos, end - pos);
    if (!word.empty()) {
      const std::string pattern = a.Str(db::ContainsPattern(word));
      where += fmt::format(" AND (m.title LIKE {0} ESCAPE '\\' OR m.body LIKE {0} ESCAPE '\\')", pattern);
    }
    pos = end + 1;
  }
  Paged<Material> out;
  out.total = db::Count(sql, fmt::format("SELECT COUNT(*) FROM training_materials m {}", where), a);
  db::SqlArgs b = a;
  out.items = db::AllOf(sql,
                        fmt::format("{} {} ORDER BY m.published_at DESC, m.issue_no DESC, m.id DESC LIMIT {} OFFSET {}",
                                    kMaterialColumns, where, b.Int(page.page_size), b.Int(page.Offset())),
                        b, MaterialFrom);
  return out;
}

void Subscribe(soci::session& sql, std::int64_t user_id, std::int64_t bureau_id, bool on, EpochSeconds now) {
  db::SqlArgs a;
  if (on)
    db::Exec(sql,
             fmt::format("INSERT INTO training_material_subscriptions (user_id, bureau_id, created_at) VALUES ({}, {}, "
                         "{}) ON CONFLICT (user_id, bureau_id) DO NOTHING",
                         a.Int(user_id), a.Int(bureau_id), a.Int(now)),
             a);
  else
    db::Exec(sql,
             fmt::format("DELETE FROM training_material_subscriptions WHERE user_id = {} AND bureau_id = {}",
                         a.Int(user_id), a.Int(bureau_id)),
             a);
}

bool Subscribed(soci::session& sql, std::int64_t user_id, std::int64_t bureau_id) {
  db::SqlArgs a;
  return db::Count(sql,
                   fmt::format("SELECT COUNT(*) FROM training_material_subscriptions WHERE user_id = {} AND bureau_id "
                               "= {}",
                               a.Int(user_id), a.Int(bureau_id)),
                   a) > 0;
}

std::vector<std::int64_t> Subscribers(soci::session& sql, std::int64_t bureau_id) {
  db::SqlArgs a;
  return db::IntColumn(sql,
                       fmt::format("SELECT user_id FROM training_material_subscriptions WHERE bureau_id = {} ORDER BY "
                                   "user_id",
                                   a.Int(bureau_id)),
                       a, "user_id");
}

// ---- leaders ----

std::int64_t InsertLawReport(soci::session& sql, const LawReport& r, std::optional<std::int64_t> user_id,
                             EpochSeconds now) {
  db::Values v;
  FZ_VALUES(v, r, bureau_id, unit_id, year, person_id, form, title, summary, held_at);
  v.OptInt("created_by", user_id).Int("created_at", now);
  return db::InsertRow(sql, "training_law_reports", v);
}

std::optional<LawReport> LoadLawReport(soci::session& sql, std::int64_t id, std::int64_t me) {
  db::SqlArgs a;
  const std::string cols = fmt::format(fmt::runtime(kReportColumns), a.Int(me));
  return db::FirstOf(sql, fmt::format("{} WHERE r.id = {}", cols, a.Int(id)), a, ReportFrom);
}

std::string LawReportPath(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  return db::ScalarText(sql,
                        fmt::format("SELECT u.path FROM training_law_reports r JOIN units u ON u.id = r.unit_id WHERE "
                                    "r.id = {}",
                                    a.Int(id)),
                        a)
      .value_or("");
}

std::vector<LawReport> ListLawReports(soci::session& sql, const std::string& reach, int year, std::int64_t me) {
  db::SqlArgs a;
  const std::string cols = fmt::format(fmt::runtime(kReportColumns), a.Int(me));
  return db::AllOf(sql,
                   fmt::format("{} WHERE {} AND r.year = {} ORDER BY u.path, r.held_at, r.id", cols,
                               db::PathUnder(a, "u.path", reach), a.Int(year)),
                   a, ReportFrom);
}

void Rate(soci::session& sql, std::int64_t bureau_id, std::int64_t report_id, std::int64_t user_id, int score,
          const std::string& comment, EpochSeconds now) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("DELETE FROM training_law_ratings WHERE report_id = {} AND rater_user_id = {}", a.Int(report_id),
                       a.Int(user_id)),
           a);
  db::Values v;
  v.Int("bureau_id", bureau_id)
      .Int("report_id", report_id)
      .Int("rater_user_id", user_id)
      .Int("score", score)
      .Str("comment", comment)
      .Int("created_at", now);
  db::InsertValues(sql, "training_law_ratings", v);
}

std::int64_t InsertCourtRecord(soci::session& sql, const CourtRecord& r, std::optional<std::int64_t> user_id,
                               EpochSeconds now) {
  db::Values first;
  FZ_VALUES(first, r, bureau_id, unit_id, kind, case_name, court, held_at, attendees, head_appeared, lessons);
  first.OptInt("created_by", user_id).Int("created_at", now);
  return db::InsertRow(sql, "training_court_records", first);
}

std::vector<CourtRecord> ListCourtRecords(soci::session& sql, const std::string& reach, int year,
                                          const std::optional<std::string>& kind) {
  db::SqlArgs a;
  std::string where = fmt::format("WHERE {} AND c.held_at >= {} AND c.held_at < {}", db::PathUnder(a, "u.path", reach),
                                  a.Int(YearStart(year)), a.Int(YearStart(year + 1)));
  if (kind) where += " AND c.kind = " + a.Str(*kind);
  return db::AllOf(
      sql,
      fmt::format("SELECT c.id, c.bureau_id, c.unit_id, u.name AS unit_name, c.kind, c.case_name, c.court, c.held_at, "
                  "c.attendees, c.head_appeared, c.lessons FROM training_court_records c JOIN units u ON u.id = "
                  "c.unit_id {} ORDER BY c.held_at, c.id",
                  where),
      a, [](const db::Row& r) {
        CourtRecord c;
        FZ_READ(r, c, id, bureau_id, unit_id, unit_name, kind, case_name, court, held_at, attendees, head_appeared,
                lessons);
        return c;
      });
}

void BulkAttendance(soci::session& sql, const std::vector<AttendanceRow>& rows) {
  db::BulkInsert ins("training_attendance", {{"bureau_id", db::BulkInsert::kInt},
                                             {"session_id", db::BulkInsert::kInt},
                                             {"person_id", db::BulkInsert::kInt},
                                             {"unit_id", db::BulkInsert::kInt},
                                             {"method", db::BulkInsert::kText},
                                             {"checked_at", db::BulkInsert::kInt}});
  ins.OnConflict("ON CONFLICT (session_id, person_id) DO NOTHING");
  for (const auto& r : rows) {
    ins.Int(r.bureau_id).Int(r.session_id).Int(r.person_id).Int(r.unit_id).Text(r.method).Int(r.at);
    ins.End(sql);
  }
  ins.Flush(sql);
}

}  // namespace fazhi::training::store
