#include "org/org_reads.h"

#include <fmt/format.h>

#include <algorithm>

#include "db/sql.h"

namespace fazhi::org {

namespace {

constexpr const char* kUnitColumns = "u.id, u.bureau_id, u.name, u.level, u.category, u.path";
constexpr const char* kPersonColumns = "p.id, p.bureau_id, p.unit_id, p.name, p.badge_no, p.kind, p.active";

// IN lists of at most this many values (both backends bind far more, but a list this long already
// reads like a scan).
constexpr std::size_t kIdsPerQuery = 500;

UnitRef UnitFrom(const db::Row& r) {
  UnitRef out;
  FZ_READ(r, out, id, bureau_id, name, level, category, path);
  return out;
}

PersonRef PersonFrom(const db::Row& r) {
  PersonRef out;
  FZ_READ(r, out, id, bureau_id, unit_id, name, badge_no, kind, active);
  return out;
}

}  // namespace

bool IsLegalUnit(const std::string& name, const std::string& category) {
  static constexpr std::string_view kLegal[] = {"法制大队", "法制部门", "法制科", "法制室"};
  const std::string& what = category.empty() ? name : category;
  return std::find(std::begin(kLegal), std::end(kLegal), what) != std::end(kLegal);
}

bool ActsForWholeBureau(soci::session& sql, std::int64_t unit_id) {
  const auto unit = ReadUnit(sql, unit_id);
  return unit && (unit->level == "city" || unit->level == "bureau" || IsLegalUnit(unit->name, unit->category));
}

Reach ReachOf(soci::session& sql, const auth::Principal& who, bool (*whole_bureau)(const UnitRef&)) {
  const auto own = who.unit_id != 0 ? ReadUnit(sql, who.unit_id) : std::nullopt;
  if (own && own->level == "team" && own->bureau_id != 0 &&
      (IsLegalUnit(own->name, own->category) || (whole_bureau && whole_bureau(*own))))
    if (auto bureau = ReadUnit(sql, own->bureau_id)) return {bureau->id, bureau->id, bureau->path};
  return {who.unit_id, own ? own->bureau_id : who.bureau_id.value_or(0), who.unit_path};
}

std::optional<UnitRef> ReadUnit(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  const std::string q = fmt::format("SELECT {} FROM units u WHERE u.id = {}", kUnitColumns, a.Int(id));
  return db::FirstOf(sql, q, a, UnitFrom);
}

std::vector<UnitRef> ReadUnitsUnder(soci::session& sql, std::string_view path) {
  db::SqlArgs a;
  const std::string q =
      fmt::format("SELECT {} FROM units u WHERE {} ORDER BY u.path", kUnitColumns, db::PathUnder(a, "u.path", path));
  return db::AllOf(sql, q, a, UnitFrom);
}

std::vector<std::int64_t> ReadBureauIdsUnder(soci::session& sql, std::string_view path) {
  db::SqlArgs a;
  const std::string q = fmt::format("SELECT u.id FROM units u WHERE u.level = 'bureau' AND {} ORDER BY u.path",
                                    db::PathUnder(a, "u.path", path));
  return db::IntColumn(sql, q, a, "id");
}

std::vector<std::int64_t> ReadBureauIdsWithPeople(soci::session& sql) {
  return db::IntColumn(sql,
                       "SELECT u.id FROM units u WHERE u.level = 'bureau' "
                       "AND EXISTS (SELECT 1 FROM people p WHERE p.bureau_id = u.id) ORDER BY u.id",
                       {}, "id");
}

std::vector<std::int64_t> UnitRoleUsers(soci::session& sql, std::int64_t unit_id,
                                        std::initializer_list<std::string_view> roles) {
  db::SqlArgs a;
  std::string in;
  for (const std::string_view role : roles) in += (in.empty() ? "" : ", ") + a.Str(std::string(role));
  if (in.empty()) return {};
  return db::IntColumn(sql,
                       fmt::format("SELECT DISTINCT u.id FROM users u JOIN user_roles r ON r.user_id = u.id WHERE "
                                   "u.unit_id = {} AND u.active = 1 AND r.role IN ({}) ORDER BY u.id",
                                   a.Int(unit_id), in),
                       a, "id");
}

std::vector<std::int64_t> UnitPositionHeadUsers(soci::session& sql, std::int64_t unit_id) {
  db::SqlArgs a;
  return db::IntColumn(
      sql,
      fmt::format("SELECT u.id FROM users u JOIN people p ON p.id = u.person_id WHERE p.unit_id = {} AND "
                  "u.active = 1 AND p.active = 1 AND (p.position LIKE '%所长%' OR p.position LIKE '%队长%' OR "
                  "p.position LIKE '%主任%' OR p.position LIKE '%负责人%') ORDER BY u.id",
                  a.Int(unit_id)),
      a, "id");
}

std::vector<std::int64_t> UnitHeadUsers(soci::session& sql, std::int64_t unit_id) {
  auto leaders = UnitRoleUsers(sql, unit_id, {"leader"});
  return leaders.empty() ? UnitPositionHeadUsers(sql, unit_id) : leaders;
}

std::optional<PersonRef> ReadPerson(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  const std::string q = fmt::format("SELECT {} FROM people p WHERE p.id = {}", kPersonColumns, a.Int(id));
  return db::FirstOf(sql, q, a, PersonFrom);
}

std::vector<PersonRef> ReadPeopleUnder(soci::session& sql, std::string_view path) {
  db::SqlArgs a;
  const std::string q = fmt::format("SELECT {} FROM people p JOIN units u ON u.id = p.unit_id WHERE {} ORDER BY p.id",
                                    kPersonColumns, db::PathUnder(a, "u.path", path));
  return db::AllOf(sql, q, a, PersonFrom);
}

std::vector<PersonRef> ReadPeople(soci::session& sql, std::span<const std::int64_t> ids) {
  std::vector<std::int64_t> wanted(ids.begin(), ids.end());
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  std::vector<PersonRef> out;
  for (std::size_t at = 0; at < wanted.size(); at += kIdsPerQuery) {
    const std::vector<std::int64_t> chunk(
        wanted.begin() + static_cast<std::ptrdiff_t>(at),
        wanted.begin() + static_cast<std::ptrdiff_t>(std::min(wanted.size(), at + kIdsPerQuery)));
    db::SqlArgs a;
    const std::string q =
        fmt::format("SELECT {} FROM people p WHERE p.id IN {} ORDER BY p.id", kPersonColumns, a.IntList(chunk));
    db::Each(sql, q, a, [&](const db::Row& r) { out.push_back(PersonFrom(r)); });
  }
  return out;
}

}  // namespace fazhi::org
