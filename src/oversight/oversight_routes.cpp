#include "oversight/oversight_routes.h"

#include <fmt/format.h>

#include "auth/roles.h"
#include "core/json_input.h"
#include "core/local_time.h"

namespace fazhi::oversight {

using http::Access;
using http::Ctx;
using http::Reply;
using nlohmann::json;

namespace {

json Opt(const std::optional<std::int64_t>& v) { return v ? json(*v) : json(); }
json Local(const std::optional<std::int64_t>& v) { return v ? json(FormatLocalDateTime(*v)) : json(); }

json RatioJson(const Ratio& r) {
  return {{"num", r.num},
          {"den", r.den},
          {"rate", r.den ? json(static_cast<double>(r.num) / static_cast<double>(r.den)) : json()}};
}

json MetricRowJson(const MetricRow& r) {
  return {{"id", r.id},
          {"name", r.name},
          {"unit_id", Opt(r.unit_id)},
          {"body_camera", RatioJson(r.body_camera)},
          {"area_av", RatioJson(r.area_av)},
          {"property_24h", RatioJson(r.property_24h)},
          {"reviews_complete", RatioJson(r.reviews_complete)},
          {"orders_on_time", RatioJson(r.orders_on_time)},
          {"cases", r.cases},
          {"violations", r.violations},
          {"violations_per_100",
           r.cases ? json(100.0 * static_cast<double>(r.violations) / static_cast<double>(r.cases)) : json()}};
}

json VersionsJson(const ConfigDocument& d) {
  json items = json::array();
  for (const auto& v : d.versions)
    items.push_back({{"version", v.version},
                     {"note", v.note},
                     {"created_by", Opt(v.created_by)},
                     {"created_by_name", v.created_by_name},
                     {"created_at", v.created_at},
                     {"created_at_local", FormatLocalDateTime(v.created_at)},
                     {"active", v.active}});
  return items;
}

json AttachmentJson(const Attachment& a) {
  return {{"id", a.id},
          {"filename", a.filename},
          {"content_type", a.content_type},
          {"size", a.size},
          {"sha256", a.sha256},
          {"uploaded_by", Opt(a.uploaded_by)},
          {"uploaded_at", a.uploaded_at},
          {"url", fmt::format("/api/attachments/{}", a.id)}};
}

json NotificationJson(const Notification& n) {
  return {{"id", n.id},        {"case_id", Opt(n.case_id)},       {"kind", n.kind},
          {"title", n.title},  {"body", n.body},                  {"created_at", n.created_at},
          {"read_at", Opt(n.read_at)}, {"read", n.read_at.has_value()}};
}

json ViolationJson(const Violation& v) {
  return {{"id", v.id},
          {"case_id", v.case_id},
          {"case_title", v.case_title},
          {"unit_id", v.unit_id},
          {"unit_name", v.unit_name},
          {"officer_id", Opt(v.officer_id)},
          {"officer_name", v.officer_name},
          {"rule_id", v.rule_id},
          {"clock_key", v.clock_key},
          {"kind", v.kind},
          {"severity", v.severity},
          {"due_at", Opt(v.due_at)},
          {"due_local", Local(v.due_at)},
          {"detected_at", v.detected_at},
          {"message", v.message},
          {"legal_basis", v.legal_basis}};
}

// "1,2" style list of states.
std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= s.size()) {
    auto comma = s.find(',', pos);
    if (comma == std::string::npos) comma = s.size();
    std::string item = s.substr(pos, comma - pos);
    if (!item.empty()) out.push_back(item);
    pos = comma + 1;
  }
  return out;
}

