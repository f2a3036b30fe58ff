#include "volunteers/volunteers_store.h"

#include <fmt/format.h>

#include "db/sql.h"

namespace fazhi::volunteers::store {

namespace {

std::optional<Position> PosOf(const db::Row& r, std::string_view lat, std::string_view lon) {
  const auto a = r.OptInt(lat), b = r.OptInt(lon);
  if (!a || !b) return std::nullopt;
  return Position{*a, *b};
}

std::vector<std::string> SplitFlags(const std::string& s) {
  std::vector<std::string> out;
  std::size_t b = 0;
  while (b < s.size()) {
    auto e = s.find(',', b);
    if (e == std::string::npos) e = s.size();
    if (e > b) out.push_back(s.substr(b, e - b));
    b = e + 1;
  }
  return out;
}

std::string Order(const PageRequest& page, const std::string& fallback) {
  return page.sort.empty() ? fallback : page.sort + (page.descending ? " DESC" : " ASC");
}

// ---- volunteers ----
// Valid today: a training without an end or ending after now; an insurance covering now.
const char* kVolunteerColumns =
    "SELECT v.id, v.bureau_id, v.unit_id, v.team_id, v.name, v.gender, v.id_number_enc, v.phone_enc, v.skills, "
    "v.status, v.vet_reason, v.vetted_at, v.user_id, v.registered_at, u.name AS unit_name, u.path AS unit_path, "
    "COALESCE(t.name, '') AS team_name, COALESCE(x.username, '') AS username, "
    "(SELECT COALESCE(SUM(p.points), 0) FROM volunteer_points p WHERE p.volunteer_id = v.id) AS balance, "
    "(SELECT COUNT(*) FROM volunteer_trainings r WHERE r.volunteer_id = v.id AND (r.valid_until IS NULL OR "
    "r.valid_until > {now})) AS trained, "
    "(SELECT COUNT(*) FROM volunteer_insurance i WHERE i.volunteer_id = v.id AND i.valid_from <= {now} AND "
    "i.valid_until > {now}) AS insured "
    "FROM volunteers v JOIN units u ON u.id = v.unit_id LEFT JOIN volunteer_teams t ON t.id = v.team_id "
    "LEFT JOIN users x ON x.id = v.user_id ";

VolunteerRow VolunteerFrom(const db::Row& r) {
  VolunteerRow row;
  Volunteer& v = row.v;
  FZ_READ(r, v, id, bureau_id, unit_id, team_id, name, gender, skills, status, vet_reason, vetted_at, user_id,
          registered_at, unit_name, team_name, username, balance);
  v.trained = r.Int("trained") > 0;
  v.insured = r.Int("insured") > 0;
  row.id_enc = r.Str("id_number_enc");
  FZ_READ(r, row, phone_enc, unit_path);
  return row;
}

// ---- tasks ----
const char* kTaskColumns =
    "SELECT k.id, k.bureau_id, k.unit_id, k.title, k.content, k.area_name, k.area_lat_e6, k.area_lon_e6, "
    "k.area_radius_m, k.start_at, k.end_at, k.points, k.capacity, k.min_stay_minutes, k.mode, k.created_by, "
    "u.name AS unit_name, u.path AS unit_path, "
    "(SELECT COUNT(*) FROM volunteer_assignments s WHERE s.task_id = k.id) AS joined "
    "FROM volunteer_tasks k JOIN units u ON u.id = k.unit_id ";

TaskRow TaskFrom(const db::Row& r) {
  TaskRow row;
  Task& t = row.t;
  FZ_READ(r, t, id, bureau_id, unit_id, title, content, area_name, start_at, end_at, points, capacity, min_stay_minutes,
          mode, created_by, unit_name, joined);
  t.area_center = PosOf(r, "area_lat_e6", "area_lon_e6");
  if (auto rad = r.OptInt("area_radius_m")) t.area_radius_m = static_cast<int>(*rad);
  row.unit_path = r.Str("unit_path");
  return row;
}

void LoadPlaces(soci::session& sql, Task& t) {
  db::SqlArgs a;
  t.route = db::AllOf(
      sql, "SELECT name, lat_e6, lon_e6 FROM volunteer_task_places WHERE task_id = " + a.Int(t.id) + " ORDER BY seq", a,
      [](const db::Row& r) {
        return Place{r.Str("name"), Position{r.Int("lat_e6"), r.Int("lon_e6")}};
      });
}

// ---- assignments ----
const char* kAssignmentColumns =
    "SELECT s.id, s.bureau_id, s.task_id, s.volunteer_id, s.how, s.state, s.checkin_at, s.checkin_lat_e6, "
    "s.checkin_lon_e6, s.checkin_accuracy_m, s.checkout_at, s.checkout_lat_e6, s.checkout_lon_e6, s.flags, "
    "s.flag_notes, s.review_note, k.title AS task_title, k.start_at AS task_start, k.end_at AS task_end, "
    "k.points AS task_points, v.name AS volunteer_name, v.user_id, u.name AS unit_name, u.path AS unit_path "
    "FROM volunteer_assignments s JOIN volunteer_tasks k ON k.id = s.task_id JOIN volunteers v ON v.id = "
    "s.volunteer_id JOIN units u ON u.id = k.unit_id ";

AssignmentRow AssignmentFrom(const db::Row& r) {
  AssignmentRow row;
  Assignment& a = row.a;
  FZ_READ(r, a, id, bureau_id, task_id, volunteer_id, how, state, checkin_at, checkout_at, flag_notes, review_note,
          task_title, task_start, task_end, task_points, volunteer_name, unit_name);
  a.checkin_pos = PosOf(r, "checkin_lat_e6", "checkin_lon_e6");
  if (auto acc = r.OptInt("checkin_accuracy_m")) a.checkin_accuracy_m = static_cast<int>(*acc);
  a.checkout_pos = PosOf(r, "checkout_lat_e6", "checkout_lon_e6");
  a.flags = SplitFlags(r.Str("flags"));
  FZ_READ(r, row, unit_path, user_id);
  return row;
}

// ---- clues ----
const char* kClueColumns =
    "SELECT c.id, c.bureau_id, c.volunteer_id, c.task_id, c.unit_id, c.text, c.lat_e6, c.lon_e6, c.status, "
    "c.review_note, c.points, c.created_at, c.reviewed_at, v.name AS volunteer_name, COALESCE(k.title, '') AS "
    "task_title, u.path AS unit_path FROM volunteer_clues c JOIN volunteers v ON v.id = c.volunteer_id JOIN units u "
    "ON u.id = c.unit_id LEFT JOIN volunteer_tasks k ON k.id = c.task_id ";

ClueRow ClueFrom(const db::Row& r) {
  ClueRow row;
  Clue& c = row.c;
  FZ_READ(r, c, id, bureau_id, volunteer_id, task_id, unit_id, text, status, review_note, points, created_at,
          reviewed_at, volunteer_name, task_title);
  c.at = PosOf(r, "lat_e6", "lon_e6");
  row.unit_path = r.Str("unit_path");
  return row;
}

void LoadPhotos(soci::session& sql, Clue& c) {
  db::SqlArgs a;
  c.photo_ids = db::IntColumn(
      sql,
      "SELECT id FROM attachments WHERE owner_type = 'volunteer_clue' AND owner_id = " + a.Int(c.id) + " ORDER BY id",
      a, "id");
}

// ---- ledger ----
const char* kLedgerColumns =
    "SELECT p.id, p.bureau_id, p.volunteer_id, p.points, p.source, p.source_id, p.approver_id, p.reason, p.day, "
    "p.month, p.at, v.name AS volunteer_name, COALESCE(x.display_name, '') AS approver_name FROM volunteer_points p "
    "JOIN volunteers v ON v.id = p.volunteer_id JOIN units u ON u.id = v.unit_id LEFT JOIN users x ON x.id = "
    "p.approver_id ";

LedgerEntry EntryFrom(const db::Row& r) {
  LedgerEntry e;
  FZ_READ(r, e, id, bureau_id, volunteer_id, points, source, source_id, approver_id, reason, day, month, at,
          volunteer_name, approver_name);
  return e;
}

Reward RewardFrom(const db::Row& r) {
  Reward out;
  FZ_READ(r, out, id, bureau_id, name, cost, stock, active);
  return out;
}

}  // namespace

Settings LoadSettings(soci::session& sql, std::int64_t bureau_id) {
  db::SqlArgs a;
  return db::FirstOf(sql,
                     "SELECT day_cap, month_cap, max_speed_kmh, place_radius_m FROM volunteer_settings WHERE "
                     "bureau_id = " +
                         a.Int(bureau_id),
                     a,
                     [](const db::Row& r) {
                       return Settings{static_cast<int>(r.Int("day_cap")), static_cast<int>(r.Int("month_cap")),
                                       static_cast<int>(r.Int("max_speed_kmh")),
                                       static_cast<int>(r.Int("place_radius_m"))};
                     })
      .value_or(Settings{});
}

void SaveSettings(soci::session& sql, std::int64_t bureau_id, const Settings& s, EpochSeconds now) {
  db::SqlArgs d;
  db::Exec(sql, "DELETE FROM volunteer_settings WHERE bureau_id = " + d.Int(bureau_id), d);
  db::Values vals;
  FZ_VALUES(vals, s, day_cap, month_cap, max_speed_kmh, place_radius_m);
  vals.Int("bureau_id", bureau_id).Int("updated_at", now);
  db::InsertValues(sql, "volunteer_settings", vals);
}

std::int64_t InsertTeam(soci::session& sql, std::int64_t bureau_id, std::int64_t unit_id, const std::string& name,
                        EpochSeconds now) {
  db::Values vals;
  vals.Int("bureau_id", bureau_id).Int("unit_id", unit_id).Str("name", name).Int("created_at", now);
  return db::InsertRow(sql, "volunteer_teams", vals);
}

namespace {
const char* kTeamColumns =
    "SELECT t.id, t.bureau_id, t.unit_id, t.name, u.name AS unit_name, (SELECT COUNT(*) FROM volunteers v WHERE "
    "v.team_id = t.id AND v.status = 'approved') AS members FROM volunteer_teams t JOIN units u ON u.id = t.unit_id ";
Team TeamFrom(const db::Row& r) {
  return Team{r.Int("id"), r.Int("bureau_id"), r.Int("unit_id"), r.Str("name"), r.Str("unit_name"), r.Int("members")};
}
}  // namespace

std::vector<Team> ListTeams(soci::session& sql, const std::string& unit_path) {
  db::SqlArgs a;
  return db::AllOf(
      sql, fmt::format("{} WHERE {} ORDER BY u.path, t.id", kTeamColumns, db::PathUnder(a, "u.path", unit_path)), a,
      TeamFrom);
}

std::optional<Team> LoadTeam(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  return db::FirstOf(sql, fmt::format("{} WHERE t.id = {}", kTeamColumns, a.Int(id)), a, TeamFrom);
}

std::int64_t InsertVolunteer(soci::session& sql, const NewVolunteer& v) {
  db::Values vals;
  FZ_VALUES(vals, v, bureau_id, unit_id, team_id, name, gender, phone_enc, skills);
  vals.Str("id_number_enc", v.id_enc)
      .Str("id_number_hash", v.id_hash)
      .Sql("status", "'pending'")
      .Int("registered_at", v.at);
  return db::InsertRow(sql, "volunteers", vals);
}

bool IdHashTaken(soci::session& sql, const std::string& hash) {
  db::SqlArgs a;
  return db::Count(sql, "SELECT COUNT(*) FROM volunteers WHERE id_number_hash = " + a.Str(hash), a) > 0;
}

namespace {
std::string VolunteerQuery(db::SqlArgs& a, EpochSeconds now) {
  // The three sub-selects use the time three times; bind it in the order the text shows it.
  std::string q = kVolunteerColumns;
  for (std::size_t i = q.find("{now}"); i != std::string::npos; i = q.find("{now}", i)) {
    const std::string bound = a.Int(now);
    q.replace(i, 5, bound);
    i += bound.size();
  }
  return q;
}
}  // namespace

std::optional<VolunteerRow> LoadVolunteer(soci::session& sql, std::int64_t id, EpochSeconds now) {
  db::SqlArgs a;
  const std::string q = VolunteerQuery(a, now) + "WHERE v.id = " + a.Int(id);
  return db::FirstOf(sql, q, a, VolunteerFrom);
}

std::optional<VolunteerRow> LoadVolunteerOfUser(soci::session& sql, std::int64_t user_id, EpochSeconds now) {
  db::SqlArgs a;
  const std::string q = VolunteerQuery(a, now) + "WHERE v.user_id = " + a.Int(user_id) + " AND v.status = 'approved'";
  return db::FirstOf(sql, q, a, VolunteerFrom);
}

Paged<VolunteerRow> ListVolunteers(soci::session& sql, const std::string& unit_path, const VolunteerFilter& f,
                                   const PageRequest& page, EpochSeconds now) {
  Paged<VolunteerRow> out;
  auto where = [&](db::SqlArgs& a) {
    std::string w = "WHERE " + db::PathUnder(a, "u.path", unit_path);
    if (f.status) w += " AND v.status = " + a.Str(*f.status);
    if (f.team_id) w += " AND v.team_id = " + a.Int(*f.team_id);
    if (!f.q.empty()) w += " AND v.name LIKE " + a.Str(db::ContainsPattern(f.q)) + " ESCAPE '\\'";
    return w;
  };
  db::SqlArgs c;
  const std::string cw = where(c);
  out.total = db::Count(sql, "SELECT COUNT(*) FROM volunteers v JOIN units u ON u.id = v.unit_id " + cw, c);
  db::SqlArgs a;
  std::string q = VolunteerQuery(a, now);
  q += where(a);
  q += fmt::format(" ORDER BY {}, v.id LIMIT {} OFFSET {}", Order(page, "v.registered_at DESC"), page.page_size,
                   page.Offset());
  out.items = db::AllOf(sql, q, a, VolunteerFrom);
  return out;
}

void SetVetting(soci::session& sql, std::int64_t id, const std::string& status, const std::string& reason,
                std::int64_t by, EpochSeconds at, std::optional<std::int64_t> user_id) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE volunteers SET status = {}, vet_reason = {}, vetted_by = {}, vetted_at = {}, user_id = "
                       "{} WHERE id = {}",
                       a.Str(status), a.Str(reason), a.Int(by), a.Int(at), a.OptInt(user_id), a.Int(id)),
           a);
}

