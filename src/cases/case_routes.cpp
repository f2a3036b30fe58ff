#include "cases/case_routes.h"

#include <fmt/format.h>

#include "auth/roles.h"
#include "core/json_input.h"
#include "core/json_writer.h"
#include "core/local_time.h"
#include "core/text.h"
#include "files/spreadsheet.h"
#include "supervision/events.h"

namespace fazhi::cases {

namespace {

using http::Ctx;
using http::Reply;

constexpr int kMaxQueryChars = 32;
// Uploads larger than this are committed as a background job even without async=1.
constexpr std::size_t kAsyncImportBytes = 512u << 10;

http::Access Need(std::string_view permission) { return {.permission = std::string(permission)}; }

nlohmann::json Opt(const std::optional<std::int64_t>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

void TimeJson(nlohmann::json& j, const std::string& key, std::optional<EpochSeconds> t) {
  j[key] = t ? nlohmann::json(*t) : nlohmann::json();
  j[key + "_local"] = t ? nlohmann::json(FormatLocalDateTime(*t)) : nlohmann::json();
}

nlohmann::json OfficerJson(const std::optional<OfficerRef>& o) {
  if (!o) return nullptr;
  return {{"id", o->id}, {"name", o->name}, {"badge_no", o->badge_no}, {"unit_name", o->unit_name}};
}

Result<std::optional<EpochSeconds>> QueryTime(const Ctx& ctx, const std::string& name, bool end_of_day) {
  auto v = ctx.Query(name);
  if (!v) return std::optional<EpochSeconds>();
  auto t = ParseLocalDateTime(*v);
  if (!t) return Invalid("时间“" + *v + "”格式不对，应为 2023-03-04 或 2023-03-04 08:00", name, "invalid_time");
  if (end_of_day && v->size() == 10) *t += 86400;  // a bare date as the end of a range = that whole day
  return std::optional<EpochSeconds>(*t);
}

Result<std::optional<bool>> QueryBool(const Ctx& ctx, const std::string& name, const char* label) {
  auto v = ctx.Query(name);
  if (!v) return std::optional<bool>();
  if (*v == "1" || *v == "true") return std::optional<bool>(true);
  if (*v == "0" || *v == "false") return std::optional<bool>(false);
  return Invalid(std::string("参数“") + label + "”只能是 1 或 0", name, "invalid_value");
}

Result<std::optional<std::string>> QueryText(const Ctx& ctx, const std::string& name, const char* label) {
  auto v = ctx.Query(name);
  if (!v) return std::optional<std::string>();
  const auto len = Utf8Length(*v);
  if (len < 0) return Invalid(std::string(label) + "含有无效字符", name);
  if (len > kMaxQueryChars) return Invalid(fmt::format("{}不能超过 {} 个字", label, kMaxQueryChars), name, "too_long");
  return std::optional<std::string>(Trim(*v));
}

// Person id parameter; "me" = the caller's own person.
Result<std::optional<std::int64_t>> QueryPerson(const Ctx& ctx, const std::string& name) {
  if (ctx.Query(name) == std::optional<std::string>("me")) {
    if (!ctx.user().person_id) return Invalid("当前账号未关联人员，不能按“我的”筛选", name, "no_person");
    return std::optional<std::int64_t>(*ctx.user().person_id);
  }
  return ctx.QueryInt(name);
}

Result<CaseFilter> ParseCaseFilter(const Ctx& ctx) {
  CaseFilter f;
  auto unit = ctx.QueryInt("unit_id");
  if (!unit) return std::unexpected(unit.error());
  f.unit_id = *unit;
  auto officer = QueryPerson(ctx, "officer_id");
  if (!officer) return std::unexpected(officer.error());
  f.officer_id = *officer;
  auto legal = QueryPerson(ctx, "legal_officer_id");
  if (!legal) return std::unexpected(legal.error());
  f.legal_officer_id = *legal;
  if (auto t = ctx.Query("case_type")) {
    if (*t != kCriminal && *t != kAdministrative)
      return Invalid("案件类型只能是 criminal 或 administrative", "case_type", "invalid_value");
    f.case_type = *t;
  }
  if (auto s = ctx.Query("status")) {
    if (!IsStatus(kCriminal, *s) && !IsStatus(kAdministrative, *s))
      return Invalid("不认识的案件状态“" + *s + "”", "status", "invalid_value");
    f.status = *s;
  }
  if (auto s = ctx.Query("alert_state")) {
    if (*s != "none" && *s != "pre_warn" && *s != "overdue" && *s != "violation")
      return Invalid("预警状态只能是 none、pre_warn、overdue 或 violation", "alert_state", "invalid_value");
    f.alert_state = *s;
  }
  auto category = QueryText(ctx, "category", "打击类别");
  if (!category) return std::unexpected(category.error());
  f.category = *category;
  auto q = QueryText(ctx, "q", "搜索词");
  if (!q) return std::unexpected(q.error());
  f.q = *q;
  auto from = QueryTime(ctx, "accepted_from", false);
  if (!from) return std::unexpected(from.error());
  f.accepted_from = *from;
  auto to = QueryTime(ctx, "accepted_to", true);
  if (!to) return std::unexpected(to.error());
  f.accepted_to = *to;
  return f;
}

Result<CaseInput> ParseCaseInput(const std::string& body, bool create) {
  JsonInput in(body);
  CaseInput c;
  c.external_id = in.String("external_id", "案件编号", {.max_chars = 64});
  c.case_type = in.Enum("case_type", "案件类型", {kCriminal, kAdministrative}, create);
  c.cause = in.String("cause", "案由", {.required = create, .min_chars = 1, .max_chars = 64});
  c.category = in.String("category", "打击类别", {.max_chars = 32});
  c.title = in.String("title", "案件名称", {.max_chars = 200});
  c.unit_id = in.Int("unit_id", "办案单位", {.required = create, .min = 1});
  c.lead_officer_id = in.Int("lead_officer_id", "主办民警", {.required = create, .min = 1});
  if (auto raw = in.Raw("assist_officer_ids", "协办民警")) {
    if (!raw->is_array() || raw->size() > 20)
      in.Reject(Error{ErrorCode::kInvalidArgument, "协办民警必须是人员编号数组（最多 20 人）", "assist_officer_ids"});
    else {
      std::vector<std::int64_t> ids;
      for (const auto& v : *raw) {
        if (!v.is_number_integer() || v.get<std::int64_t>() <= 0) {
          in.Reject(Error{ErrorCode::kInvalidArgument, "协办民警编号必须是正整数", "assist_officer_ids"});
          break;
        }
        ids.push_back(v.get<std::int64_t>());
      }
      c.assist_officer_ids = ids;
    }
  }
  c.legal_officer_id = in.Int("legal_officer_id", "法制员", {.min = create ? 1 : 0});
  c.incident_id = in.Int("incident_id", "关联警情", {.min = 1});
  c.serious = in.Bool("serious", "重大案件");
  c.fast_track = in.Bool("fast_track", "快速办理");
  if (auto t = in.String("accepted_at", "受案时间", {.max_chars = 40})) {
    auto parsed = ParseLocalDateTime(*t);
    if (!parsed) in.Reject(Error{ErrorCode::kInvalidArgument, "受案时间格式不对，应为 2023-03-04 08:00", "accepted_at"});
    c.accepted_at = parsed;
  }
  if (auto err = in.Finish()) return std::unexpected(*err);
  return c;
}

nlohmann::json PersonJson(const CasePerson& p) {
  return {{"id", p.id},
          {"ref", p.ref},
          {"name", p.name},
          {"role", p.role},
          {"role_name", [&] {
             for (const auto& r : supervision::PersonRoles())
               if (r.id == p.role) return std::string(r.name_zh);
             return p.role;
           }()},
          {"age", p.age ? nlohmann::json(*p.age) : nlohmann::json()},
          {"female", p.female},
          {"pregnant", p.pregnant},
          {"nursing_infant", p.nursing_infant},
          {"identity_unknown", p.identity_unknown},
          {"id_number", p.id_number},
          {"pii_masked", !p.pii_visible},
          {"created_at", p.created_at}};
}

const char* PropertyStatusName(const std::string& s) {
  if (s == "extracted") return "已提取";
  if (s == "seized") return "已扣押/查封";
  if (s == "in_storage") return "已入库";
  if (s == "returned") return "已返还/解除";
  if (s == "disposed") return "已处置";
  return "";
}

nlohmann::json PropertyJson(const PropertyItem& p) {
  return {{"id", p.id},         {"code", p.code},
          {"name", p.name},     {"quantity", p.quantity},
          {"status", p.status}, {"status_name", PropertyStatusName(p.status)},
          {"created_at", p.created_at}, {"updated_at", p.updated_at}};
}

nlohmann::json TransitionJson(const Transition& t) {
  return {{"to", t.to},
          {"to_name", StatusName(t.case_type, t.to)},
          {"name", t.name_zh},
          {"permission", t.permission},
          {"event", t.event}};
}

nlohmann::json DetailJson(const CaseDetail& d, const std::vector<const Transition*>& actions) {
  nlohmann::json j = CaseSummaryJson(d.header);
  nlohmann::json assists = nlohmann::json::array(), persons = nlohmann::json::array(),
                 property = nlohmann::json::array(), moves = nlohmann::json::array();
  for (const auto& a : d.assist_officers) assists.push_back(OfficerJson(a));
  for (const auto& p : d.persons) persons.push_back(PersonJson(p));
  for (const auto& p : d.property) property.push_back(PropertyJson(p));
  for (const auto* t : actions) moves.push_back(TransitionJson(*t));
  j["assist_officers"] = std::move(assists);
  j["persons"] = std::move(persons);
  j["property"] = std::move(property);
  j["incident"] = d.incident ? IncidentJson(*d.incident) : nlohmann::json();
  j["event_count"] = d.event_count;
  j["actions"] = std::move(moves);
  return j;
}

Result<ImportKind> KindOf(const Ctx& ctx) {
  auto kind = ImportKindFromId(ctx.PathParam("kind"));
  if (!kind) return Invalid("导入类型只能是 incidents、cases、persons 或 events", "kind", "invalid_value");
  return *kind;
}

}  // namespace

nlohmann::json IncidentJson(const Incident& i) {
  nlohmann::json j = {{"id", i.id},
                      {"unit_id", i.unit_id},
                      {"unit_name", i.unit_name},
                      {"external_id", i.external_id},
                      {"category", i.category},
                      {"summary", i.summary},
                      {"address", i.address},
                      {"result", i.result},
                      {"body_camera", i.body_camera},
                      {"officer", OfficerJson(i.officer)},
                      {"case_id", Opt(i.case_id)},
                      {"case_external_id", i.case_external_id ? nlohmann::json(*i.case_external_id) : nlohmann::json()},
                      {"created_at", i.created_at},
                      {"updated_at", i.updated_at}};
  TimeJson(j, "received_at", i.received_at);
  return j;
}

// A case summary as the list and the case page show it; keys in sorted order, as nlohmann::json
// writes them.
void WriteCaseSummary(JsonWriter& w, const CaseSummary& c) {
  auto officer = [&w](const std::optional<OfficerRef>& o) {
    if (!o) {
      w.Null();
      return;
    }
    w.BeginObject();
    w.Key("badge_no").String(o->badge_no).Key("id").Int(o->id).Key("name").String(o->name);
    w.Key("unit_name").String(o->unit_name).EndObject();
  };
  auto time = [&w](std::string_view key, std::optional<EpochSeconds> t) {
    w.Key(key).OptInt(t);
    w.Key(std::string(key) + "_local");
    if (t)
      w.String(FormatLocalDateTime(*t));
    else
      w.Null();
  };
  w.BeginObject();
  time("accepted_at", c.accepted_at);
  w.Key("alert_state").String(c.alert_state);
  w.Key("case_type").String(c.case_type).Key("case_type_name").String(CaseTypeName(c.case_type));
  w.Key("category").String(c.category).Key("cause").String(c.cause);
  time("closed_at", c.closed_at);
  w.Key("created_at").Int(c.created_at).Key("external_id").String(c.external_id);
  w.Key("fast_track").Bool(c.fast_track).Key("id").Int(c.id).Key("incident_id").OptInt(c.incident_id);
  w.Key("lead_officer");
  officer(c.lead_officer);
  w.Key("legal_officer");
  officer(c.legal_officer);
  time("next_due_at", c.next_due_at);
  w.Key("serious").Bool(c.serious).Key("status").String(c.status);
  w.Key("status_name").String(StatusName(c.case_type, c.status)).Key("title").String(c.title);
  w.Key("unit_id").Int(c.unit_id).Key("unit_name").String(c.unit_name).Key("updated_at").Int(c.updated_at);
  w.EndObject();
}

nlohmann::json CaseSummaryJson(const CaseSummary& c) {
  JsonWriter w;
  WriteCaseSummary(w, c);
  return nlohmann::json::parse(w.Take());
}

nlohmann::json CaseEventJson(const CaseEvent& e) {
  nlohmann::json j = {{"id", e.id},
                      {"type", e.type},
                      {"type_name", e.type_name},
                      {"person", e.person_ref.empty() ? nlohmann::json() : nlohmann::json(e.person_ref)},
                      {"person_name", e.person_name},
                      {"item", e.item_code.empty() ? nlohmann::json() : nlohmann::json(e.item_code)},
                      {"attrs", e.attrs},
                      {"external_id", e.external_id.empty() ? nlohmann::json() : nlohmann::json(e.external_id)},
                      {"source", e.source},
                      {"recorded_by", Opt(e.recorded_by)},
                      {"recorded_by_name", e.recorded_by_name},
                      {"recorded_at", e.recorded_at}};
  TimeJson(j, "at", e.at);
  return j;
}

nlohmann::json ImportReportJson(const ImportReport& r) {
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& e : r.errors) errors.push_back({{"row", e.row}, {"column", e.column}, {"message", e.message}});
  return {{"committed", r.committed}, {"total_rows", r.total_rows}, {"valid_rows", r.valid_rows},
          {"created", r.created},     {"updated", r.updated},       {"unchanged", r.unchanged},
          {"errors", std::move(errors)}, {"errors_truncated", r.errors_truncated}};
}

nlohmann::json ImportJobJson(const ImportJob& j) {
  nlohmann::json out = {{"id", j.id},
                        {"kind", j.kind},
                        {"filename", j.filename},
                        {"state", j.state},
                        {"processed", j.processed},
                        {"total", j.total},
                        {"report", j.report ? ImportReportJson(*j.report) : nlohmann::json()},
                        {"error", j.error},
                        {"created_at", j.created_at},
                        {"finished_at", Opt(j.finished_at)}};
  return out;
}

void RegisterRoutes(http::Router& router, CaseService& service) {
  using namespace auth::perm;

  // ---- incidents ----
  router.Get("/api/incidents", Need(kCaseRead), [&service](Ctx& ctx) -> Result<Reply> {
    auto page = ctx.Page(IncidentSortFields());
    if (!page) return std::unexpected(page.error());
    if (!ctx.Query("order")) page->descending = true;
    IncidentFilter f;
    auto unit = ctx.QueryInt("unit_id");
    if (!unit) return std::unexpected(unit.error());
    f.unit_id = *unit;
    auto from = QueryTime(ctx, "from", false);
    if (!from) return std::unexpected(from.error());
    f.from = *from;
    auto to = QueryTime(ctx, "to", true);
    if (!to) return std::unexpected(to.error());
    f.to = *to;
    auto cam = QueryBool(ctx, "body_camera", "执法记录仪");
    if (!cam) return std::unexpected(cam.error());
    f.body_camera = *cam;
    auto has_case = QueryBool(ctx, "has_case", "已立案件");
    if (!has_case) return std::unexpected(has_case.error());
    f.has_case = *has_case;
    auto q = QueryText(ctx, "q", "搜索词");
    if (!q) return std::unexpected(q.error());
    f.q = *q;
    auto list = service.ListIncidents(ctx.user(), f, *page);
    if (!list) return std::unexpected(list.error());
    nlohmann::json items = nlohmann::json::array();
    for (const auto& i : list->items) items.push_back(IncidentJson(i));
    return Reply::Json(http::PagedJson(std::move(items), list->total, *page));
  });
  router.Post("/api/incidents", Need(kCaseWrite), [&service](Ctx& ctx) -> Result<Reply> {
    JsonInput in(ctx.body());
    IncidentInput i;
    i.external_id = in.String("external_id", "警情编号", {.max_chars = 64}).value_or("");
    i.unit_id = in.Int("unit_id", "单位", {.required = true, .min = 1}).value_or(0);
    auto received = in.String("received_at", "接警时间", {.required = true, .max_chars = 40});
    i.category = in.String("category", "警情类别", {.required = true, .min_chars = 1, .max_chars = 32}).value_or("");
    i.summary = in.String("summary", "简要情况", {.max_chars = 2000}).value_or("");
    i.address = in.String("address", "地址", {.max_chars = 200}).value_or("");
    i.result = in.String("result", "处理结果", {.max_chars = 200}).value_or("");
    i.body_camera = in.Bool("body_camera", "执法记录仪").value_or(false);
    i.officer_id = in.Int("officer_id", "处警民警", {.min = 1});
    if (received) {
      auto t = ParseLocalDateTime(*received);
      if (!t) in.Reject(Error{ErrorCode::kInvalidArgument, "接警时间格式不对，应为 2023-03-04 08:00", "received_at"});
      i.received_at = t.value_or(0);
    }
    if (auto err = in.Finish()) return std::unexpected(*err);
    auto inc = service.CreateIncident(ctx.user(), ctx.Actor(), i);
    if (!inc) return std::unexpected(inc.error());
    return Reply::Json(IncidentJson(*inc), 201);
  });
  router.Get("/api/incidents/{id}", Need(kCaseRead), [&service](Ctx& ctx) -> Result<Reply> {
    auto id = ctx.PathId();
    if (!id) return std::unexpected(id.error());
    auto inc = service.GetIncident(ctx.user(), *id);
    if (!inc) return std::unexpected(inc.error());
    return Reply::Json(IncidentJson(*inc));
  });

  // ---- cases: literal paths first, then {id} ----
  router.Get("/api/cases/meta", Need(kCaseRead), [](Ctx&) -> Result<Reply> {
    nlohmann::json statuses = nlohmann::json::object(), transitions = nlohmann::json::array(),
                   events = nlohmann::json::array();
    for (const char* type : {kCriminal, kAdministrative}) {
      nlohmann::json list = nlohmann::json::array();
      for (auto s : Statuses(type))
        list.push_back({{"id", s}, {"name", StatusName(type, s)}, {"terminal", IsTerminal(type, s)}});
      statuses[type] = std::move(list);
    }
    for (const auto& t : Transitions()) {
      nlohmann::json j = TransitionJson(t);
      j["case_type"] = t.case_type;
      j["from"] = t.from;
      transitions.push_back(std::move(j));
    }
    for (int t = 0; t < supervision::kEventTypeCount; ++t) {
      const auto type = static_cast<supervision::EventType>(t);
      nlohmann::json attrs = nlohmann::json::array();
      for (int a = 0; a < supervision::kAttrCount; ++a)
        if (supervision::Admits(type, static_cast<supervision::Attr>(a)))
          attrs.push_back(supervision::AttrId(static_cast<supervision::Attr>(a)));
      events.push_back({{"id", supervision::EventTypeId(type)}, {"name", supervision::EventTypeName(type)}, {"attrs", attrs}});
    }
    nlohmann::json roles = nlohmann::json::array();
    for (const auto& r : supervision::PersonRoles()) roles.push_back({{"id", r.id}, {"name", r.name_zh}});
    return Reply::Json({{"case_types",
                         {{{"id", kCriminal}, {"name", "刑事"}}, {{"id", kAdministrative}, {"name", "行政"}}}},
                        {"statuses", statuses},
                        {"transitions", transitions},
                        {"event_types", events},
                        {"person_roles", roles},
                        {"alert_states",
                         {{{"id", "none"}, {"name", "正常"}},
                          {{"id", "pre_warn"}, {"name", "预警"}},
                          {{"id", "overdue"}, {"name", "告警"}},
                          {{"id", "violation"}, {"name", "违规"}}}},
                        {"categories",
                         {"电信网络诈骗", "涉黑涉恶", "拐卖", "经济犯罪", "黄赌", "毒品", "民生小案", "其他"}}});
  });
  router.Get("/api/cases/export", Need(kCaseRead), [&service](Ctx& ctx) -> Result<Reply> {
    auto f = ParseCaseFilter(ctx);
    if (!f) return std::unexpected(f.error());
    const auto format = ctx.Query("format").value_or("xlsx");
    if (format != "xlsx" && format != "csv") return Invalid("格式只能是 xlsx 或 csv", "format", "invalid_value");
    auto file = service.ExportCases(ctx.user(), ctx.Actor(), *f, format == "xlsx");
    if (!file) return std::unexpected(file.error());
    return Reply::File(std::move(file->bytes), std::move(file->content_type), std::move(file->filename));
  });
  router.Get("/api/cases", Need(kCaseRead), [&service](Ctx& ctx) -> Result<Reply> {
    auto page = ctx.Page(CaseSortFields());
    if (!page) return std::unexpected(page.error());
    if (!ctx.Query("order")) page->descending = page->sort == "accepted_at" || page->sort == "updated_at";
    auto f = ParseCaseFilter(ctx);
    if (!f) return std::unexpected(f.error());
    auto list = service.ListCases(ctx.user(), *f, *page);
    if (!list) return std::unexpected(list.error());
    // Written straight out (the list is the busiest page); same members as http::PagedJson.
    JsonWriter w;
    w.BeginObject().Key("items").BeginArray();
    for (const auto& c : list->items) WriteCaseSummary(w, c);
    w.EndArray();
    w.Key("page").Int(page->page).Key("page_size").Int(page->page_size).Key("total").Int(list->total);
    w.Key("total_capped").Bool(list->total_capped);  // more than `total` cases match (the count stops at the cap)
    return Reply::RawJson(w.EndObject().Take());
  });
  router.Post("/api/cases", Need(kCaseWrite), [&service](Ctx& ctx) -> Result<Reply> {
    auto in = ParseCaseInput(ctx.body(), true);
    if (!in) return std::unexpected(in.error());
    auto c = service.CreateCase(ctx.user(), ctx.Actor(), *in);
    if (!c) return std::unexpected(c.error());
    return Reply::Json(DetailJson(*c, service.AllowedTransitions(ctx.user(), c->header)), 201);
  });
  router.Get("/api/cases/{id}", Need(kCaseRead), [&service](Ctx& ctx) -> Result<Reply> {
    auto id = ctx.PathId();
    if (!id) return std::unexpected(id.error());
    auto c = service.GetCase(ctx.user(), ctx.Actor(), *id);
    if (!c) return std::unexpected(c.error());
    return Reply::Json(DetailJson(*c, service.AllowedTransitions(ctx.user(), c->header)));
  });
  router.Put("/api/cases/{id}", Need(kCaseWrite), [&service](Ctx& ctx) -> Result<Reply> {
    auto id = ctx.PathId();
    if (!id) return std::unexpected(id.error());
    auto in = ParseCaseInput(ctx.body(), false);
    if (!in) return std::unexpected(in.error());
    auto c = service.UpdateCase(ctx.user(), ctx.Actor(), *id, *in);
    if (!c) return std::unexpected(c.error());
    return Reply::Json(DetailJson(*c, service.AllowedTransitions(ctx.user(), c->header)));
  });
  router.Get("/api/cases/{id}/events", Need(kCaseRead), [&service](Ctx& ctx) -> Result<Reply> {
    auto id = ctx.PathId();
    if (!id) return std::unexpected(id.error());
    auto events = service.ListEvents(ctx.user(), *id);
    if (!events) return std::unexpected(events.error());
    nlohmann::json items = nlohmann::json::array();
    for (const auto& e : *events) items.push_back(CaseEventJson(e));
    return Reply::Json({{"items", std::move(items)}});
  });
  router.Post("/api/cases/{id}/events", Need(kCaseWrite), [&service](Ctx& ctx) -> Result<Reply> {
    auto id = ctx.PathId();
    if (!id) return std::unexpected(id.error());
    auto body = nlohmann::json::parse(ctx.body(), nullptr, false);
    if (body.is_discarded() || !body.is_object())
      return Invalid("请求内容必须是 JSON 对象，例如 {\"type\":\"detain\",\"time\":\"2023-03-04 22:30\",\"person\":\"p1\"}",
                     "body", "invalid_json");
    auto e = service.AddEvent(ctx.user(), ctx.Actor(), *id, EventInput{std::move(body)});
    if (!e) return std::unexpected(e.error());
    return Reply::Json(CaseEventJson(*e), 201);
  });
  router.Post("/api/cases/{id}/persons", Need(kCaseWrite), [&service](Ctx& ctx) -> Result<Reply> {
    auto id = ctx.PathId();
    if (!id) return std::unexpected(id.error());
    JsonInput in(ctx.body());
    CasePersonInput p;
    p.ref = in.String("ref", "人员编号", {.max_chars = 32}).value_or("");
    p.name = in.String("name", "姓名", {.max_chars = 32}).value_or("");
    p.role = in.Enum("role", "人员角色", {"suspect", "victim", "witness", "other"}, true).value_or("suspect");
    if (auto age = in.Int("age", "年龄", {.min = 0, .max = 150})) p.age = static_cast<int>(*age);
    p.female = in.Bool("female", "女性").value_or(false);
    p.pregnant = in.Bool("pregnant", "怀孕").value_or(false);
    p.nursing_infant = in.Bool("nursing_infant", "哺乳未满一周岁婴儿").value_or(false);
    p.identity_unknown = in.Bool("identity_unknown", "身份不明").value_or(false);
    p.id_number = in.String("id_number", "身份证号", {.max_chars = 18}).value_or("");
    if (auto err = in.Finish()) return std::unexpected(*err);
    auto person = service.AddPerson(ctx.user(), ctx.Actor(), *id, p);
    if (!person) return std::unexpected(person.error());
    return Reply::Json(PersonJson(*person), 201);
  });
  router.Post("/api/cases/{id}/property", Need(kCaseWrite), [&service](Ctx& ctx) -> Result<Reply> {
    auto id = ctx.PathId();
    if (!id) return std::unexpected(id.error());
    JsonInput in(ctx.body());
    PropertyInput p;
    p.code = in.String("code", "财物编号", {.required = true, .min_chars = 1, .max_chars = 64}).value_or("");
    p.name = in.String("name", "财物名称", {.required = true, .min_chars = 1, .max_chars = 64}).value_or("");
    p.quantity = in.String("quantity", "数量", {.max_chars = 32}).value_or("");
    if (auto err = in.Finish()) return std::unexpected(*err);
    auto item = service.AddProperty(ctx.user(), ctx.Actor(), *id, p);
    if (!item) return std::unexpected(item.error());
    return Reply::Json(PropertyJson(*item), 201);
  });
  // Status moves need case.write or case.review; the move itself checks which (a 办案民警 cannot 立案).
  router.Post("/api/cases/{id}/transition", Need(kCaseRead), [&service](Ctx& ctx) -> Result<Reply> {
    auto id = ctx.PathId();
    if (!id) return std::unexpected(id.error());
    JsonInput in(ctx.body());
    TransitionInput t;
    t.to = in.String("to", "目标状态", {.required = true, .min_chars = 1, .max_chars = 32}).value_or("");
    if (auto at = in.String("at", "办理时间", {.max_chars = 40})) {
      t.at = ParseLocalDateTime(*at);
      if (!t.at) in.Reject(Error{ErrorCode::kInvalidArgument, "办理时间格式不对，应为 2023-03-04 08:00", "at"});
    }
    if (auto ev = in.Raw("event", "事件属性")) t.event_attrs = *ev;
    t.note = in.String("note", "说明", {.max_chars = 500}).value_or("");
    if (auto err = in.Finish()) return std::unexpected(*err);
    auto c = service.ChangeStatus(ctx.user(), ctx.Actor(), *id, t);
    if (!c) return std::unexpected(c.error());
    return Reply::Json(DetailJson(*c, service.AllowedTransitions(ctx.user(), c->header)));
  });

  // ---- import ----
  router.Get("/api/import/jobs/{id}", Need(kCaseWrite), [&service](Ctx& ctx) -> Result<Reply> {
    const std::string id = ctx.PathParam("id");
    if (id.empty() || id.size() > 64) return Invalid("任务编号无效", "id");
    auto job = service.GetImportJob(ctx.user(), id);
    if (!job) return std::unexpected(job.error());
    return Reply::Json(ImportJobJson(*job));
  });
  router.Get("/api/import/{kind}/template", Need(kCaseWrite), [](Ctx& ctx) -> Result<Reply> {
    auto kind = KindOf(ctx);
    if (!kind) return std::unexpected(kind.error());
    const auto format = ctx.Query("format").value_or("xlsx");
    const std::vector<std::vector<std::string>> rows = {ImportColumns(*kind)};
    const std::string name = fmt::format("导入模板_{}", ctx.PathParam("kind"));
    if (format == "csv") return Reply::File(files::WriteCsv(rows), "text/csv; charset=utf-8", name + ".csv");
    if (format != "xlsx") return Invalid("格式只能是 xlsx 或 csv", "format", "invalid_value");
    auto bytes = files::WriteXlsx({{"导入", rows, {}}});
    if (!bytes) return std::unexpected(bytes.error());
    return Reply::File(std::move(*bytes), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       name + ".xlsx");
  });
  router.Post("/api/import/{kind}", Need(kCaseWrite), [&service](Ctx& ctx) -> Result<Reply> {
    auto kind = KindOf(ctx);
    if (!kind) return std::unexpected(kind.error());
    const auto mode = ctx.Query("mode");
    if (!mode || (*mode != "check" && *mode != "commit"))
      return Invalid("参数 mode 只能是 check（检查）或 commit（导入）", "mode", "invalid_value");
    auto async = QueryBool(ctx, "async", "后台导入");
    if (!async) return std::unexpected(async.error());
    if (!ctx.req().has_file("file"))
      return Invalid("请选择要上传的文件（multipart/form-data，字段名 file）", "file", "missing_field");
    const auto file = ctx.req().get_file_value("file");
    if (*mode == "commit" && (async->value_or(false) || file.content.size() > kAsyncImportBytes)) {
      auto job = service.StartImportJob(ctx.user(), ctx.Actor(), *kind, file.content, file.filename);
      if (!job) return std::unexpected(job.error());
      return Reply::Json(ImportJobJson(*job), 202);
    }
    auto report = service.Import(ctx.user(), ctx.Actor(), *kind, file.content, file.filename,
                                 *mode == "commit" ? ImportMode::kCommit : ImportMode::kCheck);
    if (!report) return std::unexpected(report.error());
    return Reply::Json(ImportReportJson(*report));
  });
}

}  // namespace fazhi::cases
