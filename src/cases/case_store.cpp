// The writes of the case file's tables: one insert (and update) per table. The reads that map
// rows to types are in case_store_read.cpp.
#include "cases/case_store.h"

#include <fmt/format.h>

#include <set>

namespace fazhi::cases::store {

namespace {

std::optional<std::string> NullIfEmpty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

std::optional<std::int64_t> OptAge(const std::optional<int>& age) {
  return age ? std::optional<std::int64_t>(*age) : std::nullopt;
}

}  // namespace

// ---------------------------------------------------------------- incidents

std::int64_t InsertIncident(soci::session& sql, const IncidentRow& r, EpochSeconds now) {
  db::Values v;
  FZ_VALUES(v, r, bureau_id, unit_id, external_id, received_at, category, summary, address, result, body_camera,
            officer_id);
  v.Int("created_at", now).Int("updated_at", now);
  return db::InsertRow(sql, "incidents", v);
}

void UpdateIncident(soci::session& sql, std::int64_t id, const IncidentRow& r, EpochSeconds now) {
  db::SqlArgs a;
  db::Exec(
      sql,
      fmt::format("UPDATE incidents SET unit_id = {}, received_at = {}, category = {}, summary = {}, address = {}, "
                  "result = {}, body_camera = {}, officer_id = {}, updated_at = {} WHERE id = {}",
                  a.Int(r.unit_id), a.Int(r.received_at), a.Str(r.category), a.Str(r.summary), a.Str(r.address),
                  a.Str(r.result), a.Bool(r.body_camera), a.OptInt(r.officer_id), a.Int(now), a.Int(id)),
      a);
}

void SetIncidentExternalId(soci::session& sql, std::int64_t id, const std::string& external_id) {
  db::SqlArgs a;
  db::Exec(sql, fmt::format("UPDATE incidents SET external_id = {} WHERE id = {}", a.Str(external_id), a.Int(id)), a);
}

void LinkIncidentToCase(soci::session& sql, std::int64_t incident_id, std::int64_t case_id, EpochSeconds now) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE incidents SET case_id = {}, updated_at = {} WHERE id = {}", a.Int(case_id), a.Int(now),
                       a.Int(incident_id)),
           a);
}

// ---------------------------------------------------------------- cases

std::int64_t InsertCase(soci::session& sql, const CaseRow& r, EpochSeconds now) {
  db::Values v;
  FZ_VALUES(v, r, bureau_id, unit_id, external_id, case_type, cause, category, title, status, lead_officer_id,
            legal_officer_id, incident_id, serious, fast_track, many_people, accepted_at, closed_at);
  v.Sql("alert_state", "'none'").Int("created_at", now).Int("updated_at", now);
  return db::InsertRow(sql, "cases", v);
}

void UpdateCase(soci::session& sql, std::int64_t id, const CaseRow& r, EpochSeconds now) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE cases SET cause = {}, category = {}, title = {}, lead_officer_id = {}, "
                       "legal_officer_id = {}, incident_id = {}, serious = {}, fast_track = {}, many_people = {}, "
                       "updated_at = {} "
                       "WHERE id = {}",
                       a.Str(r.cause), a.Str(r.category), a.Str(r.title), a.OptInt(r.lead_officer_id),
                       a.OptInt(r.legal_officer_id), a.OptInt(r.incident_id), a.Bool(r.serious), a.Bool(r.fast_track),
                       a.Bool(r.many_people), a.Int(now), a.Int(id)),
           a);
}

void SetCaseExternalId(soci::session& sql, std::int64_t id, const std::string& external_id) {
  db::SqlArgs a;
  db::Exec(sql, fmt::format("UPDATE cases SET external_id = {} WHERE id = {}", a.Str(external_id), a.Int(id)), a);
}

void UpdateCaseStatus(soci::session& sql, std::int64_t id, const std::string& status,
                      std::optional<EpochSeconds> closed_at, EpochSeconds now) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE cases SET status = {}, closed_at = {}, updated_at = {} WHERE id = {}", a.Str(status),
                       a.OptInt(closed_at), a.Int(now), a.Int(id)),
           a);
}

void UpdateDerivedStatus(soci::session& sql, std::int64_t id, const std::string& status, EpochSeconds now) {
  db::SqlArgs a;
  db::Exec(
      sql,
      fmt::format("UPDATE cases SET status = {}, updated_at = {} WHERE id = {}", a.Str(status), a.Int(now), a.Int(id)),
      a);
}

void TouchCase(soci::session& sql, std::int64_t id, EpochSeconds now) {
  db::SqlArgs a;
  db::Exec(sql, fmt::format("UPDATE cases SET updated_at = {} WHERE id = {}", a.Int(now), a.Int(id)), a);
}

void LockCase(soci::session& sql, std::int64_t id) { db::LockRowForUpdate(sql, "cases", id); }

void InsertOfficer(soci::session& sql, std::int64_t bureau_id, std::int64_t case_id, std::int64_t person_id,
                   const char* role) {
  db::Values v;
  v.Int("case_id", case_id).Int("person_id", person_id).Str("role", role).Int("bureau_id", bureau_id);
  db::InsertValues(sql, "case_officers", v);
}

