// The case file's HTTP routes (docs/cases.md §4 lists them with examples): named handlers — each
// parses, calls one CaseService function and serialises — and one route table at the end.
#include "cases/case_routes.h"

#include "files/attachments.h"

#include <fmt/format.h>

#include "auth/roles.h"
#include "cases/case_qualification.h"
#include "cases/case_reads.h"
#include "core/json_fields.h"
#include "core/json_input.h"
#include "core/json_writer.h"
#include "core/local_time.h"
#include "files/document_html.h"
#include "files/docx.h"
#include "files/spreadsheet.h"
#include "http/json_opt.h"
#include "http/query.h"
#include "supervision/events.h"

namespace fazhi::cases {

// A case summary as the list and the case page show it (defined with the other JSON forms below).
void WriteCaseSummary(JsonWriter& w, const CaseSummary& c);

namespace {

using http::Ctx;
using http::Reply;

constexpr int kMaxQueryChars = 32;
// Uploads larger than this are committed as a background job even without async=1.
constexpr std::size_t kAsyncImportBytes = 512u << 10;

// ---------------------------------------------------------------- JSON forms

void TimeJson(nlohmann::json& j, const std::string& key, std::optional<EpochSeconds> t) {
  j[key] = t ? nlohmann::json(*t) : nlohmann::json();
  j[key + "_local"] = t ? nlohmann::json(FormatLocalDateTime(*t)) : nlohmann::json();
}

nlohmann::json OfficerJson(const std::optional<OfficerRef>& o) {
  if (!o) return nullptr;
  return {{"id", o->id}, {"name", o->name}, {"badge_no", o->badge_no}, {"unit_name", o->unit_name}};
}

nlohmann::json PersonJson(const CasePerson& p) {
  return Merged(
      FZ_JSON(p, id, ref, name, role, female, pregnant, nursing_infant, identity_unknown, id_number, created_at),
      {{"role_name",
        [&] {
          for (const auto& r : supervision::PersonRoles())
            if (r.id == p.role) return std::string(r.name_zh);
          return p.role;
        }()},
       {"age", p.age ? nlohmann::json(*p.age) : nlohmann::json()},
       {"pii_masked", !p.pii_visible}});
}

nlohmann::json PropertyJson(const PropertyItem& p) {
  return Merged(FZ_JSON(p, id, code, name, quantity, status, created_at, updated_at),
                {{"status_name", PropertyStatusName(p.status)}});
}

nlohmann::json TransitionJson(const Transition& t) {
  return Merged(FZ_JSON(t, to, permission, event), {{"to_name", StatusName(t.case_type, t.to)}, {"name", t.name_zh}});
}

// An officer's 执法资格 on the day of 受案; null when not checked (辅警, a bureau without a register).
nlohmann::json QualificationJson(const CaseDetail& d, std::int64_t person) {
  const auto it = d.qualifications.find(person);
  if (it == d.qualifications.end()) return nullptr;
  const OfficerQualification& q = it->second;
  std::string text;
  if (q.status == "valid")
    text = fmt::format("{}，{} 取得，有效期至 {}", QualificationLevelName(q.level), q.obtained_on, q.valid_until);
  else if (q.status == "expired")
    text = fmt::format("已于 {} 到期", q.valid_until);
  else if (q.status == "not_yet")
    text = fmt::format("{} 方取得", q.obtained_on);
  else
    text = "执法资格登记中无记录";
  return Merged(FZ_JSON(q, status, level, day),
                {{"status_name", QualificationStatusName(q.status)},
                 {"level_name", q.level.empty() ? "" : QualificationLevelName(q.level)},
                 {"obtained_on", q.obtained_on.empty() ? nlohmann::json() : nlohmann::json(q.obtained_on)},
                 {"valid_until", q.valid_until.empty() ? nlohmann::json() : nlohmann::json(q.valid_until)},
                 {"text", std::move(text)}});
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
  if (d.header.lead_officer) j["lead_officer"]["qualification"] = QualificationJson(d, d.header.lead_officer->id);
  for (std::size_t i = 0; i < d.assist_officers.size(); ++i)
    j["assist_officers"][i]["qualification"] = QualificationJson(d, d.assist_officers[i].id);
  return j;
}

// ---------------------------------------------------------------- input

// The JsonInput's first error (unknown fields included) as a Result.
Result<void> Checked(JsonInput& in) {
  if (auto err = in.Finish()) return std::unexpected(std::move(*err));
  return {};
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
  c.many_people = in.Bool("many_people", "涉案人数众多");
  if (auto t = in.String("accepted_at", "受案时间", {.max_chars = 40})) {
    auto parsed = ParseLocalDateTime(*t);
    if (!parsed)
      in.Reject(Error{ErrorCode::kInvalidArgument, "受案时间格式不对，应为 2023-03-04 08:00", "accepted_at"});
    c.accepted_at = parsed;
  }
  FZ_CHECK(Checked(in));
  return c;
}

// The end of a time range: a bare date ("2023-03-04") means the end of that whole day.
std::optional<EpochSeconds> RangeEnd(http::QueryReader& q, const Ctx& ctx, const std::string& name) {
  auto t = q.Time(name);
  const auto raw = ctx.Query(name);
  if (t && raw && raw->size() == 10 && (*raw)[4] == '-') *t += 86400;
  return t;
}

// A person id parameter; "me" = the caller's own person.
Result<std::optional<std::int64_t>> PersonParam(http::QueryReader& q, const Ctx& ctx, const std::string& name) {
  if (ctx.Query(name) != std::optional<std::string>("me")) return q.Id(name);
  if (!ctx.user().person_id) return Invalid("当前账号未关联人员，不能按“我的”筛选", name, "no_person");
  return ctx.user().person_id;
}

const std::vector<std::string>& AllStatuses() {
  static const std::vector<std::string> kAll = [] {
    std::vector<std::string> out;
    for (const char* type : {kCriminal, kAdministrative})
      for (auto s : Statuses(type))
        if (std::find(out.begin(), out.end(), s) == out.end()) out.emplace_back(s);
    return out;
  }();
  return kAll;
}

// The filter of the case list and its export (the caller checks q.Finish()).
Result<CaseFilter> ReadCaseFilter(http::QueryReader& q, const Ctx& ctx) {
  CaseFilter f;
  f.unit_id = q.Id("unit_id");
  f.officer_id = FZ_TRY(PersonParam(q, ctx, "officer_id"));
  f.legal_officer_id = FZ_TRY(PersonParam(q, ctx, "legal_officer_id"));
  f.case_type = q.OneOf("case_type", {kCriminal, kAdministrative});
  f.status = q.OneOf("status", AllStatuses());
  f.alert_state = q.OneOf("alert_state", {"none", "pre_warn", "overdue", "violation"});
  f.category = q.Str("category", kMaxQueryChars);
  f.q = q.Str("q", kMaxQueryChars);
  f.accepted_from = q.Time("accepted_from");
  f.accepted_to = RangeEnd(q, ctx, "accepted_to");
  f.ids = q.Ids("ids", kMaxSelectedIds);
  return f;
}

Result<ImportKind> KindOf(const Ctx& ctx) {
  auto kind = ImportKindFromId(ctx.PathParam("kind"));
  if (!kind) return Invalid("导入类型只能是 incidents、cases、persons 或 events", "kind", "invalid_value");
  return *kind;
}

Reply CaseReply(CaseService& s, const Ctx& ctx, const CaseDetail& c, int status = 200) {
  return Reply::Json(DetailJson(c, s.AllowedTransitions(ctx.user(), c.header)), status);
}

// ---------------------------------------------------------------- handlers: incidents

Result<Reply> ListIncidents(Ctx& ctx, CaseService& s) {
  http::QueryReader q(ctx);
  PageRequest page = q.Page(IncidentSortFields());
  if (!ctx.Query("order")) page.descending = true;
  IncidentFilter f;
  f.unit_id = q.Id("unit_id");
  f.from = q.Time("from");
  f.to = RangeEnd(q, ctx, "to");
  f.body_camera = q.Bool("body_camera");
  f.has_case = q.Bool("has_case");
  f.q = q.Str("q", kMaxQueryChars);
  FZ_CHECK(q.Finish());
  const auto list = FZ_TRY(s.ListIncidents(ctx.user(), f, page));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& i : list.items) items.push_back(IncidentJson(i));
  return Reply::Json(http::PagedJson(std::move(items), list.total, page));
}

Result<Reply> CreateIncident(Ctx& ctx, CaseService& s) {
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
  FZ_CHECK(Checked(in));
  return Reply::Json(IncidentJson(FZ_TRY(s.CreateIncident(ctx.user(), ctx.Actor(), i))), 201);
}

Result<Reply> GetIncident(Ctx& ctx, CaseService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  return Reply::Json(IncidentJson(FZ_TRY(s.GetIncident(ctx.user(), id))));
}

// ---------------------------------------------------------------- handlers: cases

// The vocabulary of the case pages: statuses, moves, event types, roles, alert states, categories.
Result<Reply> CaseMeta(Ctx&, CaseService&) {
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
    events.push_back(
        {{"id", supervision::EventTypeId(type)}, {"name", supervision::EventTypeName(type)}, {"attrs", attrs}});
  }
  nlohmann::json roles = nlohmann::json::array();
  for (const auto& r : supervision::PersonRoles()) roles.push_back({{"id", r.id}, {"name", r.name_zh}});
  return Reply::Json(
      {{"case_types", {{{"id", kCriminal}, {"name", "刑事"}}, {{"id", kAdministrative}, {"name", "行政"}}}},
       {"statuses", statuses},
       {"transitions", transitions},
       {"event_types", events},
       {"person_roles", roles},
       {"alert_states",
        {{{"id", "none"}, {"name", "正常"}},
         {{"id", "pre_warn"}, {"name", "预警"}},
         {{"id", "overdue"}, {"name", "告警"}},
         {{"id", "violation"}, {"name", "违规"}}}},
       {"categories", {"电信网络诈骗", "涉黑涉恶", "拐卖", "经济犯罪", "黄赌", "毒品", "民生小案", "其他"}}});
}

