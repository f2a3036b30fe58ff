// The import's planning: every row is read, checked and compared with what is stored, in the
// caller's scope, without writing anything. A commit then writes the plans (case_import.cpp).
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <set>

#include "cases/case_import_parts.h"
#include "cases/state_machine.h"
#include "core/local_time.h"
#include "core/text.h"
#include "org/unit_names.h"
#include "supervision/events.h"

namespace fazhi::cases::import {

namespace {

// Look-ups shared by the rows of one file (units, people and cases are read once each).
class Lookups {
 public:
  Lookups(soci::session& sql, const auth::Principal& who) : sql_(sql), who_(who) {}

  // A unit in scope by any name a roster or export writes for it (org/unit_names.h) or by code;
  // error text if none or ambiguous.
  Result<store::UnitInfo> Unit(const std::string& text) {
    if (!units_) {
      units_ = store::UnitsUnder(sql_, who_.unit_path);
      names_ = org::LoadUnitNames(sql_, who_.unit_path);
    }
    const std::int64_t id = FZ_TRY(names_->Find(text));
    const auto it = std::find_if(units_->begin(), units_->end(), [id](const auto& u) { return u.id == id; });
    if (it == units_->end()) return Invalid(fmt::format("单位“{}”不存在或不在您的管辖范围内", text));
    if (it->level == "city") return Invalid("案件和警情必须属于分县局或科所队");
    return *it;
  }
  std::optional<store::PersonInfo> Person(const std::string& badge) {
    auto it = people_.find(badge);
    if (it == people_.end()) it = people_.emplace(badge, store::FindPersonByBadge(sql_, badge)).first;
    return it->second;
  }
  // A visible case by 案件编号.
  std::optional<CaseSummary> Case(const std::string& external_id) {
    auto it = cases_.find(external_id);
    if (it == cases_.end()) it = cases_.emplace(external_id, store::FindCase(sql_, external_id, who_)).first;
    return it->second;
  }

