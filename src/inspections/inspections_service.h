// 三级执法巡查 service: checklists per domain (versioned data, edited by the 法制 role), plans per
// level with a cadence that generate tasks, the seeded random sample of each task's real records,
// the inspector's item-by-item judgement, findings that enter the 督办 loop (order source
// "inspection"), overdue alerts and the roll-up. docs/inspections.md.
//
// Scope: a caller's reach is his unit subtree; a caller on a bureau's legal unit (法制大队) reaches the
// whole bureau (as in bulletins). A plan, a task's inspecting side and its judging belong to the
// inspecting unit; a task, finding or roll-up is read when its target or its inspecting unit is
// within reach. Anything out of reach is NotFound, exactly like an id that does not exist.
//
// Permissions: inspection.read (lists, tasks, findings, roll-up), inspection.do (judge a task of a
// unit within reach), inspection.manage (checklists, plans, generating tasks). Forbidden otherwise.
//
// Errors (HTTP 4xx, nothing changed): InvalidArgument — a checklist without items (reason
// empty_checklist), a negative weight (negative_weight), an unknown domain or level
// (invalid_domain / invalid_level), a plan whose unit is not of its level's kind (level_mismatch),
// a result for an item not on the task's checklist (unknown_item), a failed item without a note
// (note_required), a submission with items not judged (incomplete); Conflict — judging a task
// already submitted (task_done); NotFound — plan, task, unit, person or finding out of reach.
//
// Every change runs in one Database::Write transaction with its audit row (inspection.checklist,
// inspection.plan, inspection.generate, inspection.judge, inspection.submit); submitting a task
// creates its findings and their 督办 (orders::OrderService::IssueIn) in the same transaction.
//
// Thread safety: the service holds references only; any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "auth/principal.h"
#include "cases/case_reads.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/paging.h"
#include "db/database.h"
#include "files/attachments.h"
#include "inspections/inspections_types.h"
#include "orders/orders_service.h"

namespace fazhi::inspections {

// A deterministic 64-bit mix (splitmix64), for seeds.
std::uint64_t Mix(std::uint64_t x);
// Up to `n` of `candidates`, drawn with `seed`: the same seed and records give the same draw, in the
// same order, whatever order the records come in.
std::vector<cases::RecordRef> Draw(std::vector<cases::RecordRef> candidates, std::int64_t seed, int n);
// The window a task's records are drawn from: the four cadences before its period.
inline EpochSeconds SampleFrom(EpochSeconds period_start, int cadence_days) {
  return period_start - 4LL * cadence_days * 86400;
}

// The sample of task `t` (records of its target in [sample_from, sample_to)), `per_domain` records
// per domain; `notes` gets one sentence per domain without records ("……没有接处警记录").
std::vector<Sample> DrawTaskSample(soci::session& sql, const Task& t, int per_domain, std::vector<std::string>* notes);

// Creates the tasks of `plan` for the period starting at `period_start` (the ones that do not exist
// yet) with their samples; seeds are Mix(seed_base ^ target). Returns the new task ids.
std::vector<std::int64_t> GeneratePlanTasks(soci::session& sql, const Plan& plan, EpochSeconds period_start,
                                            std::uint64_t seed_base, EpochSeconds now);

// The 督办 source "inspection" (the findings), registered by the module.
std::unique_ptr<orders::OrderSource> MakeFindingOrderSource(const Clock& clock);

// Local Monday 00:00 of the week holding `t`.
EpochSeconds WeekStart(EpochSeconds t);

class InspectionService {
 public:
  InspectionService(db::Database& db, const Clock& clock);
  // The 督办 loop the findings enter; set in the module's Init (before serving).
  void SetOrders(orders::OrderService* orders) { orders_ = orders; }
  const Clock& clock() const { return clock_; }

