#include "org/org_service.h"

#include <fmt/format.h>

#include "auth/roles.h"
#include "core/json_fields.h"
#include "core/text.h"
#include "org/org_detail.h"
#include "org/org_store.h"
#include "org/person_rules.h"

namespace fazhi::org {

using detail::CatchUnique;
using detail::Require;

namespace {

constexpr int kMaxUnitNameChars = 64;
constexpr int kMaxUnitTextChars = 32;

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

// ---- units ----

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
  FZ_CHECK(CheckUnitText(name, "单位名称", "name", kMaxUnitNameChars, true));
  // The roster import accepts "上级单位/单位" to tell same-named units apart.
  if (name.find('/') != std::string::npos) return Invalid("单位名称不能含有“/”", "name");
  return {};
}

Result<void> CheckShortName(const std::string& short_name) {
  FZ_CHECK(CheckUnitText(short_name, "单位简称", "short_name", kMaxUnitNameChars, false));
  if (short_name.find('/') != std::string::npos) return Invalid("单位简称不能含有“/”", "short_name");
  return {};
}

Result<UnitCreate> NormalizeUnitCreate(UnitCreate in) {
  in.name = Trim(in.name);
  in.category = Trim(in.category);
  in.code = Trim(in.code);
  in.short_name = Trim(in.short_name);
  FZ_CHECK(CheckUnitName(in.name));
  FZ_CHECK(CheckShortName(in.short_name));
  if (LevelRank(in.level) < 0)
    return Invalid("级别无效，应为 city（市局）、bureau（分县局）或 team（科所队）", "level", "invalid_value");
  FZ_CHECK(CheckUnitText(in.category, "单位类别", "category", kMaxUnitTextChars, false));
  FZ_CHECK(CheckUnitText(in.code, "单位编码", "code", kMaxUnitTextChars, false));
  return in;
}

// The given fields, trimmed and checked; absent stays absent.
Result<UnitUpdate> NormalizeUnitUpdate(UnitUpdate in) {
  if (in.name) {
    in.name = Trim(*in.name);
    FZ_CHECK(CheckUnitName(*in.name));
  }
  if (in.short_name) {
    in.short_name = Trim(*in.short_name);
    FZ_CHECK(CheckShortName(*in.short_name));
  }
  if (in.category) {
    in.category = Trim(*in.category);
    FZ_CHECK(CheckUnitText(*in.category, "单位类别", "category", kMaxUnitTextChars, false));
  }
  if (in.code) {
    in.code = Trim(*in.code);
    FZ_CHECK(CheckUnitText(*in.code, "单位编码", "code", kMaxUnitTextChars, false));
  }
  return in;
}

nlohmann::json UnitAuditJson(const Unit& u) {
  return Merged(FZ_JSON(u, name, short_name, level, category, code),
                {{"parent_id", u.parent_id ? nlohmann::json(*u.parent_id) : nlohmann::json(nullptr)}});
}

// Shared by CreateUnit and CreateRootUnit: `parent` is null for a top-level unit.
Result<Unit> InsertUnitAudited(soci::session& sql, const Clock& clock, const audit::Actor& actor, const Unit* parent,
                               const UnitCreate& in) {
  const std::optional<std::int64_t> parent_id = parent ? std::optional(parent->id) : std::nullopt;
  if (detail::CountSiblingsNamed(sql, parent_id, in.name) > 0)
    return Conflict(fmt::format("{}已有名为“{}”的单位", parent ? "同一上级单位下" : "顶级单位中", in.name),
                    "duplicate_name");
  const std::int64_t id = detail::InsertUnit(sql,
                                             {.parent_id = parent_id,
                                              .parent_path = parent ? parent->path : std::string("/"),
                                              .parent_bureau_id = parent ? parent->bureau_id : std::nullopt,
                                              .name = in.name,
                                              .level = in.level,
                                              .category = in.category,
                                              .code = in.code,
                                              .short_name = in.short_name},
                                             clock.Now());
  auto unit = detail::LoadUnit(sql, id, std::nullopt);
  if (!unit) return Internal("新建单位后无法读取");
  audit::Append(sql, clock, actor,
                {"unit.create",
                 "unit",
                 std::to_string(id),
                 fmt::format("新建单位“{}”（{}）", in.name, LevelLabel(in.level)),
                 {{"after", UnitAuditJson(*unit)}}});
  return *unit;
}

// ---- people ----

std::unexpected<Error> FirstIssue(const std::vector<FieldIssue>& issues) {
  return Invalid(issues.front().message, issues.front().field);
}

// The fields of a new person, normalised and checked.
Result<PersonDraft> DraftForCreate(const PersonInput& in) {
  if (!in.name) return Invalid("缺少必填字段“姓名”", "name", "missing_field");
  if (!in.badge_no) return Invalid("缺少必填字段“警号”", "badge_no", "missing_field");
  if (!in.kind) return Invalid("缺少必填字段“类别”", "kind", "missing_field");
  if (!in.unit_id) return Invalid("缺少必填字段“单位”", "unit_id", "missing_field");
  PersonDraft d{.name = *in.name,
                .badge_no = *in.badge_no,
                .kind = *in.kind,
                .position = in.position.value_or(""),
                .is_legal_officer = in.is_legal_officer.value_or(false),
                .id_number = in.id_number.value_or(""),
                .phone = in.phone.value_or("")};
  if (auto issues = NormalizeAndCheck(d); !issues.empty()) return FirstIssue(issues);
  return d;
}

// The stored fields with the given ones applied, normalised and checked.
Result<PersonDraft> DraftForUpdate(PersonDraft d, const PersonInput& in) {
  if (in.name) d.name = *in.name;
  if (in.badge_no) d.badge_no = *in.badge_no;
  if (in.kind) d.kind = *in.kind;
  if (in.position) d.position = *in.position;
  if (in.is_legal_officer) d.is_legal_officer = *in.is_legal_officer;
  if (in.id_number) d.id_number = *in.id_number;
  if (in.phone) d.phone = *in.phone;
  if (auto issues = NormalizeAndCheck(d); !issues.empty()) return FirstIssue(issues);
  return d;
}

// Conflict if another person already has this 警号 or 身份证号. A holder outside the caller's scope
// is not named.
Result<void> CheckUnique(soci::session& sql, const auth::Principal& who, const auth::Vault& vault, const PersonDraft& d,
                         std::optional<std::int64_t> self) {
  for (const auto& h : detail::HoldersOfBadge(sql, d.badge_no)) {
    if (self && h.id == *self) continue;
    return Fail(ErrorCode::kConflict,
                who.InScope(h.unit_path) ? fmt::format("警号 {} 已被“{}”使用", d.badge_no, h.name)
                                         : fmt::format("警号 {} 已被其他单位的人员使用", d.badge_no),
                "badge_no", "duplicate_badge_no");
  }
  if (d.id_number.empty()) return {};
  for (const auto& h : detail::HoldersOfIdHash(sql, vault.BlindIndex(d.id_number))) {
    if (self && h.id == *self) continue;
    return Fail(ErrorCode::kConflict,
                who.InScope(h.unit_path) ? fmt::format("该身份证号已登记在警号 {} 的人员名下", h.badge_no)
                                         : std::string("该身份证号已登记在其他单位的人员名下"),
                "id_number", "duplicate_id_number");
  }
  return {};
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
  FZ_CHECK(Require(who, auth::perm::kOrgRead));
  return db_.Read([&](soci::session& sql) { return detail::ListUnits(sql, who.unit_path); });
}

Result<Unit> OrgService::GetUnit(const auth::Principal& who, std::int64_t id) const {
  FZ_CHECK(Require(who, auth::perm::kOrgRead));
  auto unit = db_.Read([&](soci::session& sql) { return detail::LoadUnit(sql, id, who.unit_path); });
  if (!unit) return NotFound("单位不存在");
  return *unit;
}

Result<Unit> OrgService::CreateUnit(const auth::Principal& who, const audit::Actor& actor, const UnitCreate& raw) {
  FZ_CHECK(Require(who, auth::perm::kOrgWrite));
  if (!raw.parent_id) return Invalid("请选择上级单位", "parent_id", "missing_field");
  const UnitCreate in = FZ_TRY(NormalizeUnitCreate(raw));
  return CatchUnique(
      [&] {
        return db_.Write([&](soci::session& sql) -> Result<Unit> {
          auto parent = detail::LoadUnit(sql, *in.parent_id, who.unit_path);
          if (!parent) return Fail(ErrorCode::kNotFound, "上级单位不存在", "parent_id");
          if (parent->level == kLevelTeam) return Invalid("科所队下不能再建下级单位", "parent_id", "invalid_level");
          if (LevelRank(in.level) <= LevelRank(parent->level))
            return Invalid(fmt::format("下级单位的级别必须低于上级单位（市局 → 分县局 → 科所队）：“{}”是{}",
                                       parent->name, LevelLabel(parent->level)),
                           "level", "invalid_level");
          return InsertUnitAudited(sql, clock_, actor, &*parent, in);
        });
      },
      "同一上级单位下已有同名单位");
}

Result<Unit> OrgService::CreateRootUnit(const audit::Actor& actor, const UnitCreate& raw) {
  if (raw.parent_id) return Invalid("顶级单位不能有上级单位", "parent_id");
  const UnitCreate in = FZ_TRY(NormalizeUnitCreate(raw));
  if (in.level == kLevelTeam) return Invalid("顶级单位应为市局或分县局", "level", "invalid_level");
  return CatchUnique(
      [&] { return db_.Write([&](soci::session& sql) { return InsertUnitAudited(sql, clock_, actor, nullptr, in); }); },
      "顶级单位中已有同名单位");
}

Result<Unit> OrgService::UpdateUnit(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                                    const UnitUpdate& raw) {
  FZ_CHECK(Require(who, auth::perm::kOrgWrite));
  const UnitUpdate in = FZ_TRY(NormalizeUnitUpdate(raw));
  return CatchUnique(
      [&] {
        return db_.Write([&](soci::session& sql) -> Result<Unit> {
          auto cur = detail::LoadUnit(sql, id, who.unit_path);
          if (!cur) return NotFound("单位不存在");
          Unit next = *cur;
          next.name = in.name.value_or(cur->name);
          next.category = in.category.value_or(cur->category);
          next.code = in.code.value_or(cur->code);
          next.short_name = in.short_name.value_or(cur->short_name);
          if (next.name == cur->name && next.category == cur->category && next.code == cur->code &&
              next.short_name == cur->short_name)
            return *cur;
          if (next.name != cur->name && detail::CountSiblingsNamed(sql, cur->parent_id, next.name, id) > 0)
            return Conflict(fmt::format("同一上级单位下已有名为“{}”的单位", next.name), "duplicate_name");
          detail::UpdateUnitText(sql, id, next.name, next.short_name, next.category, next.code, clock_.Now());
          auto after = detail::LoadUnit(sql, id, std::nullopt);
          audit::Append(sql, clock_, actor,
                        {"unit.update", "unit", std::to_string(id), fmt::format("修改单位“{}”", next.name),
                         detail::Diff(UnitAuditJson(*cur), UnitAuditJson(*after))});
          return *after;
        });
      },
      "同一上级单位下已有同名单位");
}

Result<void> OrgService::DeleteUnit(const auth::Principal& who, const audit::Actor& actor, std::int64_t id) {
  FZ_CHECK(Require(who, auth::perm::kOrgWrite));
  try {
    return db_.Write([&](soci::session& sql) -> Result<void> {
      auto unit = detail::LoadUnit(sql, id, who.unit_path);
      if (!unit) return NotFound("单位不存在");
      const detail::UnitDependents d = detail::CountDependents(sql, id);
      if (d.sub_units > 0)
        return Conflict(fmt::format("“{}”下还有 {} 个下级单位，不能删除", unit->name, d.sub_units), "unit_not_empty");
      if (d.people > 0)
        return Conflict(fmt::format("“{}”还有 {} 名人员（含已停用），请先调走人员再删除", unit->name, d.people),
                        "unit_not_empty");
      if (d.users > 0)
        return Conflict(fmt::format("“{}”还有 {} 个用户账号，请先调整账号所属单位再删除", unit->name, d.users),
                        "unit_not_empty");
      detail::DeleteUnit(sql, id);
      audit::Append(sql, clock_, actor,
                    {"unit.delete",
                     "unit",
                     std::to_string(id),
                     fmt::format("删除单位“{}”", unit->name),
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
  FZ_CHECK(Require(who, auth::perm::kPeopleRead));
  const bool pii = who.Has(auth::perm::kPeoplePii);
  std::vector<detail::PersonRow> rows;
  Paged<Person> out;
  FZ_CHECK(db_.Read([&](soci::session& sql) -> Result<void> {
    const detail::PeopleQuery q = FZ_TRY(detail::PeopleQueryFor(sql, who, filter));
    out.total = detail::CountPeople(sql, q);
    rows = detail::ListPeople(sql, q, page, page.page_size, page.Offset());
    return {};
  }));
  std::vector<std::int64_t> ids;
  out.items = FZ_TRY(detail::ToPeople(vault_, rows, pii, ids));
  FZ_CHECK(detail::AuditPiiRead(db_, clock_, actor, ids, "人员列表"));
  return out;
}

Result<Person> OrgService::GetPerson(const auth::Principal& who, const audit::Actor& actor, std::int64_t id) {
  FZ_CHECK(Require(who, auth::perm::kPeopleRead));
  const bool pii = who.Has(auth::perm::kPeoplePii);
  auto row = db_.Read([&](soci::session& sql) { return detail::LoadPerson(sql, id, who.unit_path); });
  if (!row) return NotFound("人员不存在");
  std::vector<std::int64_t> ids;
  auto people = FZ_TRY(detail::ToPeople(vault_, {*row}, pii, ids));
  FZ_CHECK(detail::AuditPiiRead(db_, clock_, actor, ids, "人员详情"));
  return std::move(people.front());
}

Result<Person> OrgService::CreatePerson(const auth::Principal& who, const audit::Actor& actor, const PersonInput& in) {
  FZ_CHECK(Require(who, auth::perm::kPeopleWrite));
  const PersonDraft d = FZ_TRY(DraftForCreate(in));
  const bool pii = who.Has(auth::perm::kPeoplePii);
  return CatchUnique(
      [&] {
        return db_.Write([&](soci::session& sql) -> Result<Person> {
          auto unit = detail::LoadUnit(sql, *in.unit_id, who.unit_path);
          if (!unit) return Fail(ErrorCode::kNotFound, "单位不存在", "unit_id");
          FZ_CHECK(CheckUnique(sql, who, vault_, d, std::nullopt));
          const std::int64_t id = detail::InsertPerson(
              sql, detail::SealedRow(vault_, d, unit->id, unit->bureau_id.value_or(unit->id), true), clock_.Now());
          audit::Append(sql, clock_, actor,
                        {"person.create",
                         "person",
                         std::to_string(id),
                         fmt::format("新增人员 {}（{}，{}）", d.name, d.badge_no, unit->name),
                         {{"after", detail::PersonAuditJson(d, unit->id, true)}}});
          auto stored = detail::LoadPerson(sql, id, std::nullopt);
          if (!stored) return Internal("新增人员后无法读取");
          return detail::ToPerson(vault_, *stored, pii);
        });
      },
      "警号或身份证号已被使用");
}

Result<Person> OrgService::UpdatePerson(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                                        const PersonInput& in) {
  FZ_CHECK(Require(who, auth::perm::kPeopleWrite));
  const bool pii = who.Has(auth::perm::kPeoplePii);
  return CatchUnique(
      [&] {
        return db_.Write([&](soci::session& sql) -> Result<Person> {
          auto cur = detail::LoadPerson(sql, id, who.unit_path);
          if (!cur) return NotFound("人员不存在");
          const PersonDraft old_plain = FZ_TRY(detail::DraftOf(vault_, *cur));
          const PersonDraft d = FZ_TRY(DraftForUpdate(old_plain, in));
          std::int64_t unit_id = cur->unit_id, bureau_id = cur->bureau_id;
          if (in.unit_id && *in.unit_id != cur->unit_id) {
            auto unit = detail::LoadUnit(sql, *in.unit_id, who.unit_path);
            if (!unit) return Fail(ErrorCode::kNotFound, "单位不存在", "unit_id");
            unit_id = unit->id;
            bureau_id = unit->bureau_id.value_or(unit->id);
          }
          const bool active = in.active.value_or(cur->active);
          const auto before = detail::PersonAuditJson(old_plain, cur->unit_id, cur->active);
          const auto after = detail::PersonAuditJson(d, unit_id, active);
          if (before == after && d.id_number == old_plain.id_number && d.phone == old_plain.phone)
            return detail::ToPerson(vault_, *cur, pii);
          FZ_CHECK(CheckUnique(sql, who, vault_, d, id));
          detail::UpdatePerson(sql, detail::SealedRow(vault_, d, unit_id, bureau_id, active, &*cur, &old_plain),
                               clock_.Now());
          audit::Append(sql, clock_, actor,
                        {"person.update", "person", std::to_string(id),
                         fmt::format("修改人员 {}（{}）", d.name, d.badge_no), detail::Diff(before, after)});
          auto stored = detail::LoadPerson(sql, id, std::nullopt);
          if (!stored) return Internal("修改人员后无法读取");
          return detail::ToPerson(vault_, *stored, pii);
        });
      },
      "警号或身份证号已被使用");
}

Result<Person> OrgService::DeactivatePerson(const auth::Principal& who, const audit::Actor& actor, std::int64_t id) {
  FZ_CHECK(Require(who, auth::perm::kPeopleWrite));
  const bool pii = who.Has(auth::perm::kPeoplePii);
  return db_.Write([&](soci::session& sql) -> Result<Person> {
    auto cur = detail::LoadPerson(sql, id, who.unit_path);
    if (!cur) return NotFound("人员不存在");
    if (cur->active) {
      detail::SetPersonActive(sql, id, false, clock_.Now());
      audit::Append(sql, clock_, actor,
                    {"person.deactivate",
                     "person",
                     std::to_string(id),
                     fmt::format("停用人员 {}（{}）", cur->name, cur->badge_no),
                     {{"before", {{"active", true}}}, {"after", {{"active", false}}}}});
      cur = detail::LoadPerson(sql, id, std::nullopt);
    }
    return detail::ToPerson(vault_, *cur, pii);
  });
}

}  // namespace fazhi::org
