#include "org/org_store.h"

#include <fmt/format.h>

#include "auth/self_service.h"
#include "db/sql.h"

namespace fazhi::org::detail {

namespace {

// ---- units ----

constexpr const char* kUnitColumns =
    "u.id, u.parent_id, u.bureau_id, u.name, u.short_name, u.level, u.category, u.code, u.path, u.created_at, "
    "u.updated_at, "
    "(SELECT COUNT(*) FROM people pc WHERE pc.unit_id = u.id AND pc.active = 1) AS person_count";

Unit UnitFrom(const db::Row& r) {
  Unit out;
  FZ_READ(r, out, id, parent_id, bureau_id, name, short_name, level, category, code, path, person_count, created_at,
          updated_at);
  return out;
}

// ---- people ----

constexpr const char* kPersonColumns =
    "p.id, p.bureau_id, p.unit_id, u.name AS unit_name, u.path AS unit_path, p.name, p.badge_no, p.kind, "
    "p.position, p.is_legal_officer, p.active, p.id_number_enc, p.id_number_hash, p.phone_enc, p.created_at, "
    "p.updated_at";
constexpr const char* kPersonFrom = " FROM people p JOIN units u ON u.id = p.unit_id";

PersonRow PersonFrom(const db::Row& r) {
  PersonRow out;
  FZ_READ(r, out, id, bureau_id, unit_id, unit_name, unit_path, name, badge_no, kind, position, is_legal_officer,
          active, id_number_enc, id_number_hash, phone_enc, created_at, updated_at);
  return out;
}

// " WHERE …" of the people list, its values added to `a`.
std::string PeopleWhere(const PeopleQuery& f, db::SqlArgs& a) {
  std::string w = fmt::format(" WHERE {}", db::PathUnder(a, "u.path", f.scope_path));
  if (f.unit_path) w += fmt::format(" AND {}", db::PathUnder(a, "u.path", *f.unit_path));
  if (f.q && !f.q->empty()) {
    const std::string pattern = db::ContainsPattern(*f.q);
    w += fmt::format(" AND (p.name LIKE {} ESCAPE '\\' OR p.badge_no LIKE {} ESCAPE '\\')", a.Str(pattern),
                     a.Str(pattern));
  }
  if (f.kind) w += fmt::format(" AND p.kind = {}", a.Str(*f.kind));
  if (f.legal_officer) w += fmt::format(" AND p.is_legal_officer = {}", a.Bool(*f.legal_officer));
  if (f.active) w += fmt::format(" AND p.active = {}", a.Bool(*f.active));
  return w;
}

std::string PeopleOrder(const PageRequest& page) {
  const char* dir = page.descending ? "DESC" : "ASC";
  if (page.sort == "name") return fmt::format(" ORDER BY p.name {}, p.id", dir);
  if (page.sort == "badge_no") return fmt::format(" ORDER BY p.badge_no {}, p.id", dir);
  return fmt::format(" ORDER BY u.path {}, p.badge_no, p.id", dir);
}

std::vector<Holder> Holders(soci::session& sql, const char* column, const std::string& value) {
  db::SqlArgs a;
  const std::string q = fmt::format(
      "SELECT p.id, u.path AS unit_path, p.name, p.badge_no FROM people p JOIN units u ON u.id = p.unit_id "
      "WHERE p.{} = {} ORDER BY p.id",
      column, a.Str(value));
  std::vector<Holder> out;
  db::Each(sql, q, a, [&](const db::Row& r) {
    out.push_back(
        {.id = r.Int("id"), .unit_path = r.Str("unit_path"), .name = r.Str("name"), .badge_no = r.Str("badge_no")});
  });
  return out;
}

}  // namespace

// ============================================================================================
// Units

std::optional<Unit> LoadUnit(soci::session& sql, std::int64_t id, std::optional<std::string_view> scope_path) {
  db::SqlArgs a;
  std::string q = fmt::format("SELECT {} FROM units u WHERE u.id = {}", kUnitColumns, a.Int(id));
  if (scope_path) q += fmt::format(" AND {}", db::PathUnder(a, "u.path", *scope_path));
  return db::FirstOf(sql, q, a, UnitFrom);
}

std::vector<Unit> ListUnits(soci::session& sql, std::string_view scope_path) {
  db::SqlArgs a;
  const std::string q = fmt::format("SELECT {} FROM units u WHERE {} ORDER BY u.path", kUnitColumns,
                                    db::PathUnder(a, "u.path", scope_path));
  return db::AllOf(sql, q, a, UnitFrom);
}

std::int64_t CountSiblingsNamed(soci::session& sql, std::optional<std::int64_t> parent_id, const std::string& name,
                                std::optional<std::int64_t> except) {
  db::SqlArgs a;
  std::string q = parent_id ? fmt::format("SELECT COUNT(*) FROM units WHERE parent_id = {}", a.Int(*parent_id))
                            : std::string("SELECT COUNT(*) FROM units WHERE parent_id IS NULL");
  q += fmt::format(" AND name = {}", a.Str(name));
  if (except) q += fmt::format(" AND id <> {}", a.Int(*except));
  return db::Count(sql, q, a);
}

std::int64_t InsertUnit(soci::session& sql, const NewUnit& u, EpochSeconds now) {
  db::Values v;
  FZ_VALUES(v, u, parent_id, name, short_name, level, category, code);
  v.Sql("bureau_id", "NULL").Sql("path", "''").Int("created_at", now).Int("updated_at", now);
  const std::int64_t id = db::InsertRow(sql, "units", v);
  const std::int64_t bureau = u.level == kLevelTeam && u.parent_bureau_id ? *u.parent_bureau_id : id;
  db::SqlArgs b;
  db::Exec(sql,
           fmt::format("UPDATE units SET path = {}, bureau_id = {} WHERE id = {}",
                       b.Str(u.parent_path + std::to_string(id) + "/"), b.Int(bureau), b.Int(id)),
           b);
  return id;
}

void UpdateUnitText(soci::session& sql, std::int64_t id, const std::string& name, const std::string& short_name,
                    const std::string& category, const std::string& code, EpochSeconds now) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE units SET name = {}, short_name = {}, category = {}, code = {}, updated_at = {} "
                       "WHERE id = {}",
                       a.Str(name), a.Str(short_name), a.Str(category), a.Str(code), a.Int(now), a.Int(id)),
           a);
}

