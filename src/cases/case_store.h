// The case file's tables (migration 020): the only code that writes incidents, cases,
// case_officers, case_persons, property_items and case_events — the service, the import and the
// demo all insert and update through these functions — and the reads that map their rows to the
// types of case_types.h. Internal to src/cases (other modules read through case_reads.h).
//
// Every function takes the caller's session, inside the caller's transaction for writes; SQL errors
// throw (soci::soci_error) and roll the transaction back. No scope checks here except where a
// function takes the caller (`who`): the service checks scope before it writes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/principal.h"
#include "auth/vault.h"
#include "cases/case_types.h"
#include "core/clock.h"
#include "core/error.h"
#include "db/sql.h"

namespace fazhi::cases::store {

// ---------------------------------------------------------------- units and people (org's tables, read)

struct UnitInfo {
  std::int64_t id = 0;
  std::int64_t bureau_id = 0;
  std::string name, level, path, code;
};

struct PersonInfo {
  std::int64_t id = 0;
  std::int64_t bureau_id = 0;
  std::int64_t unit_id = 0;
  std::string name, badge_no, kind, unit_name, unit_path;
  bool legal = false;
  bool active = true;
};

std::optional<UnitInfo> LoadUnit(soci::session& sql, std::int64_t id);
// The units under `path` (the caller's subtree), for name/code look-ups of an import.
std::vector<UnitInfo> UnitsUnder(soci::session& sql, const std::string& path);
std::optional<PersonInfo> LoadPerson(soci::session& sql, std::int64_t id);
std::optional<PersonInfo> FindPersonByBadge(soci::session& sql, const std::string& badge_no);

// Checks officers for a case of 分局 `bureau_id`: lead must be an active 民警, assists active people,
// legal officer an active person marked 法制员; all of that 分局. InvalidArgument naming the field.
// `scope` (unit paths) limits whom the caller may name: lead and assists must belong to a unit under
// one of the paths; the legal officer too, unless he is an active 法制员 of the 分局 (捆绑法制员 may
// come from any unit, e.g. the 法制大队). A person outside the scope answers exactly like an id that
// does not exist, and no answer names a person the caller may not see. Empty scope: no limit.
Result<void> CheckOfficers(soci::session& sql, std::int64_t bureau_id, std::optional<std::int64_t> lead,
                           const std::vector<std::int64_t>& assists, std::optional<std::int64_t> legal,
                           const std::vector<std::string>& scope = {});

// ---------------------------------------------------------------- incidents 警情

// One row of `incidents` as written.
struct IncidentRow {
  std::int64_t bureau_id = 0;
  std::int64_t unit_id = 0;
  std::string external_id;
  EpochSeconds received_at = 0;
  std::string category, summary, address, result;
  bool body_camera = false;
  std::optional<std::int64_t> officer_id;
};

// Inserts with created_at = updated_at = now (case_id NULL); returns the id.
std::int64_t InsertIncident(soci::session& sql, const IncidentRow& row, EpochSeconds now);
// Rewrites everything but bureau, 警情编号, case and created_at (a changed row of an import).
void UpdateIncident(soci::session& sql, std::int64_t id, const IncidentRow& row, EpochSeconds now);
void SetIncidentExternalId(soci::session& sql, std::int64_t id, const std::string& external_id);
// The incident became case `case_id`.
void LinkIncidentToCase(soci::session& sql, std::int64_t incident_id, std::int64_t case_id, EpochSeconds now);

// The SELECT list and FROM of an Incident (alias i; units u, officer op/ou, case ic), and its reader.
extern const char* const kIncidentColumns;
extern const char* const kIncidentFrom;
Incident IncidentFrom(const db::Row& r);
// The incident; when `who` is given, only if its unit is in the caller's subtree.
std::optional<Incident> LoadIncident(soci::session& sql, std::int64_t id, const auth::Principal* who);
// The stored incident with this 警情编号 in the 分局 (any unit), with its unit's path.
struct StoredIncident {
  std::int64_t id = 0;
  std::string unit_path;
  IncidentRow row;
  std::optional<std::int64_t> case_id;
};
std::optional<StoredIncident> FindIncident(soci::session& sql, std::int64_t bureau_id, const std::string& external_id);

// ---------------------------------------------------------------- cases

// One row of `cases` as written (alert_state starts 'none'; the oversight hooks maintain it).
struct CaseRow {
  std::int64_t bureau_id = 0;
  std::int64_t unit_id = 0;
  std::string external_id, case_type, cause, category, title, status;
  std::optional<std::int64_t> lead_officer_id, legal_officer_id, incident_id;
  bool serious = false, fast_track = false, many_people = false;
  EpochSeconds accepted_at = 0;
  std::optional<EpochSeconds> closed_at;
};

// Inserts with created_at = updated_at = now; returns the id.
std::int64_t InsertCase(soci::session& sql, const CaseRow& row, EpochSeconds now);
// Rewrites the header fields that may change (案由, 类别, 名称, 主办, 法制员, 警情, 重大, 快速,
// 人数众多); case type,
// unit, number, status and acceptance stay.
void UpdateCase(soci::session& sql, std::int64_t id, const CaseRow& row, EpochSeconds now);
void SetCaseExternalId(soci::session& sql, std::int64_t id, const std::string& external_id);
// A move of the state machine: status and closed_at (NULL for an open status).
void UpdateCaseStatus(soci::session& sql, std::int64_t id, const std::string& status,
                      std::optional<EpochSeconds> closed_at, EpochSeconds now);
// The status an import derives from the imported acts; closed_at stays as it is.
void UpdateDerivedStatus(soci::session& sql, std::int64_t id, const std::string& status, EpochSeconds now);
void TouchCase(soci::session& sql, std::int64_t id, EpochSeconds now);
// Serialises writers of one case until the transaction ends (db::LockRowForUpdate).
void LockCase(soci::session& sql, std::int64_t id);

// 主办 (lead) and 协办 (assist) officers: deletes the case's rows and inserts lead then assists,
// each person once.
void ReplaceOfficers(soci::session& sql, std::int64_t bureau_id, std::int64_t case_id, std::optional<std::int64_t> lead,
                     const std::vector<std::int64_t>& assists);
void InsertOfficer(soci::session& sql, std::int64_t bureau_id, std::int64_t case_id, std::int64_t person_id,
                   const char* role);
// 协办 person ids of a case, ascending.
std::vector<std::int64_t> AssistIds(soci::session& sql, std::int64_t case_id);

// The SELECT list and FROM of a CaseSummary (alias c; units u, officers lp/gp with units lu/gu).
extern const char* const kCaseColumns;
extern const char* const kCaseFrom;
// The same row for a page of known ids (`WHERE c.id IN …`), without the join of `units u`: PostgreSQL
// answered that join with a hash of every unit (0.3–0.5 ms a page at 1,777 units); the two lookups
// by key cost microseconds on both databases (bench/README.md, "Case list", PostgreSQL).
extern const char* const kCaseColumnsById;
extern const char* const kCaseFromById;

// Reads CaseSummary rows; the column positions are resolved at the first row (hot loops: the list,
// the export).
class CaseReader {
 public:
  CaseSummary Read(const db::Row& r);

