#include "patrol/patrol_store.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "db/sql.h"
#include "org/org_reads.h"

namespace fazhi::patrol {

using nlohmann::json;

std::int64_t E7(double degrees) { return std::llround(degrees * 1e7); }
double FromE7(std::int64_t v) { return static_cast<double>(v) / 1e7; }

namespace {

std::string RingText(const std::vector<LonLat>& ring) {
  json j = json::array();
  for (const auto& p : ring) j.push_back({E7(p.lon), E7(p.lat)});
  return j.dump();
}
std::vector<LonLat> RingFrom(std::string_view text) {
  std::vector<LonLat> out;
  for (const auto& p : json::parse(text))
    out.push_back({FromE7(p[0].get<std::int64_t>()), FromE7(p[1].get<std::int64_t>())});
  return out;
}
std::string StrArray(const std::vector<std::string>& v) { return json(v).dump(); }
std::vector<std::string> StrArrayFrom(std::string_view t) { return json::parse(t).get<std::vector<std::string>>(); }
std::string IdArray(const std::vector<std::int64_t>& v) { return json(v).dump(); }
std::vector<std::int64_t> IdArrayFrom(std::string_view t) { return json::parse(t).get<std::vector<std::int64_t>>(); }

constexpr const char* kAreaColumns =
    "SELECT a.id, a.bureau_id, a.unit_id, u.name AS unit_name, a.name, a.ring, a.in_town, a.created_at "
    "FROM patrol_areas a JOIN units u ON u.id = a.unit_id ";
Area AreaFrom(const db::Row& r) {
  Area x;
  FZ_READ(r, x, id, bureau_id, unit_id, unit_name, name, created_at);
  x.ring = RingFrom(r.Text("ring"));
  x.in_town = r.Int("in_town") == 1;
  return x;
}

constexpr const char* kPointColumns =
    "SELECT p.id, p.bureau_id, p.unit_id, p.area_id, p.name, a.name AS area_name, p.lon_e7, p.lat_e7, p.radius_m, "
    "p.min_stay_s FROM patrol_points p JOIN units u ON u.id = p.unit_id LEFT JOIN patrol_areas a ON a.id = p.area_id ";
Point PointFrom(const db::Row& r) {
  Point x;
  FZ_READ(r, x, id, bureau_id, unit_id, area_id, name, area_name, radius_m, min_stay_s);
  x.at = {FromE7(r.Int("lon_e7")), FromE7(r.Int("lat_e7"))};
  return x;
}

constexpr const char* kCheckinColumns =
    "SELECT c.id, c.bureau_id, c.unit_id, u.name AS unit_name, c.point_id, p.name AS point_name, c.user_id, "
    "c.officer_name, c.arrived_at, c.left_at, c.lon_e7, c.lat_e7, c.accuracy_m, c.photo_sha256, c.distance_m, "
    "c.flags, c.flag_reasons, c.note FROM patrol_checkins c JOIN units u ON u.id = c.unit_id JOIN patrol_points p "
    "ON p.id = c.point_id ";
Checkin CheckinFrom(const db::Row& r) {
  Checkin x;
  FZ_READ(r, x, id, bureau_id, unit_id, point_id, user_id, point_name, officer_name, unit_name, arrived_at, left_at,
          accuracy_m, distance_m, photo_sha256, flags, flag_reasons, note);
  x.claimed = {FromE7(r.Int("lon_e7")), FromE7(r.Int("lat_e7"))};
  return x;
}

constexpr const char* kCallColumns =
    "SELECT c.id, c.bureau_id, c.unit_id, u.name AS unit_name, c.kind, c.place, c.lon_e7, c.lat_e7, c.in_town, "
    "c.shift, c.is_test, c.drill_id, c.point_id, c.received_at, c.dispatched_at, c.signed_at, c.departed_at, "
    "c.arrived_at, c.feedback_at, c.closed_at FROM patrol_calls c JOIN units u ON u.id = c.unit_id ";
Call CallFrom(const db::Row& r) {
  Call c;
  FZ_READ(r, c, id, bureau_id, unit_id, unit_name, kind, place, shift, drill_id, point_id);
  c.in_town = r.Int("in_town") == 1;
  c.is_test = r.Int("is_test") == 1;
  c.at = std::nullopt;
  c.stamps = {};
  if (auto lon = r.OptInt("lon_e7"), lat = r.OptInt("lat_e7"); lon && lat) c.at = LonLat{FromE7(*lon), FromE7(*lat)};
  for (const auto& s : kStages) c.stamps.push_back(r.OptInt(s + "_at"));
  return c;
}

constexpr const char* kDisputeColumns =
    "SELECT d.id, d.bureau_id, d.unit_id, u.name AS unit_name, d.title, d.kind, d.parties, d.grade, d.grade_reasons, "
    "d.officer_person_id, pe.name AS officer_name, d.linked_calls, d.actions, d.revisit_at, d.status, d.closed_at, "
    "d.closure, d.order_id, d.created_at FROM patrol_disputes d JOIN units u ON u.id = d.unit_id LEFT JOIN people pe "
    "ON pe.id = d.officer_person_id ";
Dispute DisputeFrom(const db::Row& r, EpochSeconds now) {
  Dispute d;
  FZ_READ(r, d, id, bureau_id, unit_id, unit_name, title, kind, grade, grade_reasons, status, closure, officer_name,
          officer_person_id, order_id, actions, revisit_at, closed_at, created_at);
  d.parties = StrArrayFrom(r.Text("parties"));
  d.linked_calls = IdArrayFrom(r.Text("linked_calls"));
  d.overdue = d.status == "open" && d.revisit_at && *d.revisit_at < now;
  d.escalate = d.status == "open" && (d.grade == "red" || d.linked_calls.size() >= 3);
  return d;
}

constexpr const char* kHazardColumns =
    "SELECT h.id, h.bureau_id, h.unit_id, u.name AS unit_name, h.place, h.kind, h.description, h.officer_person_id, "
    "h.fix_due, h.fixed_at, h.recheck_at, h.recheck_note, h.status, h.order_id, h.created_at FROM patrol_hazards h "
    "JOIN units u ON u.id = h.unit_id ";
Hazard HazardFrom(const db::Row& r, EpochSeconds now) {
  Hazard h;
  FZ_READ(r, h, id, bureau_id, unit_id, unit_name, place, kind, description, status, recheck_note, officer_person_id,
          order_id, fix_due, created_at, fixed_at, recheck_at);
  h.overdue = h.status == "open" && h.fix_due < now;
  return h;
}

std::string RegisterWhere(db::SqlArgs& a, const char* t, const std::string& path, const RegisterFilter& f,
                          EpochSeconds now, const char* due_column) {
  std::string w = "WHERE " + db::PathUnder(a, "u.path", path);
  if (f.status) w += fmt::format(" AND {}.status = {}", t, a.Str(*f.status));
  if (f.kind) w += fmt::format(" AND {}.kind = {}", t, a.Str(*f.kind));
  if (f.grade) w += fmt::format(" AND {}.grade = {}", t, a.Str(*f.grade));
  if (f.overdue)
    w += *f.overdue ? fmt::format(" AND {0}.status = 'open' AND {0}.{1} < {2}", t, due_column, a.Int(now))
                    : fmt::format(" AND NOT ({0}.status = 'open' AND {0}.{1} IS NOT NULL AND {0}.{1} < {2})", t,
                                  due_column, a.Int(now));
  return w;
}

}  // namespace

std::int64_t InsertArea(soci::session& sql, const Area& x, std::optional<std::int64_t> by) {
  db::Values v;
  FZ_VALUES(v, x, bureau_id, unit_id, name, in_town, created_at);
  v.Str("ring", RingText(x.ring)).OptInt("created_by", by);
  return db::InsertRow(sql, "patrol_areas", v);
}

std::int64_t InsertPoint(soci::session& sql, const Point& p) {
  db::Values v;
  FZ_VALUES(v, p, bureau_id, unit_id, area_id, name, radius_m, min_stay_s);
  v.Int("lon_e7", E7(p.at.lon)).Int("lat_e7", E7(p.at.lat)).Int("created_at", 0);
  return db::InsertRow(sql, "patrol_points", v);
}

std::vector<Area> ListAreas(soci::session& sql, const std::string& path) {
  db::SqlArgs a;
  return db::AllOf(sql, fmt::format("{}WHERE {} ORDER BY a.id", kAreaColumns, db::PathUnder(a, "u.path", path)), a,
                   AreaFrom);
}
std::optional<Area> FindArea(soci::session& sql, std::int64_t id, const std::string& path) {
  db::SqlArgs a;
  return db::FirstOf(sql,
                     fmt::format("{}WHERE a.id = {} AND {}", kAreaColumns, a.Int(id), db::PathUnder(a, "u.path", path)),
                     a, AreaFrom);
}
std::vector<Point> ListPoints(soci::session& sql, const std::string& path) {
  db::SqlArgs a;
  return db::AllOf(sql, fmt::format("{}WHERE {} ORDER BY p.id", kPointColumns, db::PathUnder(a, "u.path", path)), a,
                   PointFrom);
}
std::optional<Point> FindPoint(soci::session& sql, std::int64_t id, const std::string& path) {
  db::SqlArgs a;
  return db::FirstOf(
      sql, fmt::format("{}WHERE p.id = {} AND {}", kPointColumns, a.Int(id), db::PathUnder(a, "u.path", path)), a,
      PointFrom);
}

void UpdateArea(soci::session& sql, const Area& x) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE patrol_areas SET name = {}, ring = {}, in_town = {} WHERE id = {}", a.Str(x.name),
                       a.Str(RingText(x.ring)), a.Bool(x.in_town), a.Int(x.id)),
           a);
}
void DeleteArea(soci::session& sql, std::int64_t id) {
  db::SqlArgs a, b;
  db::Exec(sql, fmt::format("UPDATE patrol_points SET area_id = NULL WHERE area_id = {}", a.Int(id)), a);
  db::Exec(sql, fmt::format("DELETE FROM patrol_areas WHERE id = {}", b.Int(id)), b);
}
void UpdatePoint(soci::session& sql, const Point& p) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE patrol_points SET name = {}, lon_e7 = {}, lat_e7 = {}, radius_m = {}, min_stay_s = {}, "
                       "area_id = {} WHERE id = {}",
                       a.Str(p.name), a.Int(E7(p.at.lon)), a.Int(E7(p.at.lat)), a.Int(p.radius_m), a.Int(p.min_stay_s),
                       a.OptInt(p.area_id), a.Int(p.id)),
           a);
}
void DeletePoint(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  db::Exec(sql, fmt::format("DELETE FROM patrol_points WHERE id = {}", a.Int(id)), a);
}
std::int64_t CountCheckinsAt(soci::session& sql, std::int64_t point_id) {
  db::SqlArgs a;
  return db::Count(sql, fmt::format("SELECT COUNT(*) FROM patrol_checkins WHERE point_id = {}", a.Int(point_id)), a);
}