void SetTeam(soci::session& sql, std::int64_t id, std::optional<std::int64_t> team_id) {
  db::SqlArgs a;
  db::Exec(sql, fmt::format("UPDATE volunteers SET team_id = {} WHERE id = {}", a.OptInt(team_id), a.Int(id)), a);
}

void LockVolunteer(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  db::Exec(sql, "UPDATE volunteers SET lock_version = lock_version + 1 WHERE id = " + a.Int(id), a);
}

std::int64_t InsertTraining(soci::session& sql, std::int64_t bureau_id, const Training& t, EpochSeconds now) {
  db::Values vals;
  FZ_VALUES(vals, t, volunteer_id, title, trained_at, valid_until);
  vals.Int("bureau_id", bureau_id).Int("created_at", now);
  return db::InsertRow(sql, "volunteer_trainings", vals);
}

std::vector<Training> ListTrainings(soci::session& sql, std::int64_t volunteer_id) {
  db::SqlArgs a;
  return db::AllOf(sql,
                   "SELECT id, volunteer_id, title, trained_at, valid_until FROM volunteer_trainings WHERE "
                   "volunteer_id = " +
                       a.Int(volunteer_id) + " ORDER BY trained_at DESC, id",
                   a, [](const db::Row& r) {
                     return Training{r.Int("id"), r.Int("volunteer_id"), r.Str("title"), r.Int("trained_at"),
                                     r.OptInt("valid_until")};
                   });
}

