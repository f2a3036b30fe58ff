// Read functions other modules use to look at the officer directory (units and people) without
// reading org's tables in their own SQL (docs/module-template.md §1 foo_reads.h): the dependency
// shows in the build as a link to fazhi_org. Plain reads: no scope check, no audit, no personal
// data (no 身份证号, no phone) — the caller decides what its own caller may see.
//
// Every function runs on the caller's session (inside its transaction or read session) and throws
// soci::soci_error on a database failure. Thread safety: as the session.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "auth/principal.h"
#include "db/soci.h"

namespace fazhi::org {

// A unit as other modules see it.
struct UnitRef {
  std::int64_t id = 0;
  std::int64_t bureau_id = 0;  // owning 分县局 (0 when not set)
  std::string name;
  std::string level;     // city / bureau / team
  std::string category;  // 派出所, 法制大队 … ("" when not set)
  std::string path;      // "/1/2/5/"
};

// A person as other modules see it.
struct PersonRef {
  std::int64_t id = 0;
  std::int64_t bureau_id = 0;
  std::int64_t unit_id = 0;
  std::string name;
  std::string badge_no;
  std::string kind;  // 民警 / 辅警
  bool active = true;
};

// The bureau's legal unit (法制大队 / 法制部门 / 法制科 / 法制室), by category or, without one, by name.
// Its accounts act for the whole bureau in scoring and in bureau-wide supervision settings.
bool IsLegalUnit(const std::string& name, const std::string& category);
// Whether an account of unit `unit_id` acts for a whole bureau: its unit is the city, a bureau, or a
// bureau's legal unit. Settings that act on every unit of a bureau (the supervision rule catalog,
// review gates, inspection checklists) need such an account. False for an unknown unit.
bool ActsForWholeBureau(soci::session& sql, std::int64_t unit_id);

// What an account's lists and checks reach: a unit subtree (path), the unit heading it and its bureau.
struct Reach {
  std::int64_t unit_id = 0;
  std::int64_t bureau_id = 0;  // 0 when neither the unit nor the account names one
  std::string path;
};
// The reach of `who`: his unit's subtree; on a team-level bureau legal unit (法制大队 …), or a team
// `whole_bureau` accepts (intake: the 接报案大厅), the whole bureau. An unknown unit: his own fields.
Reach ReachOf(soci::session& sql, const auth::Principal& who, bool (*whole_bureau)(const UnitRef&) = nullptr);

// Whether `path` lies in the subtree `reach` (a unit path); nothing lies in an empty reach.
inline bool Under(std::string_view path, std::string_view reach) { return !reach.empty() && path.starts_with(reach); }

// The unit with `id`, or nullopt.
std::optional<UnitRef> ReadUnit(soci::session& sql, std::int64_t id);
// The units in the subtree of `path` (the unit of that path included), ordered by path.
std::vector<UnitRef> ReadUnitsUnder(soci::session& sql, std::string_view path);
// The ids of the bureaus (level 'bureau') in the subtree of `path`, ordered by path.
std::vector<std::int64_t> ReadBureauIdsUnder(soci::session& sql, std::string_view path);
// The ids of the bureaus that have at least one person (active or not), ascending.
std::vector<std::int64_t> ReadBureauIdsWithPeople(soci::session& sql);

// Accounts to notify on a unit's behalf (all active accounts only, ascending, each once):
// The accounts of unit `unit_id` holding any of `roles` (leader, legal_officer, intake …).
std::vector<std::int64_t> UnitRoleUsers(soci::session& sql, std::int64_t unit_id,
                                        std::initializer_list<std::string_view> roles);
// The accounts of the unit's active people whose position names a head (所长, 队长, 主任, 负责人).
std::vector<std::int64_t> UnitPositionHeadUsers(soci::session& sql, std::int64_t unit_id);
// Who heads the unit: its leader accounts (role leader), else the accounts of its heads by position.
std::vector<std::int64_t> UnitHeadUsers(soci::session& sql, std::int64_t unit_id);

// The person with `id`, or nullopt.
std::optional<PersonRef> ReadPerson(soci::session& sql, std::int64_t id);
// The people (active or not) whose unit lies in the subtree of `path`, ordered by id.
std::vector<PersonRef> ReadPeopleUnder(soci::session& sql, std::string_view path);
// The people with these ids (unknown ids left out, duplicates allowed), ordered by id.
std::vector<PersonRef> ReadPeople(soci::session& sql, std::span<const std::int64_t> ids);

}  // namespace fazhi::org
