// Plain data of the organisation module: units (单位), people (民警/辅警), list filters, inputs and
// the roster import report. No I/O here; see org_service.h for the operations.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"

namespace fazhi::org {

// Unit levels, top to bottom: city 市局 → bureau 分县局 → team 科所队.
inline constexpr const char* kLevelCity = "city";
inline constexpr const char* kLevelBureau = "bureau";
inline constexpr const char* kLevelTeam = "team";

// Kinds of people (类别).
inline constexpr const char* kKindPolice = "民警";     // sworn officer; 警号 is 6–8 digits
inline constexpr const char* kKindAuxiliary = "辅警";  // auxiliary; free-form number, ≤ 16 characters

// One organisation unit. `path` is the materialised path of ids ("/1/2/5/"); a caller sees the
// units whose path starts with their own unit's path.
struct Unit {
  std::int64_t id = 0;
  std::optional<std::int64_t> parent_id;
  std::optional<std::int64_t> bureau_id;  // owning 分县局 (a city unit owns itself)
  std::string name;                       // 全称: 刑事侦查大队
  std::string short_name;                 // 简称: 刑侦大队 ("" = none); the imports match both
  std::string level;                      // kLevelCity / kLevelBureau / kLevelTeam
  std::string category;                   // free text: 派出所, 刑侦大队 …
  std::string code;                       // free text, optional (机构代码)
  std::string path;
  std::int64_t person_count = 0;  // active people directly in this unit (not its sub-units)
  EpochSeconds created_at = 0;
  EpochSeconds updated_at = 0;
};

// Fields for creating a unit. `parent_id` is required except for OrgService::CreateRootUnit.
struct UnitCreate {
  std::optional<std::int64_t> parent_id;
  std::string name;
  std::string short_name;
  std::string level;
  std::string category;
  std::string code;
};

// Fields for renaming / recoding a unit; absent = unchanged. The level and parent never change.
struct UnitUpdate {
  std::optional<std::string> name;
  std::optional<std::string> short_name;
  std::optional<std::string> category;
  std::optional<std::string> code;
};

// One person as returned to a caller. `id_number` and `phone` are plaintext only when the caller
// holds people.pii (and `pii_visible` is then true); otherwise they are masked.
struct Person {
  std::int64_t id = 0;
  std::int64_t bureau_id = 0;
  std::int64_t unit_id = 0;
  std::string unit_name;
  std::string name;
  std::string badge_no;           // 警号 (辅警: 辅警编号)
  std::string kind;               // kKindPolice / kKindAuxiliary
  std::string position;           // 职务
  bool is_legal_officer = false;  // 法制员
  std::string id_number;          // 身份证号, masked or plain, "" if none
  std::string phone;              // 手机号, masked or plain, "" if none
  bool pii_visible = false;
  bool active = true;
  EpochSeconds created_at = 0;
  EpochSeconds updated_at = 0;
};

// Fields for creating or updating a person. On create, name/badge_no/kind/unit_id are required;
// on update every absent field keeps its value. An empty id_number/phone clears it.
struct PersonInput {
  std::optional<std::string> name;
  std::optional<std::string> badge_no;
  std::optional<std::string> kind;
  std::optional<std::int64_t> unit_id;
  std::optional<std::string> position;
  std::optional<bool> is_legal_officer;
  std::optional<std::string> id_number;
  std::optional<std::string> phone;
  std::optional<bool> active;  // update only (reactivation); create always makes an active person
};

// Filters of the people list and export. All absent = everyone active in scope.
struct PersonFilter {
  std::optional<std::int64_t> unit_id;  // this unit and its whole subtree
  std::optional<std::string> q;         // 姓名 or 警号 contains (case-sensitive substring)
  std::optional<std::string> kind;
  std::optional<bool> legal_officer;
  std::optional<bool> active = true;  // nullopt = active and inactive
};

enum class ImportMode { kCheck, kCommit };
enum class FileFormat { kCsv, kXlsx };

// One problem of a roster file: row as the user sees it (header = 1), column header (中文, may be
// empty for a whole-row or whole-file problem) and a 中文 message.
struct ImportIssue {
  int row = 0;
  std::string column;
  std::string message;
};

struct ImportReport {
  bool committed = false;  // true when rows were written (commit mode, and no errors or skip_invalid)
  int total_rows = 0;      // non-empty data rows (header excluded)
  int valid_rows = 0;
  int imported = 0;  // rows applied by a commit (created + updated + unchanged); 0 in check mode
  // What the valid rows do (in check mode: would do): new people, changed people, identical rows.
  int created = 0;
  int updated = 0;
  int unchanged = 0;
  std::vector<ImportIssue> errors;  // at most kMaxReportedIssues; see errors_truncated
  bool errors_truncated = false;
  std::vector<std::string> notes;  // 中文 remarks that refuse nothing: title rows skipped, columns ignored
};

inline constexpr std::size_t kMaxReportedIssues = 1000;

// A generated download (export or template).
struct FileDownload {
  std::string bytes;
  std::string content_type;
  std::string filename;  // suggested name, 中文 allowed
};

}  // namespace fazhi::org