std::int64_t InsertTeam(soci::session& sql, const Team& t) {
  db::Values v;
  FZ_VALUES(v, t, bureau_id, unit_id, name, mode, shift);
  v.Str("members", StrArray(t.members))
      .Str("equipment", StrArray(t.equipment))
      .Str("member_ids", IdArray(t.member_ids))
      .Int("created_at", 0);
  return db::InsertRow(sql, "patrol_teams", v);
}
namespace {
constexpr const char* kTeamColumns =
    "SELECT t.id, t.bureau_id, t.unit_id, u.name AS unit_name, t.name, t.mode, t.shift, t.members, t.equipment, "
    "t.member_ids FROM patrol_teams t JOIN units u ON u.id = t.unit_id ";
Team TeamFrom(const db::Row& r) {
  Team out;
  FZ_READ(r, out, id, bureau_id, unit_id, unit_name, name, mode, shift);
  out.members = StrArrayFrom(r.Text("members"));
  out.equipment = StrArrayFrom(r.Text("equipment"));
  out.member_ids = IdArrayFrom(r.Text("member_ids"));
  out.member_people = {};
  return out;
}
// The people behind member_ids, in the order chosen (one query for all the teams).
void FillMembers(soci::session& sql, std::vector<Team>& teams) {
  std::vector<std::int64_t> ids;
  for (const auto& t : teams) ids.insert(ids.end(), t.member_ids.begin(), t.member_ids.end());
  if (ids.empty()) return;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::map<std::int64_t, TeamMember> people;
  std::map<std::int64_t, std::string> units;
  for (const auto& p : org::ReadPeople(sql, ids)) {
    auto u = units.find(p.unit_id);
    if (u == units.end()) {
      const auto unit = org::ReadUnit(sql, p.unit_id);
      u = units.emplace(p.unit_id, unit ? unit->name : std::string()).first;
    }
    people[p.id] = {.id = p.id, .name = p.name, .badge_no = p.badge_no, .unit_name = u->second};
  }
  for (auto& t : teams)
    for (const std::int64_t id : t.member_ids)
      if (auto it = people.find(id); it != people.end()) t.member_people.push_back(it->second);
}
}  // namespace
std::vector<Team> ListTeams(soci::session& sql, const std::string& path) {
  db::SqlArgs a;
  auto teams = db::AllOf(sql, fmt::format("{}WHERE {} ORDER BY t.id", kTeamColumns, db::PathUnder(a, "u.path", path)),
                         a, TeamFrom);
  FillMembers(sql, teams);
  return teams;
}
std::optional<Team> FindTeam(soci::session& sql, std::int64_t id, const std::string& path) {
  db::SqlArgs a;
  auto team = db::FirstOf(
      sql, fmt::format("{}WHERE t.id = {} AND {}", kTeamColumns, a.Int(id), db::PathUnder(a, "u.path", path)), a,
      TeamFrom);
  if (!team) return team;
  std::vector<Team> one{std::move(*team)};
  FillMembers(sql, one);
  return std::move(one.front());
}
void UpdateTeam(soci::session& sql, const Team& t) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE patrol_teams SET name = {}, mode = {}, shift = {}, members = {}, equipment = {}, "
                       "member_ids = {} WHERE id = {}",
                       a.Str(t.name), a.Str(t.mode), a.Str(t.shift), a.Str(StrArray(t.members)),
                       a.Str(StrArray(t.equipment)), a.Str(IdArray(t.member_ids)), a.Int(t.id)),
           a);
}