std::int64_t InsertInsurance(soci::session& sql, std::int64_t bureau_id, const Insurance& i, EpochSeconds now) {
  db::Values v;
  FZ_VALUES(v, i, volunteer_id, insurer, policy_no, valid_from, valid_until);
  v.Int("bureau_id", bureau_id).Int("created_at", now);
  return db::InsertRow(sql, "volunteer_insurance", v);
}

std::vector<Insurance> ListInsurance(soci::session& sql, std::int64_t volunteer_id) {
  db::SqlArgs a;
  return db::AllOf(sql,
                   "SELECT id, volunteer_id, insurer, policy_no, valid_from, valid_until FROM volunteer_insurance "
                   "WHERE volunteer_id = " +
                       a.Int(volunteer_id) + " ORDER BY valid_from DESC, id",
                   a, [](const db::Row& r) {
                     return Insurance{r.Int("id"),        r.Int("volunteer_id"), r.Str("insurer"),
                                      r.Str("policy_no"), r.Int("valid_from"),   r.Int("valid_until")};
                   });
}

std::int64_t InsertTask(soci::session& sql, std::int64_t bureau_id, const TaskInput& in, std::int64_t by,
                        EpochSeconds now) {
  const std::optional<std::int64_t> lat = in.area_center ? std::optional(in.area_center->lat_e6) : std::nullopt;
  const std::optional<std::int64_t> lon = in.area_center ? std::optional(in.area_center->lon_e6) : std::nullopt;
  const std::optional<std::int64_t> radius =
      in.area_radius_m ? std::optional<std::int64_t>(*in.area_radius_m) : std::nullopt;
  db::Values v;
  FZ_VALUES(v, in, unit_id, title, content, area_name, start_at, end_at, points, capacity, min_stay_minutes, mode);
  v.Int("bureau_id", bureau_id)
      .OptInt("area_lat_e6", lat)
      .OptInt("area_lon_e6", lon)
      .OptInt("area_radius_m", radius)
      .Int("created_by", by)
      .Int("created_at", now);
  const std::int64_t id = db::InsertRow(sql, "volunteer_tasks", v);
  for (std::size_t i = 0; i < in.route.size(); ++i) {
    db::Values v;
    v.Int("bureau_id", bureau_id)
        .Int("task_id", id)
        .Int("seq", static_cast<std::int64_t>(i))
        .Str("name", in.route[i].name)
        .Int("lat_e6", in.route[i].at.lat_e6)
        .Int("lon_e6", in.route[i].at.lon_e6);
    db::InsertValues(sql, "volunteer_task_places", v);
  }
  return id;
}

