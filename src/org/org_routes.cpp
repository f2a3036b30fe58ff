#include "org/org_routes.h"

#include "auth/roles.h"
#include "core/json_input.h"
#include "core/text.h"

namespace fazhi::org {

namespace {

using http::Ctx;
using http::Reply;

constexpr int kMaxQueryChars = 32;

http::Access Need(std::string_view permission) { return {.permission = std::string(permission)}; }

Result<std::optional<bool>> QueryBool(const Ctx& ctx, const std::string& name, const char* label,
                                      bool allow_all = false) {
  auto v = ctx.Query(name);
  if (!v) return std::optional<bool>();
  if (*v == "1" || *v == "true") return std::optional<bool>(true);
  if (*v == "0" || *v == "false") return std::optional<bool>(false);
  if (allow_all && *v == "all") return std::optional<bool>();
  return Invalid(std::string("参数“") + label + "”只能是 1 或 0" + (allow_all ? " 或 all" : ""), name,
                 "invalid_value");
}

// The list filters shared by GET /api/people and the export.
Result<PersonFilter> ParseFilter(const Ctx& ctx) {
  PersonFilter f;
  auto unit = ctx.QueryInt("unit_id");
  if (!unit) return std::unexpected(unit.error());
  if (*unit && **unit <= 0) return Invalid("单位编号无效", "unit_id", "invalid_id");
  f.unit_id = *unit;
  if (auto q = ctx.Query("q")) {
    const auto len = Utf8Length(*q);
    if (len < 0) return Invalid("搜索词含有无效字符", "q");
    if (len > kMaxQueryChars) return Invalid("搜索词不能超过 32 个字", "q", "too_long");
    f.q = Trim(*q);
  }
  if (auto kind = ctx.Query("kind")) {
    if (*kind != kKindPolice && *kind != kKindAuxiliary)
      return Invalid("类别只能是“民警”或“辅警”", "kind", "invalid_value");
    f.kind = *kind;
  }
  auto legal = QueryBool(ctx, "legal_officer", "法制员");
  if (!legal) return std::unexpected(legal.error());
  f.legal_officer = *legal;
  auto active = QueryBool(ctx, "active", "状态", /*allow_all=*/true);
  if (!active) return std::unexpected(active.error());
  // Absent = active people only (DELETE deactivates); active=all shows everyone.
  if (ctx.Query("active"))
    f.active = *active;
  else
    f.active = true;
  return f;
}

Result<FileFormat> ParseFormat(const Ctx& ctx) {
  const auto f = ctx.Query("format").value_or("xlsx");
  if (f == "xlsx") return FileFormat::kXlsx;
  if (f == "csv") return FileFormat::kCsv;
  return Invalid("格式只能是 xlsx 或 csv", "format", "invalid_value");
}

Result<PersonInput> ParsePersonInput(const std::string& body, bool create) {
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
  if (auto err = in.Finish()) return std::unexpected(*err);
  return p;
}

Reply DownloadReply(FileDownload f) {
  return Reply::File(std::move(f.bytes), std::move(f.content_type), std::move(f.filename));
}

}  // namespace

nlohmann::json UnitJson(const Unit& u) {
  return {{"id", u.id},
          {"parent_id", u.parent_id ? nlohmann::json(*u.parent_id) : nlohmann::json(nullptr)},
          {"bureau_id", u.bureau_id ? nlohmann::json(*u.bureau_id) : nlohmann::json(nullptr)},
          {"name", u.name},
          {"level", u.level},
          {"category", u.category},
          {"code", u.code},
          {"path", u.path},
          {"person_count", u.person_count},
          {"created_at", u.created_at},
          {"updated_at", u.updated_at}};
}

nlohmann::json PersonJson(const Person& p) {
  return {{"id", p.id},
          {"name", p.name},
          {"badge_no", p.badge_no},
          {"kind", p.kind},
          {"unit_id", p.unit_id},
          {"unit_name", p.unit_name},
          {"position", p.position},
          {"is_legal_officer", p.is_legal_officer},
          {"id_number", p.id_number},
          {"phone", p.phone},
          {"pii_masked", !p.pii_visible},
          {"active", p.active},
          {"created_at", p.created_at},
          {"updated_at", p.updated_at}};
}

nlohmann::json ImportReportJson(const ImportReport& r) {
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& e : r.errors) errors.push_back({{"row", e.row}, {"column", e.column}, {"message", e.message}});
  return {{"committed", r.committed},     {"total_rows", r.total_rows}, {"valid_rows", r.valid_rows},
          {"imported", r.imported},       {"created", r.created},       {"updated", r.updated},
          {"unchanged", r.unchanged},     {"errors", std::move(errors)}, {"errors_truncated", r.errors_truncated}};
}