std::int64_t InsertCheckin(soci::session& sql, const Checkin& c) {
  db::Values v;
  FZ_VALUES(v, c, bureau_id, unit_id, point_id, user_id, officer_name, arrived_at, left_at, accuracy_m, photo_sha256,
            distance_m, flags, flag_reasons, note);
  v.Int("lon_e7", E7(c.claimed.lon)).Int("lat_e7", E7(c.claimed.lat));
  return db::InsertRow(sql, "patrol_checkins", v);
}
std::optional<Checkin> FindCheckin(soci::session& sql, std::int64_t id, const std::string& path) {
  db::SqlArgs a;
  return db::FirstOf(
      sql, fmt::format("{}WHERE c.id = {} AND {}", kCheckinColumns, a.Int(id), db::PathUnder(a, "u.path", path)), a,
      CheckinFrom);
}
std::optional<Checkin> LastCheckinOf(soci::session& sql, std::int64_t user_id, EpochSeconds at) {
  db::SqlArgs a;
  return db::FirstOf(sql,
                     fmt::format("{}WHERE c.user_id = {} AND c.arrived_at <= {} ORDER BY c.arrived_at DESC, c.id DESC "
                                 "LIMIT 1",
                                 kCheckinColumns, a.Int(user_id), a.Int(at)),
                     a, CheckinFrom);
}
void SetCheckinLeft(soci::session& sql, std::int64_t id, EpochSeconds left_at, const std::string& flags,
                    const std::string& reasons) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE patrol_checkins SET left_at = {}, flags = {}, flag_reasons = {} WHERE id = {}",
                       a.Int(left_at), a.Str(flags), a.Str(reasons), a.Int(id)),
           a);
}
Paged<Checkin> ListCheckins(soci::session& sql, const std::string& path, const CheckinFilter& f,
                            const PageRequest& page) {
  Paged<Checkin> out;
  db::SqlArgs a;
  std::string w = "WHERE " + db::PathUnder(a, "u.path", path);
  if (f.flagged) w += *f.flagged ? " AND c.flags <> ''" : " AND c.flags = ''";
  if (f.unit_id) w += fmt::format(" AND c.unit_id = {}", a.Int(*f.unit_id));
  if (f.from) w += fmt::format(" AND c.arrived_at >= {}", a.Int(*f.from));
  if (f.to) w += fmt::format(" AND c.arrived_at < {}", a.Int(*f.to));
  out.total = db::Count(sql, "SELECT COUNT(*) FROM patrol_checkins c JOIN units u ON u.id = c.unit_id " + w, a);
  out.items = db::AllOf(sql,
                        fmt::format("{}{} ORDER BY c.arrived_at {}, c.id DESC LIMIT {} OFFSET {}", kCheckinColumns, w,
                                    page.descending ? "ASC" : "DESC", page.page_size, page.Offset()),
                        a, CheckinFrom);
  return out;
}

