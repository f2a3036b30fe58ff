#include "oversight/oversight_routes.h"

#include <fmt/format.h>

#include "auth/roles.h"
#include "cases/state_machine.h"
#include "core/json_fields.h"
#include "core/json_input.h"
#include "core/local_time.h"
#include "files/attachments.h"
#include "files/document_html.h"
#include "files/docx.h"
#include "http/json_opt.h"
#include "http/query.h"
#include "oversight/internal.h"

namespace fazhi::oversight {

using http::Ctx;
using http::Reply;
using nlohmann::json;

namespace {

json Local(const std::optional<std::int64_t>& v) { return v ? json(FormatLocalDateTime(*v)) : json(); }
// 0 = not set.
json OptTime(EpochSeconds t) { return t ? json(t) : json(); }
json LocalTime(EpochSeconds t) { return t ? json(FormatLocalDateTime(t)) : json(); }

json RatioJson(const Ratio& r) {
  return {{"num", r.num},
          {"den", r.den},
          {"rate", r.den ? json(static_cast<double>(r.num) / static_cast<double>(r.den)) : json()}};
}

json MetricRowJson(const MetricRow& r) {
  return Merged(FZ_JSON(r, id, name, unit_id, cases, violations),
                {{"body_camera", RatioJson(r.body_camera)},
                 {"area_av", RatioJson(r.area_av)},
                 {"property_24h", RatioJson(r.property_24h)},
                 {"reviews_complete", RatioJson(r.reviews_complete)},
                 {"orders_on_time", RatioJson(r.orders_on_time)},
                 {"violations_per_100",
                  r.cases ? json(100.0 * static_cast<double>(r.violations) / static_cast<double>(r.cases)) : json()}});
}

json VersionsJson(const ConfigDocument& d) {
  json items = json::array();
  for (const auto& v : d.versions)
    items.push_back(Merged(FZ_JSON(v, version, note, created_by, created_by_name, created_at, active),
                           {{"created_at_local", FormatLocalDateTime(v.created_at)}}));
  return items;
}

json ViolationJson(const Violation& v) {
  return Merged(FZ_JSON(v, id, case_id, case_title, unit_id, unit_name, officer_id, officer_name, rule_id, clock_key,
                        kind, severity, due_at, detected_at, message, legal_basis),
                {{"due_local", Local(v.due_at)}});
}

json ReevaluationJson(const ReevaluationJob& j) {
  return Merged(
      FZ_JSON(j, state, reason, open_only, cases_done, cases_total, cases_written, cases_failed, error, queued),
      {{"started_at", OptTime(j.started_at)},
       {"started_at_local", LocalTime(j.started_at)},
       {"finished_at", OptTime(j.finished_at)},
       {"finished_at_local", LocalTime(j.finished_at)}});
}

// ---- 监管配置 (kCatalog: the rule catalog; otherwise the holiday calendar) ----

template <bool kCatalog>
constexpr const char* kKey = kCatalog ? "catalog" : "calendar";

template <bool kCatalog>
Result<Reply> GetConfig(Ctx&, OversightService& s) {
  const ConfigDocument d = FZ_TRY(kCatalog ? s.GetCatalog() : s.GetCalendar());
  json doc = json::parse(d.document, nullptr, false);
  json out = {{"active_version", d.active_version},
              {kKey<kCatalog>, doc.is_discarded() ? json() : doc},
              {"versions", VersionsJson(d)}};
  if constexpr (kCatalog) out["legal_limits"] = json::parse(detail::LegalLimitsJson());
  return Reply::Json(out);
}

// Body: {<catalog|calendar>: object or JSON text, note?, activate?=true}.
template <bool kCatalog>
Result<Reply> PutConfig(Ctx& ctx, OversightService& s) {
  FZ_CHECK(s.CheckBureauWide(ctx.user()));
  const std::string key = kKey<kCatalog>;
  JsonInput in(ctx.body());
  auto doc = in.Raw(key, kCatalog ? "规则目录" : "节假日日历", true);
  const std::string note = in.String("note", "修改说明", {.max_chars = 500}).value_or("");
  const bool activate = in.Bool("activate", "立即启用").value_or(true);
  if (auto e = in.Finish()) return std::unexpected(*e);
  std::string text;
  if (doc->is_string())
    text = doc->get<std::string>();
  else if (doc->is_object())
    text = doc->dump(1);
  else
    return Invalid(fmt::format("“{}”必须是 JSON 对象", key), key, "wrong_type");
  const std::int64_t version = FZ_TRY(kCatalog ? s.SaveCatalog(ctx.user(), ctx.Actor(), text, note, activate)
                                               : s.SaveCalendar(ctx.user(), ctx.Actor(), text, note, activate));
  return Reply::Json({{"version", version}, {"active", activate}}, 201);
}

template <bool kCatalog>
Result<Reply> GetConfigVersion(Ctx& ctx, OversightService& s) {
  const std::int64_t v = FZ_TRY(ctx.PathId("version"));
  const std::string text = FZ_TRY(kCatalog ? s.GetCatalogVersion(v) : s.GetCalendarVersion(v));
  return Reply::Json({{"version", v}, {kKey<kCatalog>, json::parse(text, nullptr, false)}});
}

template <bool kCatalog>
Result<Reply> ActivateConfig(Ctx& ctx, OversightService& s) {
  FZ_CHECK(s.CheckBureauWide(ctx.user()));
  const std::int64_t v = FZ_TRY(ctx.PathId("version"));
  FZ_CHECK(kCatalog ? s.ActivateCatalog(ctx.user(), ctx.Actor(), v) : s.ActivateCalendar(ctx.user(), ctx.Actor(), v));
  return Reply::Json({{"ok", true}, {"active_version", v}});
}

Result<Reply> GetReevaluation(Ctx&, OversightService& s) { return Reply::Json(ReevaluationJson(s.GetReevaluation())); }

Result<Reply> StartReevaluation(Ctx& ctx, OversightService& s) {
  FZ_CHECK(s.CheckBureauWide(ctx.user()));
  JsonInput in(ctx.body().empty() ? std::string_view("{}") : std::string_view(ctx.body()));
  const bool open_only = in.Bool("open_only", "只评估未结案件").value_or(true);
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(ReevaluationJson(FZ_TRY(s.StartReevaluation(ctx.Actor(), open_only, "管理员手动启动"))), 202);
}

Result<Reply> GetReviewGates(Ctx&, OversightService& s) {
  json items = json::array();
  for (const auto& x : FZ_TRY(s.GetReviewGates())) items.push_back(FZ_JSON(x, case_type, to, stage));
  return Reply::Json({{"gates", items}});
}

Result<Reply> PutReviewGates(Ctx& ctx, OversightService& s) {
  FZ_CHECK(s.CheckBureauWide(ctx.user()));
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
  FZ_CHECK(s.SetReviewGates(ctx.user(), ctx.Actor(), gates));
  return Reply::Json({{"ok", true}});
}

Result<Reply> RunSweep(Ctx& ctx, OversightService& s) {
  FZ_CHECK(s.CheckBureauWide(ctx.user()));
  const SweepReport rep = FZ_TRY(s.Sweep());
  return Reply::Json(FZ_JSON(rep, cases_evaluated, cases_failed, notifications, orders_overdue, rules_reloaded));
}

// ---- 告警中心 ----

AlertFilter ReadAlertFilter(http::QueryReader& q) {
  AlertFilter f;
  f.states = q.List("state");  // checked by the service (its message lists the states)
  f.rule_id = q.Str("rule_id", 64);
  f.unit_id = q.Id("unit_id");
  f.officer_id = q.Id("officer_id");
  f.case_id = q.Id("case_id");
  f.due_from = q.Time("due_from");
  f.due_to = q.Time("due_to");
  f.ids = q.Ids("ids", kMaxSelectedAlerts);
  return f;
}

Result<Reply> ExportAlerts(Ctx& ctx, OversightService& s) {
  http::QueryReader q(ctx);
  const AlertFilter f = ReadAlertFilter(q);
  FZ_CHECK(q.Finish());
  return Reply::File(FZ_TRY(s.AlertsXlsx(ctx.user(), f)), files::kXlsx, "预警告警.xlsx");
}

Result<Reply> ListAlerts(Ctx& ctx, OversightService& s) {
  http::QueryReader q(ctx);
  const AlertFilter f = ReadAlertFilter(q);
  const PageRequest page = q.Page({"due_at", "updated_at", "rule_id", "state"});
  FZ_CHECK(q.Finish());
  const auto list = FZ_TRY(s.ListAlerts(ctx.user(), f, page));
  json items = json::array();
  for (const auto& a : list.items) items.push_back(AlertJson(a));
  return Reply::Json(http::PagedJson(std::move(items), list.total, page));
}

Result<Reply> CaseAlerts(Ctx& ctx, OversightService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  json items = json::array();
  for (const auto& a : FZ_TRY(s.CaseAlerts(ctx.user(), id))) items.push_back(AlertJson(a));
  return Reply::Json({{"case_id", id}, {"items", items}});
}

Result<Reply> ListViolations(Ctx& ctx, OversightService& s) {
  http::QueryReader q(ctx);
  ViolationFilter f;
  f.rule_id = q.Str("rule_id", 64);
  f.unit_id = q.Id("unit_id");
  f.officer_id = q.Id("officer_id");
  f.case_id = q.Id("case_id");
  f.from = q.Time("from");
  f.to = q.Time("to");
  const PageRequest page = q.Page({"detected_at"});
  FZ_CHECK(q.Finish());
  const auto list = FZ_TRY(s.ListViolations(ctx.user(), f, page));
  json items = json::array();
  for (const auto& v : list.items) items.push_back(ViolationJson(v));
  return Reply::Json(http::PagedJson(std::move(items), list.total, page));
}

// ---- 法制员审核 ----

Result<Reply> CaseReviews(Ctx& ctx, OversightService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  json items = json::array();
  for (const auto& rv : FZ_TRY(s.CaseReviews(ctx.user(), id))) items.push_back(ReviewJson(rv));
  return Reply::Json({{"case_id", id}, {"items", items}});
}

// 法制审核意见书 of one review: /api/cases/{id}/reviews/{review_id}/docx and …/print.
Result<files::Document> OpinionOf(Ctx& ctx, OversightService& s) {
  return s.ReviewOpinion(ctx.user(), FZ_TRY(ctx.PathId()), FZ_TRY(ctx.PathId("review_id")));
}

Result<Reply> DownloadOpinion(Ctx& ctx, OversightService& s) {
  const auto doc = FZ_TRY(OpinionOf(ctx, s));
  return Reply::File(FZ_TRY(files::WriteDocx(doc)), files::kDocx,
                     fmt::format("法制审核意见书（第{}号）.docx", FZ_TRY(ctx.PathId("review_id"))));
}

Result<Reply> PrintOpinion(Ctx& ctx, OversightService& s) {
  Reply reply;
  reply.body = FZ_TRY(files::RenderDocumentHtml(FZ_TRY(OpinionOf(ctx, s))));
  reply.content_type = "text/html; charset=utf-8";
  return reply;
}

// ---- 法制审核 queue ----

ReviewQueueFilter ReadQueueFilter(http::QueryReader& q) {
  ReviewQueueFilter f;
  f.mine = q.OneOf("scope", {"mine", "all"}).value_or("all") == "mine";
  f.state = q.OneOf("state", {"pending", "open", "all"}).value_or("pending");
  f.case_type = q.OneOf("case_type", {"criminal", "administrative"});
  f.unit_id = q.Id("unit_id");
  f.q = q.Str("q", 60);
  return f;
}

json QueueItemJson(const ReviewQueueItem& i) {
  auto opt_text = [](const std::string& v) { return v.empty() ? json() : json(v); };
  return Merged(
      FZ_JSON(i, case_id, external_id, title, case_type, cause, status, alert_state, unit_id, unit_name,
              lead_officer_name, legal_officer_name, accepted_at, next_due_at),
      {{"case_type_name", cases::CaseTypeName(i.case_type)},
       {"status_name", cases::StatusName(i.case_type, i.status)},
       {"pending_stage", opt_text(i.pending_stage)},
       {"pending_stage_name", i.pending_stage.empty() ? json() : json(ReviewStageName(i.pending_stage))},
       {"pending_to_name", i.pending_to.empty() ? json() : json(cases::StatusName(i.case_type, i.pending_to))},
       {"next_due_local", Local(i.next_due_at)},
       {"last_review", i.last_stage.empty() ? json()
                                            : json{{"stage", i.last_stage},
                                                   {"stage_name", ReviewStageName(i.last_stage)},
                                                   {"verdict", i.last_verdict},
                                                   {"verdict_name", ReviewVerdictName(i.last_verdict)},
                                                   {"reviewer_name", i.last_reviewer_name},
                                                   {"created_at", http::OptJson(i.last_reviewed_at)}}}});
}

Result<Reply> ReviewQueue(Ctx& ctx, OversightService& s) {
  http::QueryReader q(ctx);
  const ReviewQueueFilter f = ReadQueueFilter(q);
  const PageRequest page = q.Page({});
  FZ_CHECK(q.Finish());
  const auto list = FZ_TRY(s.ReviewQueue(ctx.user(), f, page));
  json items = json::array();
  for (const auto& i : list.items) items.push_back(QueueItemJson(i));
  json out = http::PagedJson(std::move(items), list.total, page);
  out["pending_total"] = list.pending_total;
  return Reply::Json(std::move(out));
}

Result<Reply> ExportReviewQueue(Ctx& ctx, OversightService& s) {
  http::QueryReader q(ctx);
  const ReviewQueueFilter f = ReadQueueFilter(q);
  FZ_CHECK(q.Finish());
  return Reply::File(FZ_TRY(s.ReviewQueueXlsx(ctx.user(), f)), files::kXlsx, "法制审核.xlsx");
}

// The findings[] of a review body.
Result<std::vector<Finding>> ReadFindings(const json& findings) {
  if (!findings.is_array()) return Invalid("“findings”必须是数组", "findings", "wrong_type");
  std::vector<Finding> out;
  for (std::size_t i = 0; i < findings.size(); ++i) {
    const auto& fj = findings[i];
    if (!fj.is_object()) return Invalid(fmt::format("第 {} 个问题必须是对象", i + 1), fmt::format("findings[{}]", i));
    JsonInput fi = JsonInput::FromJson(fj);
    Finding f;
    f.category = fi.Enum("category", "问题类别", {"evidence", "procedure", "characterization"}, true).value_or("");
    f.severity = fi.Enum("severity", "严重程度", {"normal", "serious"}).value_or("normal");
    f.description =
        fi.String("description", "问题描述", {.required = true, .min_chars = 1, .max_chars = 2000}).value_or("");
    if (auto e = fi.Finish()) {
      e->field = fmt::format("findings[{}].{}", i, e->field);
      e->message = fmt::format("第 {} 个问题：{}", i + 1, e->message);
      return std::unexpected(*e);
    }
    out.push_back(std::move(f));
  }
  return out;
}

Result<Reply> AddReview(Ctx& ctx, OversightService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  NewReview rv;
  rv.stage = in.Enum("stage", "审核环节", {"accept", "file", "coercive", "prosecution"}, true).value_or("");
  rv.verdict = in.Enum("verdict", "审核结论", {"pass", "fix_required", "reject"}, true).value_or("");
  rv.comment = in.String("comment", "审核意见", {.max_chars = 2000}).value_or("");
  auto findings = in.Raw("findings", "审核发现的问题");
  if (auto e = in.Finish()) return std::unexpected(*e);
  if (findings) rv.findings = FZ_TRY(ReadFindings(*findings));
  return Reply::Json(ReviewJson(FZ_TRY(s.AddReview(ctx.user(), ctx.Actor(), id, rv))), 201);
}

// ---- 平台应用考核 ----

struct MetricsQuery {
  std::string month;
  std::optional<std::int64_t> unit_id;
};
Result<MetricsQuery> ReadMetricsQuery(const Ctx& ctx) {
  http::QueryReader q(ctx);
  auto month = q.Str("month", 20);
  auto unit = q.Id("unit_id");
  FZ_CHECK(q.Finish());
  if (!month) return Invalid("请指定月份，例如 month=2023-07", "month");
  return MetricsQuery{*month, unit};
}

Result<Reply> GetMetrics(Ctx& ctx, OversightService& s) {
  const auto m = FZ_TRY(ReadMetricsQuery(ctx));
  return Reply::Json(MetricsJson(FZ_TRY(s.Metrics(ctx.user(), m.month, m.unit_id))));
}

Result<Reply> ExportMetrics(Ctx& ctx, OversightService& s) {
  const auto m = FZ_TRY(ReadMetricsQuery(ctx));
  return Reply::File(FZ_TRY(s.MetricsXlsx(ctx.user(), m.month, m.unit_id)), files::kXlsx,
                     fmt::format("平台应用考核_{}.xlsx", m.month));
}

}  // namespace

json AlertJson(const Alert& a) {
  return Merged(FZ_JSON(a, id, case_id, case_title, case_external_id, unit_id, unit_name, lead_officer_id,
                        lead_officer_name, rule_id, rule_name, clock_key, state, due_at, pre_warn_at, since,
                        trigger_event_id, message, legal_basis, updated_at),
                {{"due_local", Local(a.due_at)},
                 {"pre_warn_local", Local(a.pre_warn_at)},
                 {"person_ref", a.person_ref.empty() ? json() : json(a.person_ref)}});
}

json ReviewJson(const Review& r) {
  json findings = json::array();
  for (const auto& f : r.findings) findings.push_back(FZ_JSON(f, id, category, severity, description));
  return Merged(
      FZ_JSON(r, id, case_id, stage, verdict, comment, reviewer_user_id, reviewer_name, reviewer_person_id, created_at),
      {{"findings", findings}});
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
  return {{"month", r.month},     {"unit_id", http::OptJson(r.unit_id)}, {"units", units},
          {"officers", officers}, {"total", MetricRowJson(r.total)},     {"trend", trend}};
}

void RegisterRoutes(http::Router& router, OversightService& s) {
  http::Routes<OversightService> r(router, s);
  const http::Access read = http::Perm(auth::perm::kCaseRead);
  const http::Access admin = http::Perm(auth::perm::kRuleAdmin);
  const http::Access review = http::Perm(auth::perm::kCaseReview);

  r.Get("/api/oversight/catalog", read, GetConfig<true>);
  r.Put("/api/oversight/catalog", admin, PutConfig<true>);
  r.Get("/api/oversight/catalog/versions/{version}", read, GetConfigVersion<true>);
  r.Post("/api/oversight/catalog/versions/{version}/activate", admin, ActivateConfig<true>);
  r.Get("/api/oversight/calendar", read, GetConfig<false>);
  r.Put("/api/oversight/calendar", admin, PutConfig<false>);
  r.Get("/api/oversight/calendar/versions/{version}", read, GetConfigVersion<false>);
  r.Post("/api/oversight/calendar/versions/{version}/activate", admin, ActivateConfig<false>);
  r.Get("/api/oversight/reevaluation", read, GetReevaluation);
  r.Post("/api/oversight/reevaluation", admin, StartReevaluation);
  r.Get("/api/oversight/review-gates", read, GetReviewGates);
  r.Put("/api/oversight/review-gates", admin, PutReviewGates);
  r.Post("/api/oversight/sweep", admin, RunSweep);

  r.Get("/api/alerts", read, ListAlerts);
  r.Get("/api/alerts/export", read, ExportAlerts);
  r.Get("/api/cases/{id}/alerts", read, CaseAlerts);
  r.Get("/api/violations", read, ListViolations);

  r.Get("/api/reviews/queue", read, ReviewQueue);
  r.Get("/api/reviews/queue/export", read, ExportReviewQueue);
  r.Get("/api/cases/{id}/reviews", read, CaseReviews);
  r.Post("/api/cases/{id}/reviews", review, AddReview);
  r.Get("/api/cases/{id}/reviews/{review_id}/docx", read, DownloadOpinion);
  r.Get("/api/cases/{id}/reviews/{review_id}/print", read, PrintOpinion);

  r.Get("/api/metrics", read, GetMetrics);
  r.Get("/api/metrics/export", read, ExportMetrics);
}

}  // namespace fazhi::oversight
