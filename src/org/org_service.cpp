#include "org/org_service.h"

#include <fmt/format.h>

#include <map>
#include <set>
#include <unordered_map>

#include "auth/roles.h"
#include "core/local_time.h"
#include "core/text.h"
#include "org/person_rules.h"
#include "files/spreadsheet.h"
#include "org/sql_args.h"

namespace fazhi::org {

using detail::Exec;
using detail::ForEachRow;
using detail::SqlArgs;

namespace {

constexpr int kMaxUnitNameChars = 64;
constexpr int kMaxUnitTextChars = 32;
constexpr std::int64_t kMaxExportRows = 50000;

int LevelRank(std::string_view level) {
  if (level == kLevelCity) return 0;
  if (level == kLevelBureau) return 1;
  if (level == kLevelTeam) return 2;
  return -1;
}

const char* LevelLabel(std::string_view level) {
  if (level == kLevelCity) return "市局";
  if (level == kLevelBureau) return "分县局";
  return "科所队";
}

Result<void> Require(const auth::Principal& who, std::string_view permission) {
  if (who.Has(permission)) return {};
  return Forbidden(fmt::format("没有权限执行此操作（需要 {} 权限）", permission), "permission_denied");
}

std::string ScopeLike(const auth::Principal& who) { return EscapeLike(who.unit_path) + "%"; }

// ---- units ----

constexpr const char* kUnitColumns =
    "u.id, u.parent_id, u.bureau_id, u.name, u.level, u.category, u.code, u.path, u.created_at, u.updated_at, "
    "(SELECT COUNT(*) FROM people pc WHERE pc.unit_id = u.id AND pc.active = 1)";

Unit UnitFromRow(const soci::row& r) {
  Unit u;
  u.id = db::GetInt64(r, 0);
  if (!db::IsNull(r, 1)) u.parent_id = db::GetInt64(r, 1);
  if (!db::IsNull(r, 2)) u.bureau_id = db::GetInt64(r, 2);
  u.name = db::GetText(r, 3);
  u.level = db::GetText(r, 4);
  u.category = db::GetText(r, 5);
  u.code = db::GetText(r, 6);
  u.path = db::GetText(r, 7);
  u.created_at = db::GetInt64(r, 8);
  u.updated_at = db::GetInt64(r, 9);
  u.person_count = db::GetInt64(r, 10);
  return u;
}

// The unit with this id if it is in `scope_like` (a LIKE pattern; "%" = everything).
std::optional<Unit> LoadUnit(soci::session& sql, std::int64_t id, const std::string& scope_like) {
  SqlArgs a;
  const std::string q = fmt::format("SELECT {} FROM units u WHERE u.id = {} AND u.path LIKE {} ESCAPE '\\'",
                                    kUnitColumns, a.Int(id), a.Str(scope_like));
  std::optional<Unit> out;
  ForEachRow(sql, q, a, [&](const soci::row& r) { out = UnitFromRow(r); });
  return out;
}

Result<void> CheckUnitText(const std::string& value, const char* label, const char* field, int max_chars,
                           bool required) {
  const auto len = Utf8Length(value);
  if (len < 0) return Invalid(fmt::format("{}含有无效字符", label), field);
  if (required && len == 0) return Invalid(fmt::format("{}不能为空", label), field, "missing_field");
  if (len > max_chars) return Invalid(fmt::format("{}不能超过 {} 个字", label, max_chars), field, "too_long");
  for (char c : value)
    if (static_cast<unsigned char>(c) < 0x20) return Invalid(fmt::format("{}含有无效字符", label), field);
  return {};
}

Result<void> CheckUnitName(const std::string& name) {
  if (auto r = CheckUnitText(name, "单位名称", "name", kMaxUnitNameChars, true); !r) return r;
  // The roster import accepts "上级单位/单位" to tell same-named units apart.
  if (name.find('/') != std::string::npos) return Invalid("单位名称不能含有“/”", "name");
  return {};
}

nlohmann::json UnitAuditJson(const Unit& u) {
  return {{"name", u.name}, {"level", u.level}, {"category", u.category}, {"code", u.code},
          {"parent_id", u.parent_id ? nlohmann::json(*u.parent_id) : nlohmann::json(nullptr)}};
}

// ---- people ----

// A person row as stored (PII still sealed).
struct StoredPerson {
  std::int64_t id = 0, bureau_id = 0, unit_id = 0;
  std::string unit_name, unit_path, name, badge_no, kind, position;
  bool is_legal_officer = false, active = true;
  std::optional<std::string> id_number_enc, id_number_hash, phone_enc;
  EpochSeconds created_at = 0, updated_at = 0;
};

constexpr const char* kPersonColumns =
    "p.id, p.bureau_id, p.unit_id, u.name, u.path, p.name, p.badge_no, p.kind, p.position, p.is_legal_officer, "
    "p.active, p.id_number_enc, p.id_number_hash, p.phone_enc, p.created_at, p.updated_at";
constexpr const char* kPersonFrom = " FROM people p JOIN units u ON u.id = p.unit_id";

std::optional<std::string> OptText(const soci::row& r, std::size_t i) {
  if (db::IsNull(r, i)) return std::nullopt;
  return db::GetText(r, i);
}

StoredPerson PersonFromRow(const soci::row& r) {
  StoredPerson p;
  p.id = db::GetInt64(r, 0);
  p.bureau_id = db::GetInt64(r, 1);
  p.unit_id = db::GetInt64(r, 2);
  p.unit_name = db::GetText(r, 3);
  p.unit_path = db::GetText(r, 4);
  p.name = db::GetText(r, 5);
  p.badge_no = db::GetText(r, 6);
  p.kind = db::GetText(r, 7);
  p.position = db::GetText(r, 8);
  p.is_legal_officer = db::GetInt64(r, 9) != 0;
  p.active = db::GetInt64(r, 10) != 0;
  p.id_number_enc = OptText(r, 11);
  p.id_number_hash = OptText(r, 12);
  p.phone_enc = OptText(r, 13);
  p.created_at = db::GetInt64(r, 14);
  p.updated_at = db::GetInt64(r, 15);
  return p;
}

std::optional<StoredPerson> LoadStored(soci::session& sql, std::int64_t id, const std::string& scope_like) {
  SqlArgs a;
  const std::string q = fmt::format("SELECT {}{} WHERE p.id = {} AND u.path LIKE {} ESCAPE '\\'", kPersonColumns,
                                    kPersonFrom, a.Int(id), a.Str(scope_like));
  std::optional<StoredPerson> out;
  ForEachRow(sql, q, a, [&](const soci::row& r) { out = PersonFromRow(r); });
  return out;
}

Result<std::string> Unseal(const auth::Vault& vault, const std::optional<std::string>& sealed) {
  if (!sealed || sealed->empty()) return std::string();
  auto plain = vault.Decrypt(*sealed);
  if (!plain) return Internal("人员敏感信息无法解密：数据库与密钥文件不匹配");
  return *plain;
}

// The person's plaintext fields.
Result<PersonDraft> DraftOf(const auth::Vault& vault, const StoredPerson& s) {
  PersonDraft d;
  d.name = s.name;
  d.badge_no = s.badge_no;
  d.kind = s.kind;
  d.position = s.position;
  d.is_legal_officer = s.is_legal_officer;
  auto id = Unseal(vault, s.id_number_enc);
  if (!id) return std::unexpected(id.error());
  auto phone = Unseal(vault, s.phone_enc);
  if (!phone) return std::unexpected(phone.error());
  d.id_number = *id;
  d.phone = *phone;
  return d;
}

Result<Person> ToPerson(const auth::Vault& vault, const StoredPerson& s, bool pii) {
  auto d = DraftOf(vault, s);
  if (!d) return std::unexpected(d.error());
  Person p;
  p.id = s.id;
  p.bureau_id = s.bureau_id;
  p.unit_id = s.unit_id;
  p.unit_name = s.unit_name;
  p.name = s.name;
  p.badge_no = s.badge_no;
  p.kind = s.kind;
  p.position = s.position;
  p.is_legal_officer = s.is_legal_officer;
  p.active = s.active;
  p.id_number = pii ? d->id_number : auth::MaskIdNumber(d->id_number);
  p.phone = pii ? d->phone : auth::MaskPhone(d->phone);
  p.pii_visible = pii;
  p.created_at = s.created_at;
  p.updated_at = s.updated_at;
  return p;
}

// What the audit trail keeps of a person: never plaintext PII, only masked values.
nlohmann::json PersonAuditJson(const PersonDraft& d, std::int64_t unit_id, bool active) {
  return {{"name", d.name},
          {"badge_no", d.badge_no},
          {"kind", d.kind},
          {"unit_id", unit_id},
          {"position", d.position},
          {"is_legal_officer", d.is_legal_officer},
          {"id_number", auth::MaskIdNumber(d.id_number)},
          {"phone", auth::MaskPhone(d.phone)},
          {"active", active}};
}

// {"before":{changed fields}, "after":{changed fields}}.
nlohmann::json Diff(const nlohmann::json& before, const nlohmann::json& after) {
  nlohmann::json b = nlohmann::json::object(), a = nlohmann::json::object();
  for (auto it = after.begin(); it != after.end(); ++it) {
    const auto old = before.find(it.key());
    if (old == before.end() || *old != it.value()) {
      b[it.key()] = old == before.end() ? nlohmann::json(nullptr) : *old;
      a[it.key()] = it.value();
    }
  }
  return {{"before", b}, {"after", a}};
}

// Sealed PII for storage. Unchanged plaintext keeps its old ciphertext, so a no-op update stays a no-op.
struct SealedPii {
  std::optional<std::string> id_enc, id_hash, phone_enc;
};

SealedPii Seal(const auth::Vault& vault, const PersonDraft& d, const StoredPerson* old, const PersonDraft* old_plain) {
  SealedPii s;
  if (!d.id_number.empty()) {
    if (old && old_plain && old_plain->id_number == d.id_number) {
      s.id_enc = old->id_number_enc;
      s.id_hash = old->id_number_hash;
    } else {
      s.id_enc = vault.Encrypt(d.id_number);
      s.id_hash = vault.BlindIndex(d.id_number);
    }
  }
  if (!d.phone.empty()) {
    if (old && old_plain && old_plain->phone == d.phone)
      s.phone_enc = old->phone_enc;
    else
      s.phone_enc = vault.Encrypt(d.phone);
  }
  return s;
}

std::int64_t InsertPerson(soci::session& sql, const PersonDraft& d, const SealedPii& pii, std::int64_t unit_id,
                          std::int64_t bureau_id, EpochSeconds now) {
  SqlArgs a;
  const std::string q = fmt::format(
      "INSERT INTO people (bureau_id, unit_id, name, badge_no, kind, position, is_legal_officer, id_number_enc, "
      "id_number_hash, phone_enc, active, created_at, updated_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, 1, "
      "{}, {}) RETURNING id",
      a.Int(bureau_id), a.Int(unit_id), a.Str(d.name), a.Str(d.badge_no), a.Str(d.kind), a.Str(d.position),
      a.Int(d.is_legal_officer ? 1 : 0), a.OptStr(pii.id_enc), a.OptStr(pii.id_hash), a.OptStr(pii.phone_enc),
      a.Int(now), a.Int(now));
  std::int64_t id = 0;
  ForEachRow(sql, q, a, [&](const soci::row& r) { id = db::GetInt64(r, 0); });
  return id;
}

void UpdatePersonRow(soci::session& sql, std::int64_t id, const PersonDraft& d, const SealedPii& pii,
                     std::int64_t unit_id, std::int64_t bureau_id, bool active, EpochSeconds now) {
  SqlArgs a;
  const std::string q = fmt::format(
      "UPDATE people SET bureau_id = {}, unit_id = {}, name = {}, badge_no = {}, kind = {}, position = {}, "
      "is_legal_officer = {}, id_number_enc = {}, id_number_hash = {}, phone_enc = {}, active = {}, updated_at = {} "
      "WHERE id = {}",
      a.Int(bureau_id), a.Int(unit_id), a.Str(d.name), a.Str(d.badge_no), a.Str(d.kind), a.Str(d.position),
      a.Int(d.is_legal_officer ? 1 : 0), a.OptStr(pii.id_enc), a.OptStr(pii.id_hash), a.OptStr(pii.phone_enc),
      a.Int(active ? 1 : 0), a.Int(now), a.Int(id));
  Exec(sql, q, a);
}

// Conflict if another person already has this 警号 or 身份证号. A holder outside the caller's scope
// is not named.
Result<void> CheckUnique(soci::session& sql, const auth::Principal& who, const auth::Vault& vault,
                         const PersonDraft& d, std::optional<std::int64_t> self) {
  {
    SqlArgs a;
    const std::string q = fmt::format("SELECT p.id, u.path, p.name FROM people p JOIN units u ON u.id = p.unit_id "
                                      "WHERE p.badge_no = {}",
                                      a.Str(d.badge_no));
    std::optional<Error> err;
    ForEachRow(sql, q, a, [&](const soci::row& r) {
      if (self && db::GetInt64(r, 0) == *self) return;
      const std::string msg = who.InScope(db::GetText(r, 1))
                                  ? fmt::format("警号 {} 已被“{}”使用", d.badge_no, db::GetText(r, 2))
                                  : fmt::format("警号 {} 已被其他单位的人员使用", d.badge_no);
      err = Error{ErrorCode::kConflict, msg, "badge_no", "duplicate_badge_no"};
    });
    if (err) return std::unexpected(*err);
  }
  if (!d.id_number.empty()) {
    SqlArgs a;
    const std::string q = fmt::format("SELECT p.id, u.path, p.badge_no FROM people p JOIN units u ON u.id = "
                                      "p.unit_id WHERE p.id_number_hash = {}",
                                      a.Str(vault.BlindIndex(d.id_number)));
    std::optional<Error> err;
    ForEachRow(sql, q, a, [&](const soci::row& r) {
      if (self && db::GetInt64(r, 0) == *self) return;
      const std::string msg = who.InScope(db::GetText(r, 1))
                                  ? fmt::format("该身份证号已登记在警号 {} 的人员名下", db::GetText(r, 2))
                                  : std::string("该身份证号已登记在其他单位的人员名下");
      err = Error{ErrorCode::kConflict, msg, "id_number", "duplicate_id_number"};
    });
    if (err) return std::unexpected(*err);
  }
  return {};
}

std::unexpected<Error> FirstIssue(const std::vector<FieldIssue>& issues) {
  return Invalid(issues.front().message, issues.front().field);
}

// WHERE clause (with leading " WHERE ") for a people filter in the caller's scope.
Result<std::string> PeopleWhere(soci::session& sql, const auth::Principal& who, const PersonFilter& f, SqlArgs& a) {
  std::string w = fmt::format(" WHERE {}", db::PathUnder(a, "u.path", who.unit_path));
  if (f.unit_id) {
    auto unit = LoadUnit(sql, *f.unit_id, ScopeLike(who));
    if (!unit) return Fail(ErrorCode::kNotFound, "单位不存在", "unit_id");
    w += fmt::format(" AND {}", db::PathUnder(a, "u.path", unit->path));
  }
  if (f.q && !Trim(*f.q).empty()) {
    const std::string pattern = "%" + EscapeLike(Trim(*f.q)) + "%";
    w += fmt::format(" AND (p.name LIKE {} ESCAPE '\\' OR p.badge_no LIKE {} ESCAPE '\\')", a.Str(pattern),
                     a.Str(pattern));
  }
  if (f.kind) w += fmt::format(" AND p.kind = {}", a.Str(*f.kind));
  if (f.legal_officer) w += fmt::format(" AND p.is_legal_officer = {}", a.Int(*f.legal_officer ? 1 : 0));
  if (f.active) w += fmt::format(" AND p.active = {}", a.Int(*f.active ? 1 : 0));
  return w;
}

std::string PeopleOrder(const PageRequest& page) {
  const char* dir = page.descending ? "DESC" : "ASC";
  if (page.sort == "name") return fmt::format(" ORDER BY p.name {}, p.id", dir);
  if (page.sort == "badge_no") return fmt::format(" ORDER BY p.badge_no {}, p.id", dir);
  return fmt::format(" ORDER BY u.path {}, p.badge_no, p.id", dir);
}

// Appends the person.read_pii row for unmasked data about to be returned.
Result<void> AuditPiiRead(db::Database& db, const Clock& clock, const audit::Actor& actor,
                          const std::vector<std::int64_t>& ids, std::string_view via) {
  if (ids.empty()) return {};
  return db.Write([&](soci::session& sql) -> Result<void> {
    audit::Append(sql, clock, actor,
                  {"person.read_pii", "person", ids.size() == 1 ? std::to_string(ids.front()) : std::string(),
                   fmt::format("查看 {} 名人员的身份证号/手机号（{}）", ids.size(), via),
                   {{"ids", ids}, {"via", via}}});
    return {};
  });
}

// ---- roster files ----

enum Col { kColName, kColBadge, kColKind, kColUnit, kColPosition, kColLegal, kColIdNumber, kColPhone, kColStatus,
           kColCount };
constexpr const char* kColumnNames[kColCount] = {"姓名", "警号", "类别", "单位", "职务",
                                                 "法制员", "身份证号", "手机号", "状态"};
constexpr bool kColumnRequired[kColCount] = {true, true, true, true, false, false, false, false, false};

const char* ColumnOfField(std::string_view field) {
  if (field == "name") return kColumnNames[kColName];
  if (field == "badge_no") return kColumnNames[kColBadge];
  if (field == "kind") return kColumnNames[kColKind];
  if (field == "position") return kColumnNames[kColPosition];
  if (field == "id_number") return kColumnNames[kColIdNumber];
  if (field == "phone") return kColumnNames[kColPhone];
  return "";
}

std::vector<std::string> RosterHeader() { return {std::begin(kColumnNames), std::end(kColumnNames)}; }

struct ScopeUnit {
  std::int64_t id = 0, bureau_id = 0;
  std::string name, code, parent_name;
};

struct KnownPerson {
  std::int64_t id = 0;
  bool in_scope = false;
  std::string badge_no;
};

// One valid roster row, ready to write.
struct PlannedRow {
  int row = 0;
  PersonDraft draft;            // merged with the stored person for an update
  const ScopeUnit* unit = nullptr;
  bool active = true;
  std::optional<StoredPerson> existing;
  std::optional<PersonDraft> existing_plain;
  enum class Action { kCreate, kUpdate, kNone } action = Action::kCreate;
};

struct ImportPlan {
  ImportReport report;
  std::vector<PlannedRow> rows;
  std::vector<std::unique_ptr<ScopeUnit>> units;  // owns what PlannedRow::unit points to
  bool file_ok = false;  // header understood and at least one data row
};

void AddIssue(ImportReport& report, int row, std::string column, std::string message) {
  if (report.errors.size() >= kMaxReportedIssues) {
    report.errors_truncated = true;
    return;
  }
  report.errors.push_back({row, std::move(column), std::move(message)});
}

}  // namespace

const std::vector<std::string>& PeopleSortFields() {
  static const std::vector<std::string> kFields = {"unit", "name", "badge_no"};
  return kFields;
}

OrgService::OrgService(db::Database& db, const Clock& clock, const auth::Vault& vault)
    : db_(db), clock_(clock), vault_(vault) {}

// ============================================================================================
// Units

Result<std::vector<Unit>> OrgService::ListUnits(const auth::Principal& who) const {
  if (auto r = Require(who, auth::perm::kOrgRead); !r) return std::unexpected(r.error());
  return db_.Read([&](soci::session& sql) {
    SqlArgs a;
    const std::string q = fmt::format("SELECT {} FROM units u WHERE u.path LIKE {} ESCAPE '\\' ORDER BY u.path",
                                      kUnitColumns, a.Str(ScopeLike(who)));
    std::vector<Unit> out;
    ForEachRow(sql, q, a, [&](const soci::row& r) { out.push_back(UnitFromRow(r)); });
    return Result<std::vector<Unit>>(std::move(out));
  });
}

Result<Unit> OrgService::GetUnit(const auth::Principal& who, std::int64_t id) const {
  if (auto r = Require(who, auth::perm::kOrgRead); !r) return std::unexpected(r.error());
  auto unit = db_.Read([&](soci::session& sql) { return LoadUnit(sql, id, ScopeLike(who)); });
  if (!unit) return NotFound("单位不存在");
  return *unit;
}

namespace {

// Shared by CreateUnit and CreateRootUnit: `parent` is null for a top-level unit.
Result<Unit> InsertUnit(soci::session& sql, const Clock& clock, const audit::Actor& actor, const Unit* parent,
                        const UnitCreate& in) {
  const EpochSeconds now = clock.Now();
  {
    SqlArgs a;
    const std::string q =
        parent ? fmt::format("SELECT COUNT(*) FROM units WHERE parent_id = {} AND name = {}", a.Int(parent->id),
                             a.Str(in.name))
               : fmt::format("SELECT COUNT(*) FROM units WHERE parent_id IS NULL AND name = {}", a.Str(in.name));
    std::int64_t n = 0;
    ForEachRow(sql, q, a, [&](const soci::row& r) { n = db::GetInt64(r, 0); });
    if (n > 0)
      return Conflict(fmt::format("{}已有名为“{}”的单位", parent ? "同一上级单位下" : "顶级单位中", in.name),
                      "duplicate_name");
  }
  std::int64_t id = 0;
  {
    SqlArgs a;
    const std::string q = fmt::format(
        "INSERT INTO units (bureau_id, parent_id, name, level, category, code, path, created_at, updated_at) "
        "VALUES (NULL, {}, {}, {}, {}, {}, '', {}, {}) RETURNING id",
        a.OptInt(parent ? std::optional<std::int64_t>(parent->id) : std::nullopt), a.Str(in.name), a.Str(in.level),
        a.Str(in.category), a.Str(in.code), a.Int(now), a.Int(now));
    ForEachRow(sql, q, a, [&](const soci::row& r) { id = db::GetInt64(r, 0); });
  }
  // A city or bureau unit owns its rows; a team belongs to its parent's bureau.
  const std::int64_t bureau = in.level == kLevelTeam && parent && parent->bureau_id ? *parent->bureau_id : id;
  const std::string path = (parent ? parent->path : std::string("/")) + std::to_string(id) + "/";
  {
    SqlArgs a;
    const std::string q = fmt::format("UPDATE units SET path = {}, bureau_id = {} WHERE id = {}", a.Str(path),
                                      a.Int(bureau), a.Int(id));
    Exec(sql, q, a);
  }
  auto unit = LoadUnit(sql, id, "%");
  if (!unit) return Internal("新建单位后无法读取");
  audit::Append(sql, clock, actor,
                {"unit.create", "unit", std::to_string(id), fmt::format("新建单位“{}”（{}）", in.name, LevelLabel(in.level)),
                 {{"after", UnitAuditJson(*unit)}}});
  return *unit;
}

Result<UnitCreate> NormalizeUnitCreate(UnitCreate in) {
  in.name = Trim(in.name);
  in.category = Trim(in.category);
  in.code = Trim(in.code);
  if (auto r = CheckUnitName(in.name); !r) return std::unexpected(r.error());
  if (LevelRank(in.level) < 0)
    return Invalid("级别无效，应为 city（市局）、bureau（分县局）或 team（科所队）", "level", "invalid_value");
  if (auto r = CheckUnitText(in.category, "单位类别", "category", kMaxUnitTextChars, false); !r)
    return std::unexpected(r.error());
  if (auto r = CheckUnitText(in.code, "单位编码", "code", kMaxUnitTextChars, false); !r)
    return std::unexpected(r.error());
  return in;
}

template <typename F>
auto CatchUnique(F&& fn, const char* message) -> decltype(fn()) {
  try {
    return fn();
  } catch (const soci::soci_error& e) {
    if (db::IsUniqueViolation(e)) return Conflict(message, "duplicate");
    throw;
  }
}

}  // namespace

Result<Unit> OrgService::CreateUnit(const auth::Principal& who, const audit::Actor& actor, const UnitCreate& raw) {
  if (auto r = Require(who, auth::perm::kOrgWrite); !r) return std::unexpected(r.error());
  if (!raw.parent_id) return Invalid("请选择上级单位", "parent_id", "missing_field");
  auto in = NormalizeUnitCreate(raw);
  if (!in) return std::unexpected(in.error());
  return CatchUnique(
      [&] {
        return db_.Write([&](soci::session& sql) -> Result<Unit> {
          auto parent = LoadUnit(sql, *in->parent_id, ScopeLike(who));
          if (!parent) return Fail(ErrorCode::kNotFound, "上级单位不存在", "parent_id");
          if (parent->level == kLevelTeam)
            return Invalid("科所队下不能再建下级单位", "parent_id", "invalid_level");
          if (LevelRank(in->level) <= LevelRank(parent->level))
            return Invalid(fmt::format("下级单位的级别必须低于上级单位（市局 → 分县局 → 科所队）：“{}”是{}",
                                       parent->name, LevelLabel(parent->level)),
                           "level", "invalid_level");
          return InsertUnit(sql, clock_, actor, &*parent, *in);
        });
      },
      "同一上级单位下已有同名单位");
}

Result<Unit> OrgService::CreateRootUnit(const audit::Actor& actor, const UnitCreate& raw) {
  if (raw.parent_id) return Invalid("顶级单位不能有上级单位", "parent_id");
  auto in = NormalizeUnitCreate(raw);
  if (!in) return std::unexpected(in.error());
  if (in->level == kLevelTeam) return Invalid("顶级单位应为市局或分县局", "level", "invalid_level");
  return CatchUnique(
      [&] { return db_.Write([&](soci::session& sql) { return InsertUnit(sql, clock_, actor, nullptr, *in); }); },
      "顶级单位中已有同名单位");
}

Result<Unit> OrgService::UpdateUnit(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                                    const UnitUpdate& in) {
  if (auto r = Require(who, auth::perm::kOrgWrite); !r) return std::unexpected(r.error());
  std::optional<std::string> name, category, code;
  if (in.name) {
    name = Trim(*in.name);
    if (auto r = CheckUnitName(*name); !r) return std::unexpected(r.error());
  }
  if (in.category) {
    category = Trim(*in.category);
    if (auto r = CheckUnitText(*category, "单位类别", "category", kMaxUnitTextChars, false); !r)
      return std::unexpected(r.error());
  }
  if (in.code) {
    code = Trim(*in.code);
    if (auto r = CheckUnitText(*code, "单位编码", "code", kMaxUnitTextChars, false); !r)
      return std::unexpected(r.error());
  }
  return CatchUnique(
      [&] {
        return db_.Write([&](soci::session& sql) -> Result<Unit> {
          auto cur = LoadUnit(sql, id, ScopeLike(who));
          if (!cur) return NotFound("单位不存在");
          Unit next = *cur;
          if (name) next.name = *name;
          if (category) next.category = *category;
          if (code) next.code = *code;
          if (next.name == cur->name && next.category == cur->category && next.code == cur->code) return *cur;
          if (next.name != cur->name) {
            SqlArgs a;
            const std::string q =
                cur->parent_id
                    ? fmt::format("SELECT COUNT(*) FROM units WHERE parent_id = {} AND name = {} AND id <> {}",
                                  a.Int(*cur->parent_id), a.Str(next.name), a.Int(id))
                    : fmt::format("SELECT COUNT(*) FROM units WHERE parent_id IS NULL AND name = {} AND id <> {}",
                                  a.Str(next.name), a.Int(id));
            std::int64_t n = 0;
            ForEachRow(sql, q, a, [&](const soci::row& r) { n = db::GetInt64(r, 0); });
            if (n > 0) return Conflict(fmt::format("同一上级单位下已有名为“{}”的单位", next.name), "duplicate_name");
          }
          SqlArgs a;
          const std::string q = fmt::format("UPDATE units SET name = {}, category = {}, code = {}, updated_at = {} "
                                            "WHERE id = {}",
                                            a.Str(next.name), a.Str(next.category), a.Str(next.code),
                                            a.Int(clock_.Now()), a.Int(id));
          Exec(sql, q, a);
          auto after = LoadUnit(sql, id, "%");
          audit::Append(sql, clock_, actor,
                        {"unit.update", "unit", std::to_string(id), fmt::format("修改单位“{}”", next.name),
                         Diff(UnitAuditJson(*cur), UnitAuditJson(*after))});
          return *after;
        });
      },
      "同一上级单位下已有同名单位");
}

Result<void> OrgService::DeleteUnit(const auth::Principal& who, const audit::Actor& actor, std::int64_t id) {
  if (auto r = Require(who, auth::perm::kOrgWrite); !r) return std::unexpected(r.error());
  try {
    return db_.Write([&](soci::session& sql) -> Result<void> {
      auto unit = LoadUnit(sql, id, ScopeLike(who));
      if (!unit) return NotFound("单位不存在");
      auto count = [&](const char* table, const char* column) {
        SqlArgs a;
        const std::string q = fmt::format("SELECT COUNT(*) FROM {} WHERE {} = {}", table, column, a.Int(id));
        std::int64_t n = 0;
        ForEachRow(sql, q, a, [&](const soci::row& r) { n = db::GetInt64(r, 0); });
        return n;
      };
      if (const auto n = count("units", "parent_id"); n > 0)
        return Conflict(fmt::format("“{}”下还有 {} 个下级单位，不能删除", unit->name, n), "unit_not_empty");
      if (const auto n = count("people", "unit_id"); n > 0)
        return Conflict(fmt::format("“{}”还有 {} 名人员（含已停用），请先调走人员再删除", unit->name, n),
                        "unit_not_empty");
      if (const auto n = count("users", "unit_id"); n > 0)
        return Conflict(fmt::format("“{}”还有 {} 个用户账号，请先调整账号所属单位再删除", unit->name, n),
                        "unit_not_empty");
      SqlArgs a;
      const std::string q = fmt::format("DELETE FROM units WHERE id = {}", a.Int(id));
      Exec(sql, q, a);
      audit::Append(sql, clock_, actor,
                    {"unit.delete", "unit", std::to_string(id), fmt::format("删除单位“{}”", unit->name),
                     {{"before", UnitAuditJson(*unit)}}});
      return {};
    });
  } catch (const soci::soci_error& e) {
    // Another module's rows (cases, …) still point at the unit: the foreign key refused the delete.
    const std::string what = e.what();
    if (what.find("FOREIGN KEY") != std::string::npos || what.find("foreign key") != std::string::npos)
      return Conflict("该单位仍被其他业务数据引用，不能删除", "unit_in_use");
    throw;
  }
}

// ============================================================================================
// People

Result<Paged<Person>> OrgService::ListPeople(const auth::Principal& who, const audit::Actor& actor,
                                             const PersonFilter& filter, const PageRequest& page) {
  if (auto r = Require(who, auth::perm::kPeopleRead); !r) return std::unexpected(r.error());
  const bool pii = who.Has(auth::perm::kPeoplePii);
  auto stored = db_.Read([&](soci::session& sql) -> Result<std::pair<std::vector<StoredPerson>, std::int64_t>> {
    SqlArgs a;
    auto where = PeopleWhere(sql, who, filter, a);
    if (!where) return std::unexpected(where.error());
    std::int64_t total = 0;
    ForEachRow(sql, std::string("SELECT COUNT(*)") + kPersonFrom + *where, a,
               [&](const soci::row& r) { total = db::GetInt64(r, 0); });
    const std::string q = fmt::format("SELECT {}{}{}{} LIMIT {} OFFSET {}", kPersonColumns, kPersonFrom, *where,
                                      PeopleOrder(page), page.page_size, page.Offset());
    std::vector<StoredPerson> rows;
    ForEachRow(sql, q, a, [&](const soci::row& r) { rows.push_back(PersonFromRow(r)); });
    return std::make_pair(std::move(rows), total);
  });
  if (!stored) return std::unexpected(stored.error());
  Paged<Person> out;
  out.total = stored->second;
  std::vector<std::int64_t> ids;
  for (const auto& s : stored->first) {
    auto p = ToPerson(vault_, s, pii);
    if (!p) return std::unexpected(p.error());
    if (pii && (!p->id_number.empty() || !p->phone.empty())) ids.push_back(p->id);
    out.items.push_back(std::move(*p));
  }
  if (auto r = AuditPiiRead(db_, clock_, actor, ids, "人员列表"); !r) return std::unexpected(r.error());
  return out;
}

Result<Person> OrgService::GetPerson(const auth::Principal& who, const audit::Actor& actor, std::int64_t id) {
  if (auto r = Require(who, auth::perm::kPeopleRead); !r) return std::unexpected(r.error());
  const bool pii = who.Has(auth::perm::kPeoplePii);
  auto stored = db_.Read([&](soci::session& sql) { return LoadStored(sql, id, ScopeLike(who)); });
  if (!stored) return NotFound("人员不存在");
  auto p = ToPerson(vault_, *stored, pii);
  if (!p) return p;
  if (pii && (!p->id_number.empty() || !p->phone.empty())) {
    if (auto r = AuditPiiRead(db_, clock_, actor, {p->id}, "人员详情"); !r) return std::unexpected(r.error());
  }
  return p;
}

Result<Person> OrgService::CreatePerson(const auth::Principal& who, const audit::Actor& actor, const PersonInput& in) {
  if (auto r = Require(who, auth::perm::kPeopleWrite); !r) return std::unexpected(r.error());
  if (!in.name) return Invalid("缺少必填字段“姓名”", "name", "missing_field");
  if (!in.badge_no) return Invalid("缺少必填字段“警号”", "badge_no", "missing_field");
  if (!in.kind) return Invalid("缺少必填字段“类别”", "kind", "missing_field");
  if (!in.unit_id) return Invalid("缺少必填字段“单位”", "unit_id", "missing_field");
  PersonDraft d;
  d.name = *in.name;
  d.badge_no = *in.badge_no;
  d.kind = *in.kind;
  d.position = in.position.value_or("");
  d.is_legal_officer = in.is_legal_officer.value_or(false);
  d.id_number = in.id_number.value_or("");
  d.phone = in.phone.value_or("");
  if (auto issues = NormalizeAndCheck(d); !issues.empty()) return FirstIssue(issues);
  const bool pii = who.Has(auth::perm::kPeoplePii);
  return CatchUnique(
      [&] {
        return db_.Write([&](soci::session& sql) -> Result<Person> {
          auto unit = LoadUnit(sql, *in.unit_id, ScopeLike(who));
          if (!unit) return Fail(ErrorCode::kNotFound, "单位不存在", "unit_id");
          if (auto r = CheckUnique(sql, who, vault_, d, std::nullopt); !r) return std::unexpected(r.error());
          const auto sealed = Seal(vault_, d, nullptr, nullptr);
          const std::int64_t id = InsertPerson(sql, d, sealed, unit->id, unit->bureau_id.value_or(unit->id), clock_.Now());
          audit::Append(sql, clock_, actor,
                        {"person.create", "person", std::to_string(id),
                         fmt::format("新增人员 {}（{}，{}）", d.name, d.badge_no, unit->name),
                         {{"after", PersonAuditJson(d, unit->id, true)}}});
          auto stored = LoadStored(sql, id, "%");
          if (!stored) return Internal("新增人员后无法读取");
          return ToPerson(vault_, *stored, pii);
        });
      },
      "警号或身份证号已被使用");
}

Result<Person> OrgService::UpdatePerson(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                                        const PersonInput& in) {
  if (auto r = Require(who, auth::perm::kPeopleWrite); !r) return std::unexpected(r.error());
  const bool pii = who.Has(auth::perm::kPeoplePii);
  return CatchUnique(
      [&] {
        return db_.Write([&](soci::session& sql) -> Result<Person> {
          auto cur = LoadStored(sql, id, ScopeLike(who));
          if (!cur) return NotFound("人员不存在");
          auto old_plain = DraftOf(vault_, *cur);
          if (!old_plain) return std::unexpected(old_plain.error());
          PersonDraft d = *old_plain;
          if (in.name) d.name = *in.name;
          if (in.badge_no) d.badge_no = *in.badge_no;
          if (in.kind) d.kind = *in.kind;
          if (in.position) d.position = *in.position;
          if (in.is_legal_officer) d.is_legal_officer = *in.is_legal_officer;
          if (in.id_number) d.id_number = *in.id_number;
          if (in.phone) d.phone = *in.phone;
          if (auto issues = NormalizeAndCheck(d); !issues.empty()) return FirstIssue(issues);
          std::int64_t unit_id = cur->unit_id, bureau_id = cur->bureau_id;
          std::string unit_name = cur->unit_name;
          if (in.unit_id && *in.unit_id != cur->unit_id) {
            auto unit = LoadUnit(sql, *in.unit_id, ScopeLike(who));
            if (!unit) return Fail(ErrorCode::kNotFound, "单位不存在", "unit_id");
            unit_id = unit->id;
            bureau_id = unit->bureau_id.value_or(unit->id);
            unit_name = unit->name;
          }
          const bool active = in.active.value_or(cur->active);
          const auto before = PersonAuditJson(*old_plain, cur->unit_id, cur->active);
          const auto after = PersonAuditJson(d, unit_id, active);
          const bool same = before == after && d.id_number == old_plain->id_number && d.phone == old_plain->phone;
          if (same) return ToPerson(vault_, *cur, pii);
          if (auto r = CheckUnique(sql, who, vault_, d, id); !r) return std::unexpected(r.error());
          UpdatePersonRow(sql, id, d, Seal(vault_, d, &*cur, &*old_plain), unit_id, bureau_id, active, clock_.Now());
          audit::Append(sql, clock_, actor,
                        {"person.update", "person", std::to_string(id),
                         fmt::format("修改人员 {}（{}）", d.name, d.badge_no), Diff(before, after)});
          auto stored = LoadStored(sql, id, "%");
          if (!stored) return Internal("修改人员后无法读取");
          return ToPerson(vault_, *stored, pii);
        });
      },
      "警号或身份证号已被使用");
}

Result<Person> OrgService::DeactivatePerson(const auth::Principal& who, const audit::Actor& actor, std::int64_t id) {
  if (auto r = Require(who, auth::perm::kPeopleWrite); !r) return std::unexpected(r.error());
  const bool pii = who.Has(auth::perm::kPeoplePii);
  return db_.Write([&](soci::session& sql) -> Result<Person> {
    auto cur = LoadStored(sql, id, ScopeLike(who));
    if (!cur) return NotFound("人员不存在");
    if (cur->active) {
      SqlArgs a;
      const std::string q = fmt::format("UPDATE people SET active = 0, updated_at = {} WHERE id = {}",
                                        a.Int(clock_.Now()), a.Int(id));
      Exec(sql, q, a);
      audit::Append(sql, clock_, actor,
                    {"person.deactivate", "person", std::to_string(id),
                     fmt::format("停用人员 {}（{}）", cur->name, cur->badge_no),
                     {{"before", {{"active", true}}}, {"after", {{"active", false}}}}});
      cur = LoadStored(sql, id, "%");
    }
    return ToPerson(vault_, *cur, pii);
  });
}

// ============================================================================================
// Roster import

namespace {

// Checks every row of a roster against the rules and the database; no writes.
Result<ImportPlan> PlanImport(soci::session& sql, const auth::Principal& who, const auth::Vault& vault,
                              const files::Sheet& sheet) {
  ImportPlan plan;
  ImportReport& report = plan.report;
  if (sheet.rows.empty()) {
    AddIssue(report, 1, "", "文件是空的：第 1 行应为表头（姓名,警号,类别,单位,…），从第 2 行起每行一名人员");
    return plan;
  }

  // Header: columns are found by name, in any order.
  const files::SheetRow& header = sheet.rows.front();
  int col_index[kColCount];
  std::fill(std::begin(col_index), std::end(col_index), -1);
  bool header_ok = true;
  for (std::size_t i = 0; i < header.cells.size(); ++i) {
    const std::string h = Trim(header.cells[i]);
    if (h.empty()) continue;
    int found = -1;
    for (int c = 0; c < kColCount; ++c)
      if (h == kColumnNames[c]) found = c;
    if (found < 0) {
      AddIssue(report, header.number, h,
               fmt::format("未知的列“{}”，可用的列：姓名,警号,类别,单位,职务,法制员,身份证号,手机号,状态", h));
      header_ok = false;
    } else if (col_index[found] >= 0) {
      AddIssue(report, header.number, h, fmt::format("列“{}”出现了两次", h));
      header_ok = false;
    } else {
      col_index[found] = static_cast<int>(i);
    }
  }
  for (int c = 0; c < kColCount; ++c) {
    if (kColumnRequired[c] && col_index[c] < 0) {
      AddIssue(report, header.number, kColumnNames[c],
               fmt::format("缺少必需的列“{}”（第 {} 行应为表头）", kColumnNames[c], header.number));
      header_ok = false;
    }
  }
  report.total_rows = static_cast<int>(sheet.rows.size()) - 1;
  if (!header_ok) return plan;
  if (report.total_rows == 0) {
    AddIssue(report, header.number, "", "文件中只有表头，没有人员数据");
    return plan;
  }
  plan.file_ok = true;

  // Units in scope, found by name, by code, or by "上级单位/单位".
  std::unordered_map<std::string, std::vector<const ScopeUnit*>> by_name, by_code, by_path;
  {
    SqlArgs a;
    const std::string q = fmt::format(
        "SELECT u.id, u.bureau_id, u.name, u.code, COALESCE(pu.name, '') FROM units u LEFT JOIN units pu ON pu.id = "
        "u.parent_id WHERE {}",
        db::PathUnder(a, "u.path", who.unit_path));
    ForEachRow(sql, q, a, [&](const soci::row& r) {
      auto u = std::make_unique<ScopeUnit>();
      u->id = db::GetInt64(r, 0);
      u->bureau_id = db::GetInt64(r, 1, u->id);
      u->name = db::GetText(r, 2);
      u->code = db::GetText(r, 3);
      u->parent_name = db::GetText(r, 4);
      by_name[u->name].push_back(u.get());
      if (!u->code.empty()) by_code[u->code].push_back(u.get());
      if (!u->parent_name.empty()) by_path[u->parent_name + "/" + u->name].push_back(u.get());
      plan.units.push_back(std::move(u));
    });
  }

  // Everyone's 警号 and 身份证号 index (uniqueness spans the whole installation).
  std::unordered_map<std::string, KnownPerson> by_badge;
  std::unordered_map<std::string, KnownPerson> by_id_hash;
  {
    SqlArgs a;
    const std::string q = "SELECT p.id, p.badge_no, p.id_number_hash, u.path FROM people p JOIN units u ON u.id = "
                          "p.unit_id";
    ForEachRow(sql, q, a, [&](const soci::row& r) {
      KnownPerson k{db::GetInt64(r, 0), who.InScope(db::GetText(r, 3)), db::GetText(r, 1)};
      by_badge[k.badge_no] = k;
      if (!db::IsNull(r, 2)) by_id_hash[db::GetText(r, 2)] = k;
    });
  }

  std::unordered_map<std::string, int> badge_rows, id_rows;  // first file row of each value
  for (std::size_t i = 1; i < sheet.rows.size(); ++i) {
    const files::SheetRow& row = sheet.rows[i];
    auto cell = [&](Col c) -> std::string {
      const int idx = col_index[c];
      return idx >= 0 && static_cast<std::size_t>(idx) < row.cells.size() ? Trim(row.cells[idx]) : std::string();
    };
    bool bad = false;
    auto issue = [&](const char* column, std::string message) {
      bad = true;
      AddIssue(report, row.number, column, std::move(message));
    };

    PersonDraft d;
    d.name = cell(kColName);
    d.badge_no = cell(kColBadge);
    d.kind = cell(kColKind);
    d.position = cell(kColPosition);
    // Empty (or masked, from a masked export) 身份证号/手机号 mean "not given": keep what is stored.
    const std::string id_cell = cell(kColIdNumber), phone_cell = cell(kColPhone);
    const bool id_given = !id_cell.empty() && !LooksMasked(id_cell);
    const bool phone_given = !phone_cell.empty() && !LooksMasked(phone_cell);
    d.id_number = id_given ? id_cell : "";
    d.phone = phone_given ? phone_cell : "";
    const std::string legal_cell = cell(kColLegal);
    if (!legal_cell.empty() && !ParseYesNo(legal_cell, d.is_legal_officer))
      issue(kColumnNames[kColLegal], fmt::format("法制员应填“是”或“否”，而不是“{}”", legal_cell));
    bool active = true;
    const std::string status = cell(kColStatus);
    if (status == "停用")
      active = false;
    else if (!status.empty() && status != "在职")
      issue(kColumnNames[kColStatus], fmt::format("状态应填“在职”或“停用”，而不是“{}”", status));

    for (const auto& fi : NormalizeAndCheck(d)) issue(ColumnOfField(fi.field), fi.message);

    // 单位
    const ScopeUnit* unit = nullptr;
    const std::string unit_cell = cell(kColUnit);
    if (unit_cell.empty()) {
      issue(kColumnNames[kColUnit], "单位不能为空");
    } else {
      const std::vector<const ScopeUnit*>* matches = nullptr;
      if (unit_cell.find('/') != std::string::npos) {
        if (auto it = by_path.find(unit_cell); it != by_path.end()) matches = &it->second;
      } else if (auto it = by_name.find(unit_cell); it != by_name.end()) {
        matches = &it->second;
      } else if (auto it2 = by_code.find(unit_cell); it2 != by_code.end()) {
        matches = &it2->second;
      }
      if (!matches || matches->empty())
        issue(kColumnNames[kColUnit], fmt::format("单位“{}”不存在或不在您的管辖范围内", unit_cell));
      else if (matches->size() > 1)
        issue(kColumnNames[kColUnit],
              fmt::format("单位名称“{}”不唯一，请写成“上级单位/{}”的形式", unit_cell, unit_cell));
      else
        unit = matches->front();
    }

    // 警号: unique in the file; an existing one means "update that person" if it is in scope.
    const KnownPerson* existing = nullptr;
    if (!d.badge_no.empty()) {
      if (auto [it, inserted] = badge_rows.emplace(d.badge_no, row.number); !inserted)
        issue(kColumnNames[kColBadge], fmt::format("警号 {} 与第 {} 行重复", d.badge_no, it->second));
      if (auto it = by_badge.find(d.badge_no); it != by_badge.end()) {
        if (!it->second.in_scope)
          issue(kColumnNames[kColBadge], fmt::format("警号 {} 已被其他单位的人员使用", d.badge_no));
        else
          existing = &it->second;
      }
    }
    // 身份证号: unique in the file and among stored people other than the one being updated.
    if (id_given && auth::IsValidIdNumber(d.id_number)) {
      if (auto [it, inserted] = id_rows.emplace(d.id_number, row.number); !inserted)
        issue(kColumnNames[kColIdNumber], fmt::format("身份证号与第 {} 行重复", it->second));
      if (auto it = by_id_hash.find(vault.BlindIndex(d.id_number));
          it != by_id_hash.end() && (!existing || it->second.id != existing->id)) {
        issue(kColumnNames[kColIdNumber], it->second.in_scope
                                              ? fmt::format("身份证号已登记在警号 {} 的人员名下", it->second.badge_no)
                                              : std::string("身份证号已登记在其他单位的人员名下"));
      }
    }
    if (bad) continue;

    PlannedRow p;
    p.row = row.number;
    p.unit = unit;
    p.active = active;
    if (existing) {
      p.existing = LoadStored(sql, existing->id, "%");
      if (!p.existing) return Internal("导入时无法读取已有人员");
      auto plain = DraftOf(vault, *p.existing);
      if (!plain) return std::unexpected(plain.error());
      p.existing_plain = *plain;
      // Empty optional cells keep the stored values.
      if (d.position.empty()) d.position = plain->position;
      if (legal_cell.empty()) d.is_legal_officer = plain->is_legal_officer;
      if (!id_given) d.id_number = plain->id_number;
      if (!phone_given) d.phone = plain->phone;
      const bool same = d.name == plain->name && d.badge_no == plain->badge_no && d.kind == plain->kind &&
                        d.position == plain->position && d.is_legal_officer == plain->is_legal_officer &&
                        d.id_number == plain->id_number && d.phone == plain->phone &&
                        unit->id == p.existing->unit_id && active == p.existing->active;
      p.action = same ? PlannedRow::Action::kNone : PlannedRow::Action::kUpdate;
      ++(same ? report.unchanged : report.updated);
    } else {
      p.action = PlannedRow::Action::kCreate;
      ++report.created;
    }
    p.draft = std::move(d);
    plan.rows.push_back(std::move(p));
  }
  report.valid_rows = static_cast<int>(plan.rows.size());
  return plan;
}

}  // namespace

Result<ImportReport> OrgService::ImportRoster(const auth::Principal& who, const audit::Actor& actor,
                                              std::string_view bytes, std::string_view filename, ImportMode mode,
                                              bool skip_invalid) {
  if (auto r = Require(who, auth::perm::kPeopleWrite); !r) return std::unexpected(r.error());
  auto sheet = files::ReadSheet(bytes, filename);
  if (!sheet) return std::unexpected(sheet.error());

  if (mode == ImportMode::kCheck) {
    auto plan = db_.Read([&](soci::session& sql) { return PlanImport(sql, who, vault_, *sheet); });
    if (!plan) return std::unexpected(plan.error());
    return std::move(plan->report);
  }

  return CatchUnique(
      [&] {
        return db_.Write([&](soci::session& sql) -> Result<ImportReport> {
          auto plan = PlanImport(sql, who, vault_, *sheet);
          if (!plan) return std::unexpected(plan.error());
          ImportReport& report = plan->report;
          if (!plan->file_ok || (!report.errors.empty() && !skip_invalid)) {
            report.committed = false;
            return report;
          }
          const EpochSeconds now = clock_.Now();
          for (const PlannedRow& p : plan->rows) {
            const PersonDraft& d = p.draft;
            if (p.action == PlannedRow::Action::kCreate) {
              const std::int64_t id = InsertPerson(sql, d, Seal(vault_, d, nullptr, nullptr), p.unit->id,
                                                   p.unit->bureau_id, now);
              if (!p.active) {
                SqlArgs a;
                const std::string q = fmt::format("UPDATE people SET active = 0 WHERE id = {}", a.Int(id));
                Exec(sql, q, a);
              }
              audit::Append(sql, clock_, actor,
                            {"person.create", "person", std::to_string(id),
                             fmt::format("导入新增人员 {}（{}，{}）", d.name, d.badge_no, p.unit->name),
                             {{"after", PersonAuditJson(d, p.unit->id, p.active)}, {"via", "import"}, {"row", p.row}}});
            } else if (p.action == PlannedRow::Action::kUpdate) {
              const auto before = PersonAuditJson(*p.existing_plain, p.existing->unit_id, p.existing->active);
              UpdatePersonRow(sql, p.existing->id, d, Seal(vault_, d, &*p.existing, &*p.existing_plain), p.unit->id,
                              p.unit->bureau_id, p.active, now);
              auto detail = Diff(before, PersonAuditJson(d, p.unit->id, p.active));
              detail["via"] = "import";
              detail["row"] = p.row;
              audit::Append(sql, clock_, actor,
                            {"person.update", "person", std::to_string(p.existing->id),
                             fmt::format("导入更新人员 {}（{}）", d.name, d.badge_no), detail});
            }
          }
          report.committed = true;
          report.imported = report.valid_rows;
          audit::Append(sql, clock_, actor,
                        {"person.import", "person", "",
                         fmt::format("导入人员名册“{}”：新增 {}，更新 {}，未变 {}，跳过 {} 行", filename,
                                     report.created, report.updated, report.unchanged,
                                     report.total_rows - report.valid_rows),
                         {{"file", filename},
                          {"total_rows", report.total_rows},
                          {"created", report.created},
                          {"updated", report.updated},
                          {"unchanged", report.unchanged},
                          {"skipped", report.total_rows - report.valid_rows}}});
          return report;
        });
      },
      "导入的警号或身份证号与其他人员冲突（可能有人同时修改了名册），请重新导入");
}

// ============================================================================================
// Export and template

namespace {

std::string DateStamp(const Clock& clock) {
  const CivilDate d = LocalDateOf(clock.Now());
  return fmt::format("{:04}{:02}{:02}", d.year, d.month, d.day);
}

Result<FileDownload> MakeDownload(std::vector<std::vector<std::string>> rows, FileFormat format,
                                  const std::string& base_name, std::vector<files::SheetData> extra_sheets = {}) {
  FileDownload f;
  if (format == FileFormat::kCsv) {
    f.bytes = files::WriteCsv(rows);
    f.content_type = "text/csv; charset=utf-8";
    f.filename = base_name + ".csv";
    return f;
  }
  std::vector<files::SheetData> sheets;
  sheets.push_back({"人员名册", std::move(rows), {10, 12, 8, 18, 14, 8, 22, 14, 8}});
  for (auto& s : extra_sheets) sheets.push_back(std::move(s));
  auto bytes = files::WriteXlsx(sheets);
  if (!bytes) return std::unexpected(bytes.error());
  f.bytes = std::move(*bytes);
  f.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  f.filename = base_name + ".xlsx";
  return f;
}

}  // namespace

Result<FileDownload> OrgService::ExportPeople(const auth::Principal& who, const audit::Actor& actor,
                                              const PersonFilter& filter, FileFormat format) {
  if (auto r = Require(who, auth::perm::kPeopleRead); !r) return std::unexpected(r.error());
  const bool pii = who.Has(auth::perm::kPeoplePii);
  auto stored = db_.Read([&](soci::session& sql) -> Result<std::vector<StoredPerson>> {
    SqlArgs a;
    auto where = PeopleWhere(sql, who, filter, a);
    if (!where) return std::unexpected(where.error());
    const std::string q = fmt::format("SELECT {}{}{}{} LIMIT {}", kPersonColumns, kPersonFrom, *where,
                                      PeopleOrder(PageRequest{}), kMaxExportRows + 1);
    std::vector<StoredPerson> rows;
    ForEachRow(sql, q, a, [&](const soci::row& r) { rows.push_back(PersonFromRow(r)); });
    return rows;
  });
  if (!stored) return std::unexpected(stored.error());
  if (static_cast<std::int64_t>(stored->size()) > kMaxExportRows)
    return Invalid(fmt::format("导出的人员超过 {} 人，请缩小筛选范围", kMaxExportRows), "", "too_many_rows");

  std::vector<std::vector<std::string>> rows;
  rows.push_back(RosterHeader());
  std::vector<std::int64_t> ids;
  for (const auto& s : *stored) {
    auto p = ToPerson(vault_, s, pii);
    if (!p) return std::unexpected(p.error());
    if (pii && (!p->id_number.empty() || !p->phone.empty())) ids.push_back(p->id);
    rows.push_back({p->name, p->badge_no, p->kind, p->unit_name, p->position, p->is_legal_officer ? "是" : "否",
                    p->id_number, p->phone, p->active ? "在职" : "停用"});
  }
  auto file = MakeDownload(std::move(rows), format, "人员名册_" + DateStamp(clock_));
  if (!file) return file;

  nlohmann::json filters = nlohmann::json::object();
  if (filter.unit_id) filters["unit_id"] = *filter.unit_id;
  if (filter.q) filters["q"] = *filter.q;
  if (filter.kind) filters["kind"] = *filter.kind;
  if (filter.legal_officer) filters["legal_officer"] = *filter.legal_officer;
  filters["active"] = filter.active ? nlohmann::json(*filter.active) : nlohmann::json("all");
  auto audited = db_.Write([&](soci::session& sql) -> Result<void> {
    audit::Append(sql, clock_, actor,
                  {"person.export", "person", "",
                   fmt::format("导出人员名册 {} 人（{}，{}）", stored->size(),
                               format == FileFormat::kCsv ? "CSV" : "XLSX", pii ? "含身份证号/手机号" : "已脱敏"),
                   {{"count", stored->size()}, {"pii", pii}, {"filters", filters},
                    {"format", format == FileFormat::kCsv ? "csv" : "xlsx"}}});
    if (!ids.empty())
      audit::Append(sql, clock_, actor,
                    {"person.read_pii", "person", "", fmt::format("导出 {} 名人员的身份证号/手机号", ids.size()),
                     {{"ids", ids}, {"via", "导出"}}});
    return {};
  });
  if (!audited) return std::unexpected(audited.error());
  return file;
}

Result<FileDownload> OrgService::RosterTemplate(FileFormat format) const {
  std::vector<std::vector<std::string>> rows{RosterHeader()};
  files::SheetData help{"填写说明",
                 {{"列名", "必填", "说明"},
                  {"姓名", "是", "不超过 32 个字"},
                  {"警号", "是", "民警：6–8 位数字；辅警：辅警编号，不超过 16 个字符。已存在的警号会更新该人员"},
                  {"类别", "是", "民警 或 辅警"},
                  {"单位", "是", "您管辖范围内的单位名称；重名时写成“上级单位/单位”，也可填单位编码"},
                  {"职务", "否", "不超过 32 个字"},
                  {"法制员", "否", "是 或 否，空白为否"},
                  {"身份证号", "否", "18 位居民身份证号；请保持本列为“文本”格式"},
                  {"手机号", "否", "11 位手机号码"},
                  {"状态", "否", "在职 或 停用，空白为在职"},
                  {"", "", "第 1 行为表头，从第 2 行起每行一名人员。更新已有人员时，职务/法制员/身份证号/手机号留空表示保持原值。"}},
                 {10, 6, 80}};
  return MakeDownload(std::move(rows), format, "人员名册导入模板", {std::move(help)});
}

}  // namespace fazhi::org