UnitDependents CountDependents(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  const std::string q = fmt::format(
      "SELECT (SELECT COUNT(*) FROM units WHERE parent_id = {}) AS sub_units, "
      "(SELECT COUNT(*) FROM people WHERE unit_id = {}) AS people, "
      "(SELECT COUNT(*) FROM users WHERE unit_id = {}) AS users",
      a.Int(id), a.Int(id), a.Int(id));
  UnitDependents d;
  db::First(sql, q, a, [&](const db::Row& r) {
    d = {.sub_units = r.Int("sub_units"), .people = r.Int("people"), .users = r.Int("users")};
  });
  return d;
}

void DeleteUnit(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  db::Exec(sql, fmt::format("DELETE FROM units WHERE id = {}", a.Int(id)), a);
}

std::vector<UnitRef> UnitRefsUnder(soci::session& sql, std::string_view scope_path) {
  db::SqlArgs a;
  const std::string q = fmt::format(
      "SELECT u.id, u.bureau_id, u.name, u.code, COALESCE(pu.name, '') AS parent_name FROM units u "
      "LEFT JOIN units pu ON pu.id = u.parent_id WHERE {}",
      db::PathUnder(a, "u.path", scope_path));
  std::vector<UnitRef> out;
  db::Each(sql, q, a, [&](const db::Row& r) {
    const std::int64_t id = r.Int("id");
    out.push_back({.id = id,
                   .bureau_id = r.OptInt("bureau_id").value_or(id),
                   .name = r.Str("name"),
                   .code = r.Str("code"),
                   .parent_name = r.Str("parent_name")});
  });
  return out;
}

// ============================================================================================
// People

std::optional<PersonRow> LoadPerson(soci::session& sql, std::int64_t id, std::optional<std::string_view> scope_path) {
  db::SqlArgs a;
  std::string q = fmt::format("SELECT {}{} WHERE p.id = {}", kPersonColumns, kPersonFrom, a.Int(id));
  if (scope_path) q += fmt::format(" AND {}", db::PathUnder(a, "u.path", *scope_path));
  return db::FirstOf(sql, q, a, PersonFrom);
}

std::int64_t CountPeople(soci::session& sql, const PeopleQuery& query) {
  db::SqlArgs a;
  const std::string where = PeopleWhere(query, a);
  return db::Count(sql, std::string("SELECT COUNT(*)") + kPersonFrom + where, a);
}