std::int64_t InsertLog(soci::session& sql, const Log& l) {
  db::Values v;
  FZ_VALUES(v, l, bureau_id, unit_id, user_id, officer_name, kind, at, camera, place, finding, result);
  v.Int("created_at", l.at);
  return db::InsertRow(sql, "patrol_logs", v);
}
Paged<Log> ListLogs(soci::session& sql, const std::string& path, std::optional<std::string> kind,
                    const PageRequest& page) {
  Paged<Log> out;
  db::SqlArgs a;
  std::string w = "WHERE " + db::PathUnder(a, "u.path", path);
  if (kind) w += fmt::format(" AND l.kind = {}", a.Str(*kind));
  out.total = db::Count(sql, "SELECT COUNT(*) FROM patrol_logs l JOIN units u ON u.id = l.unit_id " + w, a);
  out.items = db::AllOf(
      sql,
      fmt::format("SELECT l.id, l.bureau_id, l.unit_id, u.name AS unit_name, l.user_id, l.officer_name, l.kind, l.at, "
                  "l.camera, l.place, l.finding, l.result FROM patrol_logs l JOIN units u ON u.id = l.unit_id {} "
                  "ORDER BY l.at DESC, l.id DESC LIMIT {} OFFSET {}",
                  w, page.page_size, page.Offset()),
      a, [](const db::Row& r) {
        Log v;
        FZ_READ(r, v, id, bureau_id, unit_id, user_id, unit_name, officer_name, kind, camera, place, finding, result,
                at);
        return v;
      });
  return out;
}

