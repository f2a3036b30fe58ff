// The reads of the case file's tables that map rows to types (case_store.h).
#include <algorithm>

#include <fmt/format.h>

#include "auth/roles.h"
#include "cases/case_qualification.h"
#include "cases/case_reads.h"
#include "cases/case_store.h"
#include "org/org_types.h"
#include "supervision/events.h"

namespace fazhi::cases::store {

// ---------------------------------------------------------------- units and people

namespace {

UnitInfo UnitFrom(const db::Row& r) {
  UnitInfo out;
  FZ_READ(r, out, id, bureau_id, name, level, path, code);
  return out;
}

constexpr const char* kUnitSelect = "SELECT id, bureau_id, name, level, path, code FROM units WHERE ";

constexpr const char* kPersonSelect =
    "SELECT p.id, p.bureau_id, p.unit_id, p.name, p.badge_no, p.kind, u.name AS unit_name, u.path AS unit_path, "
    "p.is_legal_officer, p.active FROM people p JOIN units u ON u.id = p.unit_id WHERE ";

PersonInfo PersonFrom(const db::Row& r) {
  PersonInfo out;
  FZ_READ(r, out, id, bureau_id, unit_id, name, badge_no, kind, unit_name, unit_path, active);
  out.legal = r.Bool("is_legal_officer");
  return out;
}

}  // namespace

std::optional<UnitInfo> LoadUnit(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  return db::FirstOf(sql, fmt::format("{}id = {}", kUnitSelect, a.Int(id)), a, UnitFrom);
}

std::vector<UnitInfo> UnitsUnder(soci::session& sql, const std::string& path) {
  db::SqlArgs a;
  return db::AllOf(sql, kUnitSelect + db::PathUnder(a, "path", path), a, UnitFrom);
}

std::optional<PersonInfo> LoadPerson(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  return db::FirstOf(sql, fmt::format("{}p.id = {}", kPersonSelect, a.Int(id)), a, PersonFrom);
}

std::optional<PersonInfo> FindPersonByBadge(soci::session& sql, const std::string& badge_no) {
  db::SqlArgs a;
  return db::FirstOf(sql, fmt::format("{}p.badge_no = {}", kPersonSelect, a.Str(badge_no)), a, PersonFrom);
}

Result<void> CheckOfficers(soci::session& sql, std::int64_t bureau_id, std::optional<std::int64_t> lead,
                           const std::vector<std::int64_t>& assists, std::optional<std::int64_t> legal,
                           const std::vector<std::string>& scope) {
  auto visible = [&](const PersonInfo& p) {
    if (scope.empty()) return true;
    return std::any_of(scope.begin(), scope.end(),
                       [&](const std::string& path) { return p.unit_path.starts_with(path); });
  };
  if (lead) {
    auto p = LoadPerson(sql, *lead);
    if (!p || p->bureau_id != bureau_id || !visible(*p))
      return Invalid("主办民警不存在或不属于本分局", "lead_officer_id");
    if (!p->active) return Invalid(fmt::format("主办民警 {} 已停用", p->name), "lead_officer_id");
    if (p->kind != org::kKindPolice)
      return Invalid(fmt::format("{} 是辅警，不能担任主办民警", p->name), "lead_officer_id", "not_police");
  }
  for (std::int64_t id : assists) {
    auto p = LoadPerson(sql, id);
    if (!p || p->bureau_id != bureau_id || !visible(*p))
      return Invalid("协办民警不存在或不属于本分局", "assist_officer_ids");
    if (!p->active) return Invalid(fmt::format("协办民警 {} 已停用", p->name), "assist_officer_ids");
    if (lead && id == *lead) return Invalid("主办民警不能同时是协办民警", "assist_officer_ids");
  }
  if (legal) {
    auto p = LoadPerson(sql, *legal);
    if (!p || p->bureau_id != bureau_id || (!visible(*p) && !(p->legal && p->active)))
      return Invalid("法制员不存在或不属于本分局", "legal_officer_id");
    if (!p->active) return Invalid(fmt::format("法制员 {} 已停用", p->name), "legal_officer_id");
    if (!p->legal)
      return Invalid(fmt::format("{} 不是法制员（请先在人员管理中标记为法制员）", p->name), "legal_officer_id",
                     "not_legal_officer");
  }
  return {};
}

// ---------------------------------------------------------------- incidents

const char* const kIncidentColumns =
    "i.id, i.bureau_id, i.unit_id, u.name AS unit_name, i.external_id, i.received_at, i.category, i.summary, "
    "i.address, i.result, i.body_camera, i.officer_id, op.name AS officer_name, op.badge_no AS officer_badge, "
    "ou.name AS officer_unit, i.case_id, ic.external_id AS case_external_id, i.created_at, i.updated_at";
const char* const kIncidentFrom =
    " FROM incidents i JOIN units u ON u.id = i.unit_id LEFT JOIN people op ON op.id = i.officer_id "
    "LEFT JOIN units ou ON ou.id = op.unit_id LEFT JOIN cases ic ON ic.id = i.case_id";

Incident IncidentFrom(const db::Row& r) {
  Incident i;
  FZ_READ(r, i, id, bureau_id, unit_id, unit_name, external_id, received_at, category, summary, address, result,
          body_camera);
  if (auto officer = r.OptInt("officer_id"))
    i.officer = OfficerRef{*officer, r.Str("officer_name"), r.Str("officer_badge"), r.Str("officer_unit")};
  if ((i.case_id = r.OptInt("case_id"))) i.case_external_id = r.Str("case_external_id");
  FZ_READ(r, i, created_at, updated_at);
  return i;
}

std::optional<Incident> LoadIncident(soci::session& sql, std::int64_t id, const auth::Principal* who) {
  db::SqlArgs a;
  std::string q = fmt::format("SELECT {}{} WHERE i.id = {}", kIncidentColumns, kIncidentFrom, a.Int(id));
  if (who) q += " AND " + db::PathUnder(a, "u.path", who->unit_path);
  return db::FirstOf(sql, q, a, IncidentFrom);
}

std::optional<StoredIncident> FindIncident(soci::session& sql, std::int64_t bureau_id, const std::string& external_id) {
  db::SqlArgs a;
  std::optional<StoredIncident> out;
  db::First(sql,
            fmt::format("SELECT i.id, u.path, i.unit_id, i.received_at, i.category, i.summary, i.address, i.result, "
                        "i.body_camera, i.officer_id, i.case_id FROM incidents i JOIN units u ON u.id = i.unit_id "
                        "WHERE i.bureau_id = {} AND i.external_id = {}",
                        a.Int(bureau_id), a.Str(external_id)),
            a, [&](const db::Row& r) {
              out = StoredIncident{.id = r.Int("id"),
                                   .unit_path = r.Str("path"),
                                   .row = {.bureau_id = bureau_id,
                                           .unit_id = r.Int("unit_id"),
                                           .external_id = external_id,
                                           .received_at = r.Int("received_at"),
                                           .category = r.Str("category"),
                                           .summary = r.Str("summary"),
                                           .address = r.Str("address"),
                                           .result = r.Str("result"),
                                           .body_camera = r.Bool("body_camera"),
                                           .officer_id = r.OptInt("officer_id")},
                                   .case_id = r.OptInt("case_id")};
            });
  return out;
}

bool IncidentNumberTaken(soci::session& sql, std::int64_t bureau_id, const std::string& external_id) {
  db::SqlArgs a;
  return db::First(sql,
                   fmt::format("SELECT id FROM incidents WHERE bureau_id = {} AND external_id = {}", a.Int(bureau_id),
                               a.Str(external_id)),
                   a, [](const db::Row&) {});
}

// ---------------------------------------------------------------- cases

// The case row's columns, with the unit's name and path written by `UNIT`.
#define FZ_CASE_COLUMNS(UNIT)                                                                                       \
  "c.id, c.bureau_id, c.unit_id, " UNIT                                                                             \
  ", c.external_id, c.case_type, c.cause, c.category, c.title, c.status, c.lead_officer_id, lp.name AS lead_name, " \
  "lp.badge_no AS lead_badge, lu.name AS lead_unit, c.legal_officer_id, gp.name AS legal_name, "                    \
  "gp.badge_no AS legal_badge, gu.name AS legal_unit, c.incident_id, c.serious, c.fast_track, c.many_people, "      \
  "c.accepted_at, c.closed_at, c.alert_state, c.next_due_at, c.nearest_due_at, c.created_at, c.updated_at"
#define FZ_CASE_OFFICER_JOINS                                                                   \
  " LEFT JOIN people lp ON lp.id = c.lead_officer_id LEFT JOIN units lu ON lu.id = lp.unit_id " \
  "LEFT JOIN people gp ON gp.id = c.legal_officer_id LEFT JOIN units gu ON gu.id = gp.unit_id"

const char* const kCaseColumns = FZ_CASE_COLUMNS("u.name AS unit_name, u.path AS unit_path");
const char* const kCaseFrom = " FROM cases c JOIN units u ON u.id = c.unit_id" FZ_CASE_OFFICER_JOINS;
const char* const kCaseColumnsById = FZ_CASE_COLUMNS(
    "(SELECT name FROM units WHERE id = c.unit_id) AS unit_name, (SELECT path FROM units WHERE id = c.unit_id) AS "
    "unit_path");
const char* const kCaseFromById = " FROM cases c" FZ_CASE_OFFICER_JOINS;

#undef FZ_CASE_COLUMNS
#undef FZ_CASE_OFFICER_JOINS

void CaseReader::Resolve(const db::Row& r) {
  id_ = r.Column("id");
  bureau_ = r.Column("bureau_id");
  unit_ = r.Column("unit_id");
  unit_name_ = r.Column("unit_name");
  unit_path_ = r.Column("unit_path");
  external_ = r.Column("external_id");
  type_ = r.Column("case_type");
  cause_ = r.Column("cause");
  category_ = r.Column("category");
  title_ = r.Column("title");
  status_ = r.Column("status");
  lead_ = r.Column("lead_officer_id");
  lead_name_ = r.Column("lead_name");
  lead_badge_ = r.Column("lead_badge");
  lead_unit_ = r.Column("lead_unit");
  legal_ = r.Column("legal_officer_id");
  legal_name_ = r.Column("legal_name");
  legal_badge_ = r.Column("legal_badge");
  legal_unit_ = r.Column("legal_unit");
  incident_ = r.Column("incident_id");
  serious_ = r.Column("serious");
  fast_ = r.Column("fast_track");
  many_ = r.Column("many_people");
  accepted_ = r.Column("accepted_at");
  closed_ = r.Column("closed_at");
  alert_ = r.Column("alert_state");
  next_due_ = r.Column("next_due_at");
  nearest_due_ = r.Column("nearest_due_at");
  created_ = r.Column("created_at");
  updated_ = r.Column("updated_at");
  resolved_ = true;
}

CaseSummary CaseReader::Read(const db::Row& r) {
  if (!resolved_) Resolve(r);
  auto text = [&](int c) { return std::string(r.TextAt(c)); };
  auto opt = [&](int c) { return r.NullAt(c) ? std::nullopt : std::optional<std::int64_t>(r.IntAt(c)); };
  CaseSummary c;
  c.id = r.IntAt(id_);
  c.bureau_id = r.IntAt(bureau_);
  c.unit_id = r.IntAt(unit_);
  c.unit_name = text(unit_name_);
  c.unit_path = text(unit_path_);
  c.external_id = text(external_);
  c.case_type = text(type_);
  c.cause = text(cause_);
  c.category = text(category_);
  c.title = text(title_);
  c.status = text(status_);
  if (auto lead = opt(lead_)) c.lead_officer = OfficerRef{*lead, text(lead_name_), text(lead_badge_), text(lead_unit_)};
  if (auto legal = opt(legal_))
    c.legal_officer = OfficerRef{*legal, text(legal_name_), text(legal_badge_), text(legal_unit_)};
  c.incident_id = opt(incident_);
  c.serious = r.IntAt(serious_) != 0;
  c.fast_track = r.IntAt(fast_) != 0;
  c.many_people = r.IntAt(many_) != 0;
  c.accepted_at = r.IntAt(accepted_);
  c.closed_at = opt(closed_);
  c.alert_state = text(alert_);
  c.next_due_at = opt(next_due_);
  c.nearest_due_at = opt(nearest_due_);
  c.created_at = r.IntAt(created_);
  c.updated_at = r.IntAt(updated_);
  return c;
}

std::optional<CaseSummary> LoadCase(soci::session& sql, std::int64_t id, const auth::Principal* who) {
  db::SqlArgs a;
  std::string q = fmt::format("SELECT {}{} WHERE c.id = {}", kCaseColumns, kCaseFrom, a.Int(id));
  if (who) q += " AND " + CaseVisible(a, *who, "c", "u.path");
  std::optional<CaseSummary> out;
  CaseReader reader;
  db::First(sql, q, a, [&](const db::Row& r) { out = reader.Read(r); });
  return out;
}

std::optional<CaseSummary> FindCase(soci::session& sql, const std::string& external_id, const auth::Principal& who) {
  db::SqlArgs a;
  const std::string q = fmt::format("SELECT {}{} WHERE c.external_id = {} AND {}", kCaseColumns, kCaseFrom,
                                    a.Str(external_id), CaseVisible(a, who, "c", "u.path"));
  std::optional<CaseSummary> out;
  CaseReader reader;
  db::First(sql, q, a, [&](const db::Row& r) { out = reader.Read(r); });
  return out;
}

bool CaseNumberTaken(soci::session& sql, std::int64_t bureau_id, const std::string& external_id) {
  db::SqlArgs a;
  return db::First(sql,
                   fmt::format("SELECT id FROM cases WHERE bureau_id = {} AND external_id = {}", a.Int(bureau_id),
                               a.Str(external_id)),
                   a, [](const db::Row&) {});
}

std::vector<std::int64_t> AssistIds(soci::session& sql, std::int64_t case_id) {
  db::SqlArgs a;
  return db::IntColumn(
      sql,
      fmt::format("SELECT person_id FROM case_officers WHERE case_id = {} AND role = 'assist' ORDER BY person_id",
                  a.Int(case_id)),
      a, "person_id");
}

// ---------------------------------------------------------------- the case page

namespace {

std::vector<OfficerRef> AssistOfficers(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  std::vector<OfficerRef> out;
  db::Each(sql,
           fmt::format("SELECT p.id, p.name, p.badge_no, u.name AS unit_name FROM case_officers co JOIN people p ON "
                       "p.id = co.person_id JOIN units u ON u.id = p.unit_id WHERE co.case_id = {} AND co.role = "
                       "'assist' ORDER BY p.badge_no",
                       a.Int(id)),
           a, [&](const db::Row& r) {
             out.push_back({r.Int("id"), r.Str("name"), r.Str("badge_no"), r.Str("unit_name")});
           });
  return out;
}

Result<std::vector<CasePerson>> CasePersons(soci::session& sql, const auth::Vault& vault, std::int64_t id, bool pii) {
  db::SqlArgs a;
  std::vector<CasePerson> out;
  bool undecryptable = false;
  db::Each(sql,
           fmt::format("SELECT id, ref, name, role, age, female, pregnant, nursing_infant, identity_unknown, "
                       "id_number_enc, created_at FROM case_persons WHERE case_id = {} ORDER BY id",
                       a.Int(id)),
           a, [&](const db::Row& r) {
             CasePerson p;
             FZ_READ(r, p, id, ref, name, role, female, pregnant, nursing_infant, identity_unknown);
             if (auto age = r.OptInt("age")) p.age = static_cast<int>(*age);
             if (const std::string enc = r.Str("id_number_enc"); !enc.empty()) {
               auto plain = vault.Decrypt(enc);
               if (!plain)
                 undecryptable = true;
               else
                 p.id_number = pii ? *plain : auth::MaskIdNumber(*plain);
             }
             p.pii_visible = pii;
             p.created_at = r.Int("created_at");
             out.push_back(std::move(p));
           });
  if (undecryptable) return Internal("涉案人员身份证号无法解密：数据库与密钥文件不匹配");
  return out;
}

std::vector<PropertyItem> PropertyItems(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  std::vector<PropertyItem> out;
  db::Each(sql,
           fmt::format("SELECT id, code, name, quantity, status, created_at, updated_at FROM property_items WHERE "
                       "case_id = {} ORDER BY id",
                       a.Int(id)),
           a, [&](const db::Row& r) {
             out.push_back({r.Int("id"), r.Str("code"), r.Str("name"), r.Str("quantity"), r.Str("status"),
                            r.Int("created_at"), r.Int("updated_at")});
           });
  return out;
}

}  // namespace

Result<CaseDetail> LoadDetail(soci::session& sql, const auth::Vault& vault, std::int64_t id, bool pii) {
  auto header = LoadCase(sql, id, nullptr);
  if (!header) return NotFound("案件不存在");
  CaseDetail d;
  d.header = std::move(*header);
  d.assist_officers = AssistOfficers(sql, id);
  d.persons = FZ_TRY(CasePersons(sql, vault, id, pii));
  d.property = PropertyItems(sql, id);
  if (d.header.incident_id) d.incident = LoadIncident(sql, *d.header.incident_id, nullptr);
  db::SqlArgs a;
  d.event_count = db::Count(sql, fmt::format("SELECT COUNT(*) FROM case_events WHERE case_id = {}", a.Int(id)), a);
  std::vector<std::int64_t> officers;
  if (d.header.lead_officer) officers.push_back(d.header.lead_officer->id);
  for (const auto& o : d.assist_officers) officers.push_back(o.id);
  d.qualifications = OfficerQualifications(sql, d.header.bureau_id, d.header.accepted_at, officers);
  return d;
}

// ---------------------------------------------------------------- persons

std::optional<PersonRecord> FindPersonByRef(soci::session& sql, std::int64_t case_id, const std::string& ref) {
  db::SqlArgs a;
  std::optional<PersonRecord> out;
  db::First(sql,
            fmt::format("SELECT id, bureau_id, name, role, age, female, pregnant, nursing_infant, identity_unknown, "
                        "id_number_enc FROM case_persons WHERE case_id = {} AND ref = {}",
                        a.Int(case_id), a.Str(ref)),
            a, [&](const db::Row& r) {
              PersonRow p;
              FZ_READ(r, p, bureau_id, name, role);
              p.case_id = case_id;
              p.ref = ref;
              if (auto age = r.OptInt("age")) p.age = static_cast<int>(*age);
              FZ_READ(r, p, female, pregnant, nursing_infant, identity_unknown, id_number_enc);
              out = PersonRecord{r.Int("id"), std::move(p)};
            });
  return out;
}

std::map<std::string, std::string> PersonNames(soci::session& sql, std::int64_t case_id) {
  db::SqlArgs a;
  std::map<std::string, std::string> out;
  db::Each(sql, fmt::format("SELECT ref, name FROM case_persons WHERE case_id = {}", a.Int(case_id)), a,
           [&](const db::Row& r) { out[r.Str("ref")] = r.Str("name"); });
  return out;
}

// ---------------------------------------------------------------- property

std::optional<std::int64_t> PropertyOwner(soci::session& sql, std::int64_t bureau_id, const std::string& code) {
  db::SqlArgs a;
  return db::ScalarInt(sql,
                       fmt::format("SELECT case_id FROM property_items WHERE bureau_id = {} AND code = {}",
                                   a.Int(bureau_id), a.Str(code)),
                       a);
}

// ---------------------------------------------------------------- events

std::vector<EventRow> EventRows(soci::session& sql, std::int64_t case_id, const std::string& external_id) {
  db::SqlArgs a;
  std::string q =
      fmt::format("SELECT id, type, at, person_ref, item_code, attrs, external_id FROM case_events WHERE case_id = {}",
                  a.Int(case_id));
  if (!external_id.empty()) q += fmt::format(" AND external_id = {}", a.Str(external_id));
  std::vector<EventRow> out;
  db::Each(sql, q, a, [&](const db::Row& r) {
    EventRow e;
    FZ_READ(r, e, id, type, at, person_ref, item_code, external_id);
    e.case_id = case_id;
    e.attrs = nlohmann::json::parse(r.Text("attrs"), nullptr, false);
    out.push_back(std::move(e));
  });
  return out;
}

std::vector<std::string> EventTypes(soci::session& sql, std::int64_t case_id) {
  db::SqlArgs a;
  std::vector<std::string> out;
  db::Each(sql, fmt::format("SELECT type FROM case_events WHERE case_id = {} ORDER BY at, id", a.Int(case_id)), a,
           [&](const db::Row& r) { out.push_back(r.Str("type")); });
  return out;
}

std::vector<CaseEvent> ReadEvents(soci::session& sql, std::int64_t case_id, std::optional<std::int64_t> only) {
  std::map<std::string, std::string> names = PersonNames(sql, case_id);
  db::SqlArgs a;
  std::string q = fmt::format(
      "SELECT e.id, e.type, e.at, e.person_ref, e.item_code, e.attrs, e.external_id, e.source, e.recorded_by, "
      "us.display_name, e.recorded_at FROM case_events e LEFT JOIN users us ON us.id = e.recorded_by "
      "WHERE e.case_id = {}",
      a.Int(case_id));
  if (only) q += fmt::format(" AND e.id = {}", a.Int(*only));
  q += " ORDER BY e.at, e.id";
  std::vector<CaseEvent> out;
  db::Each(sql, q, a, [&](const db::Row& r) {
    CaseEvent e;
    e.id = r.Int("id");
    e.type = r.Str("type");
    const auto t = supervision::EventTypeFromId(e.type);
    e.type_name = t ? std::string(supervision::EventTypeName(*t)) : e.type;
    e.at = r.Int("at");
    e.person_ref = r.Str("person_ref");
    if (!e.person_ref.empty()) e.person_name = names[e.person_ref];
    e.item_code = r.Str("item_code");
    e.attrs = nlohmann::json::parse(r.Text("attrs"), nullptr, false);
    if (!e.attrs.is_object()) e.attrs = nlohmann::json::object();
    e.external_id = r.Str("external_id");
    e.source = r.Str("source");
    e.recorded_by = r.OptInt("recorded_by");
    e.recorded_by_name = r.Str("display_name");
    e.recorded_at = r.Int("recorded_at");
    out.push_back(std::move(e));
  });
  return out;
}

}  // namespace fazhi::cases::store