  Result<std::vector<Checklist>> Checklists(const auth::Principal& who) const;
  Result<std::vector<Checklist>> ChecklistVersions(const auth::Principal& who, const std::string& domain) const;
  // Forbidden bureau_level_required unless the caller's unit is a bureau, the city or a bureau's
  // legal unit (checklists hold for every inspection). The route calls it before reading the body.
  Result<void> CheckChecklistEditor(const auth::Principal& who) const;
  Result<Checklist> SaveChecklist(const auth::Principal& who, const audit::Actor& actor, const std::string& domain,
                                  std::vector<ChecklistItem> items);

  Result<Plan> CreatePlan(const auth::Principal& who, const audit::Actor& actor, const PlanInput& in);
  Result<Paged<Plan>> ListPlans(const auth::Principal& who, const PageRequest& page) const;
  // Tasks of the period holding `period` (default: now), for every target of the plan.
  Result<std::vector<Task>> Generate(const auth::Principal& who, const audit::Actor& actor, std::int64_t plan_id,
                                     std::optional<EpochSeconds> period);
  // One task for one target of the plan (a unit, or an officer for team_officer plans).
  Result<Task> CreateTask(const auth::Principal& who, const audit::Actor& actor, std::int64_t plan_id,
                          std::optional<std::int64_t> target_unit_id, std::optional<std::int64_t> target_person_id,
                          std::optional<EpochSeconds> period);

  Result<Paged<Task>> ListTasks(const auth::Principal& who, const TaskFilter& f, const PageRequest& page) const;
  Result<Task> GetTask(const auth::Principal& who, std::int64_t id) const;
  // The sample drawn again from the stored seed; `identical` whether it equals the stored one.
  Result<std::pair<std::vector<Sample>, bool>> Redraw(const auth::Principal& who, std::int64_t id) const;
  // Stores the judgements (replacing earlier ones of the same items); with `submit`, every item must
  // be judged: the task is done and each failed item becomes a finding with its 督办.
  Result<Task> Judge(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                     const std::vector<ResultInput>& results, bool submit);
  // Attaches files to a result of an open task (files service, owner "inspection_result").
  Result<std::vector<ResultFile>> AttachFiles(const auth::Principal& who, const audit::Actor& actor,
                                              std::int64_t task_id, std::int64_t result_id,
                                              const std::vector<files::Upload>& uploads);
  Result<FileDownload> ReadFile(const auth::Principal& who, std::int64_t file_id) const;

  Result<Paged<Finding>> ListFindings(const auth::Principal& who, const FindingFilter& f,
                                      const PageRequest& page) const;
  // One finding with its 复查 history; NotFound out of reach, like ListFindings.
  Result<Finding> GetFinding(const auth::Principal& who, std::int64_t id) const;
  // 复查 (re-inspection) of an answered finding's 整改 by the inspecting side (inspection.do, the
  // task's inspecting unit within reach; else 403 not_inspector). Passed: its 督办 closes (办结), the
  // finding with it. Not passed (note required, note_required): the 督办 returns to the officer with
  // the note and a new deadline (default 7 days; a past one is refused, invalid_deadline). Conflict
  // when the 督办 is not answered (invalid_transition) or there is none (no_order). One transaction
  // with the audit row inspection.recheck.
  Result<Finding> Recheck(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                          const RecheckInput& in);
  Result<Rollup> GetRollup(const auth::Principal& who, std::optional<std::int64_t> unit_id, EpochSeconds from,
                           EpochSeconds to) const;
  Result<FileDownload> RollupXlsx(const auth::Principal& who, std::optional<std::int64_t> unit_id, EpochSeconds from,
                                  EpochSeconds to) const;

  // Open tasks past their due time: one notification each (once) to the inspecting unit's
  // inspectors and 法制员. Returns the tasks notified.
  int NotifyOverdue();

 private:
  db::Database& db_;
  const Clock& clock_;
  files::AttachmentStore files_;
  orders::OrderService* orders_ = nullptr;
};

}  // namespace fazhi::inspections