std::optional<TaskRow> LoadTask(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  auto row = db::FirstOf(sql, fmt::format("{} WHERE k.id = {}", kTaskColumns, a.Int(id)), a, TaskFrom);
  if (row) LoadPlaces(sql, row->t);
  return row;
}

Paged<Task> ListTasks(soci::session& sql, const std::string& unit_path, const PageRequest& page) {
  Paged<Task> out;
  db::SqlArgs c;
  out.total = db::Count(sql,
                        "SELECT COUNT(*) FROM volunteer_tasks k JOIN units u ON u.id = k.unit_id WHERE " +
                            db::PathUnder(c, "u.path", unit_path),
                        c);
  db::SqlArgs a;
  const std::string q =
      fmt::format("{} WHERE {} ORDER BY {}, k.id DESC LIMIT {} OFFSET {}", kTaskColumns,
                  db::PathUnder(a, "u.path", unit_path), Order(page, "k.start_at DESC"), page.page_size, page.Offset());
  for (auto& r : db::AllOf(sql, q, a, TaskFrom)) {
    LoadPlaces(sql, r.t);
    out.items.push_back(std::move(r.t));
  }
  return out;
}

std::vector<Task> OpenTasks(soci::session& sql, const std::string& unit_path, EpochSeconds now) {
  db::SqlArgs a;
  const std::string q = fmt::format(
      "{} WHERE {} AND k.mode = 'open' AND k.end_at > {} AND (SELECT COUNT(*) FROM volunteer_assignments "
      "s WHERE s.task_id = k.id) < k.capacity ORDER BY k.start_at, k.id LIMIT 50",
      kTaskColumns, db::PathUnder(a, "u.path", unit_path), a.Int(now));
  std::vector<Task> out;
  for (auto& r : db::AllOf(sql, q, a, TaskFrom)) {
    LoadPlaces(sql, r.t);
    out.push_back(std::move(r.t));
  }
  return out;
}