std::int64_t InsertCall(soci::session& sql, const Call& c) {
  db::SqlArgs a;
  std::string stamps;
  for (std::size_t i = 0; i < kStages.size(); ++i)
    stamps += ", " + a.OptInt(i < c.stamps.size() ? c.stamps[i] : std::nullopt);
  return db::Insert(sql,
                    fmt::format("INSERT INTO patrol_calls (bureau_id, unit_id, kind, place, lon_e7, lat_e7, in_town, "
                                "shift, is_test, drill_id, point_id, received_at, dispatched_at, signed_at, "
                                "departed_at, arrived_at, feedback_at, closed_at) VALUES ({}, {}, {}, {}, {}, {}, {}, "
                                "{}, {}, {}, {}{}) RETURNING id",
                                a.Int(c.bureau_id), a.Int(c.unit_id), a.Str(c.kind), a.Str(c.place),
                                a.OptInt(c.at ? std::optional(E7(c.at->lon)) : std::nullopt),
                                a.OptInt(c.at ? std::optional(E7(c.at->lat)) : std::nullopt), a.Bool(c.in_town),
                                a.Str(c.shift), a.Bool(c.is_test), a.OptInt(c.drill_id), a.OptInt(c.point_id), stamps),
                    a);
}
std::optional<Call> FindCall(soci::session& sql, std::int64_t id, const std::string& path) {
  db::SqlArgs a;
  return db::FirstOf(sql,
                     fmt::format("{}WHERE c.id = {} AND {}", kCallColumns, a.Int(id), db::PathUnder(a, "u.path", path)),
                     a, CallFrom);
}
void StampCall(soci::session& sql, std::int64_t id, const std::string& stage, EpochSeconds at) {
  db::SqlArgs a;
  // `stage` is one of kStages (checked by the caller), never user text.
  db::Exec(sql, fmt::format("UPDATE patrol_calls SET {}_at = {} WHERE id = {}", stage, a.Int(at), a.Int(id)), a);
}
Paged<Call> ListCallPage(soci::session& sql, const std::string& path, const CallFilter& f, const PageRequest& page) {
  Paged<Call> out;
  db::SqlArgs a;
  std::string w = "WHERE " + db::PathUnder(a, "u.path", path);
  if (f.open) w += *f.open ? " AND c.closed_at IS NULL" : " AND c.closed_at IS NOT NULL";
  if (f.is_test) w += fmt::format(" AND c.is_test = {}", a.Bool(*f.is_test));
  if (f.from) w += fmt::format(" AND c.received_at >= {}", a.Int(*f.from));
  if (f.to) w += fmt::format(" AND c.received_at < {}", a.Int(*f.to));
  out.total = db::Count(sql, "SELECT COUNT(*) FROM patrol_calls c JOIN units u ON u.id = c.unit_id " + w, a);
  out.items = db::AllOf(sql,
                        fmt::format("{}{} ORDER BY CASE WHEN c.closed_at IS NULL THEN 0 ELSE 1 END, c.received_at {}, "
                                    "c.id DESC LIMIT {} OFFSET {}",
                                    kCallColumns, w, page.descending ? "ASC" : "DESC", page.page_size, page.Offset()),
                        a, CallFrom);
  return out;
}
std::vector<Call> ListCalls(soci::session& sql, const std::string& path, EpochSeconds from, EpochSeconds to,
                            bool is_test, std::optional<std::int64_t> drill_id) {
  db::SqlArgs a;
  std::string w = fmt::format("WHERE {} AND c.received_at >= {} AND c.received_at < {} AND c.is_test = {}",
                              db::PathUnder(a, "u.path", path), a.Int(from), a.Int(to), a.Bool(is_test));
  if (drill_id) w += fmt::format(" AND c.drill_id = {}", a.Int(*drill_id));
  return db::AllOf(sql, fmt::format("{}{} ORDER BY c.received_at, c.id", kCallColumns, w), a, CallFrom);
}