std::vector<PersonRow> ListPeople(soci::session& sql, const PeopleQuery& query, const PageRequest& page,
                                  std::int64_t limit, std::int64_t offset) {
  db::SqlArgs a;
  const std::string where = PeopleWhere(query, a);
  const std::string q = fmt::format("SELECT {}{}{}{} LIMIT {} OFFSET {}", kPersonColumns, kPersonFrom, where,
                                    PeopleOrder(page), a.Int(limit), a.Int(offset));
  return db::AllOf(sql, q, a, PersonFrom);
}

std::vector<Holder> HoldersOfBadge(soci::session& sql, const std::string& badge_no) {
  return Holders(sql, "badge_no", badge_no);
}

std::vector<Holder> HoldersOfIdHash(soci::session& sql, const std::string& id_number_hash) {
  return Holders(sql, "id_number_hash", id_number_hash);
}

std::vector<PersonKey> AllPersonKeys(soci::session& sql) {
  std::vector<PersonKey> out;
  db::Each(sql,
           "SELECT p.id, p.badge_no, p.id_number_hash, u.path AS unit_path FROM people p JOIN units u ON u.id = "
           "p.unit_id",
           {}, [&](const db::Row& r) {
             out.push_back({.id = r.Int("id"),
                            .badge_no = r.Str("badge_no"),
                            .id_number_hash = r.OptStr("id_number_hash"),
                            .unit_path = r.Str("unit_path")});
           });
  return out;
}

std::int64_t InsertPerson(soci::session& sql, const PersonRow& p, EpochSeconds now) {
  db::Values v;
  FZ_VALUES(v, p, bureau_id, unit_id, name, badge_no, kind, position, is_legal_officer, id_number_enc, id_number_hash,
            phone_enc, active);
  v.Int("created_at", now).Int("updated_at", now);
  return db::InsertRow(sql, "people", v);
}

void UpdatePerson(soci::session& sql, const PersonRow& p, EpochSeconds now) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE people SET bureau_id = {}, unit_id = {}, name = {}, badge_no = {}, kind = {}, "
                       "position = {}, is_legal_officer = {}, id_number_enc = {}, id_number_hash = {}, phone_enc = {}, "
                       "active = {}, updated_at = {} WHERE id = {}",
                       a.Int(p.bureau_id), a.Int(p.unit_id), a.Str(p.name), a.Str(p.badge_no), a.Str(p.kind),
                       a.Str(p.position), a.Bool(p.is_legal_officer), a.OptStr(p.id_number_enc),
                       a.OptStr(p.id_number_hash), a.OptStr(p.phone_enc), a.Bool(p.active), a.Int(now), a.Int(p.id)),
           a);
}

void SetPersonActive(soci::session& sql, std::int64_t id, bool active, EpochSeconds now) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE people SET active = {}, updated_at = {} WHERE id = {}", a.Bool(active), a.Int(now),
                       a.Int(id)),
           a);
}

// ============================================================================================
// Demo

std::int64_t CountUsersNamed(soci::session& sql, const std::vector<std::string>& usernames) {
  db::SqlArgs a;
  return db::Count(sql, fmt::format("SELECT COUNT(*) FROM users WHERE username IN {}", a.StrList(usernames)), a);
}

std::optional<std::string> RootUnitPath(soci::session& sql, const std::string& name) {
  db::SqlArgs a;
  return db::ScalarText(sql, fmt::format("SELECT path FROM units WHERE parent_id IS NULL AND name = {}", a.Str(name)),
                        a);
}

std::int64_t CountUnitsUnder(soci::session& sql, std::string_view path) {
  db::SqlArgs a;
  return db::Count(sql, fmt::format("SELECT COUNT(*) FROM units u WHERE {}", db::PathUnder(a, "u.path", path)), a);
}

std::int64_t CountPeopleUnder(soci::session& sql, std::string_view path) {
  db::SqlArgs a;
  return db::Count(sql,
                   fmt::format("SELECT COUNT(*) FROM people p JOIN units u ON u.id = p.unit_id WHERE {}",
                               db::PathUnder(a, "u.path", path)),
                   a);
}

std::int64_t InsertDemoLogin(soci::session& sql, const NewLogin& l, EpochSeconds now) {
  return auth::InsertAccount(sql,
                             {.bureau_id = l.bureau_id,
                              .unit_id = l.unit_id,
                              .person_id = l.person_id,
                              .username = l.username,
                              .display_name = l.display_name,
                              .password_hash = l.password_hash,
                              .must_change_password = false,
                              .roles = {l.role}},
                             now);
}

}  // namespace fazhi::org::detail