std::int64_t CountAssignments(soci::session& sql, std::int64_t task_id) {
  db::SqlArgs a;
  return db::Count(sql, "SELECT COUNT(*) FROM volunteer_assignments WHERE task_id = " + a.Int(task_id), a);
}

std::int64_t InsertAssignment(soci::session& sql, std::int64_t bureau_id, std::int64_t task_id,
                              std::int64_t volunteer_id, const std::string& how, EpochSeconds now) {
  db::Values v;
  v.Int("bureau_id", bureau_id)
      .Int("task_id", task_id)
      .Int("volunteer_id", volunteer_id)
      .Str("how", how)
      .Sql("state", "'joined'")
      .Int("joined_at", now);
  return db::InsertRow(sql, "volunteer_assignments", v);
}

std::optional<AssignmentRow> LoadAssignment(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  return db::FirstOf(sql, fmt::format("{} WHERE s.id = {}", kAssignmentColumns, a.Int(id)), a, AssignmentFrom);
}

std::optional<AssignmentRow> FindAssignment(soci::session& sql, std::int64_t task_id, std::int64_t volunteer_id) {
  db::SqlArgs a;
  return db::FirstOf(sql,
                     fmt::format("{} WHERE s.task_id = {} AND s.volunteer_id = {}", kAssignmentColumns, a.Int(task_id),
                                 a.Int(volunteer_id)),
                     a, AssignmentFrom);
}

Paged<Assignment> ListAssignments(soci::session& sql, const std::string& unit_path, const AssignmentFilter& f,
                                  const PageRequest& page) {
  auto where = [&](db::SqlArgs& a) {
    std::string w = "WHERE " + db::PathUnder(a, "u.path", unit_path);
    if (f.state) w += " AND s.state = " + a.Str(*f.state);
    if (f.flagged_only.value_or(false)) w += " AND s.flags <> ''";
    if (f.task_id) w += " AND s.task_id = " + a.Int(*f.task_id);
    return w;
  };
  Paged<Assignment> out;
  db::SqlArgs c;
  const std::string cw = where(c);
  out.total = db::Count(sql,
                        "SELECT COUNT(*) FROM volunteer_assignments s JOIN volunteer_tasks k ON k.id = s.task_id JOIN "
                        "units u ON u.id = k.unit_id " +
                            cw,
                        c);
  db::SqlArgs a;
  const std::string w = where(a);
  const std::string q = fmt::format("{} {} ORDER BY {}, s.id DESC LIMIT {} OFFSET {}", kAssignmentColumns, w,
                                    Order(page, "k.start_at DESC"), page.page_size, page.Offset());
  for (auto& r : db::AllOf(sql, q, a, AssignmentFrom)) out.items.push_back(std::move(r.a));
  return out;
}

