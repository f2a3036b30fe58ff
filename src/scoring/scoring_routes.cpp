#include "scoring/scoring_routes.h"

#include <cmath>

#include "auth/roles.h"
#include "core/json_fields.h"
#include "core/json_input.h"
#include "core/local_time.h"
#include "http/json_opt.h"
#include "http/query.h"
#include "scoring/export.h"

namespace fazhi::scoring {

namespace {

using http::Ctx;
using http::Reply;

nlohmann::json OptLocal(const std::optional<EpochSeconds>& t) {
  return t ? nlohmann::json(FormatLocalDateTime(*t)) : nlohmann::json();
}

}  // namespace

nlohmann::json PointsJson(Centi c) {
  if (c % 100 == 0) return c / 100;
  return static_cast<double>(c) / 100.0;
}

nlohmann::json EntryJson(const EntryView& v) {
  const Entry& e = v.entry;
  nlohmann::json link = nullptr;
  if (e.case_id) link = {{"type", "case"}, {"id", e.case_id}};
  return Merged(
      FZ_JSON(e, id, person_id, unit_id, source, act, role, occurred_at, reason, scheme_version),
      {{"month", v.month},
       {"person_name", v.person_name},
       {"unit_name", v.unit_name},
       {"points", PointsJson(e.points)},
       {"points_centi", e.points},
       {"act_name", FindAct(e.act)            ? std::string(FindAct(e.act)->name_zh)
                    : e.act == "cap_positive" ? "月加分上限"
                    : e.act == "cap_negative" ? "月扣分上限"
                    : e.act == "adjustment"   ? "复核调整"
                                              : e.act},
       {"object", {{"type", e.object_type}, {"id", e.object_id}}},
       {"case_id", e.case_id ? nlohmann::json(e.case_id) : nlohmann::json()},
       {"link", link},
       {"occurred_at_local", e.occurred_at ? nlohmann::json(FormatLocalDateTime(e.occurred_at)) : nlohmann::json()},
       {"objection_id", v.objection_id ? nlohmann::json(*v.objection_id) : nlohmann::json()},
       {"objection_status", v.objection_status}});
}

nlohmann::json MonthJson(const MonthInfo& m) {
  return Merged(
      FZ_JSON(m, id, bureau_id, bureau_name, month, status, scheme_id, scheme_version, objection_days, entry_count,
              skipped_facts, pending_objections, ledger_hash, computed_at, computed_by, published_at, published_by,
              objection_deadline, finalized_at, finalized_by),
      {{"published_at_local", OptLocal(m.published_at)}, {"objection_deadline_local", OptLocal(m.objection_deadline)}});
}

nlohmann::json SchemeVersionJson(const SchemeVersion& v) {
  return Merged(FZ_JSON(v, id, bureau_id, version, name, status, effective_from, document, note, created_at),
                {{"effective_to", v.effective_to ? nlohmann::json(*v.effective_to) : nlohmann::json()},
                 {"created_by", v.created_by_name}});
}

namespace {

// {"officers": [...], "units": [...]} of a ranking view, with the movement arrows.
nlohmann::json RankingListsJson(const Rankings& rankings) {
  nlohmann::json r = RankingsJson(rankings);
  for (auto& o : r["officers"])
    o["movement_text"] =
        MovementText(o["movement"].is_null() ? std::nullopt : std::optional<int>(o["movement"].get<int>()));
  for (auto& u : r["units"])
    u["movement_text"] =
        MovementText(u["movement"].is_null() ? std::nullopt : std::optional<int>(u["movement"].get<int>()));
  return r;
}

std::string Dump(const nlohmann::json& j) {
  // As http::Server serialises Reply::json, so a cached body is byte-identical to an uncached one.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The ranking view as JSON text: RankingViewJson(v) (plus `title` if given), byte for byte, with
// the lists of a frozen month serialised once per view (ScoringService::FrozenListsOf).
std::string RankingViewText(const RankingView& v, ScoringService& s, const std::string* title = nullptr) {
  if (v.frozen_key.empty()) {
    nlohmann::json j = RankingViewJson(v);
    if (title) j["title"] = *title;
    return Dump(j);
  }
  auto lists = s.FrozenListsOf(v, [&] {
    nlohmann::json j = RankingListsJson(v.rankings);
    return FrozenLists{Dump(j["officers"]), Dump(j["units"])};
  });
  // Keys in nlohmann's (sorted) order: month, officers, phase, title, units.
  std::string out = "{\"month\":";
  out += Dump(MonthJson(v.month));
  out += ",\"officers\":";
  out += lists->officers;
  out += ",\"phase\":";
  out += Dump(v.phase);
  if (title) {
    out += ",\"title\":";
    out += Dump(*title);
  }
  out += ",\"units\":";
  out += lists->units;
  out += '}';
  return out;
}

}  // namespace

nlohmann::json RankingViewJson(const RankingView& v) {
  nlohmann::json r = RankingListsJson(v.rankings);
  return {{"month", MonthJson(v.month)},
          {"phase", v.phase},
          {"officers", std::move(r["officers"])},
          {"units", std::move(r["units"])}};
}

nlohmann::json OfficerMonthJson(const OfficerMonth& o) {
  nlohmann::json entries = nlohmann::json::array(), by_source = nlohmann::json::object(),
                 by_act = nlohmann::json::object(), trend = nlohmann::json::array();
  for (const auto& e : o.entries) entries.push_back(EntryJson(e));
  for (const auto& [k, v] : o.by_source) by_source[k] = PointsJson(v);
  for (const auto& [k, v] : o.by_act) by_act[k] = PointsJson(v);
  for (const auto& t : o.trend)
    trend.push_back({{"month", t.month}, {"total", t.total ? PointsJson(*t.total) : nlohmann::json()}});
  return Merged(FZ_JSON(o, month, status, rank_bureau, rank_unit, movement),
                {{"person",
                  {{"id", o.person.id},
                   {"name", o.person.name},
                   {"badge_no", o.person.badge_no},
                   {"kind", o.person.kind},
                   {"unit_id", o.person.unit_id},
                   {"unit_name", o.unit_name}}},
                 {"total", PointsJson(o.total)},
                 {"by_source", by_source},
                 {"by_act", by_act},
                 {"entries", entries},
                 {"trend", trend},
                 {"year_total", PointsJson(o.year_total)}});
}

nlohmann::json YearTotalsJson(const YearTotals& y) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : y.officers) {
    nlohmann::json months = nlohmann::json::array();
    for (const auto& m : r.months) months.push_back(m ? PointsJson(*m) : nlohmann::json());
    rows.push_back(Merged(FZ_JSON(r, rank, person_id, name, badge_no, unit_id, unit_name),
                          {{"months", months}, {"total", PointsJson(r.total)}}));
  }
  return Merged(FZ_JSON(y, bureau_id, year, months_counted), {{"officers", rows}});
}