Result<Reply> ExportCases(Ctx& ctx, CaseService& s) {
  http::QueryReader q(ctx);
  const CaseFilter f = FZ_TRY(ReadCaseFilter(q, ctx));
  const std::string format = q.OneOf("format", {"xlsx", "csv"}).value_or("xlsx");
  FZ_CHECK(q.Finish());
  auto file = FZ_TRY(s.ExportCases(ctx.user(), ctx.Actor(), f, format == "xlsx"));
  return Reply::File(std::move(file.bytes), std::move(file.content_type), std::move(file.filename));
}

Result<Reply> ListCases(Ctx& ctx, CaseService& s) {
  http::QueryReader q(ctx);
  PageRequest page = q.Page(CaseSortFields());
  if (!ctx.Query("order")) page.descending = page.sort == "accepted_at" || page.sort == "updated_at";
  const CaseFilter f = FZ_TRY(ReadCaseFilter(q, ctx));
  FZ_CHECK(q.Finish());
  const auto list = FZ_TRY(s.ListCases(ctx.user(), f, page));
  // Written straight out (the list is the busiest page); same members as http::PagedJson.
  JsonWriter w;
  w.BeginObject().Key("items").BeginArray();
  for (const auto& c : list.items) WriteCaseSummary(w, c);
  w.EndArray();
  w.Key("page").Int(page.page).Key("page_size").Int(page.page_size).Key("total").Int(list.total);
  w.Key("total_capped").Bool(list.total_capped);  // more than `total` cases match (the count stops at the cap)
  return Reply::RawJson(w.EndObject().Take());
}