std::vector<Assignment> AssignmentsOfVolunteer(soci::session& sql, std::int64_t volunteer_id) {
  db::SqlArgs a;
  std::vector<Assignment> out;
  for (auto& r : db::AllOf(sql,
                           fmt::format("{} WHERE s.volunteer_id = {} ORDER BY k.start_at DESC, s.id DESC LIMIT 100",
                                       kAssignmentColumns, a.Int(volunteer_id)),
                           a, AssignmentFrom))
    out.push_back(std::move(r.a));
  return out;
}

std::optional<std::pair<EpochSeconds, Position>> LastPosition(soci::session& sql, std::int64_t volunteer_id) {
  std::optional<std::pair<EpochSeconds, Position>> best;
  db::SqlArgs a;
  db::Each(sql,
           fmt::format("SELECT checkin_at, checkin_lat_e6, checkin_lon_e6, checkout_at, checkout_lat_e6, "
                       "checkout_lon_e6 FROM volunteer_assignments WHERE volunteer_id = {} AND checkin_at IS NOT NULL "
                       "ORDER BY COALESCE(checkout_at, checkin_at) DESC LIMIT 1",
                       a.Int(volunteer_id)),
           a, [&](const db::Row& r) {
             if (auto out = r.OptInt("checkout_at"); out && !r.IsNull("checkout_lat_e6"))
               best = {{*out, Position{r.Int("checkout_lat_e6"), r.Int("checkout_lon_e6")}}};
             else
               best = {{r.Int("checkin_at"), Position{r.Int("checkin_lat_e6"), r.Int("checkin_lon_e6")}}};
           });
  return best;
}

void SetCheckin(soci::session& sql, std::int64_t id, EpochSeconds at, Position p, std::optional<int> accuracy,
                const std::string& flags, const std::string& notes) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE volunteer_assignments SET state = 'checked_in', checkin_at = {}, checkin_lat_e6 = {}, "
                       "checkin_lon_e6 = {}, checkin_accuracy_m = {}, flags = {}, flag_notes = {} WHERE id = {} AND "
                       "state = 'joined'",
                       a.Int(at), a.Int(p.lat_e6), a.Int(p.lon_e6),
                       a.OptInt(accuracy ? std::optional<std::int64_t>(*accuracy) : std::nullopt), a.Str(flags),
                       a.Str(notes), a.Int(id)),
           a);
}

void SetCheckout(soci::session& sql, std::int64_t id, EpochSeconds at, Position p, const std::string& state,
                 const std::string& flags, const std::string& notes) {
  db::SqlArgs a;
  db::Exec(
      sql,
      fmt::format("UPDATE volunteer_assignments SET state = {}, checkout_at = {}, checkout_lat_e6 = {}, "
                  "checkout_lon_e6 = {}, flags = {}, flag_notes = {} WHERE id = {} AND state = 'checked_in'",
                  a.Str(state), a.Int(at), a.Int(p.lat_e6), a.Int(p.lon_e6), a.Str(flags), a.Str(notes), a.Int(id)),
      a);
}

void SetAssignmentReview(soci::session& sql, std::int64_t id, const std::string& state, const std::string& note,
                         std::int64_t by) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE volunteer_assignments SET state = {}, review_note = {}, reviewed_by = {} WHERE id = {}",
                       a.Str(state), a.Str(note), a.Int(by), a.Int(id)),
           a);
}

std::int64_t InsertClue(soci::session& sql, const Clue& c) {
  const auto lat = c.at ? std::optional(c.at->lat_e6) : std::nullopt;
  const auto lon = c.at ? std::optional(c.at->lon_e6) : std::nullopt;
  db::Values v;
  FZ_VALUES(v, c, bureau_id, volunteer_id, task_id, unit_id, text, created_at);
  v.OptInt("lat_e6", lat).OptInt("lon_e6", lon).Sql("status", "'pending'");
  return db::InsertRow(sql, "volunteer_clues", v);
}

std::optional<ClueRow> LoadClue(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  auto row = db::FirstOf(sql, fmt::format("{} WHERE c.id = {}", kClueColumns, a.Int(id)), a, ClueFrom);
  if (row) LoadPhotos(sql, row->c);
  return row;
}