 private:
  void Resolve(const db::Row& r);
  bool resolved_ = false;
  int id_ = 0, bureau_ = 0, unit_ = 0, unit_name_ = 0, unit_path_ = 0, external_ = 0, type_ = 0, cause_ = 0,
      category_ = 0, title_ = 0, status_ = 0, lead_ = 0, lead_name_ = 0, lead_badge_ = 0, lead_unit_ = 0, legal_ = 0,
      legal_name_ = 0, legal_badge_ = 0, legal_unit_ = 0, incident_ = 0, serious_ = 0, fast_ = 0, many_ = 0,
      accepted_ = 0, closed_ = 0, alert_ = 0, next_due_ = 0, nearest_due_ = 0, created_ = 0, updated_ = 0;
};
// The case if it exists and (when `who` is given) is visible to them (case_reads.h CaseVisible).
std::optional<CaseSummary> LoadCase(soci::session& sql, std::int64_t id, const auth::Principal* who);
// A case visible to `who` by its 案件编号.
std::optional<CaseSummary> FindCase(soci::session& sql, const std::string& external_id, const auth::Principal& who);
// Whether the 分局 has a case with this 案件编号 (visible or not) / an incident with this 警情编号.
bool CaseNumberTaken(soci::session& sql, std::int64_t bureau_id, const std::string& external_id);
bool IncidentNumberTaken(soci::session& sql, std::int64_t bureau_id, const std::string& external_id);

// The whole case page: header, 协办, persons (身份证号 decrypted: plain when `pii`, masked otherwise),
// property, incident, event count. NotFound if the case is missing; Internal if a 身份证号 cannot be
// decrypted (database and key file do not match).
Result<CaseDetail> LoadDetail(soci::session& sql, const auth::Vault& vault, std::int64_t id, bool pii);

// ---------------------------------------------------------------- persons 涉案人员

// One row of `case_persons` as written; `id_number_enc` is the vault's ciphertext (NULL when absent).
struct PersonRow {
  std::int64_t bureau_id = 0;
  std::int64_t case_id = 0;
  std::string ref, name, role;
  std::optional<int> age;
  bool female = false, pregnant = false, nursing_infant = false, identity_unknown = false;
  std::optional<std::string> id_number_enc;
};

std::int64_t InsertPerson(soci::session& sql, const PersonRow& row, EpochSeconds now);
// Rewrites name, role, age, flags and 身份证号 (bureau, case and ref stay).
void UpdatePerson(soci::session& sql, std::int64_t id, const PersonRow& row);
// The stored person with this ref in the case.
struct PersonRecord {
  std::int64_t id = 0;
  PersonRow row;
};
std::optional<PersonRecord> FindPersonByRef(soci::session& sql, std::int64_t case_id, const std::string& ref);
// ref → name of the case's persons.
std::map<std::string, std::string> PersonNames(soci::session& sql, std::int64_t case_id);

// ---------------------------------------------------------------- property 涉案财物 (一物一码)

struct PropertyRow {
  std::int64_t bureau_id = 0;
  std::int64_t case_id = 0;
  std::string code, name, quantity;
  std::string status = "extracted";
};

// Inserts with created_at = updated_at = now; returns the id.
std::int64_t InsertProperty(soci::session& sql, const PropertyRow& row, EpochSeconds now);
// The case a code of the 分局 is registered in.
std::optional<std::int64_t> PropertyOwner(soci::session& sql, std::int64_t bureau_id, const std::string& code);
// Ensures property item `code` exists in the case (registering it when new, without name). InvalidArgument
// if the code belongs to another case of the 分局.
Result<void> EnsureProperty(soci::session& sql, std::int64_t bureau_id, std::int64_t case_id, const std::string& code,
                            EpochSeconds now);
// Recomputes the status of a property item from its events (extracted → in_storage → returned …).
void RefreshPropertyStatus(soci::session& sql, std::int64_t case_id, const std::string& code, EpochSeconds now);
// The property status implied by one event type; empty if the type does not change it.
std::string PropertyStatusAfter(const std::string& event_type);

// ---------------------------------------------------------------- events 执法环节

// One row of case_events.
struct EventRow {
  std::int64_t id = 0;  // set when read back
  std::int64_t bureau_id = 0;
  std::int64_t case_id = 0;
  std::string type;
  EpochSeconds at = 0;
  std::string person_ref;  // "" = NULL
  std::string item_code;   // "" = NULL
  nlohmann::json attrs = nlohmann::json::object();
  std::string external_id;  // "" = NULL
  std::string source = "api";
  std::optional<std::int64_t> recorded_by;
  EpochSeconds recorded_at = 0;
};
std::int64_t InsertEvent(soci::session& sql, const EventRow& e);
// Splits a validated event object into the stored columns (type/time/person/item/attrs); the
// object's "id" and "external_id" are dropped. `at` is the parsed time.
EventRow EventRowFrom(const nlohmann::json& object, EpochSeconds at);
// The case's stored events (id, type, at, person, item, attrs, external_id), in no particular order
// when `external_id` is empty, else the one with that number.
std::vector<EventRow> EventRows(soci::session& sql, std::int64_t case_id, const std::string& external_id = {});
// The case's event types in time order.
std::vector<std::string> EventTypes(soci::session& sql, std::int64_t case_id);
// The events of a case (or only event `only`) as the API shows them, with person and recorder names.
std::vector<CaseEvent> ReadEvents(soci::session& sql, std::int64_t case_id, std::optional<std::int64_t> only);

}  // namespace fazhi::cases::store