nlohmann::json ObjectionJson(const Objection& o) {
  return Merged(
      FZ_JSON(o, id, bureau_id, month, entry_id, entry_reason, person_id, person_name, reason, status, created_at,
              decided_at, decision_reason),
      {{"entry_points", PointsJson(o.entry_points)},
       {"decided_by", o.decided_by_name},
       {"adjustment", o.adjustment ? PointsJson(*o.adjustment) : nlohmann::json()},
       {"adjustment_entry_id", o.adjustment_entry_id ? nlohmann::json(*o.adjustment_entry_id) : nlohmann::json()}});
}

nlohmann::json ActsJson() {
  nlohmann::json acts = nlohmann::json::array(), forbidden = nlohmann::json::array();
  for (const auto& a : Acts())
    acts.push_back(Merged(FZ_JSON(a, key, source, wired), {{"name", a.name_zh},
                                                           {"kind", a.kind == ActKind::kStage   ? "stage"
                                                                    : a.kind == ActKind::kBonus ? "bonus"
                                                                                                : "deduction"}}));
  for (const auto& f : ForbiddenIndicators()) forbidden.push_back({{"key", f.key}, {"indicator", f.name_zh}});
  return {{"acts", acts}, {"forbidden_indicators", forbidden}, {"default_scheme", DefaultSchemeDocument()}};
}