Paged<Clue> ListClues(soci::session& sql, const std::string& unit_path, std::optional<std::string> status,
                      const PageRequest& page) {
  auto where = [&](db::SqlArgs& a) {
    std::string w = "WHERE " + db::PathUnder(a, "u.path", unit_path);
    if (status) w += " AND c.status = " + a.Str(*status);
    return w;
  };
  Paged<Clue> out;
  db::SqlArgs c;
  const std::string cw = where(c);
  out.total = db::Count(sql, "SELECT COUNT(*) FROM volunteer_clues c JOIN units u ON u.id = c.unit_id " + cw, c);
  db::SqlArgs a;
  const std::string w = where(a);
  for (auto& r : db::AllOf(sql,
                           fmt::format("{} {} ORDER BY {}, c.id DESC LIMIT {} OFFSET {}", kClueColumns, w,
                                       Order(page, "c.created_at DESC"), page.page_size, page.Offset()),
                           a, ClueFrom)) {
    LoadPhotos(sql, r.c);
    out.items.push_back(std::move(r.c));
  }
  return out;
}

std::vector<Clue> CluesOfVolunteer(soci::session& sql, std::int64_t volunteer_id) {
  db::SqlArgs a;
  std::vector<Clue> out;
  for (auto& r : db::AllOf(sql,
                           fmt::format("{} WHERE c.volunteer_id = {} ORDER BY c.created_at DESC, c.id DESC LIMIT 100",
                                       kClueColumns, a.Int(volunteer_id)),
                           a, ClueFrom)) {
    LoadPhotos(sql, r.c);
    out.push_back(std::move(r.c));
  }
  return out;
}

void SetClueReview(soci::session& sql, std::int64_t id, const std::string& status, const std::string& note, int points,
                   std::int64_t by, EpochSeconds at) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE volunteer_clues SET status = {}, review_note = {}, points = {}, reviewed_by = {}, "
                       "reviewed_at = {} WHERE id = {} AND status = 'pending'",
                       a.Str(status), a.Str(note), a.Int(points), a.Int(by), a.Int(at), a.Int(id)),
           a);
}

std::int64_t AppendPoints(soci::session& sql, const LedgerEntry& e) {
  db::Values v;
  FZ_VALUES(v, e, bureau_id, volunteer_id, points, source, source_id, approver_id, reason, day, month, at);
  return db::InsertRow(sql, "volunteer_points", v);
}

std::int64_t EarnedOnDay(soci::session& sql, std::int64_t volunteer_id, const std::string& day) {
  db::SqlArgs a;
  return db::ScalarInt(sql,
                       fmt::format("SELECT COALESCE(SUM(points), 0) FROM volunteer_points WHERE volunteer_id = {} AND "
                                   "day = {} AND source <> 'redeem'",
                                   a.Int(volunteer_id), a.Str(day)),
                       a)
      .value_or(0);
}

std::int64_t EarnedInMonth(soci::session& sql, std::int64_t volunteer_id, const std::string& month) {
  db::SqlArgs a;
  return db::ScalarInt(sql,
                       fmt::format("SELECT COALESCE(SUM(points), 0) FROM volunteer_points WHERE volunteer_id = {} AND "
                                   "month = {} AND source <> 'redeem'",
                                   a.Int(volunteer_id), a.Str(month)),
                       a)
      .value_or(0);
}

std::int64_t Balance(soci::session& sql, std::int64_t volunteer_id) {
  db::SqlArgs a;
  return db::ScalarInt(
             sql, "SELECT COALESCE(SUM(points), 0) FROM volunteer_points WHERE volunteer_id = " + a.Int(volunteer_id),
             a)
      .value_or(0);
}

std::optional<LedgerEntry> LoadEntry(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  return db::FirstOf(sql, fmt::format("{} WHERE p.id = {}", kLedgerColumns, a.Int(id)), a, EntryFrom);
}

Paged<LedgerEntry> ListLedger(soci::session& sql, const std::string& unit_path, std::optional<std::int64_t> volunteer,
                              const PageRequest& page) {
  auto where = [&](db::SqlArgs& a) {
    std::string w = "WHERE " + db::PathUnder(a, "u.path", unit_path);
    if (volunteer) w += " AND p.volunteer_id = " + a.Int(*volunteer);
    return w;
  };
  Paged<LedgerEntry> out;
  db::SqlArgs c;
  const std::string cw = where(c);
  out.total = db::Count(sql,
                        "SELECT COUNT(*) FROM volunteer_points p JOIN volunteers v ON v.id = p.volunteer_id JOIN units "
                        "u ON u.id = v.unit_id " +
                            cw,
                        c);
  db::SqlArgs a;
  const std::string w = where(a);
  out.items = db::AllOf(sql,
                        fmt::format("{} {} ORDER BY p.at DESC, p.id DESC LIMIT {} OFFSET {}", kLedgerColumns, w,
                                    page.page_size, page.Offset()),
                        a, EntryFrom);
  return out;
}