Targets ReadTargets(soci::session& sql, std::int64_t bureau_id) {
  db::SqlArgs a;
  auto t = db::FirstOf(
      sql,
      fmt::format("SELECT sign_s, arrive_town_s, arrive_rural_s, tile_url FROM patrol_targets WHERE bureau_id "
                  "= {}",
                  a.Int(bureau_id)),
      a, [](const db::Row& r) {
        Targets v;
        FZ_READ(r, v, sign_s, arrive_town_s, arrive_rural_s, tile_url);
        return v;
      });
  return t.value_or(Targets{});
}
void WriteTargets(soci::session& sql, std::int64_t bureau_id, const Targets& t, EpochSeconds now) {
  db::SqlArgs d;
  db::Exec(sql, fmt::format("DELETE FROM patrol_targets WHERE bureau_id = {}", d.Int(bureau_id)), d);
  db::Values vals;
  FZ_VALUES(vals, t, sign_s, arrive_town_s, arrive_rural_s, tile_url);
  vals.Int("bureau_id", bureau_id).Int("updated_at", now);
  db::InsertValues(sql, "patrol_targets", vals);
}

std::int64_t InsertDrill(soci::session& sql, const Drill& d, std::optional<std::int64_t> by) {
  db::Values vals;
  FZ_VALUES(vals, d, bureau_id, unit_id, name, seed, draws, created_at);
  vals.Str("drawn", json(d.drawn_points).dump()).OptInt("created_by", by);
  return db::InsertRow(sql, "patrol_drills", vals);
}
std::vector<Drill> ListDrills(soci::session& sql, const std::string& path) {
  db::SqlArgs a;
  auto drills = db::AllOf(
      sql,
      fmt::format("SELECT d.id, d.bureau_id, d.unit_id, d.name, d.seed, d.draws, d.drawn, d.created_at FROM "
                  "patrol_drills d JOIN units u ON u.id = d.unit_id WHERE {} ORDER BY d.created_at DESC, d.id DESC",
                  db::PathUnder(a, "u.path", path)),
      a, [](const db::Row& r) {
        Drill v;
        FZ_READ(r, v, id, bureau_id, unit_id, seed, name, draws, created_at);
        v.drawn_points = IdArrayFrom(r.Text("drawn"));
        v.call_ids = {};
        return v;
      });
  for (auto& d : drills) {
    db::SqlArgs b;
    d.call_ids = db::IntColumn(
        sql, fmt::format("SELECT id FROM patrol_calls WHERE drill_id = {} ORDER BY id", b.Int(d.id)), b, "id");
  }
  return drills;
}