Result<Reply> CreateCase(Ctx& ctx, CaseService& s) {
  const CaseInput in = FZ_TRY(ParseCaseInput(ctx.body(), true));
  return CaseReply(s, ctx, FZ_TRY(s.CreateCase(ctx.user(), ctx.Actor(), in)), 201);
}

Result<Reply> GetCase(Ctx& ctx, CaseService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  return CaseReply(s, ctx, FZ_TRY(s.GetCase(ctx.user(), ctx.Actor(), id)));
}

// 一案一档 of a case: /api/cases/{id}/dossier/docx (the Word file) and …/print (the print page).
Result<Reply> DossierDocx(Ctx& ctx, CaseService& s) {
  auto d = FZ_TRY(s.Dossier(ctx.user(), ctx.Actor(), FZ_TRY(ctx.PathId()), "docx"));
  return Reply::File(FZ_TRY(files::WriteDocx(d.document)), files::kDocx, fmt::format("一案一档（{}）.docx", d.case_no));
}

Result<Reply> DossierPrint(Ctx& ctx, CaseService& s) {
  auto d = FZ_TRY(s.Dossier(ctx.user(), ctx.Actor(), FZ_TRY(ctx.PathId()), "print"));
  Reply reply;
  reply.body = FZ_TRY(files::RenderDocumentHtml(d.document));
  reply.content_type = "text/html; charset=utf-8";
  return reply;
}

Result<Reply> UpdateCase(Ctx& ctx, CaseService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  const CaseInput in = FZ_TRY(ParseCaseInput(ctx.body(), false));
  return CaseReply(s, ctx, FZ_TRY(s.UpdateCase(ctx.user(), ctx.Actor(), id, in)));
}

