#include "inspections/inspections_routes.h"

#include <fmt/format.h>

#include "auth/roles.h"
#include "core/json_fields.h"
#include "core/json_input.h"
#include "http/json_opt.h"
#include "http/query.h"
#include "inspections/inspections_store.h"

namespace fazhi::inspections {

using http::Ctx;
using http::Reply;
using nlohmann::json;

namespace {

json ChecklistJson(const Checklist& c) {
  json items = json::array();
  for (const auto& i : c.items) items.push_back(FZ_JSON(i, key, text, method, weight));
  return Merged(FZ_JSON(c, id, domain, version, created_by_name, created_at),
                {{"domain_name", DomainName(c.domain)}, {"items", std::move(items)}});
}

json PlanJson(const Plan& p) {
  return Merged(FZ_JSON(p, id, bureau_id, unit_id, unit_name, level, name, domains, cadence_days, sample_size, due_days,
                        active, created_at),
                {{"level_name", LevelName(p.level)}});
}

json TaskJson(const Task& t) {
  return Merged(FZ_JSON(t, id, bureau_id, plan_id, plan_name, level, inspector_unit_id, inspector_unit_name,
                        target_unit_id, target_unit_name, target_person_id, target_person_name, domains, period_start,
                        due_at, status, overdue, completed_at, completed_by_name, findings),
                {{"level_name", LevelName(t.level)}});
}

json SampleJson(const Sample& s) { return FZ_JSON(s, id, domain, record_kind, record_id, label, seq, officer_id); }

Reply TaskDetail(const Task& t, int status = 200) {
  json j = TaskJson(t);
  json samples = json::array(), lists = json::array(), results = json::array();
  for (const auto& s : t.samples) samples.push_back(SampleJson(s));
  for (const auto& c : t.checklists) lists.push_back(ChecklistJson(c));
  for (const auto& r : t.results) {
    json files = json::array();
    for (const auto& f : r.files) files.push_back(FZ_JSON(f, id, filename, content_type, size));
    results.push_back(
        Merged(FZ_JSON(r, id, checklist_id, domain, item_key, passed, note, sample_id, video_ref, judged_at),
               {{"files", std::move(files)}}));
  }
  j.update(Merged(FZ_JSON(t, sample_from, sample_to, empty_notes), {{"seed", std::to_string(t.seed)},
                                                                    {"samples", std::move(samples)},
                                                                    {"checklists", std::move(lists)},
                                                                    {"results", std::move(results)}}));
  return Reply::Json(std::move(j), status);
}

json FindingJson(const Finding& f) {
  return Merged(FZ_JSON(f, id, bureau_id, task_id, unit_id, unit_name, person_id, person_name, level, domain, item_key,
                        item_text, weight, record_label, note, order_id, order_status, deadline, closed_at, created_at,
                        rechecks, last_recheck_at),
                {{"level_name", LevelName(f.level)},
                 {"domain_name", DomainName(f.domain)},
                 {"on_time", f.on_time ? json(*f.on_time) : json()},
                 {"last_recheck_passed", f.last_recheck_passed ? json(*f.last_recheck_passed) : json()}});
}

json FindingDetailJson(const Finding& f) {
  json out = FindingJson(f);
  json history = json::array();
  for (const auto& r : f.recheck_history)
    history.push_back(FZ_JSON(r, id, passed, note, new_deadline, checked_by_name, checked_at));
  out["recheck_history"] = std::move(history);
  return out;
}

Result<Reply> ListChecklists(Ctx& ctx, InspectionService& s) {
  json items = json::array();
  for (const auto& c : FZ_TRY(s.Checklists(ctx.user()))) items.push_back(ChecklistJson(c));
  return Reply::Json({{"items", std::move(items)}});
}

Result<Reply> ChecklistVersions(Ctx& ctx, InspectionService& s) {
  json items = json::array();
  for (const auto& c : FZ_TRY(s.ChecklistVersions(ctx.user(), ctx.PathParam("domain"))))
    items.push_back(ChecklistJson(c));
  return Reply::Json({{"items", std::move(items)}});
}

Result<Reply> SaveChecklist(Ctx& ctx, InspectionService& s) {
  FZ_CHECK(s.CheckChecklistEditor(ctx.user()));
  JsonInput in(ctx.body());
  auto raw = in.Raw("items", "检查项目", true);
  if (auto e = in.Finish()) return std::unexpected(*e);
  if (!raw->is_array()) return Invalid("“items”应为检查项目的数组", "items", "wrong_type");
  std::vector<ChecklistItem> items;
  for (const auto& el : *raw) {
    if (!el.is_object()) return Invalid("每个检查项目应为对象 {text, method, weight}", "items", "wrong_type");
    JsonInput item = JsonInput::FromJson(el);
    ChecklistItem i;
    i.key = item.String("key", "项目编号", {.max_chars = 40}).value_or("");
    i.text = item.String("text", "检查内容", {.required = true, .min_chars = 1, .max_chars = 200}).value_or("");
    i.method = item.String("method", "检查方法", {.max_chars = 500}).value_or("");
    i.weight = static_cast<int>(item.Int("weight", "分值", {.required = true, .min = -1000, .max = 1000}).value_or(0));
    if (auto e = item.Finish()) return std::unexpected(*e);
    items.push_back(std::move(i));
  }
  const auto c = FZ_TRY(s.SaveChecklist(ctx.user(), ctx.Actor(), ctx.PathParam("domain"), std::move(items)));
  return Reply::Json(ChecklistJson(c));
}

Result<Reply> ListPlans(Ctx& ctx, InspectionService& s) {
  http::QueryReader q(ctx);
  const PageRequest page = q.Page({});
  FZ_CHECK(q.Finish());
  const auto list = FZ_TRY(s.ListPlans(ctx.user(), page));
  json items = json::array();
  for (const auto& p : list.items) items.push_back(PlanJson(p));
  return Reply::Json(http::PagedJson(std::move(items), list.total, page));
}

Result<Reply> CreatePlan(Ctx& ctx, InspectionService& s) {
  JsonInput in(ctx.body());
  PlanInput p;
  p.unit_id = in.Int("unit_id", "巡查单位", {.required = true, .min = 1}).value_or(0);
  p.level = in.Enum("level", "巡查层级", kLevels, true).value_or("");
  p.name = in.String("name", "计划名称", {.max_chars = 100}).value_or("");
  p.domains = in.StringArray("domains", "巡查领域", {.max_chars = 20}, true).value_or(std::vector<std::string>{});
  p.cadence_days = static_cast<int>(in.Int("cadence_days", "巡查周期（天）").value_or(7));
  p.sample_size = static_cast<int>(in.Int("sample_size", "每领域抽取记录数").value_or(2));
  p.due_days = static_cast<int>(in.Int("due_days", "完成期限（天）").value_or(5));
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(PlanJson(FZ_TRY(s.CreatePlan(ctx.user(), ctx.Actor(), p))), 201);
}

Result<Reply> GenerateTasks(Ctx& ctx, InspectionService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body().empty() ? std::string_view("{}") : std::string_view(ctx.body()));
  const auto period = in.Time("period", "巡查周期");
  if (auto e = in.Finish()) return std::unexpected(*e);
  json items = json::array();
  for (const auto& t : FZ_TRY(s.Generate(ctx.user(), ctx.Actor(), id, period))) items.push_back(TaskJson(t));
  return Reply::Json({{"created", items.size()}, {"items", std::move(items)}}, 201);
}

Result<Reply> CreateTask(Ctx& ctx, InspectionService& s) {
  JsonInput in(ctx.body());
  const auto plan = in.Int("plan_id", "巡查计划", {.required = true, .min = 1});
  const auto unit = in.Int("target_unit_id", "被巡查单位", {.min = 1});
  const auto person = in.Int("target_person_id", "被巡查民警", {.min = 1});
  const auto period = in.Time("period", "巡查周期");
  if (auto e = in.Finish()) return std::unexpected(*e);
  return TaskDetail(FZ_TRY(s.CreateTask(ctx.user(), ctx.Actor(), *plan, unit, person, period)), 201);
}

Result<Reply> ListTasks(Ctx& ctx, InspectionService& s) {
  http::QueryReader q(ctx);
  TaskFilter f;
  f.status = q.OneOf("status", {"open", "done", "overdue"});
  f.level = q.OneOf("level", kLevels);
  f.unit_id = q.Id("unit_id");
  f.mine = q.Bool("mine").value_or(false);
  f.from = q.Time("from");
  f.to = q.TimeEnd("to");
  const PageRequest page = q.Page({"period_start", "due_at"});
  FZ_CHECK(q.Finish());
  const auto list = FZ_TRY(s.ListTasks(ctx.user(), f, page));
  json items = json::array();
  for (const auto& t : list.items) items.push_back(TaskJson(t));
  return Reply::Json(http::PagedJson(std::move(items), list.total, page));
}

Result<Reply> GetTask(Ctx& ctx, InspectionService& s) {
  return TaskDetail(FZ_TRY(s.GetTask(ctx.user(), FZ_TRY(ctx.PathId()))));
}

Result<Reply> RedrawTask(Ctx& ctx, InspectionService& s) {
  const auto [samples, identical] = FZ_TRY(s.Redraw(ctx.user(), FZ_TRY(ctx.PathId())));
  json items = json::array();
  for (const auto& x : samples) items.push_back(SampleJson(x));
  return Reply::Json({{"identical", identical}, {"samples", std::move(items)}});
}

Result<Reply> JudgeTask(Ctx& ctx, InspectionService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  auto raw = in.Raw("results", "评判结果", true);
  const bool submit = in.Bool("submit", "提交").value_or(false);
  if (auto e = in.Finish()) return std::unexpected(*e);
  if (!raw->is_array()) return Invalid("“results”应为评判结果的数组", "results", "wrong_type");
  std::vector<ResultInput> results;
  for (const auto& el : *raw) {
    if (!el.is_object())
      return Invalid("每条评判结果应为对象 {domain, item_key, passed, note}", "results", "wrong_type");
    JsonInput r = JsonInput::FromJson(el);
    ResultInput x;
    x.domain = r.String("domain", "巡查领域", {.required = true, .min_chars = 1, .max_chars = 20}).value_or("");
    x.item_key = r.String("item_key", "检查项目", {.required = true, .min_chars = 1, .max_chars = 40}).value_or("");
    x.passed = r.Bool("passed", "是否合格", true).value_or(true);
    x.note = r.String("note", "发现的问题或说明", {.max_chars = 1000}).value_or("");
    x.sample_id = r.Int("sample_id", "执法记录", {.min = 1});
    x.video_ref = r.String("video_ref", "视频巡查时间点", {.max_chars = 200}).value_or("");
    if (auto e = r.Finish()) return std::unexpected(*e);
    results.push_back(std::move(x));
  }
  return TaskDetail(FZ_TRY(s.Judge(ctx.user(), ctx.Actor(), id, results, submit)));
}

// multipart/form-data with file parts named `file`.
Result<Reply> AttachFiles(Ctx& ctx, InspectionService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  const std::int64_t result = FZ_TRY(ctx.PathId("result_id"));
  const auto& req = ctx.req();
  if (!req.is_multipart_form_data()) return Invalid("请以 multipart/form-data 上传文件（字段名 file）", "file");
  std::vector<files::Upload> uploads;
  for (const auto& [name, part] : req.files) {
    if (name != "file" && name != "files")
      return Invalid(fmt::format("附件应使用字段名 file，而不是“{}”", name), name, "unknown_field");
    uploads.push_back({part.filename, part.content_type, part.content});
  }
  json items = json::array();
  for (const auto& f : FZ_TRY(s.AttachFiles(ctx.user(), ctx.Actor(), id, result, uploads)))
    items.push_back(FZ_JSON(f, id, filename, content_type, size));
  return Reply::Json({{"items", std::move(items)}}, 201);
}

Result<Reply> DownloadFile(Ctx& ctx, InspectionService& s) {
  auto f = FZ_TRY(s.ReadFile(ctx.user(), FZ_TRY(ctx.PathId())));
  return Reply::File(std::move(f.bytes), std::move(f.content_type), std::move(f.filename));
}

Result<Reply> ListFindings(Ctx& ctx, InspectionService& s) {
  http::QueryReader q(ctx);
  FindingFilter f;
  f.unit_id = q.Id("unit_id");
  f.domain = q.OneOf("domain", kDomains);
  f.id = q.Id("id");
  f.closed = q.Bool("closed");
  f.awaiting_recheck = q.Bool("awaiting_recheck").value_or(false);
  f.from = q.Time("from");
  f.to = q.TimeEnd("to");
  const PageRequest page = q.Page({});
  FZ_CHECK(q.Finish());
  const auto list = FZ_TRY(s.ListFindings(ctx.user(), f, page));
  json items = json::array();
  for (const auto& x : list.items) items.push_back(FindingJson(x));
  return Reply::Json(http::PagedJson(std::move(items), list.total, page));
}

Result<Reply> GetFinding(Ctx& ctx, InspectionService& s) {
  return Reply::Json(FindingDetailJson(FZ_TRY(s.GetFinding(ctx.user(), FZ_TRY(ctx.PathId())))));
}

// {"passed": true|false, "note": "…", "deadline": "2023-07-10 18:00"}: the 复查 verdict.
Result<Reply> RecheckFinding(Ctx& ctx, InspectionService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  RecheckInput x;
  x.passed = in.Bool("passed", "复查结论", true).value_or(false);
  x.note = in.String("note", "复查说明", {.max_chars = 2000}).value_or("");
  x.new_deadline = in.Time("deadline", "新的整改期限");
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(FindingDetailJson(FZ_TRY(s.Recheck(ctx.user(), ctx.Actor(), id, x))));
}

struct RollupQuery {
  std::optional<std::int64_t> unit_id;
  EpochSeconds from = 0, to = 0;
};

Result<RollupQuery> ReadRollupQuery(Ctx& ctx, const Clock& clock) {
  http::QueryReader q(ctx);
  RollupQuery r;
  r.unit_id = q.Id("unit_id");
  const auto from = q.Time("from");
  const auto to = q.TimeEnd("to");
  FZ_CHECK(q.Finish());
  r.to = to.value_or(WeekStart(clock.Now()) + 7 * 86400);
  r.from = from.value_or(r.to - 12 * 7 * 86400);
  return r;
}

json RowJson(const RollupRow& r) {
  return FZ_JSON(r, key, name, tasks, done, done_on_time, findings, closed, closed_on_time);
}

Result<Reply> GetRollup(Ctx& ctx, InspectionService& s) {
  const RollupQuery q = FZ_TRY(ReadRollupQuery(ctx, s.clock()));
  const Rollup x = FZ_TRY(s.GetRollup(ctx.user(), q.unit_id, q.from, q.to));
  json rows = json::array(), items = json::array(), weeks = json::array();
  for (const auto& row : x.rows) rows.push_back(RowJson(row));
  for (const auto& i : x.items)
    items.push_back(Merged(FZ_JSON(i, domain, item_key, item_text, findings), {{"domain_name", DomainName(i.domain)}}));
  for (const auto& w : x.weeks) weeks.push_back(FZ_JSON(w, week, tasks, done, findings));
  return Reply::Json(Merged(FZ_JSON(x, unit_id, unit_name, row_kind, from, to), {{"total", RowJson(x.total)},
                                                                                 {"rows", std::move(rows)},
                                                                                 {"items", std::move(items)},
                                                                                 {"weeks", std::move(weeks)}}));
}

Result<Reply> ExportRollup(Ctx& ctx, InspectionService& s) {
  const RollupQuery q = FZ_TRY(ReadRollupQuery(ctx, s.clock()));
  auto f = FZ_TRY(s.RollupXlsx(ctx.user(), q.unit_id, q.from, q.to));
  return Reply::File(std::move(f.bytes), std::move(f.content_type), std::move(f.filename));
}

}  // namespace