void RegisterRoutes(http::Router& router, OrgService& service) {
  using namespace auth::perm;

  // ---- units ----
  router.Get("/api/units", Need(kOrgRead), [&service](Ctx& ctx) -> Result<Reply> {
    auto units = service.ListUnits(ctx.user());
    if (!units) return std::unexpected(units.error());
    nlohmann::json items = nlohmann::json::array();
    for (const auto& u : *units) items.push_back(UnitJson(u));
    return Reply::Json({{"items", std::move(items)}});
  });
  router.Get("/api/units/{id}", Need(kOrgRead), [&service](Ctx& ctx) -> Result<Reply> {
    auto id = ctx.PathId();
    if (!id) return std::unexpected(id.error());
    auto unit = service.GetUnit(ctx.user(), *id);
    if (!unit) return std::unexpected(unit.error());
    return Reply::Json(UnitJson(*unit));
  });
  router.Post("/api/units", Need(kOrgWrite), [&service](Ctx& ctx) -> Result<Reply> {
    JsonInput in(ctx.body());
    UnitCreate u;
    u.parent_id = in.Int("parent_id", "上级单位", {.required = true, .min = 1});
    u.name = in.String("name", "单位名称", {.required = true, .min_chars = 1, .max_chars = 64}).value_or("");
    u.level = in.Enum("level", "级别", {kLevelCity, kLevelBureau, kLevelTeam}, true).value_or("");
    u.category = in.String("category", "单位类别", {.max_chars = 32}).value_or("");
    u.code = in.String("code", "单位编码", {.max_chars = 32}).value_or("");
    if (auto err = in.Finish()) return std::unexpected(*err);
    auto unit = service.CreateUnit(ctx.user(), ctx.Actor(), u);
    if (!unit) return std::unexpected(unit.error());
    return Reply::Json(UnitJson(*unit), 201);
  });
  router.Put("/api/units/{id}", Need(kOrgWrite), [&service](Ctx& ctx) -> Result<Reply> {
    auto id = ctx.PathId();
    if (!id) return std::unexpected(id.error());
    JsonInput in(ctx.body());
    UnitUpdate u;
    u.name = in.String("name", "单位名称", {.min_chars = 1, .max_chars = 64});
    u.category = in.String("category", "单位类别", {.max_chars = 32});
    u.code = in.String("code", "单位编码", {.max_chars = 32});
    if (auto err = in.Finish()) return std::unexpected(*err);
    auto unit = service.UpdateUnit(ctx.user(), ctx.Actor(), *id, u);
    if (!unit) return std::unexpected(unit.error());
    return Reply::Json(UnitJson(*unit));
  });
  router.Delete("/api/units/{id}", Need(kOrgWrite), [&service](Ctx& ctx) -> Result<Reply> {
    auto id = ctx.PathId();
    if (!id) return std::unexpected(id.error());
    if (auto r = service.DeleteUnit(ctx.user(), ctx.Actor(), *id); !r) return std::unexpected(r.error());
    return Reply::Json({{"ok", true}});
  });

  // ---- people: literal paths first, then {id} ----
  router.Post("/api/people/import", Need(kPeopleWrite), [&service](Ctx& ctx) -> Result<Reply> {
    const auto mode = ctx.Query("mode");
    if (!mode || (*mode != "check" && *mode != "commit"))
      return Invalid("参数 mode 只能是 check（检查）或 commit（导入）", "mode", "invalid_value");
    auto skip = QueryBool(ctx, "skip_invalid", "跳过错误行");
    if (!skip) return std::unexpected(skip.error());
    if (!ctx.req().has_file("file"))
      return Invalid("请选择要上传的名册文件（multipart/form-data，字段名 file）", "file", "missing_field");
    const auto file = ctx.req().get_file_value("file");
    auto report = service.ImportRoster(ctx.user(), ctx.Actor(), file.content, file.filename,
                                       *mode == "commit" ? ImportMode::kCommit : ImportMode::kCheck,
                                       skip->value_or(false));
    if (!report) return std::unexpected(report.error());
    return Reply::Json(ImportReportJson(*report));
  });
  router.Get("/api/people/import/template", Need(kPeopleWrite), [&service](Ctx& ctx) -> Result<Reply> {
    auto format = ParseFormat(ctx);
    if (!format) return std::unexpected(format.error());
    auto file = service.RosterTemplate(*format);
    if (!file) return std::unexpected(file.error());
    return DownloadReply(std::move(*file));
  });
  router.Get("/api/people/export", Need(kPeopleRead), [&service](Ctx& ctx) -> Result<Reply> {
    auto format = ParseFormat(ctx);
    if (!format) return std::unexpected(format.error());
    auto filter = ParseFilter(ctx);
    if (!filter) return std::unexpected(filter.error());
    auto file = service.ExportPeople(ctx.user(), ctx.Actor(), *filter, *format);
    if (!file) return std::unexpected(file.error());
    return DownloadReply(std::move(*file));
  });
  router.Get("/api/people", Need(kPeopleRead), [&service](Ctx& ctx) -> Result<Reply> {
    auto filter = ParseFilter(ctx);
    if (!filter) return std::unexpected(filter.error());
    auto page = ctx.Page(PeopleSortFields());
    if (!page) return std::unexpected(page.error());
    auto people = service.ListPeople(ctx.user(), ctx.Actor(), *filter, *page);
    if (!people) return std::unexpected(people.error());
    nlohmann::json items = nlohmann::json::array();
    for (const auto& p : people->items) items.push_back(PersonJson(p));
    return Reply::Json(http::PagedJson(std::move(items), people->total, *page));
  });
  router.Post("/api/people", Need(kPeopleWrite), [&service](Ctx& ctx) -> Result<Reply> {
    auto input = ParsePersonInput(ctx.body(), /*create=*/true);
    if (!input) return std::unexpected(input.error());
    auto person = service.CreatePerson(ctx.user(), ctx.Actor(), *input);
    if (!person) return std::unexpected(person.error());
    return Reply::Json(PersonJson(*person), 201);
  });
  router.Get("/api/people/{id}", Need(kPeopleRead), [&service](Ctx& ctx) -> Result<Reply> {
    auto id = ctx.PathId();
    if (!id) return std::unexpected(id.error());
    auto person = service.GetPerson(ctx.user(), ctx.Actor(), *id);
    if (!person) return std::unexpected(person.error());
    return Reply::Json(PersonJson(*person));
  });
  router.Put("/api/people/{id}", Need(kPeopleWrite), [&service](Ctx& ctx) -> Result<Reply> {
    auto id = ctx.PathId();
    if (!id) return std::unexpected(id.error());
    auto input = ParsePersonInput(ctx.body(), /*create=*/false);
    if (!input) return std::unexpected(input.error());
    auto person = service.UpdatePerson(ctx.user(), ctx.Actor(), *id, *input);
    if (!person) return std::unexpected(person.error());
    return Reply::Json(PersonJson(*person));
  });
  router.Delete("/api/people/{id}", Need(kPeopleWrite), [&service](Ctx& ctx) -> Result<Reply> {
    auto id = ctx.PathId();
    if (!id) return std::unexpected(id.error());
    auto person = service.DeactivatePerson(ctx.user(), ctx.Actor(), *id);
    if (!person) return std::unexpected(person.error());
    return Reply::Json(PersonJson(*person));
  });
}

}  // namespace fazhi::org