 private:
  soci::session& sql_;
  const auth::Principal& who_;
  std::optional<std::vector<store::UnitInfo>> units_;
  std::optional<org::UnitNames> names_;
  std::map<std::string, std::optional<store::PersonInfo>> people_;
  std::map<std::string, std::optional<CaseSummary>> cases_;
};

void Count(ImportReport& report, Action action) {
  ++report.valid_rows;
  (action == Action::kCreate ? report.created : action == Action::kUpdate ? report.updated : report.unchanged)++;
}

// A row that starts a plan: progress advanced, a JSON-lines line that is not an object reported.
bool Usable(RowReader& r, const InputRow& in, jobs::Progress* progress) {
  if (progress) progress->Add();
  if (!in.obj.contains("__invalid__")) return true;
  r.Fail("", "这一行不是 JSON 对象");
  return false;
}

}  // namespace

// ============================================================================================
// incidents

std::vector<IncidentPlan> PlanIncidents(soci::session& sql, const auth::Principal& who,
                                        const std::vector<InputRow>& rows, ImportReport& report,
                                        jobs::Progress* progress) {
  Lookups look(sql, who);
  std::vector<IncidentPlan> out;
  std::map<std::string, int> first_row;
  for (const auto& in : rows) {
    RowReader r(ImportKind::kIncidents, in, report);
    if (!Usable(r, in, progress)) continue;
    IncidentPlan p;
    p.row = in.number;
    store::IncidentRow& i = p.incident;
    i.external_id = r.Text("external_id", true, 64);
    const std::string unit_text = r.Text("unit", true, 64);
    i.received_at = r.Time("received_at", true).value_or(0);
    i.category = r.Text("category", true, 32);
    i.summary = r.Text("summary", false, 2000);
    i.address = r.Text("address", false, 200);
    i.result = r.Text("result", false, 200);
    i.body_camera = r.Bool("body_camera").value_or(false);
    const std::string badge = r.Text("officer_badge", false, 16);
    if (!r.ok()) continue;
    if (auto [it, fresh] = first_row.emplace(i.external_id, in.number); !fresh) {
      r.Fail("external_id", fmt::format("警情编号“{}”与第 {} 行重复", i.external_id, it->second));
      continue;
    }
    auto unit = look.Unit(unit_text);
    if (!unit) {
      r.Fail("unit", unit.error().message);
      continue;
    }
    i.bureau_id = unit->bureau_id;
    i.unit_id = unit->id;
    if (!badge.empty()) {
      auto person = look.Person(badge);
      if (!person || person->bureau_id != i.bureau_id) {
        r.Fail("officer_badge", fmt::format("警号“{}”不是本分局的人员", badge));
        continue;
      }
      i.officer_id = person->id;
    }
    // Existing incident: same bureau and number.
    if (auto stored = store::FindIncident(sql, i.bureau_id, i.external_id)) {
      if (!who.InScope(stored->unit_path)) {
        r.Fail("external_id",
               fmt::format("警情编号“{}”不能使用，请核对编号；确认无误的，请联系法制部门", i.external_id));
        continue;
      }
      const store::IncidentRow& s = stored->row;
      const bool same = s.unit_id == i.unit_id && s.received_at == i.received_at && s.category == i.category &&
                        s.summary == i.summary && s.address == i.address && s.result == i.result &&
                        s.body_camera == i.body_camera && s.officer_id == i.officer_id;
      p.existing_id = stored->id;
      p.action = same ? Action::kUnchanged : Action::kUpdate;
    }
    Count(report, p.action);
    out.push_back(std::move(p));
  }
  return out;
}

// ============================================================================================
// cases

namespace {

std::vector<std::string> SplitList(const nlohmann::json& v) {
  std::vector<std::string> out;
  if (v.is_array()) {
    for (const auto& x : v)
      if (x.is_string()) out.push_back(Trim(x.get<std::string>()));
    return out;
  }
  if (!v.is_string()) return out;
  std::string s = v.get<std::string>();
  // Separators people type: ; ， 、 , and spaces.
  for (const char* sep : {"；", "，", "、"}) {
    for (std::size_t pos = s.find(sep); pos != std::string::npos; pos = s.find(sep))
      s.replace(pos, std::strlen(sep), ";");
  }
  std::string cur;
  for (char c : s) {
    if (c == ';' || c == ',' || c == ' ') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

std::optional<std::string> ParseCaseType(const std::string& s) {
  if (s == kCriminal || s == "刑事" || s == "刑事案件") return std::string(kCriminal);
  if (s == kAdministrative || s == "行政" || s == "行政案件" || s == "治安" || s == "治安案件")
    return std::string(kAdministrative);
  return std::nullopt;
}

std::optional<std::string> ParseStatus(const std::string& type, const std::string& s) {
  for (auto st : Statuses(type))
    if (s == st || s == StatusName(type, st)) return std::string(st);
  return std::nullopt;
}

// The texts of a case row that are resolved against stored data.
struct CaseTexts {
  std::string type, unit, lead_badge, legal_badge, incident, status;
};

// Reads the fields of a case row into the plan; false (row reported) when one is bad.
bool ReadCaseFields(RowReader& r, CasePlan& p, CaseTexts& t) {
  store::CaseRow& h = p.head;
  h.external_id = r.Text("external_id", true, 64);
  t.type = r.Text("case_type", true, 16);
  h.cause = r.Text("cause", true, 64);
  h.category = r.Text("category", false, 32);
  h.title = r.Text("title", false, 200);
  t.unit = r.Text("unit", true, 64);
  t.lead_badge = r.Text("lead_badge", true, 16);
  t.legal_badge = r.Text("legal_badge", false, 16);
  t.incident = r.Text("incident", false, 64);
  h.accepted_at = r.Time("accepted_at", true).value_or(0);
  t.status = r.Text("status", false, 16);
  h.serious = r.Bool("serious").value_or(false);
  h.fast_track = r.Bool("fast_track").value_or(false);
  h.many_people = r.Bool("many_people").value_or(false);
  if (!r.ok()) return false;
  if (h.title.empty()) h.title = h.cause;
  auto type = ParseCaseType(t.type);
  if (!type) {
    r.Fail("case_type", fmt::format("案件类型“{}”不对，应为“刑事”或“行政”", t.type));
    return false;
  }
  h.case_type = *type;
  h.status = std::string(kInitialStatus);
  if (!t.status.empty()) {
    auto st = ParseStatus(h.case_type, t.status);
    if (!st) {
      r.Fail("status", fmt::format("状态“{}”不是{}案件的状态", t.status, CaseTypeName(h.case_type)));
      return false;
    }
    h.status = *st;
  }
  return true;
}

// 主办, 协办 and 法制员 by 警号: people of the case's 分局 who may hold the role (CheckOfficers).
bool ResolveOfficers(soci::session& sql, Lookups& look, RowReader& r, CasePlan& p, const CaseTexts& t) {
  store::CaseRow& h = p.head;
  auto lead = look.Person(t.lead_badge);
  if (!lead || lead->bureau_id != h.bureau_id) {
    r.Fail("lead_badge", fmt::format("警号“{}”不是本分局的人员", t.lead_badge));
    return false;
  }
  h.lead_officer_id = lead->id;
  if (r.obj().contains("assist_badges")) {
    for (const auto& badge : SplitList(r.obj()["assist_badges"])) {
      auto a = look.Person(badge);
      if (!a || a->bureau_id != h.bureau_id) {
        r.Fail("assist_badges", fmt::format("警号“{}”不是本分局的人员", badge));
        return false;
      }
      if (a->id != lead->id && std::find(p.assists.begin(), p.assists.end(), a->id) == p.assists.end())
        p.assists.push_back(a->id);
    }
  }
  if (!t.legal_badge.empty()) {
    auto l = look.Person(t.legal_badge);
    if (!l || l->bureau_id != h.bureau_id) {
      r.Fail("legal_badge", fmt::format("警号“{}”不是本分局的人员", t.legal_badge));
      return false;
    }
    h.legal_officer_id = l->id;
  }
  if (auto ok = store::CheckOfficers(sql, h.bureau_id, h.lead_officer_id, p.assists, h.legal_officer_id); !ok) {
    const std::string& f = ok.error().field;
    r.Fail(f == "lead_officer_id"    ? "lead_badge"
           : f == "legal_officer_id" ? "legal_badge"
                                     : "assist_badges",
           ok.error().message);
    return false;
  }
  return true;
}

// The case's 警情 by number: in scope, not linked to another case, received before the acceptance.
bool ResolveIncident(soci::session& sql, const auth::Principal& who, Lookups& look, RowReader& r, CasePlan& p,
                     const std::string& incident) {
  store::CaseRow& h = p.head;
  auto stored = store::FindIncident(sql, h.bureau_id, incident);
  if (!stored || !who.InScope(stored->unit_path)) {
    r.Fail("incident", fmt::format("警情编号“{}”不存在（请先导入警情）", incident));
    return false;
  }
  h.incident_id = stored->id;
  p.incident_received_at = stored->row.received_at;
  p.incident_body_camera = stored->row.body_camera;
  const auto existing = look.Case(h.external_id);
  if (stored->case_id && (!existing || existing->id != *stored->case_id)) {
    r.Fail("incident", fmt::format("警情“{}”已关联其他案件", incident));
    return false;
  }
  if (h.accepted_at < p.incident_received_at) {
    r.Fail("accepted_at", "受案时间早于接警时间");
    return false;
  }
  return true;
}

// A row for a case already stored: type, unit, status and acceptance may not change by import;
// unchanged when every other field is the same.
bool CompareWithStored(soci::session& sql, RowReader& r, CasePlan& p, const CaseTexts& t) {
  const CaseSummary& e = *p.existing;
  store::CaseRow& h = p.head;
  if (e.case_type != h.case_type || e.unit_id != h.unit_id) {
    r.Fail("case_type", "已导入案件的案件类型和办案单位不能通过导入修改");
    return false;
  }
  if (!t.status.empty() && e.status != h.status) {
    r.Fail("status",
           fmt::format("案件状态已是“{}”；已有案件的状态只能在系统中办理状态流转", StatusName(e.case_type, e.status)));
    return false;
  }
  h.status = e.status;
  std::vector<std::int64_t> mine = p.assists;
  std::sort(mine.begin(), mine.end());
  const auto legal = e.legal_officer ? std::optional<std::int64_t>(e.legal_officer->id) : std::nullopt;
  const bool same = e.cause == h.cause && e.category == h.category && e.title == h.title && e.lead_officer &&
                    e.lead_officer->id == h.lead_officer_id && legal == h.legal_officer_id && e.serious == h.serious &&
                    e.fast_track == h.fast_track && e.many_people == h.many_people && e.accepted_at == h.accepted_at &&
                    e.incident_id == h.incident_id && store::AssistIds(sql, e.id) == mine;
  p.action = same ? Action::kUnchanged : Action::kUpdate;
  if (!same && e.accepted_at != h.accepted_at) {
    r.Fail("accepted_at", "已导入案件的受案时间不能通过导入修改");
    return false;
  }
  return true;
}

// The opening acts of a new case must make a valid timeline (e.g. 受案 not before 接报).
bool CheckOpening(RowReader& r, const CasePlan& p) {
  const store::CaseRow& h = p.head;
  std::vector<detail::PendingEvent> pending;
  if (h.incident_id)
    pending.push_back({{{"id", "r"}, {"type", "report"}, {"time", FormatLocalIso(p.incident_received_at)}}, "接报"});
  pending.push_back({{{"id", "a"}, {"type", "accept_case"}, {"time", FormatLocalIso(h.accepted_at)}}, "受案"});
  detail::TimelineDoc base{detail::EmptyTimelineDoc("new", h.case_type, h.serious, h.fast_track, h.many_people), {}};
  if (auto tl = detail::ValidateTimeline(base, pending); !tl) {
    r.Fail("accepted_at", tl.error().message);
    return false;
  }
  return true;
}

}  // namespace

std::vector<CasePlan> PlanCases(soci::session& sql, const auth::Principal& who, const std::vector<InputRow>& rows,
                                ImportReport& report, jobs::Progress* progress) {
  Lookups look(sql, who);
  std::vector<CasePlan> out;
  std::map<std::string, int> first_row;
  for (const auto& in : rows) {
    RowReader r(ImportKind::kCases, in, report);
    if (!Usable(r, in, progress)) continue;
    CasePlan p;
    p.row = in.number;
    CaseTexts t;
    if (!ReadCaseFields(r, p, t)) continue;
    store::CaseRow& h = p.head;
    if (auto [it, fresh] = first_row.emplace(h.external_id, in.number); !fresh) {
      r.Fail("external_id", fmt::format("案件编号“{}”与第 {} 行重复", h.external_id, it->second));
      continue;
    }
    auto unit = look.Unit(t.unit);
    if (!unit) {
      r.Fail("unit", unit.error().message);
      continue;
    }
    h.bureau_id = unit->bureau_id;
    h.unit_id = unit->id;
    if (!ResolveOfficers(sql, look, r, p, t)) continue;
    if (!t.incident.empty() && !ResolveIncident(sql, who, look, r, p, t.incident)) continue;
    p.existing = look.Case(h.external_id);
    if (!p.existing && store::CaseNumberTaken(sql, h.bureau_id, h.external_id)) {
      r.Fail("external_id", fmt::format("案件编号“{}”不能使用，请核对编号；确认无误的，请联系法制部门", h.external_id));
      continue;
    }
    if (p.existing && !CompareWithStored(sql, r, p, t)) continue;
    if (p.action == Action::kCreate && !CheckOpening(r, p)) continue;
    if (p.action == Action::kCreate && IsTerminal(h.case_type, h.status)) h.closed_at = h.accepted_at;
    Count(report, p.action);
    out.push_back(std::move(p));
  }
  return out;
}

// ============================================================================================
// persons

namespace {

std::optional<std::string> ParseRole(const std::string& s) {
  if (s == "suspect" || s == "犯罪嫌疑人" || s == "嫌疑人" || s == "违法行为人" || s == "违法嫌疑人")
    return std::string("suspect");
  if (s == "victim" || s == "被害人" || s == "被侵害人") return std::string("victim");
  if (s == "witness" || s == "证人") return std::string("witness");
  if (s == "other" || s == "其他") return std::string("other");
  return std::nullopt;
}

}  // namespace

std::vector<PersonPlan> PlanPersons(soci::session& sql, const auth::Principal& who, const auth::Vault& vault,
                                    const std::vector<InputRow>& rows, ImportReport& report, jobs::Progress* progress) {
  Lookups look(sql, who);
  std::vector<PersonPlan> out;
  std::map<std::pair<std::string, std::string>, int> first_row;
  for (const auto& in : rows) {
    RowReader r(ImportKind::kPersons, in, report);
    if (!Usable(r, in, progress)) continue;
    PersonPlan p;
    p.row = in.number;
    store::PersonRow& s = p.person;
    const std::string case_ext = r.Text("case", true, 64);
    s.ref = r.Text("ref", true, 32);
    s.name = r.Text("name", false, 32);
    const std::string role = r.Text("role", true, 16);
    if (auto age = r.Int("age", 0, 150)) s.age = static_cast<int>(*age);
    const std::string gender = r.Text("gender", false, 8);
    s.female = gender == "女" || gender == "female" || r.Bool("female").value_or(false);
    if (!gender.empty() && gender != "男" && gender != "女" && gender != "male" && gender != "female")
      r.Fail("gender", "性别只能填“男”或“女”");
    s.pregnant = r.Bool("pregnant").value_or(false);
    s.nursing_infant = r.Bool("nursing_infant").value_or(false);
    s.identity_unknown = r.Bool("identity_unknown").value_or(false);
    p.id_number = r.Text("id_number", false, 18);
    if (!r.ok()) continue;
    auto parsed_role = ParseRole(role);
    if (!parsed_role) {
      r.Fail("role", fmt::format("角色“{}”不对，应为 犯罪嫌疑人/违法行为人、被害人、证人 或 其他", role));
      continue;
    }
    s.role = *parsed_role;
    if (!p.id_number.empty() && !auth::IsValidIdNumber(p.id_number)) {
      r.Fail("id_number", "身份证号格式或校验位不正确");
      continue;
    }
    if (auto [it, fresh] = first_row.emplace(std::make_pair(case_ext, s.ref), in.number); !fresh) {
      r.Fail("ref", fmt::format("与第 {} 行是同一案件的同一人员编号", it->second));
      continue;
    }
    auto c = look.Case(case_ext);
    if (!c) {
      r.Fail("case", fmt::format("案件编号“{}”不存在（请先导入案件）", case_ext));
      continue;
    }
    s.bureau_id = c->bureau_id;
    s.case_id = c->id;
    if (auto stored = store::FindPersonByRef(sql, c->id, s.ref)) {
      const store::PersonRow& e = stored->row;
      const std::string stored_id = e.id_number_enc ? vault.Decrypt(*e.id_number_enc).value_or("") : "";
      const bool same = e.name == s.name && e.role == s.role && e.age == s.age && e.female == s.female &&
                        e.pregnant == s.pregnant && e.nursing_infant == s.nursing_infant &&
                        e.identity_unknown == s.identity_unknown && stored_id == p.id_number;
      p.existing_id = stored->id;
      p.action = same ? Action::kUnchanged : Action::kUpdate;
    }
    Count(report, p.action);
    out.push_back(std::move(p));
  }
  return out;
}

// ============================================================================================
// events

namespace {

// Turns one event row into the engine's object: named columns, "其他属性" JSON and, for JSON-lines,
// every other key as an attribute.
std::optional<nlohmann::json> EventObject(RowReader& r, const InputRow& in) {
  nlohmann::json obj = nlohmann::json::object();
  std::string type = r.Text("type", true, 64);
  if (!r.ok()) return std::nullopt;
  if (!supervision::EventTypeFromId(type)) {
    // People write the 中文 name; accept it.
    for (int t = 0; t < supervision::kEventTypeCount; ++t)
      if (supervision::EventTypeName(static_cast<supervision::EventType>(t)) == type)
        type = std::string(supervision::EventTypeId(static_cast<supervision::EventType>(t)));
  }
  obj["type"] = type;
  const auto time = r.Time("time", true);
  if (!time) return std::nullopt;
  obj["time"] = FormatLocalIso(*time);
  for (const char* key : {"person", "item", "location", "note"}) {
    const std::string v = r.Text(key, false, key == std::string("note") ? 2000 : 64);
    if (!v.empty()) obj[key] = v;
  }
  if (auto n = r.Int("officers", 0, 10000)) obj["officers"] = *n;
  for (const char* key : {"end", "requested_at"})
    if (r.Has(key)) {
      auto t = r.Time(key, false);
      if (t) obj[key] = FormatLocalIso(*t);
    }
  // Cells are text: numbers and 是/否 become typed values; their ranges and the closed lists are the
  // engine's to check (supervision::SetAttribute), like any other attribute.
  const std::string rule = r.Text("rule", false, 64);
  if (!rule.empty()) obj["rule"] = rule;
  for (const char* key : {"offences", "gang_size"})
    if (auto n = r.Int(key, 0, std::numeric_limits<std::int64_t>::max())) obj[key] = *n;
  for (const char* key : {"roving", "major_suspect"})
    if (auto b = r.Bool(key)) obj[key] = *b;
  // 离开方式 as written on screens (“通知家属或监护人领回”) or as its identifier.
  std::string mode = r.Text("release_mode", false, 64);
  for (const auto& m : supervision::ReleaseModes())
    if (mode == m.name_zh) mode = std::string(m.id);
  if (!mode.empty()) obj["release_mode"] = mode;
  if (r.Has("attrs")) {
    nlohmann::json extra = in.obj["attrs"];
    if (extra.is_string()) extra = nlohmann::json::parse(extra.get<std::string>(), nullptr, false);
    if (!extra.is_object()) {
      r.Fail("attrs", "“其他属性”必须是 JSON 对象，例如 {\"guardian_present\": true}");
      return std::nullopt;
    }
    for (auto it = extra.begin(); it != extra.end(); ++it) obj[it.key()] = *it;
  }
  for (auto it = in.obj.begin(); it != in.obj.end(); ++it) {
    const auto& cols = ColumnsOf(ImportKind::kEvents);
    if (std::none_of(cols.begin(), cols.end(), [&](const Column& c) { return it.key() == c.key; })) obj[it.key()] = *it;
  }
  if (!r.ok()) return std::nullopt;
  return obj;
}

// The event rows grouped by their (visible) case; row problems reported.
std::map<std::int64_t, CaseEvents> GroupEventRows(Lookups& look, const std::vector<InputRow>& rows,
                                                  ImportReport& report, jobs::Progress* progress) {
  std::map<std::int64_t, CaseEvents> by_case;
  std::map<std::pair<std::string, std::string>, int> first_row;
  for (const auto& in : rows) {
    RowReader r(ImportKind::kEvents, in, report);
    if (!Usable(r, in, progress)) continue;
    EventPlan p;
    p.row = in.number;
    p.case_ext = r.Text("case", true, 64);
    p.external_id = r.Text("external_id", true, 64);
    if (!r.ok()) continue;
    auto obj = EventObject(r, in);
    if (!obj) continue;
    if (auto [it, fresh] = first_row.emplace(std::make_pair(p.case_ext, p.external_id), in.number); !fresh) {
      r.Fail("external_id", fmt::format("事件编号“{}”与第 {} 行重复", p.external_id, it->second));
      continue;
    }
    auto c = look.Case(p.case_ext);
    if (!c) {
      r.Fail("case", fmt::format("案件编号“{}”不存在（请先导入案件）", p.case_ext));
      continue;
    }
    p.object = std::move(*obj);
    p.object["id"] = fmt::format("row:{}", in.number);
    auto& group = by_case[c->id];
    group.c = *c;
    group.rows.push_back(std::move(p));
  }
  return by_case;
}

bool SameEvent(const store::EventRow& a, const store::EventRow& b) {
  return a.type == b.type && a.at == b.at && a.person_ref == b.person_ref && a.item_code == b.item_code &&
         (a.attrs == b.attrs || b.attrs.empty() || a.attrs.empty());
}

// The 中文 column an engine error's field is about.
std::string ColumnOfField(const std::string& f) {
  for (const auto& c : ColumnsOf(ImportKind::kEvents))
    if (f == c.key) return c.header;
  return f;
}

// Marks the rows of one case that are stored already (by external id, or — for events without one,
// such as the opening acts a case import creates — by content) and validates the others against
// the case's stored timeline. On any problem the group is emptied: nothing of the case is written.
void PlanCaseEvents(soci::session& sql, std::int64_t case_id, CaseEvents& group, ImportReport& report,
                    EpochSeconds now) {
  auto stored = LoadStoredTimeline(sql, case_id);
  if (!stored) return;
  std::map<std::string, store::EventRow> by_external;
  std::vector<store::EventRow> anonymous;
  for (auto& e : store::EventRows(sql, case_id)) {
    if (e.external_id.empty())
      anonymous.push_back(std::move(e));
    else
      by_external[e.external_id] = std::move(e);
  }
  std::vector<detail::PendingEvent> pending;
  std::vector<const EventPlan*> pending_plans;
  bool group_ok = true;
  for (auto& p : group.rows) {
    const auto at = ParseLocalDateTime(p.object["time"].get<std::string>());
    // Keys the engine would reject are caught by ValidateTimeline below; compare only valid-looking rows.
    store::EventRow mine;
    if (at && p.object["type"].is_string()) mine = store::EventRowFrom(p.object, *at);
    if (auto it = by_external.find(p.external_id); it != by_external.end()) {
      if (!SameEvent(mine, it->second) || mine.attrs != it->second.attrs) {
        AddIssue(report, p.row, "事件编号",
                 fmt::format("事件编号“{}”已登记为另一事件（已登记的事件不能通过导入修改）", p.external_id));
        group_ok = false;
      } else {
        p.action = Action::kUnchanged;
      }
      continue;
    }
    if (std::any_of(anonymous.begin(), anonymous.end(), [&](const store::EventRow& e) { return SameEvent(mine, e); })) {
      p.action = Action::kUnchanged;
      continue;
    }
    pending.push_back({p.object, fmt::format("第 {} 行的事件", p.row)});
    pending_plans.push_back(&p);
  }
  if (!group_ok) {
    group.rows.clear();
    return;
  }
  int bad = -1;
  auto tl = detail::ValidateTimeline(detail::TimelineDocOf(*stored), pending, &bad);
  if (!tl) {
    const int row = bad >= 0 ? pending_plans[static_cast<std::size_t>(bad)]->row : group.rows.front().row;
    AddIssue(report, row, ColumnOfField(tl.error().field), tl.error().message);
    group.rows.clear();
    return;
  }
  for (const auto& e : tl->events) {
    if (e.time <= now + 600 || !e.id.starts_with("row:")) continue;
    AddIssue(report, std::stoi(e.id.substr(4)), "时间",
             fmt::format("时间 {} 晚于当前时间", FormatLocalDateTime(e.time)));
    group.rows.clear();
    return;
  }
  group.timeline = std::move(*tl);
  for (const auto& p : group.rows) Count(report, p.action);
}

}  // namespace

std::map<std::int64_t, CaseEvents> PlanEvents(soci::session& sql, const auth::Principal& who,
                                              const std::vector<InputRow>& rows, ImportReport& report,
                                              jobs::Progress* progress, EpochSeconds now) {
  Lookups look(sql, who);
  std::map<std::int64_t, CaseEvents> by_case = GroupEventRows(look, rows, report, progress);
  for (auto& [case_id, group] : by_case) PlanCaseEvents(sql, case_id, group, report, now);
  return by_case;
}

}  // namespace fazhi::cases::import