// A time given as epoch seconds or as local text ("2024-03-04 22:30" / "2024-03-04").
Result<std::optional<EpochSeconds>> QueryTime(const Ctx& ctx, const std::string& name) {
  auto v = ctx.Query(name);
  if (!v) return std::optional<EpochSeconds>();
  if (!v->empty() && std::all_of(v->begin(), v->end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    return std::optional<EpochSeconds>(std::stoll(*v));
  auto t = ParseLocalDateTime(*v);
  if (!t) return Invalid("时间“" + *v + "”格式不对，应为 2024-03-04 或 2024-03-04 08:00", name, "invalid_time");
  return std::optional<EpochSeconds>(*t);
}

// Reads a time field of a JSON body: an integer (epoch seconds) or local text.
std::optional<EpochSeconds> BodyTime(JsonInput& in, const std::string& key, std::string_view label, bool required) {
  auto raw = in.Raw(key, label, required);
  if (!raw) return std::nullopt;
  if (raw->is_number_integer()) return raw->get<std::int64_t>();
  if (raw->is_string())
    if (auto t = ParseLocalDateTime(raw->get<std::string>())) return *t;
  in.Reject(Error{ErrorCode::kInvalidArgument,
                  fmt::format("{}格式不对，应为 “2024-03-04 18:00” 或 UTC 秒数", label), key, "invalid_time"});
  return std::nullopt;
}

Access Perm(std::string_view p) { return Access{.permission = std::string(p)}; }

// Body of PUT /api/oversight/catalog or /calendar: {<key>: object|string, note?, activate?}.
struct ConfigPut {
  std::string text, note;
  bool activate = true;
};
Result<ConfigPut> ParseConfigPut(const Ctx& ctx, const std::string& key, std::string_view label) {
  JsonInput in(ctx.body());
  auto doc = in.Raw(key, label, true);
  ConfigPut p;
  p.note = in.String("note", "修改说明", {.max_chars = 500}).value_or("");
  p.activate = in.Bool("activate", "立即启用").value_or(true);
  if (auto e = in.Finish()) return std::unexpected(*e);
  if (doc->is_string())
    p.text = doc->get<std::string>();
  else if (doc->is_object())
    p.text = doc->dump(1);
  else
    return Invalid(fmt::format("“{}”必须是 JSON 对象", key), key, "wrong_type");
  return p;
}

Result<Reply> OrderReply(const Result<Order>& o, int status = 200) {
  if (!o) return std::unexpected(o.error());
  return Reply::Json(OrderJson(*o), status);
}

}  // namespace

json AlertJson(const Alert& a) {
  return {{"id", a.id},
          {"case_id", a.case_id},
          {"case_title", a.case_title},
          {"case_external_id", a.case_external_id},
          {"unit_id", a.unit_id},
          {"unit_name", a.unit_name},
          {"lead_officer_id", Opt(a.lead_officer_id)},
          {"lead_officer_name", a.lead_officer_name},
          {"rule_id", a.rule_id},
          {"rule_name", a.rule_name},
          {"clock_key", a.clock_key},
          {"state", a.state},
          {"due_at", Opt(a.due_at)},
          {"due_local", Local(a.due_at)},
          {"pre_warn_at", Opt(a.pre_warn_at)},
          {"pre_warn_local", Local(a.pre_warn_at)},
          {"since", Opt(a.since)},
          {"person_ref", a.person_ref.empty() ? json() : json(a.person_ref)},
          {"trigger_event_id", Opt(a.trigger_event_id)},
          {"message", a.message},
          {"legal_basis", a.legal_basis},
          {"updated_at", a.updated_at}};
}

json OrderJson(const Order& o) {
  json steps = json::array();
  for (const auto& s : o.steps) {
    json files = json::array();
    for (const auto& f : s.attachments) files.push_back(AttachmentJson(f));
    steps.push_back({{"id", s.id},
                     {"action", s.action},
                     {"note", s.note},
                     {"actor_user_id", Opt(s.actor_user_id)},
                     {"actor_name", s.actor_name},
                     {"at", s.at},
                     {"attachments", files}});
  }
  return {{"id", o.id},
          {"case_id", o.case_id},
          {"case_title", o.case_title},
          {"unit_id", o.unit_id},
          {"unit_name", o.unit_name},
          {"source", o.source},
          {"source_id", Opt(o.source_id)},
          {"problem_type", o.problem_type},
          {"opinion", o.opinion},
          {"responsible_person_id", Opt(o.responsible_person_id)},
          {"responsible_name", o.responsible_name},
          {"deadline", o.deadline},
          {"deadline_local", FormatLocalDateTime(o.deadline)},
          {"status", o.status},
          {"suspend_reason", o.suspend_reason},
          {"created_by", Opt(o.created_by)},
          {"created_at", o.created_at},
          {"answered_at", Opt(o.answered_at)},
          {"closed_at", Opt(o.closed_at)},
          {"updated_at", o.updated_at},
          {"overdue", o.overdue},
          {"steps", steps}};
}

json ReviewJson(const Review& r) {
  json findings = json::array();
  for (const auto& f : r.findings)
    findings.push_back(
        {{"id", f.id}, {"category", f.category}, {"severity", f.severity}, {"description", f.description}});
  return {{"id", r.id},
          {"case_id", r.case_id},
          {"stage", r.stage},
          {"verdict", r.verdict},
          {"comment", r.comment},
          {"reviewer_user_id", Opt(r.reviewer_user_id)},
          {"reviewer_name", r.reviewer_name},
          {"reviewer_person_id", Opt(r.reviewer_person_id)},
          {"created_at", r.created_at},
          {"findings", findings}};
}

json MetricsJson(const MetricsReport& r) {
  json units = json::array(), officers = json::array(), trend = json::array();
  for (const auto& u : r.units) units.push_back(MetricRowJson(u));
  for (const auto& o : r.officers) officers.push_back(MetricRowJson(o));
  for (const auto& [label, row] : r.trend) {
    json t = MetricRowJson(row);
    t["month"] = label;
    trend.push_back(std::move(t));
  }
  return {{"month", r.month},
          {"unit_id", Opt(r.unit_id)},
          {"units", units},
          {"officers", officers},
          {"total", MetricRowJson(r.total)},
          {"trend", trend}};
}

void RegisterRoutes(http::Router& r, OversightService& s) {
  const Access kSignedIn{};
  const Access kRead = Perm(auth::perm::kCaseRead);
  const Access kAdmin = Perm(auth::perm::kRuleAdmin);
  const Access kReview = Perm(auth::perm::kCaseReview);

  // ---- 监管配置 ----
  for (bool catalog : {true, false}) {
    const std::string base = catalog ? "/api/oversight/catalog" : "/api/oversight/calendar";
    const std::string key = catalog ? "catalog" : "calendar";
    r.Get(base, kRead, [&s, catalog, key](Ctx&) -> Result<Reply> {
      auto d = catalog ? s.GetCatalog() : s.GetCalendar();
      if (!d) return std::unexpected(d.error());
      json doc = json::parse(d->document, nullptr, false);
      return Reply::Json({{"active_version", d->active_version},
                          {key, doc.is_discarded() ? json() : doc},
                          {"versions", VersionsJson(*d)}});
    });
    r.Put(base, kAdmin, [&s, catalog, key](Ctx& ctx) -> Result<Reply> {
      auto p = ParseConfigPut(ctx, key, catalog ? "规则目录" : "节假日日历");
      if (!p) return std::unexpected(p.error());
      auto v = catalog ? s.SaveCatalog(ctx.user(), ctx.Actor(), p->text, p->note, p->activate)
                       : s.SaveCalendar(ctx.user(), ctx.Actor(), p->text, p->note, p->activate);
      if (!v) return std::unexpected(v.error());
      return Reply::Json({{"version", *v}, {"active", p->activate}}, 201);
    });
    r.Get(base + "/versions/{version}", kRead, [&s, catalog, key](Ctx& ctx) -> Result<Reply> {
      auto v = ctx.PathId("version");
      if (!v) return std::unexpected(v.error());
      auto text = catalog ? s.GetCatalogVersion(*v) : s.GetCalendarVersion(*v);
      if (!text) return std::unexpected(text.error());
      return Reply::Json({{"version", *v}, {key, json::parse(*text, nullptr, false)}});
    });
    r.Post(base + "/versions/{version}/activate", kAdmin, [&s, catalog](Ctx& ctx) -> Result<Reply> {
      auto v = ctx.PathId("version");
      if (!v) return std::unexpected(v.error());
      auto ok = catalog ? s.ActivateCatalog(ctx.user(), ctx.Actor(), *v) : s.ActivateCalendar(ctx.user(), ctx.Actor(), *v);
      if (!ok) return std::unexpected(ok.error());
      return Reply::Json({{"ok", true}, {"active_version", *v}});
    });
  }

  // The background re-evaluation (started by every activation above, or here by hand).
  auto job_json = [](const ReevaluationJob& j) {
    auto t = [](EpochSeconds v) { return v ? std::optional<std::int64_t>(v) : std::nullopt; };
    return json{{"state", j.state},
                {"reason", j.reason},
                {"open_only", j.open_only},
                {"cases_done", j.cases_done},
                {"cases_total", j.cases_total},
                {"cases_written", j.cases_written},
                {"cases_failed", j.cases_failed},
                {"started_at", t(j.started_at) ? json(j.started_at) : json()},
                {"started_at_local", Local(t(j.started_at))},
                {"finished_at", t(j.finished_at) ? json(j.finished_at) : json()},
                {"finished_at_local", Local(t(j.finished_at))},
                {"error", j.error},
                {"queued", j.queued}};
  };
  r.Get("/api/oversight/reevaluation", kRead, [&s, job_json](Ctx&) -> Result<Reply> {
    return Reply::Json(job_json(s.GetReevaluation()));
  });
  r.Post("/api/oversight/reevaluation", kAdmin, [&s, job_json](Ctx& ctx) -> Result<Reply> {
    JsonInput in(ctx.body().empty() ? std::string_view("{}") : std::string_view(ctx.body()));
    const bool open_only = in.Bool("open_only", "只评估未结案件").value_or(true);
    if (auto e = in.Finish()) return std::unexpected(*e);
    auto job = s.StartReevaluation(ctx.Actor(), open_only, "管理员手动启动");
    if (!job) return std::unexpected(job.error());
    return Reply::Json(job_json(*job), 202);
  });

  r.Get("/api/oversight/review-gates", kRead, [&s](Ctx&) -> Result<Reply> {
    auto g = s.GetReviewGates();
    if (!g) return std::unexpected(g.error());
    json items = json::array();
    for (const auto& x : *g) items.push_back({{"case_type", x.case_type}, {"to", x.to}, {"stage", x.stage}});
    return Reply::Json({{"gates", items}});
  });
  r.Put("/api/oversight/review-gates", kAdmin, [&s](Ctx& ctx) -> Result<Reply> {
    JsonInput in(ctx.body());
    auto raw = in.Raw("gates", "审核关口", true);
    if (auto e = in.Finish()) return std::unexpected(*e);
    if (!raw->is_array()) return Invalid("“gates”必须是数组", "gates", "wrong_type");
    std::vector<ReviewGate> gates;
    for (std::size_t i = 0; i < raw->size(); ++i) {
      const auto& g = (*raw)[i];
      if (!g.is_object()) return Invalid(fmt::format("审核关口第 {} 行必须是对象", i + 1), fmt::format("gates[{}]", i));
      JsonInput row = JsonInput::FromJson(g);
      ReviewGate x;
      x.case_type = row.String("case_type", "案件类型", {.required = true, .max_chars = 32}).value_or("");
      x.to = row.String("to", "目标状态", {.required = true, .min_chars = 1, .max_chars = 64}).value_or("");
      x.stage = row.String("stage", "审核环节", {.required = true, .max_chars = 32}).value_or("");
      if (auto e = row.Finish()) {
        e->field = fmt::format("gates[{}].{}", i, e->field);
        e->message = fmt::format("审核关口第 {} 行：{}", i + 1, e->message);
        return std::unexpected(*e);
      }
      gates.push_back(std::move(x));
    }
    auto ok = s.SetReviewGates(ctx.user(), ctx.Actor(), gates);
    if (!ok) return std::unexpected(ok.error());
    return Reply::Json({{"ok", true}});
  });

  r.Post("/api/oversight/sweep", kAdmin, [&s](Ctx&) -> Result<Reply> {
    auto rep = s.Sweep();
    if (!rep) return std::unexpected(rep.error());
    return Reply::Json({{"cases_evaluated", rep->cases_evaluated},
                        {"cases_failed", rep->cases_failed},
                        {"notifications", rep->notifications},
                        {"orders_overdue", rep->orders_overdue},
                        {"rules_reloaded", rep->rules_reloaded}});
  });

  // ---- 告警中心 ----
  r.Get("/api/alerts", kRead, [&s](Ctx& ctx) -> Result<Reply> {
    auto page = ctx.Page({"due_at", "updated_at", "rule_id", "state"});
    if (!page) return std::unexpected(page.error());
    AlertFilter f;
    if (auto st = ctx.Query("state")) f.states = SplitList(*st);
    f.rule_id = ctx.Query("rule_id");
    for (auto [name, slot] : {std::pair{"unit_id", &f.unit_id}, std::pair{"officer_id", &f.officer_id},
                              std::pair{"case_id", &f.case_id}}) {
      auto v = ctx.QueryInt(name);
      if (!v) return std::unexpected(v.error());
      *slot = *v;
    }
    auto from = QueryTime(ctx, "due_from");
    if (!from) return std::unexpected(from.error());
    auto to = QueryTime(ctx, "due_to");
    if (!to) return std::unexpected(to.error());
    f.due_from = *from;
    f.due_to = *to;
    auto list = s.ListAlerts(ctx.user(), f, *page);
    if (!list) return std::unexpected(list.error());
    json items = json::array();
    for (const auto& a : list->items) items.push_back(AlertJson(a));
    return Reply::Json(http::PagedJson(std::move(items), list->total, *page));
  });

  r.Get("/api/cases/{id}/alerts", kRead, [&s](Ctx& ctx) -> Result<Reply> {
    auto id = ctx.PathId();
    if (!id) return std::unexpected(id.error());
    auto list = s.CaseAlerts(ctx.user(), *id);
    if (!list) return std::unexpected(list.error());
    json items = json::array();
    for (const auto& a : *list) items.push_back(AlertJson(a));
    return Reply::Json({{"case_id", *id}, {"items", items}});
  });

  r.Get("/api/violations", kRead, [&s](Ctx& ctx) -> Result<Reply> {
    auto page = ctx.Page({"detected_at"});
    if (!page) return std::unexpected(page.error());
    ViolationFilter f;
    f.rule_id = ctx.Query("rule_id");
    for (auto [name, slot] : {std::pair{"unit_id", &f.unit_id}, std::pair{"officer_id", &f.officer_id},
                              std::pair{"case_id", &f.case_id}}) {
      auto v = ctx.QueryInt(name);
      if (!v) return std::unexpected(v.error());
      *slot = *v;
    }
    auto from = QueryTime(ctx, "from");
    if (!from) return std::unexpected(from.error());
    auto to = QueryTime(ctx, "to");
    if (!to) return std::unexpected(to.error());
    f.from = *from;
    f.to = *to;
    auto list = s.ListViolations(ctx.user(), f, *page);
    if (!list) return std::unexpected(list.error());
    json items = json::array();
    for (const auto& v : list->items) items.push_back(ViolationJson(v));
    return Reply::Json(http::PagedJson(std::move(items), list->total, *page));
  });

  // ---- 通知中心 ----
  r.Get("/api/notifications", kSignedIn, [&s](Ctx& ctx) -> Result<Reply> {
    auto page = ctx.Page({"created_at"});
    if (!page) return std::unexpected(page.error());
    const bool unread = ctx.Query("unread").value_or("0") == "1";
    auto list = s.ListNotifications(ctx.user(), unread, *page);
    if (!list) return std::unexpected(list.error());
    json items = json::array();
    for (const auto& n : list->items) items.push_back(NotificationJson(n));
    return Reply::Json(http::PagedJson(std::move(items), list->total, *page));
  });
  r.Get("/api/notifications/unread-count", kSignedIn, [&s](Ctx& ctx) -> Result<Reply> {
    auto n = s.UnreadCount(ctx.user());
    if (!n) return std::unexpected(n.error());
    return Reply::Json({{"unread", *n}});
  });
  r.Post("/api/notifications/read-all", kSignedIn, [&s](Ctx& ctx) -> Result<Reply> {
    auto n = s.MarkAllRead(ctx.user());
    if (!n) return std::unexpected(n.error());
    return Reply::Json({{"ok", true}, {"marked", *n}});
  });
  r.Post("/api/notifications/{id}/read", kSignedIn, [&s](Ctx& ctx) -> Result<Reply> {
    auto id = ctx.PathId();
    if (!id) return std::unexpected(id.error());
    auto ok = s.MarkRead(ctx.user(), *id);
    if (!ok) return std::unexpected(ok.error());
    return Reply::Json({{"ok", true}});
  });

  // ---- 督办 ----
  r.Get("/api/supervision-orders", kSignedIn, [&s](Ctx& ctx) -> Result<Reply> {
    auto page = ctx.Page({"deadline", "created_at", "updated_at"});
    if (!page) return std::unexpected(page.error());
    OrderFilter f;
    f.status = ctx.Query("status");
    for (auto [name, slot] : {std::pair{"unit_id", &f.unit_id}, std::pair{"person_id", &f.person_id},
                              std::pair{"case_id", &f.case_id}}) {
      auto v = ctx.QueryInt(name);
      if (!v) return std::unexpected(v.error());
      *slot = *v;
    }
    f.overdue_only = ctx.Query("overdue").value_or("0") == "1";
    f.mine = ctx.Query("mine").value_or("0") == "1";
    auto list = s.ListOrders(ctx.user(), f, *page);
    if (!list) return std::unexpected(list.error());
    json items = json::array();
    for (const auto& o : list->items) items.push_back(OrderJson(o));
    return Reply::Json(http::PagedJson(std::move(items), list->total, *page));
  });

  r.Post("/api/supervision-orders", kReview, [&s](Ctx& ctx) -> Result<Reply> {
    JsonInput in(ctx.body());
    NewOrder o;
    o.source = in.Enum("source", "督办来源", {"violation", "review", "manual"}).value_or("manual");
    o.source_id = in.Int("source_id", "来源编号", {.min = 1});
    o.case_id = in.Int("case_id", "案件", {.min = 1});
    o.problem_type = in.String("problem_type", "问题类型", {.max_chars = 32}).value_or("");
    o.opinion = in.String("opinion", "整改意见", {.required = true, .min_chars = 1, .max_chars = 2000}).value_or("");
    o.responsible_person_id = in.Int("responsible_person_id", "责任民警", {.min = 1});
    o.deadline = BodyTime(in, "deadline", "整改期限", true).value_or(0);
    if (auto e = in.Finish()) return std::unexpected(*e);
    return OrderReply(s.CreateOrder(ctx.user(), ctx.Actor(), o), 201);
  });

  r.Get("/api/supervision-orders/{id}", kSignedIn, [&s](Ctx& ctx) -> Result<Reply> {
    auto id = ctx.PathId();
    if (!id) return std::unexpected(id.error());
    return OrderReply(s.GetOrder(ctx.user(), *id));
  });

  r.Post("/api/supervision-orders/{id}/answer", kSignedIn, [&s](Ctx& ctx) -> Result<Reply> {
    auto id = ctx.PathId();
    if (!id) return std::unexpected(id.error());
    std::string text;
    std::vector<Upload> files;
    const auto& req = ctx.req();
    if (req.is_multipart_form_data()) {
      for (const auto& [name, part] : req.files) {
        if (part.filename.empty()) {
          if (name == "text") text = part.content;
          else return Invalid(fmt::format("不认识的表单字段“{}”", name), name, "unknown_field");
        } else if (name == "file" || name == "files") {
          files.push_back({part.filename, part.content_type, part.content});
        } else {
          return Invalid(fmt::format("附件应使用字段名 file，而不是“{}”", name), name, "unknown_field");
        }
      }
    } else {
      JsonInput in(ctx.body());
      text = in.String("text", "整改情况", {.required = true, .min_chars = 1, .max_chars = 2000}).value_or("");
      if (auto e = in.Finish()) return std::unexpected(*e);
    }
    return OrderReply(s.AnswerOrder(ctx.user(), ctx.Actor(), *id, text, files));
  });

  for (const char* action : {"close", "return", "suspend", "resume"}) {
    r.Post(fmt::format("/api/supervision-orders/{{id}}/{}", action), kReview, [&s, action](Ctx& ctx) -> Result<Reply> {
      auto id = ctx.PathId();
      if (!id) return std::unexpected(id.error());
      const std::string a = action;
      JsonInput in(ctx.body().empty() ? std::string_view("{}") : std::string_view(ctx.body()));
      const bool suspend = a == "suspend";
      auto note = in.String(suspend ? "reason" : "note", suspend ? "挂起原因" : "说明",
                            {.required = suspend || a == "return", .min_chars = (suspend || a == "return") ? 1 : 0,
                             .max_chars = 2000})
                      .value_or("");
      std::optional<EpochSeconds> deadline;
      if (a == "return") deadline = BodyTime(in, "deadline", "新的整改期限", false);
      if (auto e = in.Finish()) return std::unexpected(*e);
      if (a == "close") return OrderReply(s.CloseOrder(ctx.user(), ctx.Actor(), *id, note));
      if (a == "return") return OrderReply(s.ReturnOrder(ctx.user(), ctx.Actor(), *id, note, deadline));
      if (a == "suspend") return OrderReply(s.SuspendOrder(ctx.user(), ctx.Actor(), *id, note));
      return OrderReply(s.ResumeOrder(ctx.user(), ctx.Actor(), *id, note));
    });
  }

  r.Get("/api/attachments/{id}", kSignedIn, [&s](Ctx& ctx) -> Result<Reply> {
    auto id = ctx.PathId();
    if (!id) return std::unexpected(id.error());
    auto f = s.ReadAttachment(ctx.user(), *id);
    if (!f) return std::unexpected(f.error());
    Reply reply = Reply::File(std::move(f->second), f->first.content_type, f->first.filename);
    reply.headers.emplace_back("X-Content-SHA256", f->first.sha256);
    return reply;
  });

  // ---- 法制员审核 ----
  r.Get("/api/cases/{id}/reviews", kRead, [&s](Ctx& ctx) -> Result<Reply> {
    auto id = ctx.PathId();
    if (!id) return std::unexpected(id.error());
    auto list = s.CaseReviews(ctx.user(), *id);
    if (!list) return std::unexpected(list.error());
    json items = json::array();
    for (const auto& rv : *list) items.push_back(ReviewJson(rv));
    return Reply::Json({{"case_id", *id}, {"items", items}});
  });

  r.Post("/api/cases/{id}/reviews", kReview, [&s](Ctx& ctx) -> Result<Reply> {
    auto id = ctx.PathId();
    if (!id) return std::unexpected(id.error());
    JsonInput in(ctx.body());
    NewReview rv;
    rv.stage = in.Enum("stage", "审核环节", {"accept", "file", "coercive", "prosecution"}, true).value_or("");
    rv.verdict = in.Enum("verdict", "审核结论", {"pass", "fix_required", "reject"}, true).value_or("");
    rv.comment = in.String("comment", "审核意见", {.max_chars = 2000}).value_or("");
    auto findings = in.Raw("findings", "审核发现的问题");
    if (auto e = in.Finish()) return std::unexpected(*e);
    if (findings) {
      if (!findings->is_array()) return Invalid("“findings”必须是数组", "findings", "wrong_type");
      for (std::size_t i = 0; i < findings->size(); ++i) {
        const auto& fj = (*findings)[i];
        if (!fj.is_object()) return Invalid(fmt::format("第 {} 个问题必须是对象", i + 1), fmt::format("findings[{}]", i));
        JsonInput fi = JsonInput::FromJson(fj);
        Finding f;
        f.category = fi.Enum("category", "问题类别", {"evidence", "procedure", "characterization"}, true).value_or("");
        f.severity = fi.Enum("severity", "严重程度", {"normal", "serious"}).value_or("normal");
        f.description = fi.String("description", "问题描述", {.required = true, .min_chars = 1, .max_chars = 2000})
                            .value_or("");
        if (auto e = fi.Finish()) {
          e->field = fmt::format("findings[{}].{}", i, e->field);
          e->message = fmt::format("第 {} 个问题：{}", i + 1, e->message);
          return std::unexpected(*e);
        }
        rv.findings.push_back(std::move(f));
      }
    }
    auto created = s.AddReview(ctx.user(), ctx.Actor(), *id, rv);
    if (!created) return std::unexpected(created.error());
    return Reply::Json(ReviewJson(*created), 201);
  });

  // ---- 平台应用考核 ----
  r.Get("/api/metrics", kRead, [&s](Ctx& ctx) -> Result<Reply> {
    auto month = ctx.Query("month");
    if (!month) return Invalid("请指定月份，例如 month=2023-07", "month");
    auto unit = ctx.QueryInt("unit_id");
    if (!unit) return std::unexpected(unit.error());
    auto rep = s.Metrics(ctx.user(), *month, *unit);
    if (!rep) return std::unexpected(rep.error());
    return Reply::Json(MetricsJson(*rep));
  });
  r.Get("/api/metrics/export", kRead, [&s](Ctx& ctx) -> Result<Reply> {
    auto month = ctx.Query("month");
    if (!month) return Invalid("请指定月份，例如 month=2023-07", "month");
    auto unit = ctx.QueryInt("unit_id");
    if (!unit) return std::unexpected(unit.error());
    auto bytes = s.MetricsXlsx(ctx.user(), *month, *unit);
    if (!bytes) return std::unexpected(bytes.error());
    return Reply::File(std::move(*bytes), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       fmt::format("平台应用考核_{}.xlsx", *month));
  });
}

}  // namespace fazhi::oversight
