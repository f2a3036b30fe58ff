// The only code that writes the inspection tables (migration 050), and the reads that map their
// rows to the types. Every function runs on the caller's session (inside its transaction where it
// writes); database errors throw.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/paging.h"
#include "db/soci.h"
#include "inspections/inspections_types.h"

namespace fazhi::inspections {

// 中文 names: 接处警 …, 市巡分县局 …; the id itself when unknown.
std::string DomainName(std::string_view domain);
std::string LevelName(std::string_view level);
// The kind of record a domain samples (cases::InspectableRecords): incident, case, property, area_stay.
std::string RecordKindOf(std::string_view domain);

// The built-in checklist of a domain (version 0, id 0): what an installation starts with.
Checklist DefaultChecklist(const std::string& domain);

// Checklist versions.
std::optional<Checklist> CurrentChecklist(soci::session& sql, const std::string& domain);
std::optional<Checklist> ChecklistById(soci::session& sql, std::int64_t id);
std::vector<Checklist> ChecklistVersions(soci::session& sql, const std::string& domain);
std::int64_t InsertChecklist(soci::session& sql, const Checklist& c, std::optional<std::int64_t> user_id);
// The checklist in force of every domain, storing the built-in default as version 1 where a domain
// has none yet.
std::map<std::string, Checklist> EnsureChecklists(soci::session& sql, EpochSeconds now);

// Plans. `unit_path`: only plans whose unit lies under it.
std::int64_t InsertPlan(soci::session& sql, const Plan& p, std::optional<std::int64_t> user_id);
std::optional<Plan> LoadPlan(soci::session& sql, std::int64_t id);
Paged<Plan> ListPlans(soci::session& sql, std::string_view unit_path, const PageRequest& page);
std::vector<Plan> ActivePlans(soci::session& sql);

// Tasks. InsertTask returns nullopt (and writes nothing) when the plan already has the task of that
// target and period.
std::optional<std::int64_t> InsertTask(soci::session& sql, const Task& t, EpochSeconds now);
void InsertSample(soci::session& sql, std::int64_t bureau_id, std::int64_t task_id, const Sample& s);
std::optional<Task> LoadTask(soci::session& sql, std::int64_t id, EpochSeconds now);
std::vector<Sample> LoadSamples(soci::session& sql, std::int64_t task_id);
std::vector<ItemResult> LoadResults(soci::session& sql, std::int64_t task_id);
// Tasks visible under `path` (target or inspector unit in the subtree); `mine_unit`: only the tasks
// that unit is to do.
Paged<Task> ListTasks(soci::session& sql, std::string_view path, std::optional<std::int64_t> mine_unit,
                      const std::optional<std::string>& unit_path_filter, const TaskFilter& f, EpochSeconds now,
                      const PageRequest& page);
// Inserts or replaces the result of (task, domain, item). Returns its id.
std::int64_t SaveResult(soci::session& sql, std::int64_t bureau_id, std::int64_t task_id, const ItemResult& r,
                        std::optional<std::int64_t> user_id);
// Inserts the result of an item not judged yet (the demo's fast path). Returns its id.
std::int64_t InsertResult(soci::session& sql, std::int64_t bureau_id, std::int64_t task_id, const ItemResult& r,
                          std::optional<std::int64_t> user_id);
void MarkTaskDone(soci::session& sql, std::int64_t id, std::optional<std::int64_t> user_id, const std::string& name,
                  EpochSeconds at);
// Open tasks past their due time whose overdue notice was not sent, oldest first.
std::vector<Task> OverdueUnnotified(soci::session& sql, EpochSeconds now);
void MarkOverdueNotified(soci::session& sql, std::int64_t task_id);

// Findings.
std::int64_t InsertFinding(soci::session& sql, const Finding& f, std::int64_t result_id);
void SetFindingOrder(soci::session& sql, std::int64_t finding_id, std::int64_t order_id);
void CloseFinding(soci::session& sql, std::int64_t finding_id, EpochSeconds at, bool on_time);
std::optional<Finding> LoadFinding(soci::session& sql, std::int64_t id);
// A 复查: its row, and the finding's latest-复查 columns. Returns its id.
std::int64_t InsertRecheck(soci::session& sql, const Recheck& r);
// A finding's 复查 history, oldest first.
std::vector<Recheck> LoadRechecks(soci::session& sql, std::int64_t finding_id);
std::optional<std::string> TaskInspectorPath(soci::session& sql, std::int64_t task_id);
// Findings whose unit lies under `path` or whose task's inspecting unit does; `unit_path_filter`:
// only those under that unit.
Paged<Finding> ListFindings(soci::session& sql, std::string_view path,
                            const std::optional<std::string>& unit_path_filter, const FindingFilter& f,
                            const PageRequest& page);

// Roll-up of the tasks whose target lies under `path`, period_start in [from, to); rows grouped by
// the child units of `path`'s unit (or, for a team, by officer).
Rollup ComputeRollup(soci::session& sql, std::int64_t unit_id, const std::string& unit_name,
                     const std::string& unit_level, std::string_view path, EpochSeconds from, EpochSeconds to);

}  // namespace fazhi::inspections
