// Plain data of the inspections module (三级执法巡查): checklists per domain, plans per level, tasks
// with their random sample (随机抽取) of real records, the inspector's results and the findings
// (巡查发现问题) that enter the 督办 loop. No logic here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"

namespace fazhi::inspections {

// 巡查领域 domains: incident 接处警, filing 受立案, property 涉案财物管理, area 办案场所使用.
inline const std::vector<std::string> kDomains = {"incident", "filing", "property", "area"};
// 巡查层级 levels: city_bureau 市巡分县局, bureau_team 分县局巡基层科所队, team_officer 基层科所队巡办案民警.
inline const std::vector<std::string> kLevels = {"city_bureau", "bureau_team", "team_officer"};

// One item of a checklist (检查项目): what is checked, how it is judged (检查方法), its weight (分值).
struct ChecklistItem {
  std::string key;  // stable within the domain ("bodycam")
  std::string text;
  std::string method;
  int weight = 1;
};

// One version of a domain's checklist; the highest version is in force.
struct Checklist {
  std::int64_t id = 0;  // 0: the built-in default, not yet stored
  std::string domain;
  int version = 0;
  std::vector<ChecklistItem> items;
  std::string created_by_name;
  EpochSeconds created_at = 0;
};

// 巡查计划: the plan's unit inspects, every cadence_days, each target of its level.
struct Plan {
  std::int64_t id = 0;
  std::int64_t bureau_id = 0;
  std::int64_t unit_id = 0;  // the inspecting unit
  std::string unit_name;
  std::string level;
  std::string name;
  std::vector<std::string> domains;
  int cadence_days = 7;
  int sample_size = 2;  // records per domain; for team_officer also the officers per period
  int due_days = 5;
  bool active = true;
  EpochSeconds created_at = 0;
};

struct PlanInput {
  std::int64_t unit_id = 0;
  std::string level;
  std::string name;
  std::vector<std::string> domains;
  int cadence_days = 7;
  int sample_size = 2;
  int due_days = 5;
};

// One drawn record of a task (抽取的执法记录).
struct Sample {
  std::int64_t id = 0;
  std::string domain;
  std::string record_kind;  // incident, case, property, area_stay
  std::int64_t record_id = 0;
  std::string label;
  std::optional<std::int64_t> officer_id;
  int seq = 0;
};

// An attachment of a result (files service, owner type "inspection_result").
struct ResultFile {
  std::int64_t id = 0;
  std::int64_t result_id = 0;
  std::string filename, content_type;
  std::int64_t size = 0;
};

// The judgement of one item (逐项评判).
struct ItemResult {
  std::int64_t id = 0;
  std::int64_t checklist_id = 0;
  std::string domain, item_key;
  bool passed = true;
  std::string note;
  std::optional<std::int64_t> sample_id;  // the record it is about, if any
  std::string video_ref;                  // 视频巡查: "监控点 2023-07-03 14:20:05"
  EpochSeconds judged_at = 0;
  std::vector<ResultFile> files;
};

struct ResultInput {
  std::string domain, item_key;
  bool passed = true;
  std::string note;
  std::optional<std::int64_t> sample_id;
  std::string video_ref;
};

// 巡查任务.
struct Task {
  std::int64_t id = 0;
  std::int64_t bureau_id = 0;
  std::int64_t plan_id = 0;
  std::string plan_name;
  std::string level;
  std::int64_t inspector_unit_id = 0;
  std::string inspector_unit_name;
  std::int64_t target_unit_id = 0;
  std::string target_unit_name;
  std::optional<std::int64_t> target_person_id;
  std::string target_person_name;
  std::vector<std::string> domains;
  EpochSeconds period_start = 0, due_at = 0;
  std::int64_t seed = 0;
  EpochSeconds sample_from = 0, sample_to = 0;
  std::string status;  // open / done
  std::optional<EpochSeconds> completed_at;
  std::string completed_by_name;
  bool overdue = false;                  // open past due_at (computed)
  std::int64_t findings = 0;             // filled in lists and the detail
  std::vector<Sample> samples;           // detail only
  std::vector<std::string> empty_notes;  // detail only: "东街派出所在……没有接处警记录"
  std::vector<Checklist> checklists;     // detail only: the versions it is judged against
  std::vector<ItemResult> results;       // detail only
};

struct TaskFilter {
  std::optional<std::string> status;
  std::optional<std::string> level;
  std::optional<std::int64_t> unit_id;   // target unit subtree
  bool mine = false;                     // tasks the caller's unit is to do
  std::optional<EpochSeconds> from, to;  // period_start range
};

// One 复查 of a finding's 整改 (migration 051).
struct Recheck {
  std::int64_t id = 0;
  std::int64_t bureau_id = 0;
  std::int64_t finding_id = 0;
  std::int64_t order_id = 0;
  bool passed = false;
  std::string note;
  std::optional<EpochSeconds> new_deadline;
  std::optional<std::int64_t> checked_by;
  std::string checked_by_name;
  EpochSeconds checked_at = 0;
};

// 巡查发现问题 finding.
struct Finding {
  std::int64_t id = 0;
  std::int64_t bureau_id = 0;
  std::int64_t task_id = 0;
  std::int64_t unit_id = 0;
  std::string unit_name;
  std::optional<std::int64_t> person_id;
  std::string person_name;
  std::string level;
  std::string domain, item_key, item_text;
  int weight = 0;
  std::string record_label, note;
  std::optional<std::int64_t> order_id;
  std::string order_status;
  EpochSeconds deadline = 0;
  std::optional<EpochSeconds> closed_at;
  std::optional<bool> on_time;
  EpochSeconds created_at = 0;
  // 复查: how many, and the latest one's time and verdict.
  int rechecks = 0;
  std::optional<EpochSeconds> last_recheck_at;
  std::optional<bool> last_recheck_passed;
  // Filled only for one finding (GetFinding, Recheck): its 复查 history, oldest first.
  std::vector<Recheck> recheck_history;
};

// The inspector's 复查 verdict: passed closes the 督办; not passed returns it (note required) with a
// new deadline (default: 7 days from now).
struct RecheckInput {
  bool passed = false;
  std::string note;
  std::optional<EpochSeconds> new_deadline;
};

struct FindingFilter {
  std::optional<std::int64_t> id;  // one finding (a link from its 督办)
  std::optional<std::int64_t> unit_id;
  std::optional<std::string> domain;
  std::optional<bool> closed;
  bool awaiting_recheck = false;  // its 督办 is answered: the inspector's 复查 is due
  std::optional<EpochSeconds> from, to;
};

// 巡查汇总 roll-up of one scope and time range.
struct RollupRow {
  std::string key;  // unit id / person id as text
  std::string name;
  std::int64_t tasks = 0, done = 0, done_on_time = 0, findings = 0, closed = 0, closed_on_time = 0;
};
struct RollupItem {
  std::string domain, item_key, item_text;
  std::int64_t findings = 0;
};
struct RollupWeek {
  std::string week;  // Monday, "2023-07-03"
  std::int64_t tasks = 0, done = 0, findings = 0;
};
struct Rollup {
  std::int64_t unit_id = 0;
  std::string unit_name;
  std::string row_kind;  // what the rows are: bureaus / units / officers
  EpochSeconds from = 0, to = 0;
  RollupRow total;
  std::vector<RollupRow> rows;
  std::vector<RollupItem> items;  // findings by domain and item, most first
  std::vector<RollupWeek> weeks;
};

struct FileDownload {
  std::string bytes, content_type, filename;
};

}  // namespace fazhi::inspections