std::int64_t InsertDispute(soci::session& sql, const Dispute& d, std::optional<std::int64_t> by) {
  db::Values vals;
  FZ_VALUES(vals, d, bureau_id, unit_id, title, kind, grade, grade_reasons, officer_person_id, revisit_at, created_at);
  vals.Str("parties", StrArray(d.parties))
      .Str("linked_calls", json(d.linked_calls).dump())
      .Str("actions", d.actions.empty() ? "[]" : d.actions)
      .Str("status", d.status.empty() ? "open" : d.status)
      .OptInt("created_by", by);
  return db::InsertRow(sql, "patrol_disputes", vals);
}
void UpdateDispute(soci::session& sql, const Dispute& d) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE patrol_disputes SET grade = {}, grade_reasons = {}, officer_person_id = {}, "
                       "linked_calls = {}, actions = {}, revisit_at = {}, status = {}, closed_at = {}, closure = {}, "
                       "order_id = {} WHERE id = {}",
                       a.Str(d.grade), a.Str(d.grade_reasons), a.OptInt(d.officer_person_id),
                       a.Str(json(d.linked_calls).dump()), a.Str(d.actions), a.OptInt(d.revisit_at), a.Str(d.status),
                       a.OptInt(d.closed_at), a.Str(d.closure), a.OptInt(d.order_id), a.Int(d.id)),
           a);
}
std::optional<Dispute> FindDispute(soci::session& sql, std::int64_t id, const std::string& path, EpochSeconds now) {
  db::SqlArgs a;
  return db::FirstOf(
      sql, fmt::format("{}WHERE d.id = {} AND {}", kDisputeColumns, a.Int(id), db::PathUnder(a, "u.path", path)), a,
      [now](const db::Row& r) { return DisputeFrom(r, now); });
}
Paged<Dispute> ListDisputes(soci::session& sql, const std::string& path, const RegisterFilter& f,
                            const PageRequest& page, EpochSeconds now) {
  Paged<Dispute> out;
  db::SqlArgs a;
  const std::string w = RegisterWhere(a, "d", path, f, now, "revisit_at");
  out.total = db::Count(sql, "SELECT COUNT(*) FROM patrol_disputes d JOIN units u ON u.id = d.unit_id " + w, a);
  const std::string order = page.sort == "revisit_at" ? "d.revisit_at, d.id" : "d.created_at DESC, d.id DESC";
  out.items = db::AllOf(
      sql, fmt::format("{}{} ORDER BY {} LIMIT {} OFFSET {}", kDisputeColumns, w, order, page.page_size, page.Offset()),
      a, [now](const db::Row& r) { return DisputeFrom(r, now); });
  return out;
}

bool ClaimDisputeOrder(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  return db::Exec(sql,
                  fmt::format("UPDATE patrol_disputes SET order_id = 0 WHERE id = {} AND order_id IS NULL", a.Int(id)),
                  a) > 0;
}
bool ClaimHazardOrder(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  return db::Exec(sql,
                  fmt::format("UPDATE patrol_hazards SET order_id = 0 WHERE id = {} AND order_id IS NULL", a.Int(id)),
                  a) > 0;
}

std::vector<Dispute> UntoldEscalations(soci::session& sql, EpochSeconds now) {
  db::SqlArgs a;
  auto all =
      db::AllOf(sql,
                fmt::format("{} WHERE d.status = 'open' AND d.escalation_notified_at IS NULL AND (d.grade = 'red' OR "
                            "d.linked_calls <> '[]') ORDER BY d.id",
                            kDisputeColumns),
                a, [now](const db::Row& r) { return DisputeFrom(r, now); });
  std::erase_if(all, [](const Dispute& d) { return !d.escalate; });
  return all;
}

std::vector<std::int64_t> EndedEscalations(soci::session& sql, EpochSeconds now) {
  db::SqlArgs a;
  std::vector<std::int64_t> out;
  for (const auto& d :
       db::AllOf(sql, fmt::format("{} WHERE d.escalation_notified_at IS NOT NULL ORDER BY d.id", kDisputeColumns), a,
                 [now](const db::Row& r) { return DisputeFrom(r, now); }))
    if (!d.escalate) out.push_back(d.id);
  return out;
}

