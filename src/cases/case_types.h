// Plain data of the case file (一案一档): incidents (警情), cases, the officers and persons of a
// case, property items (涉案财物, 一物一码), the event log, list filters and import reports. No I/O
// here; see case_service.h for the operations and state_machine.h for the statuses.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/paging.h"

namespace fazhi::cases {

inline constexpr const char* kCriminal = "criminal";              // 刑事案件
inline constexpr const char* kAdministrative = "administrative";  // 行政（治安）案件

// A person of the organisation (民警/辅警) as shown beside a case: id, name and 警号.
struct OfficerRef {
  std::int64_t id = 0;
  std::string name;
  std::string badge_no;
  std::string unit_name;
};

// 警情: one call for police, from the 接处警 system.
struct Incident {
  std::int64_t id = 0;
  std::int64_t bureau_id = 0;
  std::int64_t unit_id = 0;
  std::string unit_name;
  std::string external_id;  // 警情编号
  EpochSeconds received_at = 0;
  std::string category;  // 警情类别
  std::string summary, address, result;
  bool body_camera = false;           // 执法记录仪视音频已上传
  std::optional<OfficerRef> officer;  // 处警民警
  std::optional<std::int64_t> case_id;
  std::optional<std::string> case_external_id;
  EpochSeconds created_at = 0, updated_at = 0;
};

struct IncidentInput {
  std::string external_id;  // empty on create = generated
  std::int64_t unit_id = 0;
  EpochSeconds received_at = 0;
  std::string category, summary, address, result;
  bool body_camera = false;
  std::optional<std::int64_t> officer_id;
};

struct IncidentFilter {
  std::optional<std::int64_t> unit_id;   // subtree
  std::optional<EpochSeconds> from, to;  // received_at in [from, to)
  std::optional<bool> body_camera;
  std::optional<bool> has_case;
  std::optional<std::string> q;  // 警情编号 / 类别 / 简要情况 contains
};

// One case as shown in lists and on the case page header.
struct CaseSummary {
  std::int64_t id = 0;
  std::int64_t bureau_id = 0;
  std::int64_t unit_id = 0;
  std::string unit_name;
  std::string unit_path;
  std::string external_id;  // 案件编号
  std::string case_type;    // kCriminal / kAdministrative
  std::string cause;        // 案由
  std::string category;     // 打击类别
  std::string title;
  std::string status;
  std::optional<OfficerRef> lead_officer;   // 主办民警
  std::optional<OfficerRef> legal_officer;  // 捆绑法制员
  std::optional<std::int64_t> incident_id;
  bool serious = false;
  bool fast_track = false;
  bool many_people = false;  // 涉案人数众多 (ADM-SUMMON-01: 12 h by law from 2026)
  EpochSeconds accepted_at = 0;
  std::optional<EpochSeconds> closed_at;
  std::string alert_state;                     // none, pre_warn, overdue, violation (maintained by the oversight hooks)
  std::optional<EpochSeconds> next_due_at;     // the next moment a clock changes (the sweep's)
  std::optional<EpochSeconds> nearest_due_at;  // 最近期限: earliest due of the live clocks, past or not
  EpochSeconds created_at = 0, updated_at = 0;
};

// A person involved in a case. `id_number` is plain only when the caller holds people.pii.
struct CasePerson {
  std::int64_t id = 0;
  std::string ref;  // the case's own id, used by events ("p1")
  std::string name;
  std::string role;  // suspect, victim, witness, other
  std::optional<int> age;
  bool female = false, pregnant = false, nursing_infant = false, identity_unknown = false;
  std::string id_number;  // masked or plain, "" if none
  bool pii_visible = false;
  EpochSeconds created_at = 0;
};

struct CasePersonInput {
  std::string ref;  // empty = next free "pN"
  std::string name;
  std::string role = "suspect";
  std::optional<int> age;
  bool female = false, pregnant = false, nursing_infant = false, identity_unknown = false;
  std::string id_number;  // plaintext; validated (GB 11643) when not empty
};

// 涉案财物 with one code per item (一物一码).
struct PropertyItem {
  std::int64_t id = 0;
  std::string code;
  std::string name;
  std::string quantity;
  std::string status;  // extracted, seized, in_storage, returned, disposed
  EpochSeconds created_at = 0, updated_at = 0;
};

struct PropertyInput {
  std::string code;
  std::string name;
  std::string quantity;
};

// One entry of the event log. `attrs` holds the engine attributes other than person and item
// (docs/events.md), exactly as accepted.
struct CaseEvent {
  std::int64_t id = 0;
  std::string type;       // engine event type id, e.g. "detain"
  std::string type_name;  // 中文
  EpochSeconds at = 0;
  std::string person_ref, person_name;
  std::string item_code;
  nlohmann::json attrs = nlohmann::json::object();
  std::string external_id;
  std::string source;  // api, import, demo, transition, incident
  std::optional<std::int64_t> recorded_by;
  std::string recorded_by_name;
  EpochSeconds recorded_at = 0;
};

// A new event: the same JSON object as one element of a timeline's "events" (docs/events.md), e.g.
// {"type":"detain","time":"2023-03-04 22:30","person":"p1"}, plus an optional "external_id".
struct EventInput {
  nlohmann::json object;
};

struct CaseInput {
  std::optional<std::string> external_id;  // 案件编号; generated on create when absent
  std::optional<std::string> case_type;
  std::optional<std::string> cause;
  std::optional<std::string> category;
  std::optional<std::string> title;
  std::optional<std::int64_t> unit_id;
  std::optional<std::int64_t> lead_officer_id;
  std::optional<std::vector<std::int64_t>> assist_officer_ids;
  // Set to bind, or to 0 to unbind (update only).
  std::optional<std::int64_t> legal_officer_id;
  std::optional<std::int64_t> incident_id;
  std::optional<bool> serious;
  std::optional<bool> fast_track;
  std::optional<bool> many_people;          // 涉案人数众多
  std::optional<EpochSeconds> accepted_at;  // default now
};

// An officer's 执法资格 on the day of 受案 (case_qualification.h).
struct OfficerQualification {
  std::string status;       // valid 有效 / none 未登记 / expired 已过期 / not_yet 尚未取得
  std::string level;        // valid: the highest level held that day; otherwise the period shown
  std::string day;          // the day checked, "2024-03-04" (local day of 受案时间)
  std::string obtained_on;  // the period shown ("" for none): valid → the one held, expired → the last
  std::string valid_until;  //   one that ended, not_yet → the first one obtained later
};

// The whole case page.
struct CaseDetail {
  CaseSummary header;
  std::vector<OfficerRef> assist_officers;  // 协办民警
  std::vector<CasePerson> persons;
  std::vector<PropertyItem> property;
  std::optional<Incident> incident;
  std::int64_t event_count = 0;
  // 执法资格 of the 主办/协办 民警 on the day of 受案, by person id (case_qualification.h).
  std::map<std::int64_t, OfficerQualification> qualifications;
};

// A page of the case list. `total` is exact up to a cap of matching cases; beyond it, it is the cap
// and `total_capped` is true (counting a 市局's or the 省厅's cases on every page view costs more
// than the page itself). The cap is kCaseListCountCap within a 分局 or smaller (the count is cheap
// there and a 分局 has a few thousand cases a year) and kBroadCaseListCountCap over a 市局 or the 省厅
// (50 units or more): 1,000 keeps such a count near 0.1 ms on 1,000,000 cases against 0.7 ms for
// 10,000 through the same index (bench/README.md), and 50 pages of 20 are more than anyone pages
// through before narrowing the filter.
inline constexpr std::int64_t kCaseListCountCap = 10000;
inline constexpr std::int64_t kBroadCaseListCountCap = 1000;
struct CaseList : Paged<CaseSummary> {
  bool total_capped = false;
};

struct CaseFilter {
  std::optional<std::int64_t> unit_id;     // this unit and its subtree
  std::optional<std::int64_t> officer_id;  // 主办 or 协办
  std::optional<std::int64_t> legal_officer_id;
  std::optional<std::string> case_type;
  std::optional<std::string> status;
  std::optional<std::string> alert_state;
  std::optional<std::string> category;
  std::optional<EpochSeconds> accepted_from, accepted_to;  // [from, to)
  std::optional<std::string> q;                            // 案件编号 / 案由 / 案件名称 contains
  std::vector<std::int64_t> ids;                           // only these cases (the rows a person selected); empty = all
};
inline constexpr std::size_t kMaxSelectedIds = 500;  // ids a selection may name (导出所选)

// Status change request (state_machine.h lists the allowed moves).
struct TransitionInput {
  std::string to;
  std::optional<EpochSeconds> at;                         // when the act happened; default now
  nlohmann::json event_attrs = nlohmann::json::object();  // extra attributes of the appended event
  std::string note;
};

// ---- import ----

enum class ImportKind { kIncidents, kCases, kPersons, kEvents };
enum class ImportMode { kCheck, kCommit };

struct ImportIssue {
  int row = 0;          // as the user sees it: CSV/XLSX header = row 1; JSON-lines line number
  std::string column;   // 中文 column header (or JSON key); may be empty
  std::string message;  // 中文
};

struct ImportReport {
  bool committed = false;
  int total_rows = 0;
  int valid_rows = 0;
  int created = 0;    // new rows (would be) written
  int updated = 0;    // existing rows (would be) changed
  int unchanged = 0;  // rows identical to what is stored (idempotent re-import)
  std::vector<ImportIssue> errors;
  bool errors_truncated = false;
  std::vector<std::string> notes;  // 中文 remarks that refuse nothing: title rows skipped, columns ignored
};

inline constexpr std::size_t kMaxReportedIssues = 1000;

// An import running in the background (large commits): a job of the shared runner (jobs table,
// kind "case_import") seen through the import's eyes.
struct ImportJob {
  std::int64_t id = 0;  // jobs.id (sent as text: the web app keeps job ids as strings)
  std::int64_t user_id = 0;
  std::string kind;  // incidents, cases, persons, events
  std::string filename;
  std::string state;  // queued, running, done, failed (an interrupted job reads as failed)
  int processed = 0;
  int total = 0;
  std::optional<ImportReport> report;
  std::string error;  // 中文, when failed
  EpochSeconds created_at = 0;
  std::optional<EpochSeconds> finished_at;
};

// A generated download.
struct FileDownload {
  std::string bytes;
  std::string content_type;
  std::string filename;
};

}  // namespace fazhi::cases