std::int64_t InsertReward(soci::session& sql, const Reward& r, EpochSeconds now) {
  db::Values vals;
  FZ_VALUES(vals, r, bureau_id, name, cost, stock, active);
  vals.Int("created_at", now);
  return db::InsertRow(sql, "volunteer_rewards", vals);
}

void UpdateReward(soci::session& sql, const Reward& r) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE volunteer_rewards SET name = {}, cost = {}, stock = {}, active = {} WHERE id = {}",
                       a.Str(r.name), a.Int(r.cost), a.Int(r.stock), a.Bool(r.active), a.Int(r.id)),
           a);
}

std::optional<Reward> LoadReward(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  return db::FirstOf(sql,
                     "SELECT id, bureau_id, name, cost, stock, active FROM volunteer_rewards WHERE id = " + a.Int(id),
                     a, RewardFrom);
}

std::vector<Reward> ListRewards(soci::session& sql, std::int64_t bureau_id, bool active_only) {
  db::SqlArgs a;
  return db::AllOf(sql,
                   fmt::format("SELECT id, bureau_id, name, cost, stock, active FROM volunteer_rewards WHERE bureau_id "
                               "= {}{} ORDER BY cost, id",
                               a.Int(bureau_id), active_only ? " AND active = 1" : ""),
                   a, RewardFrom);
}

bool TakeStock(soci::session& sql, std::int64_t reward_id) {
  db::SqlArgs a;
  return db::Exec(sql,
                  "UPDATE volunteer_rewards SET stock = stock - 1 WHERE stock > 0 AND active = 1 AND id = " +
                      a.Int(reward_id),
                  a) == 1;
}

std::int64_t InsertRedemption(soci::session& sql, std::int64_t bureau_id, const Redemption& r) {
  db::Values v;
  FZ_VALUES(v, r, volunteer_id, reward_id, cost, ledger_id, at);
  v.Int("bureau_id", bureau_id);
  return db::InsertRow(sql, "volunteer_redemptions", v);
}

std::vector<MonthFigures> FiguresOfMonth(soci::session& sql, const std::string& unit_path, const std::string& month,
                                         EpochSeconds from, EpochSeconds to) {
  db::SqlArgs a;
  const std::string q = fmt::format(
      "SELECT v.id, v.unit_id, v.name, u.name AS unit_name, COALESCE(t.name, '') AS team_name, "
      "(SELECT COALESCE(SUM(p.points), 0) FROM volunteer_points p WHERE p.volunteer_id = v.id AND p.month = {} AND "
      "p.source <> 'redeem') AS points, "
      "(SELECT COUNT(*) FROM volunteer_assignments s WHERE s.volunteer_id = v.id AND s.state = 'done' AND "
      "s.checkin_at >= {} AND s.checkin_at < {}) AS tasks, "
      "(SELECT COUNT(*) FROM volunteer_clues c WHERE c.volunteer_id = v.id AND c.status = 'accepted' AND "
      "c.created_at >= {} AND c.created_at < {}) AS clues "
      "FROM volunteers v JOIN units u ON u.id = v.unit_id LEFT JOIN volunteer_teams t ON t.id = v.team_id "
      "WHERE v.status = 'approved' AND {} ORDER BY u.path, v.id",
      a.Str(month), a.Int(from), a.Int(to), a.Int(from), a.Int(to), db::PathUnder(a, "u.path", unit_path));
  return db::AllOf(sql, q, a, [](const db::Row& r) {
    return MonthFigures{r.Int("id"),        r.Int("unit_id"), r.Str("name"),  r.Str("unit_name"),
                        r.Str("team_name"), r.Int("points"),  r.Int("tasks"), r.Int("clues")};
  });
}

std::vector<Assignment> DoneAssignments(soci::session& sql, std::int64_t volunteer_id) {
  db::SqlArgs a;
  std::vector<Assignment> out;
  for (auto& r : db::AllOf(sql,
                           fmt::format("{} WHERE s.volunteer_id = {} AND s.state = 'done' AND s.checkout_at IS NOT "
                                       "NULL ORDER BY s.checkin_at, s.id",
                                       kAssignmentColumns, a.Int(volunteer_id)),
                           a, AssignmentFrom))
    out.push_back(std::move(r.a));
  return out;
}

}  // namespace fazhi::volunteers::store