std::optional<std::int64_t> ClaimEscalation(soci::session& sql, std::int64_t id, EpochSeconds now) {
  db::SqlArgs a;
  if (db::Exec(sql,
               fmt::format("UPDATE patrol_disputes SET escalation_notified_at = {}, escalations = escalations + 1 "
                           "WHERE id = {} AND escalation_notified_at IS NULL",
                           a.Int(now), a.Int(id)),
               a) == 0)
    return std::nullopt;
  db::SqlArgs b;
  return db::Count(sql, fmt::format("SELECT escalations FROM patrol_disputes WHERE id = {}", b.Int(id)), b);
}

void EndEscalation(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  db::Exec(sql, fmt::format("UPDATE patrol_disputes SET escalation_notified_at = NULL WHERE id = {}", a.Int(id)), a);
}

std::vector<std::int64_t> UnitLeaderUsers(soci::session& sql, std::int64_t unit_id) {
  std::vector<std::int64_t> out = org::UnitHeadUsers(sql, unit_id);
  if (!out.empty()) return out;
  // No leader in the unit itself: the leaders of the nearest unit above it (the 分局's 局领导).
  db::SqlArgs c;
  std::size_t deepest = 0;
  std::vector<std::pair<std::size_t, std::int64_t>> found;
  db::Each(sql,
           fmt::format("SELECT u.id, a.path FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'leader' "
                       "JOIN units a ON a.id = u.unit_id JOIN units me ON me.id = {} WHERE u.active = 1 AND "
                       "substr(me.path, 1, length(a.path)) = a.path ORDER BY u.id",
                       c.Int(unit_id)),
           c, [&](const db::Row& r) {
             const std::size_t depth = r.Str("path").size();
             deepest = std::max(deepest, depth);
             found.emplace_back(depth, r.Int("id"));
           });
  for (const auto& [depth, id] : found)
    if (depth == deepest) out.push_back(id);
  return out;
}

std::int64_t InsertHazard(soci::session& sql, const Hazard& h, std::optional<std::int64_t> by) {
  db::Values v;
  FZ_VALUES(v, h, bureau_id, unit_id, place, kind, description, officer_person_id, fix_due, created_at);
  v.Str("status", h.status.empty() ? "open" : h.status).OptInt("created_by", by);
  return db::InsertRow(sql, "patrol_hazards", v);
}
void UpdateHazard(soci::session& sql, const Hazard& h) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE patrol_hazards SET fixed_at = {}, recheck_at = {}, recheck_note = {}, status = {}, "
                       "order_id = {}, fix_due = {} WHERE id = {}",
                       a.OptInt(h.fixed_at), a.OptInt(h.recheck_at), a.Str(h.recheck_note), a.Str(h.status),
                       a.OptInt(h.order_id), a.Int(h.fix_due), a.Int(h.id)),
           a);
}
std::optional<Hazard> FindHazard(soci::session& sql, std::int64_t id, const std::string& path, EpochSeconds now) {
  db::SqlArgs a;
  return db::FirstOf(
      sql, fmt::format("{}WHERE h.id = {} AND {}", kHazardColumns, a.Int(id), db::PathUnder(a, "u.path", path)), a,
      [now](const db::Row& r) { return HazardFrom(r, now); });
}
Paged<Hazard> ListHazards(soci::session& sql, const std::string& path, const RegisterFilter& f, const PageRequest& page,
                          EpochSeconds now) {
  Paged<Hazard> out;
  db::SqlArgs a;
  const std::string w = RegisterWhere(a, "h", path, f, now, "fix_due");
  out.total = db::Count(sql, "SELECT COUNT(*) FROM patrol_hazards h JOIN units u ON u.id = h.unit_id " + w, a);
  out.items = db::AllOf(
      sql,
      fmt::format("{}{} ORDER BY h.fix_due, h.id LIMIT {} OFFSET {}", kHazardColumns, w, page.page_size, page.Offset()),
      a, [now](const db::Row& r) { return HazardFrom(r, now); });
  return out;
}

}  // namespace fazhi::patrol
