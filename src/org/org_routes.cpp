#include "org/org_routes.h"

#include "auth/roles.h"
#include "core/json_fields.h"
#include "core/json_input.h"
#include "http/query.h"

namespace fazhi::org {

namespace {

using http::Ctx;
using http::Reply;

constexpr int kMaxQueryChars = 32;

// The body's first error (unknown fields included), as a Result.
Result<void> Finish(JsonInput& in) {
  if (auto err = in.Finish()) return std::unexpected(std::move(*err));
  return {};
}

// "1"/"true" → true, "0"/"false" → false; absent → nullopt.
std::optional<bool> YesNo(const std::optional<std::string>& v) {
  if (!v) return std::nullopt;
  return *v == "1" || *v == "true";
}

// The list filters shared by GET /api/people and the export. Absent `active` = active people only
// (DELETE deactivates); active=all shows everyone.
PersonFilter ReadFilter(http::QueryReader& q) {
  PersonFilter f;
  f.unit_id = q.Id("unit_id");
  f.q = q.Str("q", kMaxQueryChars);
  f.kind = q.OneOf("kind", {kKindPolice, kKindAuxiliary});
  f.legal_officer = YesNo(q.OneOf("legal_officer", {"1", "true", "0", "false"}));
  const auto active = q.OneOf("active", {"1", "true", "0", "false", "all"});
  if (!active)
    f.active = true;
  else if (*active == "all")
    f.active = std::nullopt;
  else
    f.active = YesNo(active);
  return f;
}

FileFormat ReadFormat(http::QueryReader& q) {
  return q.OneOf("format", {"xlsx", "csv"}).value_or("xlsx") == "csv" ? FileFormat::kCsv : FileFormat::kXlsx;
}

Result<PersonInput> ReadPersonInput(const std::string& body, bool create) {
  JsonInput in(body);
  PersonInput p;
  p.name = in.String("name", "姓名", {.required = create, .min_chars = 1, .max_chars = 32});
  p.badge_no = in.String("badge_no", "警号", {.required = create, .min_chars = 1, .max_chars = 16});
  p.kind = in.Enum("kind", "类别", {kKindPolice, kKindAuxiliary}, create);
  p.unit_id = in.Int("unit_id", "单位", {.required = create, .min = 1});
  p.position = in.String("position", "职务", {.max_chars = 32});
  p.is_legal_officer = in.Bool("is_legal_officer", "法制员");
  p.id_number = in.String("id_number", "身份证号", {.max_chars = 32});
  p.phone = in.String("phone", "手机号", {.max_chars = 20});
  if (!create) p.active = in.Bool("active", "状态");
  FZ_CHECK(Finish(in));
  return p;
}

Reply DownloadReply(FileDownload f) {
  return Reply::File(std::move(f.bytes), std::move(f.content_type), std::move(f.filename));
}

// ---- units ----

Result<Reply> ListUnits(Ctx& ctx, OrgService& s) {
  const std::vector<Unit> units = FZ_TRY(s.ListUnits(ctx.user()));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& u : units) items.push_back(UnitJson(u));
  return Reply::Json({{"items", std::move(items)}});
}

Result<Reply> GetUnit(Ctx& ctx, OrgService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  return Reply::Json(UnitJson(FZ_TRY(s.GetUnit(ctx.user(), id))));
}

Result<Reply> CreateUnit(Ctx& ctx, OrgService& s) {
  JsonInput in(ctx.body());
  UnitCreate u;
  u.parent_id = in.Int("parent_id", "上级单位", {.required = true, .min = 1});
  u.name = in.String("name", "单位名称", {.required = true, .min_chars = 1, .max_chars = 64}).value_or("");
  u.level = in.Enum("level", "级别", {kLevelCity, kLevelBureau, kLevelTeam}, true).value_or("");
  u.category = in.String("category", "单位类别", {.max_chars = 32}).value_or("");
  u.code = in.String("code", "单位编码", {.max_chars = 32}).value_or("");
  u.short_name = in.String("short_name", "单位简称", {.max_chars = 64}).value_or("");
  FZ_CHECK(Finish(in));
  return Reply::Json(UnitJson(FZ_TRY(s.CreateUnit(ctx.user(), ctx.Actor(), u))), 201);
}

Result<Reply> UpdateUnit(Ctx& ctx, OrgService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  UnitUpdate u;
  u.name = in.String("name", "单位名称", {.min_chars = 1, .max_chars = 64});
  u.category = in.String("category", "单位类别", {.max_chars = 32});
  u.code = in.String("code", "单位编码", {.max_chars = 32});
  u.short_name = in.String("short_name", "单位简称", {.max_chars = 64});
  FZ_CHECK(Finish(in));
  return Reply::Json(UnitJson(FZ_TRY(s.UpdateUnit(ctx.user(), ctx.Actor(), id, u))));
}

Result<Reply> DeleteUnit(Ctx& ctx, OrgService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  FZ_CHECK(s.DeleteUnit(ctx.user(), ctx.Actor(), id));
  return Reply::Json({{"ok", true}});
}

// ---- people ----

Result<Reply> ImportRoster(Ctx& ctx, OrgService& s) {
  http::QueryReader q(ctx);
  const auto mode = q.OneOf("mode", {"check", "commit"});
  const bool skip_invalid = q.Bool("skip_invalid").value_or(false);
  FZ_CHECK(q.Finish());
  if (!mode) return Invalid("参数 mode 只能是 check（检查）或 commit（导入）", "mode", "invalid_value");
  if (!ctx.req().has_file("file"))
    return Invalid("请选择要上传的名册文件（multipart/form-data，字段名 file）", "file", "missing_field");
  const auto file = ctx.req().get_file_value("file");
  const ImportReport report =
      FZ_TRY(s.ImportRoster(ctx.user(), ctx.Actor(), file.content, file.filename,
                            *mode == "commit" ? ImportMode::kCommit : ImportMode::kCheck, skip_invalid));
  return Reply::Json(ImportReportJson(report));
}

Result<Reply> RosterTemplate(Ctx& ctx, OrgService& s) {
  http::QueryReader q(ctx);
  const FileFormat format = ReadFormat(q);
  FZ_CHECK(q.Finish());
  return DownloadReply(FZ_TRY(s.RosterTemplate(format)));
}

Result<Reply> ExportPeople(Ctx& ctx, OrgService& s) {
  http::QueryReader q(ctx);
  const FileFormat format = ReadFormat(q);
  const PersonFilter filter = ReadFilter(q);
  FZ_CHECK(q.Finish());
  return DownloadReply(FZ_TRY(s.ExportPeople(ctx.user(), ctx.Actor(), filter, format)));
}

Result<Reply> ListPeople(Ctx& ctx, OrgService& s) {
  http::QueryReader q(ctx);
  const PersonFilter filter = ReadFilter(q);
  const PageRequest page = q.Page(PeopleSortFields());
  FZ_CHECK(q.Finish());
  const Paged<Person> people = FZ_TRY(s.ListPeople(ctx.user(), ctx.Actor(), filter, page));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& p : people.items) items.push_back(PersonJson(p));
  return Reply::Json(http::PagedJson(std::move(items), people.total, page));
}