void ReplaceOfficers(soci::session& sql, std::int64_t bureau_id, std::int64_t case_id, std::optional<std::int64_t> lead,
                     const std::vector<std::int64_t>& assists) {
  db::SqlArgs d;
  db::Exec(sql, fmt::format("DELETE FROM case_officers WHERE case_id = {}", d.Int(case_id)), d);
  std::set<std::int64_t> seen;
  if (lead && seen.insert(*lead).second) InsertOfficer(sql, bureau_id, case_id, *lead, "lead");
  for (std::int64_t p : assists)
    if (seen.insert(p).second) InsertOfficer(sql, bureau_id, case_id, p, "assist");
}

// ---------------------------------------------------------------- persons

std::int64_t InsertPerson(soci::session& sql, const PersonRow& r, EpochSeconds now) {
  db::Values v;
  FZ_VALUES(v, r, bureau_id, case_id, ref, name, role, female, pregnant, nursing_infant, identity_unknown,
            id_number_enc);
  v.OptInt("age", OptAge(r.age)).Int("created_at", now);
  return db::InsertRow(sql, "case_persons", v);
}

void UpdatePerson(soci::session& sql, std::int64_t id, const PersonRow& r) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE case_persons SET name = {}, role = {}, age = {}, female = {}, pregnant = {}, "
                       "nursing_infant = {}, identity_unknown = {}, id_number_enc = {} WHERE id = {}",
                       a.Str(r.name), a.Str(r.role), a.OptInt(OptAge(r.age)), a.Bool(r.female), a.Bool(r.pregnant),
                       a.Bool(r.nursing_infant), a.Bool(r.identity_unknown), a.OptStr(r.id_number_enc), a.Int(id)),
           a);
}

// ---------------------------------------------------------------- property

std::int64_t InsertProperty(soci::session& sql, const PropertyRow& r, EpochSeconds now) {
  db::Values v;
  FZ_VALUES(v, r, bureau_id, case_id, code, name, quantity, status);
  v.Int("created_at", now).Int("updated_at", now);
  return db::InsertRow(sql, "property_items", v);
}

Result<void> EnsureProperty(soci::session& sql, std::int64_t bureau_id, std::int64_t case_id, const std::string& code,
                            EpochSeconds now) {
  const auto owner = PropertyOwner(sql, bureau_id, code);
  if (owner && *owner != case_id)
    return Invalid(fmt::format("财物编号“{}”已登记在其他案件中（一物一码）", code), "item", "item_of_other_case");
  if (!owner) InsertProperty(sql, {.bureau_id = bureau_id, .case_id = case_id, .code = code}, now);
  return {};
}

void RefreshPropertyStatus(soci::session& sql, std::int64_t case_id, const std::string& code, EpochSeconds now) {
  db::SqlArgs a;
  std::string status;
  db::Each(sql,
           fmt::format("SELECT type FROM case_events WHERE case_id = {} AND item_code = {} ORDER BY at, id",
                       a.Int(case_id), a.Str(code)),
           a, [&](const db::Row& r) {
             if (auto s = PropertyStatusAfter(r.Str("type")); !s.empty()) status = s;
           });
  if (status.empty()) return;
  db::SqlArgs b;
  db::Exec(sql,
           fmt::format("UPDATE property_items SET status = {}, updated_at = {} WHERE case_id = {} AND code = {} AND "
                       "status <> {}",
                       b.Str(status), b.Int(now), b.Int(case_id), b.Str(code), b.Str(status)),
           b);
}

std::string PropertyStatusAfter(const std::string& t) {
  if (t == "property_extract") return "extracted";
  if (t == "seize" || t == "seal" || t == "freeze" || t == "register_preserve" || t == "onsite_force") return "seized";
  if (t == "property_handover" || t == "property_register") return "in_storage";
  if (t == "property_return" || t == "seize_end") return "returned";
  if (t == "property_disposed") return "disposed";
  return {};
}

// ---------------------------------------------------------------- events

std::int64_t InsertEvent(soci::session& sql, const EventRow& e) {
  db::Values v;
  FZ_VALUES(v, e, bureau_id, case_id, type, at, source, recorded_by, recorded_at);
  v.OptStr("person_ref", NullIfEmpty(e.person_ref))
      .OptStr("item_code", NullIfEmpty(e.item_code))
      .Str("attrs", e.attrs.dump())
      .OptStr("external_id", NullIfEmpty(e.external_id));
  return db::InsertRow(sql, "case_events", v);
}

EventRow EventRowFrom(const nlohmann::json& object, EpochSeconds at) {
  EventRow e;
  e.at = at;
  for (auto it = object.begin(); it != object.end(); ++it) {
    const std::string& k = it.key();
    if (k == "id" || k == "external_id" || k == "time") continue;
    if (k == "type")
      e.type = it->get<std::string>();
    else if (k == "person")
      e.person_ref = it->get<std::string>();
    else if (k == "item")
      e.item_code = it->get<std::string>();
    else
      e.attrs[k] = *it;
  }
  return e;
}

}  // namespace fazhi::cases::store