namespace {

// ?month= of the officer pages (required).
Result<std::string> MonthQuery(const Ctx& ctx) {
  http::QueryReader q(ctx);
  auto m = q.Month("month");
  FZ_CHECK(q.Finish());
  if (!m) return Invalid("请指定月份 month，例如 2023-07", "month", "month_required");
  return *m;
}

// ?bureau_id= of the scheme and month lists.
Result<std::optional<std::int64_t>> BureauQuery(const Ctx& ctx) {
  http::QueryReader q(ctx);
  const auto bureau = q.Id("bureau_id");
  FZ_CHECK(q.Finish());
  return bureau;
}

// bureau_id from the query string or from an optional JSON body {"bureau_id": n}.
Result<std::optional<std::int64_t>> BureauParam(const Ctx& ctx) {
  const auto from_query = FZ_TRY(BureauQuery(ctx));
  if (from_query || ctx.body().find_first_not_of(" \t\r\n") == std::string::npos) return from_query;
  JsonInput in(ctx.body());
  auto b = in.Int("bureau_id", "分局", {.min = 1});
  if (auto e = in.Finish()) return std::unexpected(*e);
  return b;
}

// ?bureau_id=&unit_id= of the month views.
struct ViewParams {
  std::optional<std::int64_t> bureau_id, unit_id;
};
Result<ViewParams> ViewQuery(const Ctx& ctx) {
  http::QueryReader q(ctx);
  ViewParams p;
  p.bureau_id = q.Id("bureau_id");
  p.unit_id = q.Id("unit_id");
  FZ_CHECK(q.Finish());
  return p;
}

Result<SchemeInput> SchemeBody(const Ctx& ctx) {
  JsonInput in(ctx.body());
  SchemeInput s;
  s.bureau_id = in.Int("bureau_id", "分局", {.min = 1});
  s.name = in.String("name", "方案名称", {.required = true, .min_chars = 1, .max_chars = 100}).value_or("");
  s.status = in.Enum("status", "方案状态", {kStatusTrial, kStatusFormal}).value_or(kStatusTrial);
  s.effective_from = in.String("effective_from", "生效月份", {.required = true, .max_chars = 7}).value_or("");
  s.effective_to = in.String("effective_to", "失效月份", {.max_chars = 7});
  s.note = in.String("note", "说明", {.max_chars = 500}).value_or("");
  s.document = in.Raw("document", "积分方案", true).value_or(nlohmann::json());
  if (auto e = in.Finish()) return std::unexpected(*e);
  return s;
}

Result<Centi> CentiFrom(const nlohmann::json& v, const std::string& field) {
  if (!v.is_number()) return Invalid("“" + field + "”应为数字", field);
  const double d = v.get<double>() * 100.0;
  if (!std::isfinite(d) || std::fabs(d - std::round(d)) > 1e-6)
    return Invalid("“" + field + "”最多保留两位小数", field);
  return static_cast<Centi>(std::llround(d));
}

template <typename T, typename F>
nlohmann::json ItemsJson(const std::vector<T>& list, F&& to_json) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& x : list) items.push_back(to_json(x));
  return nlohmann::json{{"items", std::move(items)}};
}

Result<Reply> ListActs(Ctx&, ScoringService&) { return Reply::Json(ActsJson()); }

Result<Reply> ListSchemes(Ctx& ctx, ScoringService& s) {
  const auto bureau = FZ_TRY(BureauQuery(ctx));
  return Reply::Json(ItemsJson(FZ_TRY(s.ListSchemes(ctx.user(), bureau)), SchemeVersionJson));
}

Result<Reply> GetScheme(Ctx& ctx, ScoringService& s) {
  const auto id = FZ_TRY(ctx.PathId());
  return Reply::Json(SchemeVersionJson(FZ_TRY(s.GetScheme(ctx.user(), id))));
}

Result<Reply> ValidateScheme(Ctx& ctx, ScoringService& s) {
  const auto in = FZ_TRY(SchemeBody(ctx));
  const auto v = FZ_TRY(s.ValidateScheme(ctx.user(), in));
  return Reply::Json({{"ok", true}, {"scheme", SchemeVersionJson(v)}});
}

Result<Reply> CreateScheme(Ctx& ctx, ScoringService& s) {
  const auto in = FZ_TRY(SchemeBody(ctx));
  return Reply::Json(SchemeVersionJson(FZ_TRY(s.CreateScheme(ctx.user(), ctx.Actor(), in))), 201);
}

