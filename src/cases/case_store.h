// Internal to the cases module: SQL shared by the service, the import and the demo (row loaders,
// the visibility condition, event insertion). Every function takes the caller's session.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/principal.h"
#include "cases/case_types.h"
#include "core/clock.h"
#include "core/error.h"
#include "db/soci.h"
#include "db/sql.h"

namespace fazhi::cases::detail {

using db::Exec;
using db::ForEachRow;
using db::SqlArgs;

struct UnitInfo {
  std::int64_t id = 0;
  std::int64_t bureau_id = 0;
  std::string name, level, path;
};

struct PersonInfo {
  std::int64_t id = 0;
  std::int64_t bureau_id = 0;
  std::int64_t unit_id = 0;
  std::string name, badge_no, kind, unit_name;
  bool legal = false;
  bool active = true;
};

std::optional<UnitInfo> LoadUnit(soci::session& sql, std::int64_t id);
std::optional<PersonInfo> LoadPerson(soci::session& sql, std::int64_t id);
std::optional<PersonInfo> FindPersonByBadge(soci::session& sql, const std::string& badge_no);

// SQL condition (over `cases c JOIN units u`) selecting the cases visible to `who`; adds its binds.
std::string VisibleCondition(SqlArgs& a, const auth::Principal& who);

// Columns / FROM of a CaseSummary row, and the row reader.
extern const char* const kCaseColumns;
extern const char* const kCaseFrom;
CaseSummary CaseFromRow(const soci::row& r);

// The case if it exists and (when `who` is given) is visible to them.
std::optional<CaseSummary> LoadCase(soci::session& sql, std::int64_t id, const auth::Principal* who);
// Takes the row lock on PostgreSQL (SQLite writers are already serialised by BEGIN IMMEDIATE).
void LockCase(soci::session& sql, std::int64_t id);

// Checks officers for a case of 分局 `bureau_id`: lead must be an active 民警, assists active people,
// legal officer an active person marked 法制员; all of that 分局. InvalidArgument naming the field.
Result<void> CheckOfficers(soci::session& sql, std::int64_t bureau_id, std::optional<std::int64_t> lead,
                           const std::vector<std::int64_t>& assists, std::optional<std::int64_t> legal);

// One row of case_events to insert.
struct EventRow {
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

// Ensures property item `code` exists in the case (registering it when new). InvalidArgument if
// the code belongs to another case of the 分局.
Result<void> EnsureProperty(soci::session& sql, std::int64_t bureau_id, std::int64_t case_id, const std::string& code,
                            EpochSeconds now);
// Recomputes the status of a property item from its events (extracted → in_storage → returned …).
void RefreshPropertyStatus(soci::session& sql, std::int64_t case_id, const std::string& code, EpochSeconds now);
// The property status implied by one event type; empty if the type does not change it.
std::string PropertyStatusAfter(const std::string& event_type);

// Converts an API/import event object to engine form: "time" given as epoch seconds becomes local
// ISO text. InvalidArgument for a non-object, an "id" key, a bad external_id.
Result<nlohmann::json> NormaliseEventObject(const nlohmann::json& in, std::string* external_id);

}  // namespace fazhi::cases::detail
