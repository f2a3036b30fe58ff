#include "scoring/scoring_routes.h"

#include <cmath>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "auth/roles.h"
#include "core/json_input.h"
#include "core/local_time.h"
#include "scoring/export.h"

namespace fazhi::scoring {

namespace {

using http::Ctx;
using http::Reply;

http::Access Need(std::string_view permission) { return {.permission = std::string(permission)}; }

nlohmann::json OptTime(const std::optional<EpochSeconds>& t) { return t ? nlohmann::json(*t) : nlohmann::json(); }
nlohmann::json OptLocal(const std::optional<EpochSeconds>& t) {
  return t ? nlohmann::json(FormatLocalDateTime(*t)) : nlohmann::json();
}
nlohmann::json OptInt(const std::optional<int>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

Result<std::optional<std::int64_t>> QueryId(const Ctx& ctx, const std::string& name) {
  auto v = ctx.QueryInt(name);
  if (!v) return std::unexpected(v.error());
  if (*v && **v <= 0) return Invalid("编号无效", name, "invalid_id");
  return *v;
}

// bureau_id from the query string or from an optional JSON body {"bureau_id": n}.
Result<std::optional<std::int64_t>> BureauParam(const Ctx& ctx) {
  auto q = QueryId(ctx, "bureau_id");
  if (!q) return q;
  if (*q || ctx.body().find_first_not_of(" \t\r\n") == std::string::npos) return q;
  JsonInput in(ctx.body());
  auto b = in.Int("bureau_id", "分局", {.min = 1});
  if (auto e = in.Finish()) return std::unexpected(*e);
  return b;
}

Result<std::string> MonthQuery(const Ctx& ctx) {
  auto m = ctx.Query("month");
  if (!m) return Invalid("请指定月份 month，例如 2023-07", "month", "month_required");
  return *m;
}

template <typename T, typename F>
Result<Reply> JsonOr(const Result<T>& r, F&& to_json, int status = 200) {
  if (!r) return std::unexpected(r.error());
  return Reply::Json(to_json(*r), status);
}

Result<Centi> CentiFrom(const nlohmann::json& v, const std::string& field) {
  if (!v.is_number()) return Invalid("“" + field + "”应为数字", field);
  const double d = v.get<double>() * 100.0;
  if (!std::isfinite(d) || std::fabs(d - std::round(d)) > 1e-6)
    return Invalid("“" + field + "”最多保留两位小数", field);
  return static_cast<Centi>(std::llround(d));
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
  return {{"id", e.id},
          {"month", v.month},
          {"person_id", e.person_id},
          {"person_name", v.person_name},
          {"unit_id", e.unit_id},
          {"unit_name", v.unit_name},
          {"points", PointsJson(e.points)},
          {"points_centi", e.points},
          {"source", e.source},
          {"act", e.act},
          {"act_name", FindAct(e.act) ? std::string(FindAct(e.act)->name_zh)
                       : e.act == "cap_positive" ? "月加分上限"
                       : e.act == "cap_negative" ? "月扣分上限"
                       : e.act == "adjustment"   ? "复核调整"
                                                 : e.act},
          {"role", e.role},
          {"object", {{"type", e.object_type}, {"id", e.object_id}}},
          {"case_id", e.case_id ? nlohmann::json(e.case_id) : nlohmann::json()},
          {"link", link},
          {"occurred_at", e.occurred_at},
          {"occurred_at_local", e.occurred_at ? nlohmann::json(FormatLocalDateTime(e.occurred_at)) : nlohmann::json()},
          {"reason", e.reason},
          {"scheme_version", e.scheme_version},
          {"objection_id", v.objection_id ? nlohmann::json(*v.objection_id) : nlohmann::json()},
          {"objection_status", v.objection_status}};
}

nlohmann::json MonthJson(const MonthInfo& m) {
  return {{"id", m.id},
          {"bureau_id", m.bureau_id},
          {"bureau_name", m.bureau_name},
          {"month", m.month},
          {"status", m.status},
          {"scheme_id", m.scheme_id},
          {"scheme_version", m.scheme_version},
          {"objection_days", m.objection_days},
          {"entry_count", m.entry_count},
          {"skipped_facts", m.skipped_facts},
          {"pending_objections", m.pending_objections},
          {"ledger_hash", m.ledger_hash},
          {"computed_at", m.computed_at},
          {"computed_by", m.computed_by},
          {"published_at", OptTime(m.published_at)},
          {"published_at_local", OptLocal(m.published_at)},
          {"published_by", m.published_by},
          {"objection_deadline", OptTime(m.objection_deadline)},
          {"objection_deadline_local", OptLocal(m.objection_deadline)},
          {"finalized_at", OptTime(m.finalized_at)},
          {"finalized_by", m.finalized_by}};
}

nlohmann::json SchemeVersionJson(const SchemeVersion& v) {
  return {{"id", v.id},
          {"bureau_id", v.bureau_id},
          {"version", v.version},
          {"name", v.name},
          {"status", v.status},
          {"effective_from", v.effective_from},
          {"effective_to", v.effective_to ? nlohmann::json(*v.effective_to) : nlohmann::json()},
          {"document", v.document},
          {"note", v.note},
          {"created_by", v.created_by_name},
          {"created_at", v.created_at}};
}

namespace {

// {"officers": [...], "units": [...]} of a ranking view, with the movement arrows.
nlohmann::json RankingListsJson(const Rankings& rankings) {
  nlohmann::json r = RankingsJson(rankings);
  for (auto& o : r["officers"]) o["movement_text"] = MovementText(o["movement"].is_null() ? std::nullopt : std::optional<int>(o["movement"].get<int>()));
  for (auto& u : r["units"]) u["movement_text"] = MovementText(u["movement"].is_null() ? std::nullopt : std::optional<int>(u["movement"].get<int>()));
  return r;
}

std::string Dump(const nlohmann::json& j) {
  // As http::Server serialises Reply::json, so a cached body is byte-identical to an uncached one.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The serialised officer and unit lists of frozen (published/final) ranking views, keyed by
// RankingView::frozen_key, least recently used dropped beyond a byte budget. The ranking page is
// the module's most read page and a whole bureau's list (400 officers, ~100 KB) cost ~3 ms of
// CPU to build and serialise per request — nearly all of the request; the lists of a frozen month
// never change, so they are serialised once per view (scope prefix). The month object (pending
// objections change during the window) is serialised per request. Thread-safe.
class FrozenListsCache {
 public:
  struct Lists {
    std::string officers, units;  // JSON arrays
  };

  explicit FrozenListsCache(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  std::shared_ptr<const Lists> Get(const RankingView& v) {
    {
      std::lock_guard lock(mu_);
      if (auto it = index_.find(v.frozen_key); it != index_.end()) {
        lru_.splice(lru_.begin(), lru_, it->second);
        return it->second->lists;
      }
    }
    nlohmann::json j = RankingListsJson(v.rankings);
    auto lists = std::make_shared<const Lists>(Lists{Dump(j["officers"]), Dump(j["units"])});
    const std::size_t bytes = lists->officers.size() + lists->units.size() + v.frozen_key.size();
    std::lock_guard lock(mu_);
    if (index_.contains(v.frozen_key) || bytes > max_bytes_) return lists;  // raced, or too big to keep
    lru_.push_front(Node{v.frozen_key, lists, bytes});
    index_[v.frozen_key] = lru_.begin();
    bytes_ += bytes;
    while (bytes_ > max_bytes_) {
      bytes_ -= lru_.back().bytes;
      index_.erase(lru_.back().key);
      lru_.pop_back();
    }
    return lists;
  }

 private:
  struct Node {
    std::string key;
    std::shared_ptr<const Lists> lists;
    std::size_t bytes = 0;
  };
  const std::size_t max_bytes_;
  std::mutex mu_;
  std::list<Node> lru_;  // most recently used first
  std::unordered_map<std::string, std::list<Node>::iterator> index_;
  std::size_t bytes_ = 0;
};

// 32 MB: every view (bureau, each unit) of a year of a 5,000-officer bureau's months.
constexpr std::size_t kFrozenListsBudget = 32u << 20;

// The ranking view as JSON text: RankingViewJson(v) (plus `title` if given), byte for byte, with
// the lists of a frozen month from the cache.
std::string RankingViewText(const RankingView& v, FrozenListsCache& cache, const std::string* title = nullptr) {
  if (v.frozen_key.empty()) {
    nlohmann::json j = RankingViewJson(v);
    if (title) j["title"] = *title;
    return Dump(j);
  }
  auto lists = cache.Get(v);
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

Reply JsonText(std::string text) {
  Reply reply;
  reply.body = std::move(text);
  reply.content_type = "application/json; charset=utf-8";
  return reply;
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
  return {{"person",
           {{"id", o.person.id},
            {"name", o.person.name},
            {"badge_no", o.person.badge_no},
            {"kind", o.person.kind},
            {"unit_id", o.person.unit_id},
            {"unit_name", o.unit_name}}},
          {"month", o.month},
          {"status", o.status},
          {"total", PointsJson(o.total)},
          {"by_source", by_source},
          {"by_act", by_act},
          {"rank_bureau", OptInt(o.rank_bureau)},
          {"rank_unit", OptInt(o.rank_unit)},
          {"movement", OptInt(o.movement)},
          {"entries", entries},
          {"trend", trend},
          {"year_total", PointsJson(o.year_total)}};
}

nlohmann::json YearTotalsJson(const YearTotals& y) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : y.officers) {
    nlohmann::json months = nlohmann::json::array();
    for (const auto& m : r.months) months.push_back(m ? PointsJson(*m) : nlohmann::json());
    rows.push_back({{"rank", r.rank},
                    {"person_id", r.person_id},
                    {"name", r.name},
                    {"badge_no", r.badge_no},
                    {"unit_id", r.unit_id},
                    {"unit_name", r.unit_name},
                    {"months", months},
                    {"total", PointsJson(r.total)}});
  }
  return {{"bureau_id", y.bureau_id}, {"year", y.year}, {"months_counted", y.months_counted}, {"officers", rows}};
}

nlohmann::json ObjectionJson(const Objection& o) {
  return {{"id", o.id},
          {"bureau_id", o.bureau_id},
          {"month", o.month},
          {"entry_id", o.entry_id},
          {"entry_points", PointsJson(o.entry_points)},
          {"entry_reason", o.entry_reason},
          {"person_id", o.person_id},
          {"person_name", o.person_name},
          {"reason", o.reason},
          {"status", o.status},
          {"created_at", o.created_at},
          {"decided_by", o.decided_by_name},
          {"decided_at", OptTime(o.decided_at)},
          {"decision_reason", o.decision_reason},
          {"adjustment", o.adjustment ? PointsJson(*o.adjustment) : nlohmann::json()},
          {"adjustment_entry_id", o.adjustment_entry_id ? nlohmann::json(*o.adjustment_entry_id) : nlohmann::json()}};
}

nlohmann::json ActsJson() {
  nlohmann::json acts = nlohmann::json::array(), forbidden = nlohmann::json::array();
  for (const auto& a : Acts())
    acts.push_back({{"key", a.key},
                    {"name", a.name_zh},
                    {"kind", a.kind == ActKind::kStage ? "stage" : a.kind == ActKind::kBonus ? "bonus" : "deduction"},
                    {"source", a.source},
                    {"wired", a.wired}});
  for (const auto& f : ForbiddenIndicators()) forbidden.push_back({{"key", f.key}, {"indicator", f.name_zh}});
  return {{"acts", acts}, {"forbidden_indicators", forbidden}, {"default_scheme", DefaultSchemeDocument()}};
}

void RegisterRoutes(http::Router& r, ScoringService& svc) {
  auto lists_cache = std::make_shared<FrozenListsCache>(kFrozenListsBudget);
  const auto kRead = Need(auth::perm::kScoreRead);
  const auto kManage = Need(auth::perm::kScoreManage);

  r.Get("/api/scoring/acts", kRead, [](Ctx&) -> Result<Reply> { return Reply::Json(ActsJson()); });

  r.Get("/api/scoring/schemes", kRead, [&svc](Ctx& ctx) -> Result<Reply> {
    auto b = QueryId(ctx, "bureau_id");
    if (!b) return std::unexpected(b.error());
    return JsonOr(svc.ListSchemes(ctx.user(), *b), [](const std::vector<SchemeVersion>& list) {
      nlohmann::json items = nlohmann::json::array();
      for (const auto& v : list) items.push_back(SchemeVersionJson(v));
      return nlohmann::json{{"items", items}};
    });
  });

  r.Get("/api/scoring/schemes/{id}", kRead, [&svc](Ctx& ctx) -> Result<Reply> {
    auto id = ctx.PathId();
    if (!id) return std::unexpected(id.error());
    return JsonOr(svc.GetScheme(ctx.user(), *id), SchemeVersionJson);
  });

  auto parse_scheme = [](const Ctx& ctx) -> Result<SchemeInput> {
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
  };

  r.Post("/api/scoring/schemes/validate", kManage, [&svc, parse_scheme](Ctx& ctx) -> Result<Reply> {
    auto in = parse_scheme(ctx);
    if (!in) return std::unexpected(in.error());
    return JsonOr(svc.ValidateScheme(ctx.user(), *in),
                  [](const SchemeVersion& v) { return nlohmann::json{{"ok", true}, {"scheme", SchemeVersionJson(v)}}; });
  });

  r.Post("/api/scoring/schemes", kManage, [&svc, parse_scheme](Ctx& ctx) -> Result<Reply> {
    auto in = parse_scheme(ctx);
    if (!in) return std::unexpected(in.error());
    return JsonOr(svc.CreateScheme(ctx.user(), ctx.Actor(), *in), SchemeVersionJson, 201);
  });

  r.Get("/api/scoring/months", kRead, [&svc](Ctx& ctx) -> Result<Reply> {
    auto b = QueryId(ctx, "bureau_id");
    if (!b) return std::unexpected(b.error());
    auto year = ctx.QueryInt("year");
    if (!year) return std::unexpected(year.error());
    std::optional<int> y;
    if (*year) y = static_cast<int>(**year);
    return JsonOr(svc.ListMonths(ctx.user(), *b, y), [](const std::vector<MonthInfo>& list) {
      nlohmann::json items = nlohmann::json::array();
      for (const auto& m : list) items.push_back(MonthJson(m));
      return nlohmann::json{{"items", items}};
    });
  });

  r.Get("/api/scoring/months/{month}", kRead, [&svc](Ctx& ctx) -> Result<Reply> {
    auto b = QueryId(ctx, "bureau_id");
    if (!b) return std::unexpected(b.error());
    return JsonOr(svc.GetMonth(ctx.user(), *b, ctx.PathParam("month")), MonthJson);
  });

  r.Post("/api/scoring/months/{month}/compute", kManage, [&svc](Ctx& ctx) -> Result<Reply> {
    auto b = BureauParam(ctx);
    if (!b) return std::unexpected(b.error());
    return JsonOr(svc.ComputeMonth(ctx.user(), ctx.Actor(), *b, ctx.PathParam("month")), MonthJson);
  });

  r.Post("/api/scoring/months/{month}/publish", kManage, [&svc](Ctx& ctx) -> Result<Reply> {
    auto b = BureauParam(ctx);
    if (!b) return std::unexpected(b.error());
    return JsonOr(svc.PublishMonth(ctx.user(), ctx.Actor(), *b, ctx.PathParam("month")), MonthJson);
  });

  r.Post("/api/scoring/months/{month}/finalize", kManage, [&svc](Ctx& ctx) -> Result<Reply> {
    auto b = BureauParam(ctx);
    if (!b) return std::unexpected(b.error());
    return JsonOr(svc.FinalizeMonth(ctx.user(), ctx.Actor(), *b, ctx.PathParam("month")), MonthJson);
  });

  r.Get("/api/scoring/months/{month}/rankings", kRead, [&svc, lists_cache](Ctx& ctx) -> Result<Reply> {
    auto b = QueryId(ctx, "bureau_id");
    if (!b) return std::unexpected(b.error());
    auto u = QueryId(ctx, "unit_id");
    if (!u) return std::unexpected(u.error());
    auto v = svc.GetRankings(ctx.user(), *b, ctx.PathParam("month"), *u);
    if (!v) return std::unexpected(v.error());
    return JsonText(RankingViewText(*v, *lists_cache));
  });

  r.Get("/api/scoring/months/{month}/entries", kManage, [&svc](Ctx& ctx) -> Result<Reply> {
    auto b = QueryId(ctx, "bureau_id");
    if (!b) return std::unexpected(b.error());
    auto u = QueryId(ctx, "unit_id");
    if (!u) return std::unexpected(u.error());
    auto page = ctx.Page({"person"});
    if (!page) return std::unexpected(page.error());
    auto list = svc.ListEntries(ctx.user(), *b, ctx.PathParam("month"), *u, *page);
    if (!list) return std::unexpected(list.error());
    nlohmann::json items = nlohmann::json::array();
    for (const auto& e : list->items) items.push_back(EntryJson(e));
    return Reply::Json(http::PagedJson(std::move(items), list->total, *page));
  });

  r.Get("/api/scoring/months/{month}/export", kRead, [&svc](Ctx& ctx) -> Result<Reply> {
    auto b = QueryId(ctx, "bureau_id");
    if (!b) return std::unexpected(b.error());
    auto u = QueryId(ctx, "unit_id");
    if (!u) return std::unexpected(u.error());
    auto f = svc.ExportMonth(ctx.user(), ctx.Actor(), *b, ctx.PathParam("month"), *u);
    if (!f) return std::unexpected(f.error());
    return Reply::File(std::move(f->bytes), std::move(f->content_type), std::move(f->filename));
  });

  r.Get("/api/scoring/months/{month}/sheet", kRead, [&svc, lists_cache](Ctx& ctx) -> Result<Reply> {
    auto b = QueryId(ctx, "bureau_id");
    if (!b) return std::unexpected(b.error());
    auto u = QueryId(ctx, "unit_id");
    if (!u) return std::unexpected(u.error());
    const std::string format = ctx.Query("format").value_or("json");
    if (format != "json" && format != "html") return Invalid("格式只能是 json 或 html", "format", "invalid_value");
    auto v = svc.GetRankings(ctx.user(), *b, ctx.PathParam("month"), *u);
    if (!v) return std::unexpected(v.error());
    if (v->phase == "draft") return NotFound(v->month.month + " 的积分尚未公示，不能晾晒");
    if (format == "html") {
      Reply reply;
      reply.body = PublicitySheetHtml(*v);
      reply.content_type = "text/html; charset=utf-8";
      return reply;
    }
    const std::string title = v->month.bureau_name + " " + v->month.month + " 执法办案积分晾晒";
    return JsonText(RankingViewText(*v, *lists_cache, &title));
  });

  r.Get("/api/scoring/me", kRead, [&svc](Ctx& ctx) -> Result<Reply> {
    auto m = MonthQuery(ctx);
    if (!m) return std::unexpected(m.error());
    return JsonOr(svc.GetOfficerMonth(ctx.user(), std::nullopt, *m), OfficerMonthJson);
  });

  r.Get("/api/scoring/officers/{id}", kRead, [&svc](Ctx& ctx) -> Result<Reply> {
    auto id = ctx.PathId();
    if (!id) return std::unexpected(id.error());
    auto m = MonthQuery(ctx);
    if (!m) return std::unexpected(m.error());
    return JsonOr(svc.GetOfficerMonth(ctx.user(), *id, *m), OfficerMonthJson);
  });

  r.Get("/api/scoring/years/{year}", kRead, [&svc](Ctx& ctx) -> Result<Reply> {
    auto year = ctx.PathId("year");
    if (!year) return std::unexpected(year.error());
    auto b = QueryId(ctx, "bureau_id");
    if (!b) return std::unexpected(b.error());
    auto u = QueryId(ctx, "unit_id");
    if (!u) return std::unexpected(u.error());
    return JsonOr(svc.GetYearTotals(ctx.user(), *b, static_cast<int>(*year), *u), YearTotalsJson);
  });

  r.Get("/api/scoring/objections", kRead, [&svc](Ctx& ctx) -> Result<Reply> {
    ObjectionFilter f;
    auto b = QueryId(ctx, "bureau_id");
    if (!b) return std::unexpected(b.error());
    f.bureau_id = *b;
    f.month = ctx.Query("month");
    f.status = ctx.Query("status");
    return JsonOr(svc.ListObjections(ctx.user(), f), [](const std::vector<Objection>& list) {
      nlohmann::json items = nlohmann::json::array();
      for (const auto& o : list) items.push_back(ObjectionJson(o));
      return nlohmann::json{{"items", items}};
    });
  });

  r.Post("/api/scoring/objections", kRead, [&svc](Ctx& ctx) -> Result<Reply> {
    JsonInput in(ctx.body());
    auto entry = in.Int("entry_id", "积分条目", {.required = true, .min = 1});
    auto reason = in.String("reason", "复核理由", {.required = true, .min_chars = 2, .max_chars = 500});
    if (auto e = in.Finish()) return std::unexpected(*e);
    return JsonOr(svc.FileObjection(ctx.user(), ctx.Actor(), *entry, *reason), ObjectionJson, 201);
  });

  r.Post("/api/scoring/objections/{id}/decide", kManage, [&svc](Ctx& ctx) -> Result<Reply> {
    auto id = ctx.PathId();
    if (!id) return std::unexpected(id.error());
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
      auto c = CentiFrom(*adjustment, "adjustment");
      if (!c) return std::unexpected(c.error());
      d.adjustment = *c;
    }
    return JsonOr(svc.DecideObjection(ctx.user(), ctx.Actor(), *id, d), ObjectionJson);
  });
}

}  // namespace fazhi::scoring