Result<Reply> ListEvents(Ctx& ctx, CaseService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& e : FZ_TRY(s.ListEvents(ctx.user(), id))) items.push_back(CaseEventJson(e));
  return Reply::Json({{"items", std::move(items)}});
}

Result<Reply> AddEvent(Ctx& ctx, CaseService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  auto body = nlohmann::json::parse(ctx.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return Invalid(
        "请求内容必须是 JSON 对象，例如 {\"type\":\"detain\",\"time\":\"2023-03-04 22:30\",\"person\":\"p1\"}", "body",
        "invalid_json");
  return Reply::Json(CaseEventJson(FZ_TRY(s.AddEvent(ctx.user(), ctx.Actor(), id, EventInput{std::move(body)}))), 201);
}

Result<Reply> AddPerson(Ctx& ctx, CaseService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
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
  FZ_CHECK(Checked(in));
  return Reply::Json(PersonJson(FZ_TRY(s.AddPerson(ctx.user(), ctx.Actor(), id, p))), 201);
}

Result<Reply> AddProperty(Ctx& ctx, CaseService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  PropertyInput p;
  p.code = in.String("code", "财物编号", {.required = true, .min_chars = 1, .max_chars = 64}).value_or("");
  p.name = in.String("name", "财物名称", {.required = true, .min_chars = 1, .max_chars = 64}).value_or("");
  p.quantity = in.String("quantity", "数量", {.max_chars = 32}).value_or("");
  FZ_CHECK(Checked(in));
  return Reply::Json(PropertyJson(FZ_TRY(s.AddProperty(ctx.user(), ctx.Actor(), id, p))), 201);
}

Result<Reply> ChangeStatus(Ctx& ctx, CaseService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  TransitionInput t;
  t.to = in.String("to", "目标状态", {.required = true, .min_chars = 1, .max_chars = 32}).value_or("");
  if (auto at = in.String("at", "办理时间", {.max_chars = 40})) {
    t.at = ParseLocalDateTime(*at);
    if (!t.at) in.Reject(Error{ErrorCode::kInvalidArgument, "办理时间格式不对，应为 2023-03-04 08:00", "at"});
  }
  if (auto ev = in.Raw("event", "事件属性")) t.event_attrs = *ev;
  t.note = in.String("note", "说明", {.max_chars = 500}).value_or("");
  FZ_CHECK(Checked(in));
  return CaseReply(s, ctx, FZ_TRY(s.ChangeStatus(ctx.user(), ctx.Actor(), id, t)));
}

// ---------------------------------------------------------------- handlers: import

Result<Reply> GetImportJob(Ctx& ctx, CaseService& s) {
  // Job ids are numbers; anything else names no job (the ids of the earlier in-memory jobs included).
  const auto id = http::ParseInt64(ctx.PathParam("id"));
  if (!id || *id <= 0) return NotFound("导入任务不存在");
  return Reply::Json(ImportJobJson(FZ_TRY(s.GetImportJob(ctx.user(), *id))));
}

Result<Reply> ImportTemplate(Ctx& ctx, CaseService&) {
  const ImportKind kind = FZ_TRY(KindOf(ctx));
  http::QueryReader q(ctx);
  const std::string format = q.OneOf("format", {"xlsx", "csv"}).value_or("xlsx");
  FZ_CHECK(q.Finish());
  const std::vector<std::vector<std::string>> rows = {ImportColumns(kind)};
  const std::string name = fmt::format("导入模板_{}", ctx.PathParam("kind"));
  if (format == "csv") return Reply::File(files::WriteCsv(rows), "text/csv; charset=utf-8", name + ".csv");
  return Reply::File(FZ_TRY(files::WriteXlsx({{"导入", rows, {}}})), files::kXlsx, name + ".xlsx");
}

Result<Reply> ImportFile(Ctx& ctx, CaseService& s) {
  const ImportKind kind = FZ_TRY(KindOf(ctx));
  http::QueryReader q(ctx);
  const auto mode = q.OneOf("mode", {"check", "commit"});
  const bool async = q.Bool("async").value_or(false);
  FZ_CHECK(q.Finish());
  if (!mode) return Invalid("参数 mode 只能是 check（检查）或 commit（导入）", "mode", "invalid_value");
  if (!ctx.req().has_file("file"))
    return Invalid("请选择要上传的文件（multipart/form-data，字段名 file）", "file", "missing_field");
  const auto file = ctx.req().get_file_value("file");
  if (*mode == "commit" && (async || file.content.size() > kAsyncImportBytes)) {
    auto job = FZ_TRY(s.StartImportJob(ctx.user(), ctx.Actor(), kind, file.content, file.filename));
    return Reply::Json(ImportJobJson(job), 202);
  }
  const ImportMode m = *mode == "commit" ? ImportMode::kCommit : ImportMode::kCheck;
  return Reply::Json(ImportReportJson(FZ_TRY(s.Import(ctx.user(), ctx.Actor(), kind, file.content, file.filename, m))));
}

}  // namespace