Result<Reply> ListMonths(Ctx& ctx, ScoringService& s) {
  http::QueryReader q(ctx);
  const auto bureau = q.Id("bureau_id");
  const auto year = q.Int("year");
  FZ_CHECK(q.Finish());
  const std::optional<int> y = year ? std::optional<int>(static_cast<int>(*year)) : std::nullopt;
  return Reply::Json(ItemsJson(FZ_TRY(s.ListMonths(ctx.user(), bureau, y)), MonthJson));
}

Result<Reply> GetMonth(Ctx& ctx, ScoringService& s) {
  const auto bureau = FZ_TRY(BureauQuery(ctx));
  return Reply::Json(MonthJson(FZ_TRY(s.GetMonth(ctx.user(), bureau, ctx.PathParam("month")))));
}

Result<Reply> ComputeMonth(Ctx& ctx, ScoringService& s) {
  const auto b = FZ_TRY(BureauParam(ctx));
  return Reply::Json(MonthJson(FZ_TRY(s.ComputeMonth(ctx.user(), ctx.Actor(), b, ctx.PathParam("month")))));
}

Result<Reply> PublishMonth(Ctx& ctx, ScoringService& s) {
  const auto b = FZ_TRY(BureauParam(ctx));
  return Reply::Json(MonthJson(FZ_TRY(s.PublishMonth(ctx.user(), ctx.Actor(), b, ctx.PathParam("month")))));
}

Result<Reply> FinalizeMonth(Ctx& ctx, ScoringService& s) {
  const auto b = FZ_TRY(BureauParam(ctx));
  return Reply::Json(MonthJson(FZ_TRY(s.FinalizeMonth(ctx.user(), ctx.Actor(), b, ctx.PathParam("month")))));
}

Result<Reply> GetRankings(Ctx& ctx, ScoringService& s) {
  const auto p = FZ_TRY(ViewQuery(ctx));
  const auto v = FZ_TRY(s.GetRankings(ctx.user(), p.bureau_id, ctx.PathParam("month"), p.unit_id));
  return Reply::RawJson(RankingViewText(v, s));
}

Result<Reply> ListEntries(Ctx& ctx, ScoringService& s) {
  http::QueryReader q(ctx);
  const auto bureau = q.Id("bureau_id");
  const auto unit = q.Id("unit_id");
  const PageRequest page = q.Page({"person"});
  FZ_CHECK(q.Finish());
  const auto list = FZ_TRY(s.ListEntries(ctx.user(), bureau, ctx.PathParam("month"), unit, page));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& e : list.items) items.push_back(EntryJson(e));
  return Reply::Json(http::PagedJson(std::move(items), list.total, page));
}

Result<Reply> ExportMonth(Ctx& ctx, ScoringService& s) {
  const auto p = FZ_TRY(ViewQuery(ctx));
  auto f = FZ_TRY(s.ExportMonth(ctx.user(), ctx.Actor(), p.bureau_id, ctx.PathParam("month"), p.unit_id));
  return Reply::File(std::move(f.bytes), std::move(f.content_type), std::move(f.filename));
}

// The 晾晒 sheet of a published/final month: JSON (the ranking view with a title) or printable HTML.
Result<Reply> GetSheet(Ctx& ctx, ScoringService& s) {
  http::QueryReader q(ctx);
  const auto bureau = q.Id("bureau_id");
  const auto unit = q.Id("unit_id");
  const std::string format = q.OneOf("format", {"json", "html"}).value_or("json");
  FZ_CHECK(q.Finish());
  const auto v = FZ_TRY(s.GetRankings(ctx.user(), bureau, ctx.PathParam("month"), unit));
  if (v.phase == "draft") return NotFound(v.month.month + " 的积分尚未公示，不能晾晒");
  if (format == "html") {
    Reply reply;
    reply.body = PublicitySheetHtml(v);
    reply.content_type = "text/html; charset=utf-8";
    return reply;
  }
  const std::string title = v.month.bureau_name + " " + v.month.month + " 执法办案积分晾晒";
  return Reply::RawJson(RankingViewText(v, s, &title));
}

Result<Reply> GetMine(Ctx& ctx, ScoringService& s) {
  const auto m = FZ_TRY(MonthQuery(ctx));
  return Reply::Json(OfficerMonthJson(FZ_TRY(s.GetOfficerMonth(ctx.user(), std::nullopt, m))));
}

