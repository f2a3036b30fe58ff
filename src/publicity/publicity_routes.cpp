#include "publicity/publicity_routes.h"

#include <limits>

#include <fmt/format.h>

#include "auth/roles.h"
#include "core/json_fields.h"
#include "core/json_input.h"
#include "core/local_time.h"
#include "http/query.h"

namespace fazhi::publicity {

using http::Ctx;
using http::Reply;
using nlohmann::json;

namespace {

std::vector<std::string> CampaignCodes() {
  std::vector<std::string> out;
  for (const auto& c : Campaigns(2023)) out.push_back(c.code);
  return out;
}

json DutyJson(const Duty& d) { return FZ_JSON(d, id, unit_id, unit_name, law, audience, note, created_at); }

std::string StatusName(const std::string& s) {
  if (s == "submitted") return "已报送";
  if (s == "overdue") return "已逾期";
  if (s == "due_soon") return "即将到期";
  return "待报送";
}

json CycleJson(const CycleItem& c) {
  return Merged(FZ_JSON(c, id, unit_id, unit_name, year, stage, due_at, content, status),
                {{"stage_name", c.stage == "plan"      ? "年初计划"
                                : c.stage == "midyear" ? "年中检查"
                                                       : "年终总结"},
                 {"submitted_at", c.submitted_at ? json(*c.submitted_at) : json()},
                 {"status_name", StatusName(c.status)},
                 {"order_id", c.order_id ? json(*c.order_id) : json()}});
}

json EventJson(const Event& e) {
  json files = json::array();
  for (const auto& f : e.files) files.push_back(FZ_JSON(f, id, kind, filename, content_type, size));
  return Merged(FZ_JSON(e, id, unit_id, unit_name, campaign, title, held_at, place, audience, laws, summary),
                {{"campaign_name", CampaignName(e.campaign)}, {"files", std::move(files)}});
}

int YearParam(http::QueryReader& q, int fallback) {
  return static_cast<int>(q.Int("year", 2000, 2100).value_or(fallback));
}

Result<Reply> GetCalendar(Ctx& ctx, PublicityService& s) {
  http::QueryReader q(ctx);
  const int year = YearParam(q, s.ThisYear());
  FZ_CHECK(q.Finish());
  json items = json::array();
  for (const auto& d : FZ_TRY(s.Calendar(ctx.user(), year)))
    items.push_back(
        Merged(FZ_JSON(d.campaign, code, name, from, to), {{"events", d.events}, {"audience", d.audience}}));
  return Reply::Json({{"year", year}, {"items", std::move(items)}});
}

Result<Reply> ListDuties(Ctx& ctx, PublicityService& s) {
  http::QueryReader q(ctx);
  const auto unit = q.Id("unit_id");
  FZ_CHECK(q.Finish());
  json items = json::array();
  for (const auto& d : FZ_TRY(s.Duties(ctx.user(), unit))) items.push_back(DutyJson(d));
  return Reply::Json({{"items", std::move(items)}});
}

Result<Reply> AddDuty(Ctx& ctx, PublicityService& s) {
  JsonInput in(ctx.body());
  Duty d;
  d.unit_id = in.Int("unit_id", "单位", {.min = 1}).value_or(0);
  d.law = in.String("law", "法律法规", {.required = true, .min_chars = 1, .max_chars = 200}).value_or("");
  d.audience = in.String("audience", "普法对象", {.max_chars = 200}).value_or("");
  d.note = in.String("note", "说明", {.max_chars = 1000}).value_or("");
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(DutyJson(FZ_TRY(s.AddDuty(ctx.user(), ctx.Actor(), d))), 201);
}

Result<Reply> RemoveDuty(Ctx& ctx, PublicityService& s) {
  FZ_CHECK(s.RemoveDuty(ctx.user(), ctx.Actor(), FZ_TRY(ctx.PathId())));
  return Reply::Json({{"ok", true}});
}

// ?stage=ID (the 督办 page's link to a stage) answers the year of that stage; ?year= otherwise.
Result<Reply> GetCycle(Ctx& ctx, PublicityService& s) {
  http::QueryReader q(ctx);
  int year = YearParam(q, s.ThisYear());
  const auto stage = q.Int("stage", 1, std::numeric_limits<std::int64_t>::max());
  FZ_CHECK(q.Finish());
  if (stage) year = FZ_TRY(s.GetCycleItem(ctx.user(), *stage)).year;
  json items = json::array();
  for (const auto& c : FZ_TRY(s.Cycle(ctx.user(), year))) items.push_back(CycleJson(c));
  return Reply::Json({{"year", year}, {"items", std::move(items)}});
}

Result<Reply> OpenCycle(Ctx& ctx, PublicityService& s) {
  JsonInput in(ctx.body());
  const int year = static_cast<int>(in.Int("year", "年度", {.required = true, .min = 2000, .max = 2100}).value_or(0));
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json({{"added", FZ_TRY(s.OpenCycle(ctx.user(), ctx.Actor(), year))}}, 201);
}

Result<Reply> SubmitItem(Ctx& ctx, PublicityService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  const std::string content =
      in.String("content", "报送内容", {.required = true, .min_chars = 1, .max_chars = 20000}).value_or("");
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(CycleJson(FZ_TRY(s.Submit(ctx.user(), ctx.Actor(), id, content))));
}

Result<Reply> ListEvents(Ctx& ctx, PublicityService& s) {
  http::QueryReader q(ctx);
  EventFilter f;
  if (auto y = q.Int("year", 2000, 2100)) f.year = static_cast<int>(*y);
  auto codes = CampaignCodes();
  codes.push_back("none");
  f.campaign = q.OneOf("campaign", codes).value_or("");
  f.unit_id = q.Id("unit_id");
  const PageRequest page = q.Page({"held_at", "audience"});
  FZ_CHECK(q.Finish());
  const auto list = FZ_TRY(s.Events(ctx.user(), f, page));
  json items = json::array();
  for (const auto& e : list.items) items.push_back(EventJson(e));
  return Reply::Json(http::PagedJson(std::move(items), list.total, page));
}

Result<Reply> GetEvent(Ctx& ctx, PublicityService& s) {
  return Reply::Json(EventJson(FZ_TRY(s.GetEvent(ctx.user(), FZ_TRY(ctx.PathId())))));
}

Result<Reply> AddEvent(Ctx& ctx, PublicityService& s) {
  JsonInput in(ctx.body());
  EventInput e;
  e.unit_id = in.Int("unit_id", "单位", {.min = 1});
  e.campaign = in.String("campaign", "宣传节点", {.max_chars = 40}).value_or("");
  e.title = in.String("title", "活动名称", {.required = true, .min_chars = 1, .max_chars = 200}).value_or("");
  e.held_at = in.Time("held_at", "活动时间", {.required = true}).value_or(0);
  e.place = in.String("place", "地点", {.max_chars = 200}).value_or("");
  e.audience = in.Int("audience", "受众人次", {.required = true, .min = 0, .max = 1000000}).value_or(0);
  e.laws = in.String("laws", "宣传的法律法规", {.max_chars = 1000}).value_or("");
  e.summary = in.String("summary", "活动情况", {.max_chars = 4000}).value_or("");
  if (auto err = in.Finish()) return std::unexpected(*err);
  return Reply::Json(EventJson(FZ_TRY(s.AddEvent(ctx.user(), ctx.Actor(), e))), 201);
}

Result<Reply> AddFiles(Ctx& ctx, PublicityService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  const auto& req = ctx.req();
  if (!req.is_multipart_form_data())
    return Invalid("请以 multipart/form-data 上传（字段 kind 与 file）", "file", "wrong_type");
  std::vector<files::Upload> uploads;
  std::string kind = "material";
  for (const auto& [name, part] : req.files) {
    if (name == "kind") {
      kind = part.content;
      continue;
    }
    if (name != "file" && name != "files")
      return Invalid(fmt::format("附件应使用字段名 file，而不是“{}”", name), name, "unknown_field");
    uploads.push_back({part.filename, part.content_type, part.content});
  }
  return Reply::Json(EventJson(FZ_TRY(s.AddFiles(ctx.user(), ctx.Actor(), id, kind, uploads))), 201);
}

Result<Reply> DownloadFile(Ctx& ctx, PublicityService& s) {
  auto f = FZ_TRY(s.ReadFile(ctx.user(), FZ_TRY(ctx.PathId())));
  return Reply::File(std::move(f.bytes), std::move(f.content_type), std::move(f.filename));
}

json RowsJson(const std::vector<YearSummary::Row>& rows) {
  json out = json::array();
  for (const auto& r : rows) out.push_back(FZ_JSON(r, key, name, events, audience));
  return out;
}

Result<Reply> GetSummary(Ctx& ctx, PublicityService& s) {
  http::QueryReader q(ctx);
  const int year = YearParam(q, s.ThisYear());
  FZ_CHECK(q.Finish());
  const YearSummary y = FZ_TRY(s.Summary(ctx.user(), year));
  return Reply::Json(Merged(FZ_JSON(y, year, events, audience, duties, cycle_total, cycle_done, cycle_late, text),
                            {{"by_campaign", RowsJson(y.by_campaign)}, {"by_unit", RowsJson(y.by_unit)}}));
}

Result<Reply> ExportSummary(Ctx& ctx, PublicityService& s) {
  http::QueryReader q(ctx);
  const int year = YearParam(q, s.ThisYear());
  FZ_CHECK(q.Finish());
  auto f = FZ_TRY(s.SummaryXlsx(ctx.user(), year));
  return Reply::File(std::move(f.bytes), std::move(f.content_type), std::move(f.filename));
}

}  // namespace

void RegisterRoutes(http::Router& router, PublicityService& s) {
  http::Routes<PublicityService> r(router, s);
  const auto read = http::Perm(auth::perm::kPublicityRead);
  const auto manage = http::Perm(auth::perm::kPublicityManage);
  r.Get("/api/publicity/calendar", read, GetCalendar);
  r.Get("/api/publicity/duties", read, ListDuties);
  r.Post("/api/publicity/duties", manage, AddDuty);
  r.Delete("/api/publicity/duties/{id}", manage, RemoveDuty);
  r.Get("/api/publicity/cycle", read, GetCycle);
  r.Post("/api/publicity/cycle", manage, OpenCycle);
  r.Put("/api/publicity/cycle/{id}", manage, SubmitItem);
  r.Get("/api/publicity/events", read, ListEvents);
  r.Post("/api/publicity/events", manage, AddEvent);
  r.Get("/api/publicity/events/{id}", read, GetEvent);
  r.Post("/api/publicity/events/{id}/files", manage, AddFiles);
  r.Get("/api/publicity/files/{id}", read, DownloadFile);
  r.Get("/api/publicity/summary", read, GetSummary);
  r.Get("/api/publicity/summary.xlsx", read, ExportSummary);
}

}  // namespace fazhi::publicity