// ---------------------------------------------------------------- JSON forms other modules use

nlohmann::json IncidentJson(const Incident& i) {
  nlohmann::json j =
      Merged(FZ_JSON(i, id, unit_id, unit_name, external_id, category, summary, address, result, body_camera, case_id,
                     created_at, updated_at),
             {{"officer", OfficerJson(i.officer)},
              {"case_external_id", i.case_external_id ? nlohmann::json(*i.case_external_id) : nlohmann::json()}});
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
  w.Key("many_people").Bool(c.many_people);
  time("nearest_due_at", c.nearest_due_at);
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
  nlohmann::json j =
      Merged(FZ_JSON(e, id, type, type_name, person_name, attrs, source, recorded_by, recorded_by_name, recorded_at),
             {{"person", e.person_ref.empty() ? nlohmann::json() : nlohmann::json(e.person_ref)},
              {"item", e.item_code.empty() ? nlohmann::json() : nlohmann::json(e.item_code)},
              {"external_id", e.external_id.empty() ? nlohmann::json() : nlohmann::json(e.external_id)}});
  TimeJson(j, "at", e.at);
  return j;
}

nlohmann::json ImportJobJson(const ImportJob& j) {
  nlohmann::json out = {{"id", std::to_string(j.id)},  // text: the web app keeps job ids as strings
                        {"kind", j.kind},
                        {"filename", j.filename},
                        {"state", j.state},
                        {"processed", j.processed},
                        {"total", j.total},
                        {"report", j.report ? ImportReportJson(*j.report) : nlohmann::json()},
                        {"error", j.error},
                        {"created_at", j.created_at},
                        {"finished_at", http::OptJson(j.finished_at)}};
  return out;
}

// ---------------------------------------------------------------- the route table

void RegisterRoutes(http::Router& router, CaseService& service) {
  using namespace auth::perm;
  http::Routes<CaseService> r(router, service);
  r.Get("/api/incidents", http::Perm(kCaseRead), ListIncidents);
  r.Post("/api/incidents", http::Perm(kCaseWrite), CreateIncident);
  r.Get("/api/incidents/{id}", http::Perm(kCaseRead), GetIncident);
  // Literal paths first, then {id}.
  r.Get("/api/cases/meta", http::Perm(kCaseRead), CaseMeta);
  r.Get("/api/cases/export", http::Perm(kCaseRead), ExportCases);
  r.Get("/api/cases", http::Perm(kCaseRead), ListCases);
  r.Post("/api/cases", http::Perm(kCaseWrite), CreateCase);
  r.Get("/api/cases/{id}", http::Perm(kCaseRead), GetCase);
  r.Put("/api/cases/{id}", http::Perm(kCaseWrite), UpdateCase);
  r.Get("/api/cases/{id}/dossier/docx", http::Perm(kCaseRead), DossierDocx);
  r.Get("/api/cases/{id}/dossier/print", http::Perm(kCaseRead), DossierPrint);
  r.Get("/api/cases/{id}/events", http::Perm(kCaseRead), ListEvents);
  r.Post("/api/cases/{id}/events", http::Perm(kCaseWrite), AddEvent);
  r.Post("/api/cases/{id}/persons", http::Perm(kCaseWrite), AddPerson);
  r.Post("/api/cases/{id}/property", http::Perm(kCaseWrite), AddProperty);
  // Status moves need case.write or case.review; the move itself checks which (a 办案民警 cannot 立案).
  r.Post("/api/cases/{id}/transition", http::Perm(kCaseRead), ChangeStatus);
  r.Get("/api/import/jobs/{id}", http::Perm(kCaseWrite), GetImportJob);
  r.Get("/api/import/{kind}/template", http::Perm(kCaseWrite), ImportTemplate);
  r.Post("/api/import/{kind}", http::Perm(kCaseWrite), ImportFile);
}

}  // namespace fazhi::cases
