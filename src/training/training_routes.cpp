#include "training/training_routes.h"

#include <fmt/format.h>

#include "core/json_fields.h"
#include "core/json_input.h"
#include "core/local_time.h"
#include "core/text.h"
#include "files/base64.h"
#include "http/json_opt.h"
#include "http/query.h"

namespace fazhi::training {

using http::Ctx;
using http::Reply;
using nlohmann::json;

namespace {

constexpr std::string_view kRead = "training.read";
constexpr std::string_view kManage = "training.manage";

json SessionJson(const Session& s) {
  json targets = json::array();
  for (const auto& t : s.targets) targets.push_back({{"id", t.id}, {"name", t.name}});
  return Merged(
      FZ_JSON(s, id, bureau_id, unit_id, unit_name, kind, topic, start_at, end_at, place, online_url, speaker_kind,
              speaker_person_id, speaker_name, speaker_title, format, minutes, attended, expected),
      {{"kind_name", KindName(s.kind)}, {"format_name", FormatName(s.format)}, {"targets", std::move(targets)}});
}

json FileJson(const SessionFile& f) { return FZ_JSON(f, id, role, filename, content_type, size); }

json DetailJson(const SessionDetail& d) {
  json j = SessionJson(d.session);
  json files = json::array();
  for (const auto& f : d.files) files.push_back(FileJson(f));
  j["files"] = std::move(files);
  j["can_manage"] = d.can_manage;
  return j;
}

Result<SessionInput> ReadSession(Ctx& ctx) {
  JsonInput in(ctx.body());
  SessionInput x;
  x.unit_id = in.Int("unit_id", "组织单位", {.min = 1}).value_or(0);
  x.kind = in.String("kind", "培训类型", {.required = true, .max_chars = 20}).value_or("");
  x.topic = in.String("topic", "培训主题", {.max_chars = 200}).value_or("");
  const auto start = in.Time("start_at", "开始时间");
  const auto end = in.Time("end_at", "结束时间");
  x.place = in.String("place", "培训地点", {.max_chars = 200}).value_or("");
  x.online_url = in.String("online_url", "线上链接", {.max_chars = 500}).value_or("");
  x.speaker_kind = in.String("speaker_kind", "主讲人类型", {.max_chars = 20}).value_or("");
  x.speaker_person_id = in.Int("speaker_person_id", "内聘主讲人", {.min = 1});
  x.speaker_name = in.String("speaker_name", "主讲人", {.max_chars = 50}).value_or("");
  x.speaker_title = in.String("speaker_title", "主讲人职务职称", {.max_chars = 100}).value_or("");
  x.format = in.String("format", "培训形式", {.max_chars = 20}).value_or("");
  x.minutes = in.String("minutes", "培训纪要", {.max_chars = 20000}).value_or("");
  auto targets = in.Raw("target_unit_ids", "参训单位");
  if (auto e = in.Finish()) return std::unexpected(*e);
  if (!start) return Invalid("请填写开始时间", "start_at", "required");
  if (!end) return Invalid("请填写结束时间", "end_at", "required");
  x.start_at = *start;
  x.end_at = *end;
  if (targets && !targets->is_null()) {
    if (!targets->is_array()) return Invalid("“target_unit_ids”应为单位编号的数组", "target_unit_ids", "wrong_type");
    for (const auto& el : *targets) {
      if (!el.is_number_integer() || el.get<std::int64_t>() < 1)
        return Invalid("参训单位编号应为正整数", "target_unit_ids", "wrong_type");
      x.target_unit_ids.push_back(el.get<std::int64_t>());
    }
  }
  return x;
}

Result<SessionFilter> ReadFilter(http::QueryReader& q) {
  SessionFilter f;
  std::vector<std::string> kinds(kKinds.begin(), kKinds.end());
  f.kind = q.OneOf("kind", kinds);
  f.unit_id = q.Id("unit_id");
  f.from = q.Time("from");
  f.to = q.TimeEnd("to");
  f.q = q.Str("q", 50).value_or("");
  return f;
}

Result<Reply> ListSessions(Ctx& ctx, TrainingService& s) {
  http::QueryReader q(ctx);
  const SessionFilter f = FZ_TRY(ReadFilter(q));
  const PageRequest page = q.Page({"start_at"});
  FZ_CHECK(q.Finish());
  const auto list = FZ_TRY(s.ListSessions(ctx.user(), f, page));
  json items = json::array();
  for (const auto& x : list.items) items.push_back(SessionJson(x));
  return Reply::Json(http::PagedJson(std::move(items), list.total, page));
}

Result<Reply> ExportSessions(Ctx& ctx, TrainingService& s) {
  http::QueryReader q(ctx);
  const SessionFilter f = FZ_TRY(ReadFilter(q));
  FZ_CHECK(q.Finish());
  auto file = FZ_TRY(s.ExportSessions(ctx.user(), f));
  return Reply::File(std::move(file.bytes), std::move(file.content_type), std::move(file.filename));
}

Result<Reply> CreateSession(Ctx& ctx, TrainingService& s) {
  SessionInput in = FZ_TRY(ReadSession(ctx));
  return Reply::Json(DetailJson(FZ_TRY(s.CreateSession(ctx.user(), ctx.Actor(), std::move(in)))), 201);
}

Result<Reply> GetSession(Ctx& ctx, TrainingService& s) {
  return Reply::Json(DetailJson(FZ_TRY(s.GetSession(ctx.user(), FZ_TRY(ctx.PathId())))));
}

Result<Reply> UpdateSession(Ctx& ctx, TrainingService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  SessionInput in = FZ_TRY(ReadSession(ctx));
  return Reply::Json(DetailJson(FZ_TRY(s.UpdateSession(ctx.user(), ctx.Actor(), id, std::move(in)))));
}

Result<Reply> AddFiles(Ctx& ctx, TrainingService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  const auto& req = ctx.req();
  if (!req.is_multipart_form_data())
    return Invalid("请以 multipart/form-data 上传（字段 role 与 file）", "file", "wrong_type");
  std::vector<files::Upload> uploads;
  std::string role;
  for (const auto& [name, part] : req.files) {
    if (name == "role") {
      role = part.content;
      continue;
    }
    if (name != "file" && name != "files")
      return Invalid(fmt::format("附件应使用字段名 file，而不是“{}”", name), name, "unknown_field");
    uploads.push_back({part.filename, part.content_type, part.content});
  }
  json items = json::array();
  for (const auto& f : FZ_TRY(s.AddFiles(ctx.user(), ctx.Actor(), id, role, uploads))) items.push_back(FileJson(f));
  return Reply::Json({{"items", std::move(items)}}, 201);
}

Result<Reply> DownloadFile(Ctx& ctx, TrainingService& s) {
  auto f = FZ_TRY(s.ReadFile(ctx.user(), FZ_TRY(ctx.PathId())));
  return Reply::File(std::move(f.bytes), std::move(f.content_type), std::move(f.filename));
}

json AttendanceJson(const Attendance& a) {
  json lines = json::array(), units = json::array();
  for (const auto& l : a.lines)
    lines.push_back(FZ_JSON(l, person_id, name, badge_no, unit_id, unit_name, attended, method, checked_at));
  for (const auto& u : a.units) units.push_back(FZ_JSON(u, unit_id, unit_name, attended, expected));
  return {{"lines", std::move(lines)}, {"units", std::move(units)}, {"attended", a.attended}, {"expected", a.expected}};
}

Result<Reply> GetAttendance(Ctx& ctx, TrainingService& s) {
  return Reply::Json(AttendanceJson(FZ_TRY(s.GetAttendance(ctx.user(), FZ_TRY(ctx.PathId())))));
}

Result<Reply> SetRoster(Ctx& ctx, TrainingService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  auto raw = in.Raw("person_ids", "到课人员", true);
  if (auto e = in.Finish()) return std::unexpected(*e);
  if (!raw->is_array() || raw->size() > 2000)
    return Invalid("“person_ids”应为人员编号的数组", "person_ids", "wrong_type");
  std::vector<std::int64_t> ids;
  for (const auto& el : *raw) {
    if (!el.is_number_integer() || el.get<std::int64_t>() < 1)
      return Invalid("人员编号应为正整数", "person_ids", "wrong_type");
    ids.push_back(el.get<std::int64_t>());
  }
  return Reply::Json(AttendanceJson(FZ_TRY(s.SetRoster(ctx.user(), ctx.Actor(), id, ids))));
}

// The address the organiser's browser used, for the QR code.
std::string RequestBase(Ctx& ctx) {
  const std::string host = ctx.req().get_header_value("Host");
  return host.empty() ? std::string() : "http://" + host;
}

Result<Reply> GetQr(Ctx& ctx, TrainingService& s) {
  const auto t = FZ_TRY(s.IssueToken(ctx.user(), FZ_TRY(ctx.PathId()), RequestBase(ctx)));
  return Reply::Json(
      Merged(FZ_JSON(t, token, url, expires_at, open), {{"png", "data:image/png;base64," + files::Base64(t.png)}}));
}

Result<Reply> CheckIn(Ctx& ctx, TrainingService& s) {
  JsonInput in(ctx.body());
  const auto token = in.String("token", "签到码", {.required = true, .max_chars = 200});
  if (auto e = in.Finish()) return std::unexpected(*e);
  const auto r = FZ_TRY(s.CheckIn(ctx.user(), ctx.Actor(), *token));
  return Reply::Json(Merged(FZ_JSON(r, session_id, topic, checked_at, already), {{"kind_name", KindName(r.kind)}}),
                     r.already ? 200 : 201);
}

json PlanJson(const PlanItem& p) {
  return Merged(FZ_JSON(p, id, unit_id, unit_name, month, kind, topic, session_id, session_topic, session_at, state),
                {{"kind_name", KindName(p.kind)}});
}

Result<Reply> ListPlans(Ctx& ctx, TrainingService& s) {
  http::QueryReader q(ctx);
  const auto from = q.Month("from");
  const auto to = q.Month("to");
  const auto unit = q.Id("unit_id");
  FZ_CHECK(q.Finish());
  const CivilDate today = LocalDateOf(s.clock().Now());
  const std::string f = from.value_or(fmt::format("{:04}-01", today.year));
  const std::string t = to.value_or(fmt::format("{}-12", f.substr(0, 4)));
  json items = json::array();
  for (const auto& p : FZ_TRY(s.ListPlans(ctx.user(), f, t, unit))) items.push_back(PlanJson(p));
  return Reply::Json({{"items", std::move(items)}, {"from", f}, {"to", t}});
}

Result<Reply> AddPlan(Ctx& ctx, TrainingService& s) {
  JsonInput in(ctx.body());
  const auto unit = in.Int("unit_id", "单位", {.required = true, .min = 1});
  const auto month = in.String("month", "计划月份", {.required = true, .max_chars = 7});
  const auto kind = in.String("kind", "培训类型", {.required = true, .max_chars = 20});
  const auto topic = in.String("topic", "学习内容", {.max_chars = 200});
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(PlanJson(FZ_TRY(s.AddPlan(ctx.user(), ctx.Actor(), *unit, *month, *kind, topic.value_or("")))),
                     201);
}

Result<Reply> LinkPlan(Ctx& ctx, TrainingService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  const auto session = in.Int("session_id", "落实的培训", {.min = 1});
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(PlanJson(FZ_TRY(s.LinkPlan(ctx.user(), ctx.Actor(), id, session))));
}

json MaterialJson(const Material& m, bool with_body) {
  json j = FZ_JSON(m, id, series, issue_no, title, version, published_at, updated_at);
  if (with_body)
    j["body"] = m.body;
  else
    j["excerpt"] = Utf8Prefix(m.body, 80);
  return j;
}

json MaterialDetailJson(const MaterialDetail& d) {
  json j = MaterialJson(d.material, true);
  json versions = json::array();
  for (const auto& v : d.versions) versions.push_back(FZ_JSON(v, version, title, body, note, author, created_at));
  j["versions"] = std::move(versions);
  j["subscribed"] = d.subscribed;
  return j;
}

Result<Reply> SearchMaterials(Ctx& ctx, TrainingService& s) {
  http::QueryReader q(ctx);
  const auto text = q.Str("q", 50);
  const auto series = q.Str("series", 50);
  const PageRequest page = q.Page({"published_at"});
  FZ_CHECK(q.Finish());
  const auto list = FZ_TRY(s.SearchMaterials(ctx.user(), series.value_or(""), text.value_or(""), page));
  json items = json::array();
  for (const auto& m : list.items) items.push_back(MaterialJson(m, false));
  return Reply::Json(http::PagedJson(std::move(items), list.total, page));
}

Result<Reply> GetMaterial(Ctx& ctx, TrainingService& s) {
  return Reply::Json(MaterialDetailJson(FZ_TRY(s.GetMaterial(ctx.user(), FZ_TRY(ctx.PathId())))));
}

Result<MaterialInput> ReadMaterial(Ctx& ctx, bool with_number) {
  JsonInput in(ctx.body());
  MaterialInput m;
  if (with_number) {
    m.series = in.String("series", "资料系列", {.required = true, .max_chars = 50}).value_or("");
    m.issue_no = static_cast<int>(in.Int("issue_no", "期号", {.required = true, .min = 1, .max = 100000}).value_or(0));
    m.published_at = in.Time("published_at", "发布日期");
  }
  m.title = in.String("title", "标题", {.required = true, .max_chars = 200}).value_or("");
  m.body = in.String("body", "正文", {.max_chars = 100000}).value_or("");
  m.note = in.String("note", "修订说明", {.max_chars = 500}).value_or("");
  if (auto e = in.Finish()) return std::unexpected(*e);
  return m;
}

Result<Reply> CreateMaterial(Ctx& ctx, TrainingService& s) {
  MaterialInput m = FZ_TRY(ReadMaterial(ctx, true));
  return Reply::Json(MaterialDetailJson(FZ_TRY(s.CreateMaterial(ctx.user(), ctx.Actor(), std::move(m)))), 201);
}

Result<Reply> ReviseMaterial(Ctx& ctx, TrainingService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  MaterialInput m = FZ_TRY(ReadMaterial(ctx, false));
  return Reply::Json(MaterialDetailJson(FZ_TRY(s.ReviseMaterial(ctx.user(), ctx.Actor(), id, std::move(m)))));
}

Result<Reply> Subscribe(Ctx& ctx, TrainingService& s) {
  JsonInput in(ctx.body());
  const auto on = in.Bool("on", "是否订阅", true);
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json({{"subscribed", FZ_TRY(s.Subscribe(ctx.user(), *on))}});
}

Result<int> ReadYear(http::QueryReader& q, const Clock& clock) {
  const auto year = q.Int("year", 2000, 2100);
  FZ_CHECK(q.Finish());
  return static_cast<int>(year.value_or(LocalDateOf(clock.Now()).year));
}

json ReportJson(const LawReport& r) {
  return Merged(FZ_JSON(r, id, unit_id, unit_name, year, person_id, person_name, form, title, summary, held_at, ratings,
                        average, my_score),
                {{"form_name", r.form == "oral" ? "口头述法" : "书面述法"}});
}

Result<Reply> ListLawReports(Ctx& ctx, TrainingService& s) {
  http::QueryReader q(ctx);
  const int year = FZ_TRY(ReadYear(q, s.clock()));
  json items = json::array();
  for (const auto& r : FZ_TRY(s.ListLawReports(ctx.user(), year))) items.push_back(ReportJson(r));
  return Reply::Json({{"items", std::move(items)}, {"year", year}, {"scale", {kRatingMin, kRatingMax}}});
}

Result<Reply> AddLawReport(Ctx& ctx, TrainingService& s) {
  JsonInput in(ctx.body());
  LawReport r;
  r.unit_id = in.Int("unit_id", "单位", {.required = true, .min = 1}).value_or(0);
  r.year = static_cast<int>(in.Int("year", "年度", {.required = true, .min = 2000, .max = 2100}).value_or(0));
  r.person_id = in.Int("person_id", "述法人", {.required = true, .min = 1}).value_or(0);
  r.form = in.String("form", "述法形式", {.required = true, .max_chars = 20}).value_or("");
  r.title = in.String("title", "述法题目", {.max_chars = 200}).value_or("");
  r.summary = in.String("summary", "内容摘要", {.max_chars = 20000}).value_or("");
  const auto held = in.Time("held_at", "述法时间");
  if (auto e = in.Finish()) return std::unexpected(*e);
  if (!held) return Invalid("请填写述法时间", "held_at", "required");
  r.held_at = *held;
  return Reply::Json(ReportJson(FZ_TRY(s.AddLawReport(ctx.user(), ctx.Actor(), std::move(r)))), 201);
}

Result<Reply> RateLawReport(Ctx& ctx, TrainingService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  const auto score = in.Int("score", "评分", {.required = true});
  const auto comment = in.String("comment", "评议意见", {.max_chars = 1000});
  if (auto e = in.Finish()) return std::unexpected(*e);
  const int sc = static_cast<int>(std::clamp<std::int64_t>(*score, -1000, 1000));
  return Reply::Json(ReportJson(FZ_TRY(s.RateLawReport(ctx.user(), ctx.Actor(), id, sc, comment.value_or("")))));
}

json CourtJson(const CourtRecord& c) {
  return Merged(FZ_JSON(c, id, unit_id, unit_name, kind, case_name, court, held_at, attendees, head_appeared, lessons),
                {{"kind_name", c.kind == "hearing" ? "旁听庭审" : "出庭应诉"}});
}

Result<Reply> ListCourt(Ctx& ctx, TrainingService& s) {
  http::QueryReader q(ctx);
  const auto kind = q.OneOf("kind", {"appearance", "hearing"});
  const int year = FZ_TRY(ReadYear(q, s.clock()));
  const auto list = FZ_TRY(s.ListCourtRecords(ctx.user(), year, kind));
  json items = json::array();
  std::int64_t appearances = 0, heads = 0;
  for (const auto& c : list) {
    items.push_back(CourtJson(c));
    if (c.kind == "appearance") {
      ++appearances;
      if (c.head_appeared) ++heads;
    }
  }
  return Reply::Json(
      {{"items", std::move(items)}, {"year", year}, {"appearances", appearances}, {"head_appearances", heads}});
}

Result<Reply> AddCourt(Ctx& ctx, TrainingService& s) {
  JsonInput in(ctx.body());
  CourtRecord c;
  c.unit_id = in.Int("unit_id", "单位", {.required = true, .min = 1}).value_or(0);
  c.kind = in.String("kind", "记录类型", {.required = true, .max_chars = 20}).value_or("");
  c.case_name = in.String("case_name", "案件", {.max_chars = 200}).value_or("");
  c.court = in.String("court", "法院", {.max_chars = 100}).value_or("");
  const auto held = in.Time("held_at", "开庭时间");
  c.attendees = in.String("attendees", "出庭/旁听人员", {.max_chars = 500}).value_or("");
  c.head_appeared = in.Bool("head_appeared", "负责人是否出庭").value_or(false);
  c.lessons = in.String("lessons", "庭审体会", {.max_chars = 5000}).value_or("");
  if (auto e = in.Finish()) return std::unexpected(*e);
  if (!held) return Invalid("请填写开庭时间", "held_at", "required");
  c.held_at = *held;
  return Reply::Json(CourtJson(FZ_TRY(s.AddCourtRecord(ctx.user(), ctx.Actor(), std::move(c)))), 201);
}

Result<Reply> Overview(Ctx& ctx, TrainingService& s) {
  http::QueryReader q(ctx);
  const int year = FZ_TRY(ReadYear(q, s.clock()));
  const YearCounts y = FZ_TRY(s.Overview(ctx.user(), year));
  json kinds = json::array(), units = json::array();
  for (const auto& k : kKinds)
    kinds.push_back({{"kind", k}, {"name", KindName(k)}, {"count", y.by_kind.at(k)}, {"months", y.by_month.at(k)}});
  for (const auto& u : y.attendance) units.push_back(FZ_JSON(u, unit_id, unit_name, attended, expected));
  return Reply::Json(Merged(FZ_JSON(y, year, law_reports, appearances, head_appearances, hearings, plan_items,
                                    plan_done, plan_missed, materials),
                            {{"kinds", std::move(kinds)}, {"attendance", std::move(units)}}));
}

Result<Reply> ExportOverview(Ctx& ctx, TrainingService& s) {
  http::QueryReader q(ctx);
  const int year = FZ_TRY(ReadYear(q, s.clock()));
  auto file = FZ_TRY(s.ExportOverview(ctx.user(), year));
  return Reply::File(std::move(file.bytes), std::move(file.content_type), std::move(file.filename));
}

Result<Reply> ListUnits(Ctx& ctx, TrainingService& s) {
  json items = json::array();
  for (const auto& u : FZ_TRY(s.Units(ctx.user()))) items.push_back({{"id", u.id}, {"name", u.name}});
  return Reply::Json({{"items", std::move(items)}});
}

}  // namespace

void RegisterRoutes(http::Router& router, TrainingService& s) {
  http::Routes<TrainingService> r(router, s);
  const auto read = http::Perm(kRead);
  const auto manage = http::Perm(kManage);
  r.Get("/api/training/sessions", read, ListSessions);
  r.Post("/api/training/sessions", manage, CreateSession);
  r.Get("/api/training/sessions.xlsx", read, ExportSessions);
  r.Get("/api/training/sessions/{id}", read, GetSession);
  r.Put("/api/training/sessions/{id}", manage, UpdateSession);
  r.Post("/api/training/sessions/{id}/files", manage, AddFiles);
  r.Get("/api/training/sessions/{id}/attendance", read, GetAttendance);
  r.Put("/api/training/sessions/{id}/attendance", manage, SetRoster);
  r.Get("/api/training/sessions/{id}/qr", manage, GetQr);
  r.Get("/api/training/files/{id}", read, DownloadFile);
  r.Post("/api/training/checkin", read, CheckIn);
  r.Get("/api/training/plans", read, ListPlans);
  r.Post("/api/training/plans", manage, AddPlan);
  r.Put("/api/training/plans/{id}/session", manage, LinkPlan);
  r.Get("/api/training/materials", read, SearchMaterials);
  r.Post("/api/training/materials", manage, CreateMaterial);
  r.Get("/api/training/materials/{id}", read, GetMaterial);
  r.Put("/api/training/materials/{id}", manage, ReviseMaterial);
  r.Put("/api/training/subscription", read, Subscribe);
  r.Get("/api/training/law-reports", read, ListLawReports);
  r.Post("/api/training/law-reports", manage, AddLawReport);
  r.Post("/api/training/law-reports/{id}/ratings", read, RateLawReport);
  r.Get("/api/training/court-records", read, ListCourt);
  r.Post("/api/training/court-records", manage, AddCourt);
  r.Get("/api/training/overview", read, Overview);
  r.Get("/api/training/overview.xlsx", read, ExportOverview);
  r.Get("/api/training/units", read, ListUnits);
}

}  // namespace fazhi::training
