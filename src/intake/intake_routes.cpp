#include "intake/intake_routes.h"

#include <fmt/format.h>

#include "auth/roles.h"
#include "core/json_fields.h"
#include "core/json_input.h"
#include "core/local_time.h"
#include "files/document_html.h"
#include "files/docx.h"
#include "http/json_opt.h"
#include "http/query.h"

namespace fazhi::intake {

using http::Ctx;
using http::Reply;
using nlohmann::json;

namespace {

std::string StatusName(std::string_view s) {
  if (s == "registered") return "已登记";
  if (s == "routed") return "已分流";
  if (s == "accepted") return "已受理";
  if (s == "declined") return "不予受理";
  if (s == "concluded") return "已办结";
  if (s == "closed") return "已反馈";
  return std::string(s);
}

json TicketJson(const Ticket& t) {
  return Merged(FZ_JSON(t, id, bureau_id, ticket_no, kind, case_type, category, summary, occurred_at, place,
                        desk_unit_id, desk_unit_name, unit_id, unit_name, route_rule_id, route_reason, routed_at,
                        due_at, deadline_basis, status, overdue, due_soon, accepted, decided_at, outcome, concluded_at,
                        feedback_method, feedback_at, satisfaction, reopen_count, receipt_at, received_at, clerk_name),
                {{"kind_name", KindName(t.kind)}, {"status_name", StatusName(t.status)}});
}

json DetailJson(const Ticket& t) {
  json j = TicketJson(t);
  json evidence = json::array(), history = json::array();
  for (const auto& e : t.evidence) {
    json files = json::array();
    for (const auto& f : e.files) files.push_back(FZ_JSON(f, id, filename, content_type, size));
    evidence.push_back(Merged(FZ_JSON(e, id, description, created_at), {{"files", std::move(files)}}));
  }
  for (const auto& h : t.history)
    history.push_back(
        Merged(FZ_JSON(h, id, at, user_name, action, status, note), {{"status_name", StatusName(h.status)}}));
  j.update(Merged(
      FZ_JSON(t, subject_person_id, subject_person_name, duty_person_id, duty_person_name, accept_note, feedback_text,
              substantiated, case_id, incident_id, order_id),
      {{"reporter", {{"name", t.reporter.name}, {"id_number", t.reporter.id_number}, {"phone", t.reporter.phone}}},
       {"evidence", std::move(evidence)},
       {"history", std::move(history)}}));
  return j;
}

Result<Reply> Register(Ctx& ctx, IntakeService& s) {
  JsonInput in(ctx.body());
  TicketInput t;
  t.kind = in.String("kind", "接报类型", {.required = true, .min_chars = 1, .max_chars = 20}).value_or("");
  t.case_type = in.String("case_type", "案件类型", {.max_chars = 20}).value_or("");
  t.category = in.String("category", "类别", {.max_chars = 100}).value_or("");
  t.reporter.name = in.String("reporter_name", "报案人姓名", {.max_chars = 100}).value_or("");
  t.reporter.id_number = in.String("reporter_id_number", "身份证号", {.max_chars = 40}).value_or("");
  t.reporter.phone = in.String("reporter_phone", "联系电话", {.max_chars = 40}).value_or("");
  t.summary = in.String("summary", "事由", {.max_chars = 4000}).value_or("");
  t.occurred_at = in.Time("occurred_at", "发生时间");
  t.place = in.String("place", "发生地点", {.max_chars = 400}).value_or("");
  t.subject_person_id = in.Int("subject_person_id", "被投诉民警", {.min = 1});
  t.duty_person_id = in.Int("duty_person_id", "值班民警", {.min = 1});
  t.evidence = in.StringArray("evidence", "当场取证", {.max_chars = 400}).value_or(std::vector<std::string>{});
  t.unit_id = in.Int("unit_id", "分流单位", {.min = 1});
  t.route_reason = in.String("route_reason", "改派理由", {.max_chars = 400}).value_or("");
  t.received_at = in.Time("received_at", "接报时间");
  if (auto e = in.Finish()) return std::unexpected(*e);
  const Registered r = FZ_TRY(s.Register(ctx.user(), ctx.Actor(), t));
  json j = DetailJson(r.ticket);
  j["query_code"] = r.query_code;
  return Reply::Json(std::move(j), 201);
}

Result<Reply> ListTickets(Ctx& ctx, IntakeService& s) {
  http::QueryReader q(ctx);
  TicketFilter f;
  f.kind = q.OneOf("kind", kKinds);
  auto status = q.List("status", kStatuses);
  if (!status.empty()) f.status = std::move(status);
  f.unit_id = q.Id("unit_id");
  f.open = q.Bool("open");
  f.overdue = q.Bool("overdue");
  f.due_soon = q.Bool("due_soon");
  f.from = q.Time("from");
  f.to = q.TimeEnd("to");
  f.q = q.Str("q", 50).value_or("");
  const PageRequest page = q.Page({"received_at", "due_at", "urgency"});
  FZ_CHECK(q.Finish());
  const auto list = FZ_TRY(s.List(ctx.user(), f, page));
  json items = json::array();
  for (const auto& t : list.items) items.push_back(TicketJson(t));
  return Reply::Json(http::PagedJson(std::move(items), list.total, page));
}

Result<Reply> GetTicket(Ctx& ctx, IntakeService& s) {
  return Reply::Json(DetailJson(FZ_TRY(s.Get(ctx.user(), FZ_TRY(ctx.PathId())))));
}

Result<Reply> GetReporter(Ctx& ctx, IntakeService& s) {
  const Reporter r = FZ_TRY(s.ReadReporter(ctx.user(), ctx.Actor(), FZ_TRY(ctx.PathId())));
  return Reply::Json(FZ_JSON(r, name, id_number, phone));
}

Result<Reply> RouteTicket(Ctx& ctx, IntakeService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  const auto unit = in.Int("unit_id", "分流单位", {.required = true, .min = 1});
  const auto reason = in.String("reason", "改派理由", {.max_chars = 400}).value_or("");
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(DetailJson(FZ_TRY(s.Route(ctx.user(), ctx.Actor(), id, *unit, reason))));
}

Result<Reply> DecideTicket(Ctx& ctx, IntakeService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  const auto accepted = in.Bool("accepted", "是否受理", true);
  const auto note = in.String("note", "说明", {.max_chars = 1000}).value_or("");
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(DetailJson(FZ_TRY(s.Decide(ctx.user(), ctx.Actor(), id, *accepted, note))));
}

Result<Reply> ConcludeTicket(Ctx& ctx, IntakeService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  const auto outcome = in.String("outcome", "办理结果", {.max_chars = 2000}).value_or("");
  const auto substantiated = in.Bool("substantiated", "投诉是否属实");
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(DetailJson(FZ_TRY(s.Conclude(ctx.user(), ctx.Actor(), id, outcome, substantiated))));
}

Result<Reply> FeedbackTicket(Ctx& ctx, IntakeService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  const auto method = in.String("method", "反馈方式", {.max_chars = 20}).value_or("");
  const auto at = in.Time("at", "反馈时间");
  const auto text = in.String("text", "反馈内容", {.max_chars = 2000}).value_or("");
  const auto satisfaction = in.Int("satisfaction", "满意度");
  if (auto e = in.Finish()) return std::unexpected(*e);
  std::optional<int> sat;
  if (satisfaction) sat = static_cast<int>(std::clamp<std::int64_t>(*satisfaction, -1, 100));
  return Reply::Json(DetailJson(FZ_TRY(s.Feedback(ctx.user(), ctx.Actor(), id, method, at, text, sat))));
}

Result<Reply> ReopenTicket(Ctx& ctx, IntakeService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  const auto reason = in.String("reason", "重新办理理由", {.max_chars = 1000}).value_or("");
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(DetailJson(FZ_TRY(s.Reopen(ctx.user(), ctx.Actor(), id, reason))));
}

Result<Reply> MakeCase(Ctx& ctx, IntakeService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  CaseFromTicket c;
  c.lead_officer_id = in.Int("lead_officer_id", "主办民警", {.required = true, .min = 1}).value_or(0);
  c.cause = in.String("cause", "案由", {.max_chars = 100}).value_or("");
  c.reporter_role = in.String("reporter_role", "报案人角色", {.max_chars = 20}).value_or("victim");
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(DetailJson(FZ_TRY(s.MakeCase(ctx.user(), ctx.Actor(), id, c))), 201);
}

Result<Reply> AddEvidence(Ctx& ctx, IntakeService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  const auto& req = ctx.req();
  if (!req.is_multipart_form_data())
    return Invalid("请以 multipart/form-data 上传（字段 description 与 file）", "file", "wrong_type");
  std::vector<files::Upload> uploads;
  std::string description;
  for (const auto& [name, part] : req.files) {
    if (name == "description") {
      description = part.content;
      continue;
    }
    if (name != "file" && name != "files")
      return Invalid(fmt::format("附件应使用字段名 file，而不是“{}”", name), name, "unknown_field");
    uploads.push_back({part.filename, part.content_type, part.content});
  }
  const Evidence e = FZ_TRY(s.AddEvidence(ctx.user(), ctx.Actor(), id, description, uploads));
  json files = json::array();
  for (const auto& f : e.files) files.push_back(FZ_JSON(f, id, filename, content_type, size));
  return Reply::Json(Merged(FZ_JSON(e, id, description, created_at), {{"files", std::move(files)}}), 201);
}

// The address the desk's browser used, for the QR code when no public address is set.
std::string RequestBase(Ctx& ctx) {
  const std::string host = ctx.req().get_header_value("Host");
  return host.empty() ? std::string() : "http://" + host;
}

Result<Reply> ReceiptDocx(Ctx& ctx, IntakeService& s) {
  const auto r = FZ_TRY(s.Receipt(ctx.user(), ctx.Actor(), FZ_TRY(ctx.PathId()), RequestBase(ctx)));
  return Reply::File(FZ_TRY(files::WriteDocx(r.doc)), files::kDocx, fmt::format("接报案回执（{}）.docx", r.ticket_no));
}

Result<Reply> ReceiptPrint(Ctx& ctx, IntakeService& s) {
  const auto r = FZ_TRY(s.Receipt(ctx.user(), ctx.Actor(), FZ_TRY(ctx.PathId()), RequestBase(ctx)));
  Reply reply;
  reply.body = FZ_TRY(files::RenderDocumentHtml(r.doc));
  reply.content_type = "text/html; charset=utf-8";
  return reply;
}

Result<Reply> PublicLookup(Ctx& ctx, IntakeService& s) {
  JsonInput in(ctx.body());
  const auto code = in.String("code", "查询码", {.max_chars = 40}).value_or("");
  const auto last4 = in.String("phone_last4", "电话后四位", {.max_chars = 8}).value_or("");
  if (auto e = in.Finish()) return std::unexpected(*e);
  const PublicProgress p = FZ_TRY(s.Lookup(code, last4, ctx.ip()));
  json steps = json::array();
  steps.push_back({{"step", "received"}, {"name", "已接报"}, {"at", p.received_at}, {"note", p.kind_name}});
  if (p.routed_at)
    steps.push_back(
        {{"step", "routed"}, {"name", "已分流"}, {"at", *p.routed_at}, {"note", "承办单位：" + p.unit_name}});
  if (p.decided_at)
    steps.push_back({{"step", "decided"},
                     {"name", p.accepted.value_or(false) ? "已受理" : "不予受理"},
                     {"at", *p.decided_at},
                     {"note", ""}});
  if (p.concluded_at)
    steps.push_back({{"step", "concluded"}, {"name", "已办结"}, {"at", *p.concluded_at}, {"note", p.outcome}});
  if (p.feedback_at) steps.push_back({{"step", "feedback"}, {"name", "已反馈"}, {"at", *p.feedback_at}, {"note", ""}});
  return Reply::Json(
      Merged(FZ_JSON(p, ticket_no, kind_name, received_at, unit_name, accepted, due_at, outcome, hall_phone),
             {{"status", p.status_name}, {"status_name", StatusName(p.status_name)}, {"steps", std::move(steps)}}));
}

Result<Reply> DownloadFile(Ctx& ctx, IntakeService& s) {
  auto f = FZ_TRY(s.ReadFile(ctx.user(), FZ_TRY(ctx.PathId())));
  return Reply::File(std::move(f.bytes), std::move(f.content_type), std::move(f.filename));
}

json RulesJson(const std::vector<RoutingRule>& rules) {
  json items = json::array();
  for (const auto& r : rules) items.push_back(FZ_JSON(r, id, kind, category, place, unit_id, unit_name, priority));
  return {{"items", std::move(items)}};
}

Result<Reply> ListUnits(Ctx& ctx, IntakeService& s) {
  json items = json::array();
  for (const auto& [id, name] : FZ_TRY(s.Units(ctx.user()))) items.push_back({{"id", id}, {"name", name}});
  return Reply::Json({{"items", std::move(items)}});
}

struct Range {
  EpochSeconds from = 0, to = 0;
};

Result<Range> ReadRange(Ctx& ctx, const Clock& clock) {
  http::QueryReader q(ctx);
  const auto from = q.Time("from");
  const auto to = q.TimeEnd("to");
  FZ_CHECK(q.Finish());
  Range r;
  r.to = to.value_or(LocalMidnight(LocalDateOf(clock.Now())) + 86400);
  r.from = from.value_or(r.to - 30 * 86400);
  return r;
}

Result<Reply> GetStats(Ctx& ctx, IntakeService& s) {
  const Range r = FZ_TRY(ReadRange(ctx, s.clock()));
  const Stats st = FZ_TRY(s.Statistics(ctx.user(), r.from, r.to));
  json kinds = json::array(), units = json::array();
  for (const auto& [k, n] : st.by_kind) kinds.push_back({{"kind", k}, {"name", KindName(k)}, {"count", n}});
  for (const auto& u : st.by_unit) units.push_back(FZ_JSON(u, unit_name, total, met, late));
  return Reply::Json(Merged(FZ_JSON(st, from, to, total, by_hour, by_weekday, satisfaction),
                            {{"by_kind", std::move(kinds)},
                             {"by_unit", std::move(units)},
                             {"deadline", {{"met", st.met}, {"late", st.late}, {"pending", st.pending}}}}));
}

Result<Reply> ExportStats(Ctx& ctx, IntakeService& s) {
  const Range r = FZ_TRY(ReadRange(ctx, s.clock()));
  auto f = FZ_TRY(s.StatsXlsx(ctx.user(), r.from, r.to));
  return Reply::File(std::move(f.bytes), std::move(f.content_type), std::move(f.filename));
}

Result<Reply> ListRules(Ctx& ctx, IntakeService& s) { return Reply::Json(RulesJson(FZ_TRY(s.Rules(ctx.user())))); }

Result<Reply> SaveRules(Ctx& ctx, IntakeService& s) {
  FZ_CHECK(s.CheckBureauWide(ctx.user()));
  JsonInput in(ctx.body());
  auto raw = in.Raw("items", "分流规则", true);
  if (auto e = in.Finish()) return std::unexpected(*e);
  if (!raw->is_array()) return Invalid("“items”应为分流规则的数组", "items", "wrong_type");
  std::vector<RoutingRule> rules;
  for (const auto& el : *raw) {
    if (!el.is_object()) return Invalid("每条分流规则应为对象 {kind, category, place, unit_id}", "items", "wrong_type");
    JsonInput item = JsonInput::FromJson(el);
    RoutingRule r;
    item.Int("id", "编号");
    item.String("unit_name", "单位名称");
    r.kind = item.String("kind", "接报类型", {.max_chars = 20}).value_or("");
    r.category = item.String("category", "类别", {.max_chars = 100}).value_or("");
    r.place = item.String("place", "地点关键词", {.max_chars = 200}).value_or("");
    r.unit_id = item.Int("unit_id", "分流单位", {.required = true, .min = 1}).value_or(0);
    r.priority = static_cast<int>(item.Int("priority", "优先级", {.min = 0, .max = 10000}).value_or(100));
    if (auto e = item.Finish()) return std::unexpected(*e);
    rules.push_back(std::move(r));
  }
  return Reply::Json(RulesJson(FZ_TRY(s.SaveRules(ctx.user(), ctx.Actor(), std::move(rules)))));
}

json SettingsJson(const IntakeSettings& x) {
  return FZ_JSON(x, complaint_days, consult_days, help_days, hall_phone, public_url);
}

Result<Reply> GetSettings(Ctx& ctx, IntakeService& s) {
  return Reply::Json(SettingsJson(FZ_TRY(s.Settings(ctx.user()))));
}

Result<Reply> SaveSettings(Ctx& ctx, IntakeService& s) {
  FZ_CHECK(s.CheckBureauWide(ctx.user()));
  JsonInput in(ctx.body());
  IntakeSettings x;
  x.complaint_days =
      static_cast<int>(in.Int("complaint_days", "投诉办理期限", {.required = true, .min = 1, .max = 90}).value_or(0));
  x.consult_days =
      static_cast<int>(in.Int("consult_days", "咨询办理期限", {.required = true, .min = 1, .max = 90}).value_or(0));
  x.help_days =
      static_cast<int>(in.Int("help_days", "求助办理期限", {.required = true, .min = 1, .max = 90}).value_or(0));
  x.hall_phone = in.String("hall_phone", "大厅联系电话", {.max_chars = 40}).value_or("");
  x.public_url = in.String("public_url", "对外访问地址", {.max_chars = 200}).value_or("");
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(SettingsJson(FZ_TRY(s.SaveSettings(ctx.user(), ctx.Actor(), x))));
}

// ---- 值班表 ----

json PersonJson(const PersonOption& p) { return FZ_JSON(p, id, name, badge_no, unit_name); }

json ShiftJson(const DutyShift& s) {
  json people = json::array();
  for (const auto& p : s.people) people.push_back(FZ_JSON(p, person_id, name, badge_no, unit_name));
  return Merged(FZ_JSON(s, id, hall_unit_id, name, start_at, end_at), {{"people", std::move(people)}});
}

Result<ShiftInput> ReadShift(Ctx& ctx, bool with_hall) {
  JsonInput in(ctx.body());
  ShiftInput x;
  if (with_hall) x.hall_id = in.Int("hall_id", "接报案大厅", {.min = 1});
  x.name = in.String("name", "班次名称", {.required = true, .max_chars = 20}).value_or("");
  const auto start = in.Time("start_at", "开始时间");
  const auto end = in.Time("end_at", "结束时间");
  auto people = in.Raw("person_ids", "值班人员", true);
  if (auto e = in.Finish()) return std::unexpected(*e);
  if (!start) return Invalid("请填写班次开始时间", "start_at", "required");
  if (!end) return Invalid("请填写班次结束时间", "end_at", "required");
  if (!people || !people->is_array() || people->size() > 50)
    return Invalid("“person_ids”应为值班人员编号的数组", "person_ids", "wrong_type");
  for (const auto& el : *people) {
    if (!el.is_number_integer() || el.get<std::int64_t>() < 1)
      return Invalid("值班人员编号应为正整数", "person_ids", "wrong_type");
    x.person_ids.push_back(el.get<std::int64_t>());
  }
  x.start_at = *start;
  x.end_at = *end;
  return x;
}

Result<Reply> GetRoster(Ctx& ctx, IntakeService& s) {
  http::QueryReader q(ctx);
  const auto hall = q.Id("hall_id");
  const auto from = q.Time("from");
  const auto to = q.TimeEnd("to");
  FZ_CHECK(q.Finish());
  // Default: the current week, Monday first.
  const CivilDate today = LocalDateOf(s.clock().Now());
  const int weekday = static_cast<int>(((DaysFromCivil(today) % 7) + 7 + 3) % 7);  // 0 = Monday
  const EpochSeconds monday = LocalMidnight(today) - weekday * 86400LL;
  const EpochSeconds f = from.value_or(monday);
  const DutyRoster r = FZ_TRY(s.Roster(ctx.user(), hall, f, to.value_or(f + 7 * 86400)));
  json shifts = json::array();
  for (const auto& x : r.shifts) shifts.push_back(ShiftJson(x));
  return Reply::Json(Merged(FZ_JSON(r, hall_unit_id, hall_name, from, to), {{"shifts", std::move(shifts)}}));
}

Result<Reply> AddShift(Ctx& ctx, IntakeService& s) {
  const ShiftInput in = FZ_TRY(ReadShift(ctx, true));
  return Reply::Json(ShiftJson(FZ_TRY(s.AddShift(ctx.user(), ctx.Actor(), in))), 201);
}

Result<Reply> UpdateShift(Ctx& ctx, IntakeService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  const ShiftInput in = FZ_TRY(ReadShift(ctx, false));
  return Reply::Json(ShiftJson(FZ_TRY(s.UpdateShift(ctx.user(), ctx.Actor(), id, in))));
}

Result<Reply> DeleteShift(Ctx& ctx, IntakeService& s) {
  FZ_CHECK(s.DeleteShift(ctx.user(), ctx.Actor(), FZ_TRY(ctx.PathId())));
  return Reply::Json({{"ok", true}});
}

Result<Reply> CopyWeek(Ctx& ctx, IntakeService& s) {
  JsonInput in(ctx.body());
  const auto hall = in.Int("hall_id", "接报案大厅", {.min = 1});
  const auto from = in.Time("from", "源周第一天", {.required = true, .form = TimeForm::kDate});
  const auto to = in.Time("to", "目标周第一天", {.form = TimeForm::kDate});
  if (auto e = in.Finish()) return std::unexpected(*e);
  const int n = FZ_TRY(s.CopyWeek(ctx.user(), ctx.Actor(), hall, *from, to.value_or(*from + 7 * 86400)));
  return Reply::Json({{"copied", n}}, 201);
}

Result<Reply> GetOnDuty(Ctx& ctx, IntakeService& s) {
  http::QueryReader q(ctx);
  const auto hall = q.Id("hall_id");
  const auto at = q.Time("at");
  FZ_CHECK(q.Finish());
  const auto r = FZ_TRY(s.OnDutyAt(ctx.user(), hall, at));
  return Reply::Json({{"hall_unit_id", r.duty.hall_unit_id},
                      {"at", r.duty.at},
                      {"shift", r.duty.shift ? ShiftJson(*r.duty.shift) : json()},
                      {"officer", r.officer ? PersonJson(*r.officer) : json()}});
}

Result<Reply> ListPeople(Ctx& ctx, IntakeService& s) {
  http::QueryReader q(ctx);
  const auto text = q.Str("q", 20);
  const auto limit = q.Int("limit", 1, 100);
  FZ_CHECK(q.Finish());
  json items = json::array();
  for (const auto& p : FZ_TRY(s.People(ctx.user(), text.value_or(""), static_cast<int>(limit.value_or(30)))))
    items.push_back(PersonJson(p));
  return Reply::Json({{"items", std::move(items)}});
}

}  // namespace

void RegisterRoutes(http::Router& router, IntakeService& s) {
  http::Routes<IntakeService> r(router, s);
  const auto read = http::Perm(auth::perm::kIntakeRead);
  const auto act = http::Perm(auth::perm::kIntakeDo);
  const auto manage = http::Perm(auth::perm::kIntakeManage);
  r.Get("/api/intake/tickets", read, ListTickets);
  r.Post("/api/intake/tickets", act, Register);
  r.Get("/api/intake/tickets/{id}", read, GetTicket);
  r.Get("/api/intake/tickets/{id}/reporter", act, GetReporter);
  r.Post("/api/intake/tickets/{id}/route", act, RouteTicket);
  r.Post("/api/intake/tickets/{id}/decision", act, DecideTicket);
  r.Post("/api/intake/tickets/{id}/outcome", act, ConcludeTicket);
  r.Post("/api/intake/tickets/{id}/feedback", act, FeedbackTicket);
  r.Post("/api/intake/tickets/{id}/reopen", act, ReopenTicket);
  r.Post("/api/intake/tickets/{id}/evidence", act, AddEvidence);
  r.Post("/api/intake/tickets/{id}/case", act, MakeCase);
  r.Get("/api/intake/tickets/{id}/receipt/docx", act, ReceiptDocx);
  r.Get("/api/intake/tickets/{id}/receipt/print", act, ReceiptPrint);
  r.Get("/api/intake/files/{id}", read, DownloadFile);
  r.Post("/api/public/intake/lookup", http::kPublic, PublicLookup);
  r.Get("/api/intake/units", read, ListUnits);
  r.Get("/api/intake/stats", read, GetStats);
  r.Get("/api/intake/stats.xlsx", read, ExportStats);
  r.Get("/api/intake/rules", read, ListRules);
  r.Put("/api/intake/rules", manage, SaveRules);
  r.Get("/api/intake/settings", read, GetSettings);
  r.Put("/api/intake/settings", manage, SaveSettings);
  r.Get("/api/intake/duty", read, GetRoster);
  r.Get("/api/intake/duty/now", read, GetOnDuty);
  r.Post("/api/intake/duty/shifts", manage, AddShift);
  r.Put("/api/intake/duty/shifts/{id}", manage, UpdateShift);
  r.Delete("/api/intake/duty/shifts/{id}", manage, DeleteShift);
  r.Post("/api/intake/duty/copy-week", manage, CopyWeek);
  r.Get("/api/intake/people", read, ListPeople);
}

}  // namespace fazhi::intake