Result<Reply> GetOfficer(Ctx& ctx, ScoringService& s) {
  const auto id = FZ_TRY(ctx.PathId());
  const auto m = FZ_TRY(MonthQuery(ctx));
  return Reply::Json(OfficerMonthJson(FZ_TRY(s.GetOfficerMonth(ctx.user(), id, m))));
}

Result<Reply> GetYear(Ctx& ctx, ScoringService& s) {
  const auto year = FZ_TRY(ctx.PathId("year"));
  const auto p = FZ_TRY(ViewQuery(ctx));
  return Reply::Json(
      YearTotalsJson(FZ_TRY(s.GetYearTotals(ctx.user(), p.bureau_id, static_cast<int>(year), p.unit_id))));
}

Result<Reply> ListObjections(Ctx& ctx, ScoringService& s) {
  http::QueryReader q(ctx);
  ObjectionFilter f;
  f.bureau_id = q.Id("bureau_id");
  f.month = q.Month("month");
  f.status = q.OneOf("status", {"pending", "accepted", "rejected"});
  FZ_CHECK(q.Finish());
  return Reply::Json(ItemsJson(FZ_TRY(s.ListObjections(ctx.user(), f)), ObjectionJson));
}

Result<Reply> FileObjection(Ctx& ctx, ScoringService& s) {
  JsonInput in(ctx.body());
  auto entry = in.Int("entry_id", "积分条目", {.required = true, .min = 1});
  auto reason = in.String("reason", "复核理由", {.required = true, .min_chars = 2, .max_chars = 500});
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(ObjectionJson(FZ_TRY(s.FileObjection(ctx.user(), ctx.Actor(), *entry, *reason))), 201);
}

Result<Reply> DecideObjection(Ctx& ctx, ScoringService& s) {
  const auto id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  auto decision = in.Enum("decision", "处理结果", {"accept", "reject"}, true);
  auto reason = in.String("reason", "处理理由", {.required = true, .min_chars = 2, .max_chars = 500});
  auto adjustment = in.Raw("adjustment", "调整分值");
  if (auto e = in.Finish()) return std::unexpected(*e);
  Decision d;
  d.accept = *decision == "accept";
  d.reason = *reason;
  if (adjustment) {
    if (!d.accept) return Invalid("驳回复核时不能填写调整分值", "adjustment");
    d.adjustment = FZ_TRY(CentiFrom(*adjustment, "adjustment"));
  }
  return Reply::Json(ObjectionJson(FZ_TRY(s.DecideObjection(ctx.user(), ctx.Actor(), id, d))));
}

}  // namespace

void RegisterRoutes(http::Router& router, ScoringService& service) {
  const http::Access read = http::Perm(auth::perm::kScoreRead);
  const http::Access manage = http::Perm(auth::perm::kScoreManage);
  http::Routes<ScoringService> r(router, service);
  r.Get("/api/scoring/acts", read, ListActs);
  r.Get("/api/scoring/schemes", read, ListSchemes);
  r.Get("/api/scoring/schemes/{id}", read, GetScheme);
  r.Post("/api/scoring/schemes/validate", manage, ValidateScheme);
  r.Post("/api/scoring/schemes", manage, CreateScheme);
  r.Get("/api/scoring/months", read, ListMonths);
  r.Get("/api/scoring/months/{month}", read, GetMonth);
  r.Post("/api/scoring/months/{month}/compute", manage, ComputeMonth);
  r.Post("/api/scoring/months/{month}/publish", manage, PublishMonth);
  r.Post("/api/scoring/months/{month}/finalize", manage, FinalizeMonth);
  r.Get("/api/scoring/months/{month}/rankings", read, GetRankings);
  r.Get("/api/scoring/months/{month}/entries", manage, ListEntries);
  r.Get("/api/scoring/months/{month}/export", read, ExportMonth);
  r.Get("/api/scoring/months/{month}/sheet", read, GetSheet);
  r.Get("/api/scoring/me", read, GetMine);
  r.Get("/api/scoring/officers/{id}", read, GetOfficer);
  r.Get("/api/scoring/years/{year}", read, GetYear);
  r.Get("/api/scoring/objections", read, ListObjections);
  r.Post("/api/scoring/objections", read, FileObjection);
  r.Post("/api/scoring/objections/{id}/decide", manage, DecideObjection);
}

}  // namespace fazhi::scoring
