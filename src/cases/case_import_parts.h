// Internal to the import (case_import*.cpp): reading a file into rows (case_import_rows.cpp),
// planning what each row will do without writing (case_import_plan.cpp), and committing the plans
// through the store (case_import.cpp).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/principal.h"
#include "auth/vault.h"
#include "cases/case_store.h"
#include "cases/case_types.h"
#include "cases/timeline_store.h"
#include "core/error.h"
#include "jobs/job_runner.h"

namespace fazhi::cases::import {

// ---------------------------------------------------------------- files → rows

// One column of an import kind: JSON key, 中文 header (and the other names exports give it,
// compared after files::NormalizeHeader; docs/cases.md lists them), required or not.
struct Column {
  const char* key;
  const char* header;
  bool required;
  std::vector<const char*> aliases = {};
};

const std::vector<Column>& ColumnsOf(ImportKind kind);
const char* KindName(ImportKind kind);  // 警情, 案件, 涉案人员, 案件事件
const char* KindId(ImportKind kind);    // incidents, cases, persons, events

// One input row as a JSON object with the column keys; `number` is the row/line the user sees.
// A JSON-lines line that is not an object reads as {"__invalid__": true}.
struct InputRow {
  int number = 0;
  nlohmann::json obj;
};

// The rows of a file, with the remarks for the report (title rows skipped, columns ignored).
struct InputFile {
  std::vector<InputRow> rows;
  std::vector<std::string> notes;
};

// The rows of a CSV, XLSX or JSON-lines file. In a sheet the header is the first of the first
// files::kHeaderSearchRows rows naming at least two columns (title rows above it are skipped), and
// columns the import does not know are ignored with a note. File-level problems (empty, too large, a
// duplicate header, a missing required column, JSON-lines not in UTF-8) are InvalidArgument with
// field "file" (PayloadTooLarge over 50 MB).
Result<InputFile> ReadRows(ImportKind kind, std::string_view bytes, std::string_view filename);

void AddIssue(ImportReport& report, int row, std::string column, std::string message);

// Typed access to a row's values (cells are text; JSON-lines may be typed). The first problem of a
// row is reported (column named by its 中文 header); later ones are not.
class RowReader {
 public:
  RowReader(ImportKind kind, const InputRow& row, ImportReport& report) : kind_(kind), row_(row), report_(report) {}

  bool ok() const { return ok_; }
  void Fail(const std::string& key, const std::string& message);
  std::string HeaderOf(const std::string& key) const;
  bool Has(const std::string& key) const { return row_.obj.contains(key) && !row_.obj[key].is_null(); }
  // Text trimmed, at most max_chars.
  std::string Text(const std::string& key, bool required, int max_chars);
  // 是/否, 有/无, 1/0, true/false, Y/N.
  std::optional<bool> Bool(const std::string& key);
  std::optional<std::int64_t> Int(const std::string& key, std::int64_t min, std::int64_t max);
  // Epoch seconds or local text (2023-03-04 22:30; 2023/03/04 too).
  std::optional<EpochSeconds> Time(const std::string& key, bool required);
  const nlohmann::json& obj() const { return row_.obj; }
  int number() const { return row_.number; }

 private:
  ImportKind kind_;
  const InputRow& row_;
  ImportReport& report_;
  bool ok_ = true;
};

// ---------------------------------------------------------------- rows → plans (nothing written)

// What one valid row will do.
enum class Action { kCreate, kUpdate, kUnchanged };

struct IncidentPlan {
  int row = 0;
  Action action = Action::kCreate;
  std::optional<std::int64_t> existing_id;
  store::IncidentRow incident;
};

struct CasePlan {
  int row = 0;
  Action action = Action::kCreate;
  std::optional<CaseSummary> existing;
  store::CaseRow head;  // bureau, unit, number, type, 案由 …, status, officers, incident, acceptance
  std::vector<std::int64_t> assists;
  EpochSeconds incident_received_at = 0;
  bool incident_body_camera = false;
};

struct PersonPlan {
  int row = 0;
  Action action = Action::kCreate;
  std::optional<std::int64_t> existing_id;
  store::PersonRow person;  // id_number_enc unset: `id_number` is encrypted when written
  std::string id_number;
};

struct EventPlan {
  int row = 0;
  Action action = Action::kCreate;
  std::string case_ext;
  std::string external_id;
  nlohmann::json object;  // engine form, "id" = "row:N"
};

// The event rows of one case with the validated timeline they make.
struct CaseEvents {
  CaseSummary c;
  std::vector<EventPlan> rows;
  std::optional<supervision::CaseTimeline> timeline;
};

// Each planner reads every row, reports row problems into `report` (and counts valid, created,
// updated and unchanged rows), advances `progress` once per row and returns the plans of the valid
// rows. Only look-ups in the caller's scope (`who`).
std::vector<IncidentPlan> PlanIncidents(soci::session& sql, const auth::Principal& who,
                                        const std::vector<InputRow>& rows, ImportReport& report,
                                        jobs::Progress* progress);
std::vector<CasePlan> PlanCases(soci::session& sql, const auth::Principal& who, const std::vector<InputRow>& rows,
                                ImportReport& report, jobs::Progress* progress);
std::vector<PersonPlan> PlanPersons(soci::session& sql, const auth::Principal& who, const auth::Vault& vault,
                                    const std::vector<InputRow>& rows, ImportReport& report, jobs::Progress* progress);
std::map<std::int64_t, CaseEvents> PlanEvents(soci::session& sql, const auth::Principal& who,
                                              const std::vector<InputRow>& rows, ImportReport& report,
                                              jobs::Progress* progress, EpochSeconds now);

}  // namespace fazhi::cases::import