Result<Reply> CreatePerson(Ctx& ctx, OrgService& s) {
  const PersonInput input = FZ_TRY(ReadPersonInput(ctx.body(), /*create=*/true));
  return Reply::Json(PersonJson(FZ_TRY(s.CreatePerson(ctx.user(), ctx.Actor(), input))), 201);
}

Result<Reply> GetPerson(Ctx& ctx, OrgService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  return Reply::Json(PersonJson(FZ_TRY(s.GetPerson(ctx.user(), ctx.Actor(), id))));
}

Result<Reply> UpdatePerson(Ctx& ctx, OrgService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  const PersonInput input = FZ_TRY(ReadPersonInput(ctx.body(), /*create=*/false));
  return Reply::Json(PersonJson(FZ_TRY(s.UpdatePerson(ctx.user(), ctx.Actor(), id, input))));
}

Result<Reply> DeactivatePerson(Ctx& ctx, OrgService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  return Reply::Json(PersonJson(FZ_TRY(s.DeactivatePerson(ctx.user(), ctx.Actor(), id))));
}

}  // namespace

nlohmann::json UnitJson(const Unit& u) {
  return Merged(FZ_JSON(u, id, name, short_name, level, category, code, path, person_count, created_at, updated_at),
                {{"parent_id", u.parent_id ? nlohmann::json(*u.parent_id) : nlohmann::json(nullptr)},
                 {"bureau_id", u.bureau_id ? nlohmann::json(*u.bureau_id) : nlohmann::json(nullptr)}});
}

nlohmann::json PersonJson(const Person& p) {
  return Merged(FZ_JSON(p, id, name, badge_no, kind, unit_id, unit_name, position, is_legal_officer, id_number, phone,
                        active, created_at, updated_at),
                {{"pii_masked", !p.pii_visible}});
}

nlohmann::json ImportReportJson(const ImportReport& r) {
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& e : r.errors) errors.push_back(FZ_JSON(e, row, column, message));
  return Merged(
      FZ_JSON(r, committed, total_rows, valid_rows, imported, created, updated, unchanged, errors_truncated, notes),
      {{"errors", std::move(errors)}});
}

void RegisterRoutes(http::Router& router, OrgService& service) {
  using namespace auth::perm;
  using http::Perm;
  http::Routes<OrgService> r(router, service);
  r.Get("/api/units", Perm(kOrgRead), ListUnits);
  r.Get("/api/units/{id}", Perm(kOrgRead), GetUnit);
  r.Post("/api/units", Perm(kOrgWrite), CreateUnit);
  r.Put("/api/units/{id}", Perm(kOrgWrite), UpdateUnit);
  r.Delete("/api/units/{id}", Perm(kOrgWrite), DeleteUnit);
  // People: literal paths first, then {id}.
  r.Post("/api/people/import", Perm(kPeopleWrite), ImportRoster);
  r.Get("/api/people/import/template", Perm(kPeopleWrite), RosterTemplate);
  r.Get("/api/people/export", Perm(kPeopleRead), ExportPeople);
  r.Get("/api/people", Perm(kPeopleRead), ListPeople);
  r.Post("/api/people", Perm(kPeopleWrite), CreatePerson);
  r.Get("/api/people/{id}", Perm(kPeopleRead), GetPerson);
  r.Put("/api/people/{id}", Perm(kPeopleWrite), UpdatePerson);
  r.Delete("/api/people/{id}", Perm(kPeopleWrite), DeactivatePerson);
}

}  // namespace fazhi::org
