// Internal to the org module: the only code that writes its tables — units (单位) and people
// (人员) — and the reads that map their rows to org_types.h. The service, the roster import and
// the demo all go through these functions. Each takes the caller's session (inside the caller's
// transaction when it writes); database failures throw soci::soci_error, which the service lets
// reach the request boundary (or turns into a Conflict for a unique index).
//
// The demo's logins (users, user_roles) are written here too, until auth has a store of its own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/paging.h"
#include "db/soci.h"
#include "org/org_types.h"

namespace fazhi::org::detail {

// ---- units ----

// The unit with this id when it lies in the subtree of `scope_path` (a units.path such as
// "/1/2/"); nullopt scope = anywhere.
std::optional<Unit> LoadUnit(soci::session& sql, std::int64_t id, std::optional<std::string_view> scope_path);
// Every unit in the subtree of `scope_path`, ordered by path (a parent before its children).
std::vector<Unit> ListUnits(soci::session& sql, std::string_view scope_path);
// Units named `name` directly under `parent_id` (nullopt = top level), `except` left out.
std::int64_t CountSiblingsNamed(soci::session& sql, std::optional<std::int64_t> parent_id, const std::string& name,
                                std::optional<std::int64_t> except = std::nullopt);

// A unit to insert. The parent's path and bureau give the new unit its own.
struct NewUnit {
  std::optional<std::int64_t> parent_id;
  std::string parent_path = "/";                 // "/" for a top-level unit
  std::optional<std::int64_t> parent_bureau_id;  // the parent's bureau_id
  std::string name, level, category, code;
  std::string short_name;
};
// Inserts the unit and sets its path (parent path + id + "/") and bureau_id (a city or bureau unit
// owns its rows; a team belongs to its parent's bureau). Returns the id.
std::int64_t InsertUnit(soci::session& sql, const NewUnit& u, EpochSeconds now);
void UpdateUnitText(soci::session& sql, std::int64_t id, const std::string& name, const std::string& short_name,
                    const std::string& category, const std::string& code, EpochSeconds now);

// What still refers to a unit (a unit with any of these cannot be deleted).
struct UnitDependents {
  std::int64_t sub_units = 0;
  std::int64_t people = 0;  // active or not
  std::int64_t users = 0;
};
UnitDependents CountDependents(soci::session& sql, std::int64_t id);
void DeleteUnit(soci::session& sql, std::int64_t id);

// A unit as the roster import finds it: by name, by code, or by "上级单位/单位".
struct UnitRef {
  std::int64_t id = 0, bureau_id = 0;
  std::string name, code, parent_name;
};
std::vector<UnitRef> UnitRefsUnder(soci::session& sql, std::string_view scope_path);

// ---- people ----

// A person row as stored (PII still sealed). unit_name and unit_path are read, never written.
struct PersonRow {
  std::int64_t id = 0, bureau_id = 0, unit_id = 0;
  std::string unit_name, unit_path;
  std::string name, badge_no, kind, position;
  bool is_legal_officer = false, active = true;
  std::optional<std::string> id_number_enc, id_number_hash, phone_enc;
  EpochSeconds created_at = 0, updated_at = 0;
};

// The person with this id when their unit lies under `scope_path` (nullopt = anywhere).
std::optional<PersonRow> LoadPerson(soci::session& sql, std::int64_t id, std::optional<std::string_view> scope_path);

// The people list and export: everyone under scope_path (and unit_path, when given) matching the
// filters.
struct PeopleQuery {
  std::string scope_path;
  std::optional<std::string> unit_path;
  std::optional<std::string> q;  // 姓名 or 警号 contains
  std::optional<std::string> kind;
  std::optional<bool> legal_officer;
  std::optional<bool> active;
};
std::int64_t CountPeople(soci::session& sql, const PeopleQuery& query);
// Sorted by page.sort (unit, name, badge_no) and page.descending; `limit` rows from `offset`.
std::vector<PersonRow> ListPeople(soci::session& sql, const PeopleQuery& query, const PageRequest& page,
                                  std::int64_t limit, std::int64_t offset);

// A person holding a 警号 or 身份证号 (blind index), with their unit path for the scope check.
struct Holder {
  std::int64_t id = 0;
  std::string unit_path, name, badge_no;
};
std::vector<Holder> HoldersOfBadge(soci::session& sql, const std::string& badge_no);
std::vector<Holder> HoldersOfIdHash(soci::session& sql, const std::string& id_number_hash);

// Every person's 警号 and 身份证号 index (uniqueness spans the whole installation).
struct PersonKey {
  std::int64_t id = 0;
  std::string badge_no;
  std::optional<std::string> id_number_hash;
  std::string unit_path;
};
std::vector<PersonKey> AllPersonKeys(soci::session& sql);

// Inserts p (bureau_id, unit_id, the fields and the sealed PII, active); created_at = updated_at =
// now. Returns the id.
std::int64_t InsertPerson(soci::session& sql, const PersonRow& p, EpochSeconds now);
// Writes every field of p over the row p.id; updated_at = now.
void UpdatePerson(soci::session& sql, const PersonRow& p, EpochSeconds now);
void SetPersonActive(soci::session& sql, std::int64_t id, bool active, EpochSeconds now);

// ---- demo ----

std::int64_t CountUsersNamed(soci::session& sql, const std::vector<std::string>& usernames);
// The path of the top-level unit with this name.
std::optional<std::string> RootUnitPath(soci::session& sql, const std::string& name);
std::int64_t CountUnitsUnder(soci::session& sql, std::string_view path);
std::int64_t CountPeopleUnder(soci::session& sql, std::string_view path);

// A demo login (users + one user_roles row); must_change_password = 0. Returns the user id.
struct NewLogin {
  std::int64_t bureau_id = 0, unit_id = 0;
  std::optional<std::int64_t> person_id;
  std::string username, display_name, password_hash, role;
};
std::int64_t InsertDemoLogin(soci::session& sql, const NewLogin& l, EpochSeconds now);

}  // namespace fazhi::org::detail
