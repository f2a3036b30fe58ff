// CaseService: incidents, case headers (create, edit, the case page), persons and property. The
// event log and the state machine are in case_event_log.cpp, the list and export in case_list.cpp,
// the import in case_import*.cpp.
#include "cases/case_service.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "auth/roles.h"
#include "cases/case_checks.h"
#include "cases/case_store.h"
#include "core/json_fields.h"
#include "core/local_time.h"
#include "core/text.h"
#include "supervision/events.h"

namespace fazhi::cases {

// ---------------------------------------------------------------- checks shared by the service's files

namespace detail {

Result<void> Require(const auth::Principal& who, std::string_view permission) {
  if (who.Has(permission)) return {};
  return Forbidden(fmt::format("没有权限执行此操作（需要 {} 权限）", permission), "permission_denied");
}

Result<std::string> CheckText(const std::optional<std::string>& value, const char* label, const char* field,
                              int max_chars, bool required) {
  const std::string v = value ? Trim(*value) : std::string();
  const auto len = Utf8Length(v);
  if (len < 0) return Invalid(fmt::format("{}含有无效字符", label), field);
  if (required && len == 0) return Invalid(fmt::format("{}不能为空", label), field, "missing_field");
  if (len > max_chars) return Invalid(fmt::format("{}不能超过 {} 个字", label, max_chars), field, "too_long");
  for (unsigned char c : v)
    if (c < 0x20) return Invalid(fmt::format("{}含有无效字符", label), field);
  return v;
}

Result<void> Changed(const std::atomic<CaseHooks*>& hooks, soci::session& sql, std::int64_t case_id) {
  CaseHooks* h = hooks.load(std::memory_order_acquire);
  if (!h) return {};
  return h->OnCaseChanged(sql, case_id);
}

}  // namespace detail

using detail::Changed;
using detail::CheckText;
using detail::kFutureTolerance;
using detail::PendingEvent;
using detail::Require;

namespace {

// A unique placeholder for an external id generated from the row id after the insert.
std::string PendingExternalId(EpochSeconds now) {
  static std::atomic<std::uint64_t> seq{0};
  return fmt::format("~pending-{}-{}", now, seq.fetch_add(1));
}

bool HasIdNumbers(const CaseDetail& d) {
  return std::any_of(d.persons.begin(), d.persons.end(), [](const CasePerson& p) { return !p.id_number.empty(); });
}

nlohmann::json CaseAuditJson(const CaseSummary& c, const std::vector<std::int64_t>& assists) {
  return Merged(FZ_JSON(c, external_id, case_type, cause, category, title, unit_id, status, serious, fast_track,
                        many_people, accepted_at),
                {{"lead_officer_id", c.lead_officer ? nlohmann::json(c.lead_officer->id) : nlohmann::json()},
                 {"assist_officer_ids", assists},
                 {"legal_officer_id", c.legal_officer ? nlohmann::json(c.legal_officer->id) : nlohmann::json()}});
}

std::optional<std::int64_t> OfficerId(const std::optional<OfficerRef>& o) {
  return o ? std::optional<std::int64_t>(o->id) : std::nullopt;
}

}  // namespace

CaseService::CaseService(db::Database& db, const Clock& clock, const auth::Vault& vault, jobs::JobRunner& jobs)
    : db_(db), clock_(clock), vault_(vault), jobs_(jobs) {}

CaseService::~CaseService() {
  std::vector<std::int64_t> started;
  {
    std::lock_guard lock(started_mu_);
    started.swap(started_jobs_);
  }
  // The jobs' work calls this service: it must not outlive it.
  for (std::int64_t id : started) jobs_.Wait(id);
}

void CaseService::SetHooks(CaseHooks* hooks) { hooks_.store(hooks, std::memory_order_release); }

// ============================================================================================
// Incidents

Result<Incident> CaseService::CreateIncident(const auth::Principal& who, const audit::Actor& actor,
                                             const IncidentInput& in) {
  FZ_CHECK(Require(who, auth::perm::kCaseWrite));
  store::IncidentRow row;
  const std::string ext = FZ_TRY(CheckText(in.external_id, "警情编号", "external_id", 64, false));
  row.category = FZ_TRY(CheckText(in.category, "警情类别", "category", 32, true));
  row.summary = FZ_TRY(CheckText(in.summary, "简要情况", "summary", 2000, false));
  row.address = FZ_TRY(CheckText(in.address, "地址", "address", 200, false));
  row.result = FZ_TRY(CheckText(in.result, "处理结果", "result", 200, false));
  const EpochSeconds now = clock_.Now();
  if (in.received_at <= 0) return Invalid("接警时间不能为空", "received_at", "missing_field");
  if (in.received_at > now + kFutureTolerance) return Invalid("接警时间不能晚于当前时间", "received_at");
  row.received_at = in.received_at;
  row.body_camera = in.body_camera;
  row.officer_id = in.officer_id;

  return db_.Write([&](soci::session& sql) -> Result<Incident> {
    auto unit = store::LoadUnit(sql, in.unit_id);
    if (!unit || !who.InScope(unit->path)) return NotFound("单位不存在");
    if (unit->level == "city") return Invalid("警情必须属于分县局或科所队", "unit_id");
    if (in.officer_id) {
      auto p = store::LoadPerson(sql, *in.officer_id);
      if (!p || p->bureau_id != unit->bureau_id || !p->active || !who.InScope(p->unit_path))
        return Invalid("处警民警不存在、已停用或不属于本分局", "officer_id");
    }
    if (!ext.empty())
      if (auto taken = store::FindIncident(sql, unit->bureau_id, ext)) {
        if (who.InScope(taken->unit_path))
          return Conflict(fmt::format("警情编号“{}”已存在", ext), "duplicate_external_id");
        return Conflict(fmt::format("警情编号“{}”不能使用，请核对编号；确认无误的，请联系法制部门", ext),
                        "external_id_unavailable");
      }
    row.bureau_id = unit->bureau_id;
    row.unit_id = unit->id;
    row.external_id = ext.empty() ? PendingExternalId(now) : ext;
    const std::int64_t id = store::InsertIncident(sql, row, now);
    if (ext.empty()) {
      const CivilDate d = LocalDateOf(in.received_at);
      store::SetIncidentExternalId(sql, id, fmt::format("J{:04}{:02}{:02}{:06}", d.year, d.month, d.day, id));
    }
    auto inc = store::LoadIncident(sql, id, nullptr);
    audit::Append(sql, clock_, actor,
                  {"incident.create",
                   "incident",
                   std::to_string(id),
                   fmt::format("登记警情 {}（{}，{}）", inc->external_id, inc->category, unit->name),
                   {{"after",
                     {{"external_id", inc->external_id},
                      {"unit_id", unit->id},
                      {"received_at", in.received_at},
                      {"category", row.category},
                      {"body_camera", in.body_camera}}}}});
    return *inc;
  });
}

Result<Paged<Incident>> CaseService::ListIncidents(const auth::Principal& who, const IncidentFilter& f,
                                                   const PageRequest& page) const {
  FZ_CHECK(Require(who, auth::perm::kCaseRead));
  return db_.Read([&](soci::session& sql) -> Result<Paged<Incident>> {
    std::optional<std::string> unit_path;
    if (f.unit_id) {
      auto unit = store::LoadUnit(sql, *f.unit_id);
      if (!unit || !who.InScope(unit->path)) return NotFound("单位不存在");
      unit_path = unit->path;
    }
    auto where = [&](db::SqlArgs& a) {
      std::string w = fmt::format(" WHERE {}", db::PathUnder(a, "u.path", who.unit_path));
      if (unit_path) w += fmt::format(" AND {}", db::PathUnder(a, "u.path", *unit_path));
      if (f.from) w += fmt::format(" AND i.received_at >= {}", a.Int(*f.from));
      if (f.to) w += fmt::format(" AND i.received_at < {}", a.Int(*f.to));
      if (f.body_camera) w += fmt::format(" AND i.body_camera = {}", a.Bool(*f.body_camera));
      if (f.has_case) w += *f.has_case ? " AND i.case_id IS NOT NULL" : " AND i.case_id IS NULL";
      if (f.q && !f.q->empty()) {
        const std::string like = db::ContainsPattern(*f.q);
        w += fmt::format(
            " AND (i.external_id LIKE {} ESCAPE '\\' OR i.category LIKE {} ESCAPE '\\' OR i.summary LIKE {} ESCAPE "
            "'\\')",
            a.Str(like), a.Str(like), a.Str(like));
      }
      return w;
    };
    Paged<Incident> out;
    db::SqlArgs c;
    out.total = db::Count(sql, "SELECT COUNT(*)" + std::string(store::kIncidentFrom) + where(c), c);
    db::SqlArgs a;
    const std::string w = where(a);
    const char* dir = page.descending ? "DESC" : "ASC";
    const std::string order = page.sort == "external_id" ? fmt::format(" ORDER BY i.external_id {}, i.id", dir)
                                                         : fmt::format(" ORDER BY i.received_at {}, i.id {}", dir, dir);
    db::Each(sql,
             fmt::format("SELECT {}{}{}{} LIMIT {} OFFSET {}", store::kIncidentColumns, store::kIncidentFrom, w, order,
                         page.page_size, page.Offset()),
             a, [&](const db::Row& r) { out.items.push_back(store::IncidentFrom(r)); });
    return out;
  });
}

Result<Incident> CaseService::GetIncident(const auth::Principal& who, std::int64_t id) const {
  FZ_CHECK(Require(who, auth::perm::kCaseRead));
  return db_.Read([&](soci::session& sql) -> Result<Incident> {
    auto inc = store::LoadIncident(sql, id, &who);
    if (!inc) return NotFound("警情不存在");
    return *inc;
  });
}

// ============================================================================================
// Cases

namespace {

// A new case's header as checked before the transaction.
struct NewCase {
  store::CaseRow row;
  std::string external_id;  // "" = generate from the id
  std::vector<std::int64_t> assists;
};

Result<NewCase> CheckNewCase(const CaseInput& in, EpochSeconds now) {
  if (!in.case_type || (*in.case_type != kCriminal && *in.case_type != kAdministrative))
    return Invalid("案件类型只能是 criminal（刑事）或 administrative（行政）", "case_type", "invalid_value");
  NewCase c;
  store::CaseRow& r = c.row;
  r.case_type = *in.case_type;
  r.cause = FZ_TRY(CheckText(in.cause, "案由", "cause", 64, true));
  r.category = FZ_TRY(CheckText(in.category, "打击类别", "category", 32, false));
  r.title = FZ_TRY(CheckText(in.title, "案件名称", "title", 200, false));
  if (r.title.empty()) r.title = r.cause;
  c.external_id = FZ_TRY(CheckText(in.external_id, "案件编号", "external_id", 64, false));
  if (!in.unit_id) return Invalid("办案单位不能为空", "unit_id", "missing_field");
  if (!in.lead_officer_id) return Invalid("主办民警不能为空", "lead_officer_id", "missing_field");
  r.accepted_at = in.accepted_at.value_or(now);
  if (r.accepted_at > now + kFutureTolerance) return Invalid("受案时间不能晚于当前时间", "accepted_at");
  r.status = std::string(kInitialStatus);
  r.unit_id = *in.unit_id;
  r.lead_officer_id = in.lead_officer_id;
  if (in.legal_officer_id && *in.legal_officer_id != 0) r.legal_officer_id = in.legal_officer_id;
  r.incident_id = in.incident_id;
  r.serious = in.serious.value_or(false);
  r.fast_track = in.fast_track.value_or(false);
  r.many_people = in.many_people.value_or(false);
  c.assists = in.assist_officer_ids.value_or(std::vector<std::int64_t>{});
  return c;
}

// The incident a new case comes from: in scope, of the same 分局, without a case, received before the
// case was accepted.
Result<Incident> CheckCaseIncident(soci::session& sql, const auth::Principal& who, const store::CaseRow& r) {
  auto incident = store::LoadIncident(sql, *r.incident_id, &who);
  if (!incident || incident->bureau_id != r.bureau_id) return Invalid("关联的警情不存在", "incident_id");
  if (incident->case_id)
    return Conflict(
        fmt::format("警情 {} 已关联案件 {}", incident->external_id, incident->case_external_id.value_or("")),
        "incident_has_case");
  if (r.accepted_at < incident->received_at) return Invalid("受案时间早于接警时间", "accepted_at");
  return *incident;
}

// The opening acts of a new case (接报 and 现场处警 when it comes from an incident, then 受案),
// validated by the engine like any other event.
Result<std::vector<PendingEvent>> OpeningEvents(const store::CaseRow& r, const std::optional<Incident>& incident) {
  std::vector<PendingEvent> pending;
  if (incident) {
    pending.push_back(
        {{{"id", "new:report"}, {"type", "report"}, {"time", FormatLocalIso(incident->received_at)}}, "接报事件"});
    pending.push_back({{{"id", "new:incident"},
                        {"type", "incident"},
                        {"time", FormatLocalIso(incident->received_at)},
                        {"body_camera", incident->body_camera}},
                       "现场处警事件"});
  }
  pending.push_back(
      {{{"id", "new:accept"}, {"type", "accept_case"}, {"time", FormatLocalIso(r.accepted_at)}}, "受案事件"});
  detail::TimelineDoc base{detail::EmptyTimelineDoc("new", r.case_type, r.serious, r.fast_track, r.many_people), {}};
  FZ_CHECK(detail::ValidateTimeline(base, pending));
  return pending;
}

}  // namespace

Result<CaseDetail> CaseService::CreateCase(const auth::Principal& who, const audit::Actor& actor, const CaseInput& in) {
  FZ_CHECK(Require(who, auth::perm::kCaseWrite));
  const EpochSeconds now = clock_.Now();
  NewCase c = FZ_TRY(CheckNewCase(in, now));
  store::CaseRow& r = c.row;

  return db_.Write([&](soci::session& sql) -> Result<CaseDetail> {
    auto unit = store::LoadUnit(sql, r.unit_id);
    if (!unit || !who.InScope(unit->path)) return NotFound("办案单位不存在");
    if (unit->level == "city") return Invalid("案件必须属于分县局或科所队", "unit_id");
    r.bureau_id = unit->bureau_id;
    FZ_CHECK(store::CheckOfficers(sql, r.bureau_id, r.lead_officer_id, c.assists, r.legal_officer_id, {who.unit_path}));
    // 案件编号 are unique per 分局. A number held by a case the caller cannot see gets a neutral answer
    // that neither says it exists nor names the case or its unit (issue 16 defect 7, docs/cases.md).
    if (!c.external_id.empty() && store::CaseNumberTaken(sql, r.bureau_id, c.external_id)) {
      if (store::FindCase(sql, c.external_id, who))
        return Conflict(fmt::format("案件编号“{}”已存在", c.external_id), "duplicate_external_id");
      return Conflict(fmt::format("案件编号“{}”不能使用，请核对编号；确认无误的，请联系法制部门", c.external_id),
                      "external_id_unavailable");
    }
    std::optional<Incident> incident;
    if (r.incident_id) incident = FZ_TRY(CheckCaseIncident(sql, who, r));
    const std::vector<PendingEvent> pending = FZ_TRY(OpeningEvents(r, incident));

    r.external_id = c.external_id.empty() ? PendingExternalId(now) : c.external_id;
    const std::int64_t id = store::InsertCase(sql, r, now);
    if (c.external_id.empty()) {
      // 案件编号 when the case did not come from the 警综 system: A (刑事) / B (行政) + date + id.
      const CivilDate d = LocalDateOf(r.accepted_at);
      store::SetCaseExternalId(
          sql, id,
          fmt::format("{}{:04}{:02}{:02}{:06}", r.case_type == kCriminal ? "A" : "B", d.year, d.month, d.day, id));
    }
    store::ReplaceOfficers(sql, r.bureau_id, id, r.lead_officer_id, c.assists);
    if (incident) store::LinkIncidentToCase(sql, incident->id, id, now);
    for (const auto& p : pending) {
      store::EventRow row = store::EventRowFrom(p.object, *ParseLocalDateTime(p.object["time"].get<std::string>()));
      row.bureau_id = r.bureau_id;
      row.case_id = id;
      row.source = p.object["type"] == "accept_case" ? "api" : "incident";
      row.recorded_by = who.user_id;
      row.recorded_at = now;
      store::InsertEvent(sql, row);
    }
    const CaseDetail created = FZ_TRY(store::LoadDetail(sql, vault_, id, false));
    audit::Append(sql, clock_, actor,
                  {"case.create",
                   "case",
                   std::to_string(id),
                   fmt::format("受案：{}（{}，{}，{}）", created.header.external_id, CaseTypeName(r.case_type), r.cause,
                               unit->name),
                   {{"after", CaseAuditJson(created.header, c.assists)}}});
    FZ_CHECK(Changed(hooks_, sql, id));
    return store::LoadDetail(sql, vault_, id, false);
  });
}

Result<CaseDetail> CaseService::UpdateCase(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                                           const CaseInput& in) {
  FZ_CHECK(Require(who, auth::perm::kCaseWrite));
  if (in.case_type || in.unit_id || in.external_id || in.incident_id || in.accepted_at)
    return Invalid("案件类型、办案单位、案件编号、关联警情和受案时间不能修改", "case", "immutable_field");
  std::optional<std::string> cause, category, title;
  if (in.cause) cause = FZ_TRY(CheckText(in.cause, "案由", "cause", 64, true));
  if (in.category) category = FZ_TRY(CheckText(in.category, "打击类别", "category", 32, false));
  if (in.title) title = FZ_TRY(CheckText(in.title, "案件名称", "title", 200, true));
  const EpochSeconds now = clock_.Now();
  FZ_CHECK(db_.Write([&](soci::session& sql) -> Result<bool> {
    store::LockCase(sql, id);
    auto cur = store::LoadCase(sql, id, &who);
    if (!cur) return NotFound("案件不存在");
    const std::vector<std::int64_t> old_assists = store::AssistIds(sql, id);
    std::optional<std::int64_t> lead = in.lead_officer_id;
    if (!lead) lead = OfficerId(cur->lead_officer);
    std::vector<std::int64_t> assists = in.assist_officer_ids.value_or(old_assists);
    std::optional<std::int64_t> legal = OfficerId(cur->legal_officer);
    if (in.legal_officer_id) legal = *in.legal_officer_id == 0 ? std::nullopt : in.legal_officer_id;
    // Whom the editor may name: his own subtree, and the case's unit (a bound 法制员 or officer of
    // the case who works elsewhere names the officers of the case's unit).
    std::vector<std::string> scope = {who.unit_path};
    if (auto unit = store::LoadUnit(sql, cur->unit_id)) scope.push_back(unit->path);
    FZ_CHECK(store::CheckOfficers(sql, cur->bureau_id, in.lead_officer_id ? lead : std::nullopt,
                                  in.assist_officer_ids ? assists : std::vector<std::int64_t>{},
                                  in.legal_officer_id ? legal : std::nullopt, scope));
    if (in.assist_officer_ids && lead && std::find(assists.begin(), assists.end(), *lead) != assists.end())
      return Invalid("主办民警不能同时是协办民警", "assist_officer_ids");

    store::CaseRow row{.cause = cause.value_or(cur->cause),
                       .category = category.value_or(cur->category),
                       .title = title.value_or(cur->title),
                       .lead_officer_id = lead,
                       .legal_officer_id = legal,
                       .incident_id = cur->incident_id,
                       .serious = in.serious.value_or(cur->serious),
                       .fast_track = in.fast_track.value_or(cur->fast_track),
                       .many_people = in.many_people.value_or(cur->many_people)};
    store::UpdateCase(sql, id, row, now);
    store::ReplaceOfficers(sql, cur->bureau_id, id, lead, assists);
    auto after = store::LoadCase(sql, id, nullptr);
    const auto before_json = CaseAuditJson(*cur, old_assists);
    const auto after_json = CaseAuditJson(*after, store::AssistIds(sql, id));
    if (before_json == after_json) return true;
    // serious/fast_track/many_people change which rules apply: re-validate the timeline under the new header.
    const StoredTimeline stored = FZ_TRY(LoadStoredTimeline(sql, id));
    FZ_CHECK(detail::ValidateTimeline(detail::TimelineDocOf(stored), {}));
    nlohmann::json before = nlohmann::json::object(), changed = nlohmann::json::object();
    for (auto it = after_json.begin(); it != after_json.end(); ++it)
      if (before_json[it.key()] != *it) {
        before[it.key()] = before_json[it.key()];
        changed[it.key()] = *it;
      }
    audit::Append(sql, clock_, actor,
                  {"case.update",
                   "case",
                   std::to_string(id),
                   fmt::format("修改案件 {} 的基本信息", cur->external_id),
                   {{"before", before}, {"after", changed}}});
    FZ_CHECK(Changed(hooks_, sql, id));
    return true;
  }));
  return LoadDetailFor(who, actor, id);
}

Result<CaseDetail> CaseService::LoadDetailFor(const auth::Principal& who, const audit::Actor& actor, std::int64_t id) {
  const bool pii = who.Has(auth::perm::kPeoplePii);
  auto detail = db_.Read([&](soci::session& sql) -> Result<CaseDetail> {
    if (!store::LoadCase(sql, id, &who)) return NotFound("案件不存在");
    return store::LoadDetail(sql, vault_, id, pii);
  });
  if (!detail) return detail;
  if (pii && HasIdNumbers(*detail)) {
    // Reading personal data in clear is itself recorded (全程留痕).
    std::vector<std::int64_t> ids;
    for (const auto& p : detail->persons)
      if (!p.id_number.empty()) ids.push_back(p.id);
    FZ_CHECK(db_.Write([&](soci::session& sql) -> Result<bool> {
      audit::Append(sql, clock_, actor,
                    {"case_person.read_pii",
                     "case",
                     std::to_string(id),
                     fmt::format("查看案件 {} 涉案人员身份证号（{} 人）", detail->header.external_id, ids.size()),
                     {{"case_person_ids", ids}}});
      return true;
    }));
  }
  return detail;
}

Result<CaseDetail> CaseService::GetCase(const auth::Principal& who, const audit::Actor& actor, std::int64_t id) {
  FZ_CHECK(Require(who, auth::perm::kCaseRead));
  return LoadDetailFor(who, actor, id);
}

Result<CaseDossier> CaseService::Dossier(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                                         std::string_view form) {
  FZ_CHECK(Require(who, auth::perm::kCaseRead));
  const bool pii = who.Has(auth::perm::kPeoplePii);
  return db_.Write([&](soci::session& sql) -> Result<CaseDossier> {
    if (!store::LoadCase(sql, id, &who)) return NotFound("案件不存在");
    const CaseDetail detail = FZ_TRY(store::LoadDetail(sql, vault_, id, pii));
    files::Document doc = CaseDossierDocument(detail, store::ReadEvents(sql, id, std::nullopt), clock_.Now());
    if (CaseHooks* h = hooks()) FZ_CHECK(h->AddDossierSections(sql, who, id, doc));
    const bool plain_ids = pii && HasIdNumbers(detail);
    audit::Append(sql, clock_, actor,
                  {"case.dossier",
                   "case",
                   std::to_string(id),
                   fmt::format("{}一案一档 {}{}", form == "docx" ? "下载" : "打印", detail.header.external_id,
                               plain_ids ? "（含身份证号）" : ""),
                   {{"form", std::string(form)}, {"id_numbers_plain", plain_ids}}});
    return CaseDossier{.case_no = detail.header.external_id, .document = std::move(doc)};
  });
}

std::vector<const Transition*> CaseService::AllowedTransitions(const auth::Principal& who, const CaseSummary& c) const {
  std::vector<const Transition*> out;
  for (const auto& t : Transitions())
    if (t.case_type == c.case_type && t.from == c.status && who.Has(t.permission)) out.push_back(&t);
  return out;
}

// ============================================================================================
// Persons and property

Result<CasePerson> CaseService::AddPerson(const auth::Principal& who, const audit::Actor& actor, std::int64_t case_id,
                                          const CasePersonInput& in) {
  FZ_CHECK(Require(who, auth::perm::kCaseWrite));
  store::PersonRow row;
  row.name = FZ_TRY(CheckText(in.name, "姓名", "name", 32, false));
  const std::string ref = FZ_TRY(CheckText(in.ref, "人员编号", "ref", 32, false));
  if (supervision::VocabIndex(supervision::PersonRoles(), in.role) < 0)
    return Invalid("人员角色只能是 suspect（嫌疑人/违法行为人）、victim（被害人）、witness（证人）或 other（其他）",
                   "role", "invalid_value");
  if (in.age && (*in.age < 0 || *in.age > 150)) return Invalid("年龄必须在 0 到 150 之间", "age");
  const std::string id_number = Trim(in.id_number);
  if (!id_number.empty() && !auth::IsValidIdNumber(id_number))
    return Invalid("身份证号格式或校验位不正确", "id_number", "invalid_id_number");
  row.role = in.role;
  row.age = in.age;
  row.female = in.female;
  row.pregnant = in.pregnant;
  row.nursing_infant = in.nursing_infant;
  row.identity_unknown = in.identity_unknown;
  if (!id_number.empty()) row.id_number_enc = vault_.Encrypt(id_number);
  const EpochSeconds now = clock_.Now();
  const std::int64_t id = FZ_TRY(db_.Write([&](soci::session& sql) -> Result<std::int64_t> {
    store::LockCase(sql, case_id);
    auto c = store::LoadCase(sql, case_id, &who);
    if (!c) return NotFound("案件不存在");
    const auto names = store::PersonNames(sql, case_id);
    row.ref = ref;
    if (row.ref.empty()) {
      for (std::size_t n = names.size() + 1;; ++n)
        if (!names.contains("p" + std::to_string(n))) {
          row.ref = "p" + std::to_string(n);
          break;
        }
    } else if (names.contains(row.ref)) {
      return Invalid(fmt::format("人员编号“{}”在本案中已存在", row.ref), "ref", "duplicate_ref");
    }
    row.bureau_id = c->bureau_id;
    row.case_id = case_id;
    const std::int64_t pid = store::InsertPerson(sql, row, now);
    store::TouchCase(sql, case_id, now);
    audit::Append(sql, clock_, actor,
                  {"case_person.create",
                   "case",
                   std::to_string(case_id),
                   fmt::format("案件 {} 登记涉案人员 {}（{}）", c->external_id, row.ref,
                               row.name.empty() ? "未填姓名" : row.name),
                   {{"after",
                     {{"ref", row.ref},
                      {"role", in.role},
                      {"age", in.age ? nlohmann::json(*in.age) : nlohmann::json()},
                      {"id_number", auth::MaskIdNumber(id_number)}}}}});
    FZ_CHECK(Changed(hooks_, sql, case_id));
    return pid;
  }));
  const CaseDetail detail = FZ_TRY(LoadDetailFor(who, actor, case_id));
  for (const auto& p : detail.persons)
    if (p.id == id) return p;
  return Internal("新登记的人员未找到");
}

Result<PropertyItem> CaseService::AddProperty(const auth::Principal& who, const audit::Actor& actor,
                                              std::int64_t case_id, const PropertyInput& in) {
  FZ_CHECK(Require(who, auth::perm::kCaseWrite));
  store::PropertyRow row;
  row.code = FZ_TRY(CheckText(in.code, "财物编号", "code", 64, true));
  row.name = FZ_TRY(CheckText(in.name, "财物名称", "name", 64, true));
  row.quantity = FZ_TRY(CheckText(in.quantity, "数量", "quantity", 32, false));
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<PropertyItem> {
    store::LockCase(sql, case_id);
    auto c = store::LoadCase(sql, case_id, &who);
    if (!c) return NotFound("案件不存在");
    if (store::PropertyOwner(sql, c->bureau_id, row.code))
      return Conflict(fmt::format("财物编号“{}”已登记（一物一码）", row.code), "duplicate_code");
    row.bureau_id = c->bureau_id;
    row.case_id = case_id;
    const PropertyItem item{
        store::InsertProperty(sql, row, now), row.code, row.name, row.quantity, row.status, now, now};
    store::TouchCase(sql, case_id, now);
    audit::Append(sql, clock_, actor,
                  {"property.create",
                   "case",
                   std::to_string(case_id),
                   fmt::format("案件 {} 登记涉案财物 {}（{}）", c->external_id, row.code, row.name),
                   {{"after", {{"code", row.code}, {"name", row.name}, {"quantity", row.quantity}}}}});
    FZ_CHECK(Changed(hooks_, sql, case_id));
    return item;
  });
}

}  // namespace fazhi::cases