void RegisterRoutes(http::Router& router, InspectionService& s) {
  http::Routes<InspectionService> r(router, s);
  const auto read = http::Perm(auth::perm::kInspectionRead);
  const auto judge = http::Perm(auth::perm::kInspectionDo);
  const auto manage = http::Perm(auth::perm::kInspectionManage);
  r.Get("/api/inspections/checklists", read, ListChecklists);
  r.Get("/api/inspections/checklists/{domain}/versions", read, ChecklistVersions);
  r.Put("/api/inspections/checklists/{domain}", manage, SaveChecklist);
  r.Get("/api/inspections/plans", read, ListPlans);
  r.Post("/api/inspections/plans", manage, CreatePlan);
  r.Post("/api/inspections/plans/{id}/generate", manage, GenerateTasks);
  r.Get("/api/inspections/tasks", read, ListTasks);
  r.Post("/api/inspections/tasks", manage, CreateTask);
  r.Get("/api/inspections/tasks/{id}", read, GetTask);
  r.Get("/api/inspections/tasks/{id}/redraw", read, RedrawTask);
  r.Put("/api/inspections/tasks/{id}/results", judge, JudgeTask);
  r.Post("/api/inspections/tasks/{id}/results/{result_id}/files", judge, AttachFiles);
  r.Get("/api/inspections/files/{id}", read, DownloadFile);
  r.Get("/api/inspections/findings", read, ListFindings);
  r.Get("/api/inspections/findings/{id}", read, GetFinding);
  r.Post("/api/inspections/findings/{id}/recheck", judge, RecheckFinding);
  r.Get("/api/inspections/rollup", read, GetRollup);
  r.Get("/api/inspections/rollup.xlsx", read, ExportRollup);
}

}  // namespace fazhi::inspections
