// The only code that writes the volunteers module's tables (migration 110), and the readers that
// map its rows to the types. Every function runs inside the caller's transaction. The points ledger
// is append-only: this file has an INSERT for it and no UPDATE or DELETE.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/soci.h"

#include "core/paging.h"
#include "volunteers/volunteers_types.h"

namespace fazhi::volunteers::store {

Settings LoadSettings(soci::session& sql, std::int64_t bureau_id);
void SaveSettings(soci::session& sql, std::int64_t bureau_id, const Settings& s, EpochSeconds now);

// ---- teams ----
std::int64_t InsertTeam(soci::session& sql, std::int64_t bureau_id, std::int64_t unit_id, const std::string& name,
                        EpochSeconds now);
std::vector<Team> ListTeams(soci::session& sql, const std::string& unit_path);
std::optional<Team> LoadTeam(soci::session& sql, std::int64_t id);

// ---- volunteers ----
// The stored row: the volunteer (personal data still sealed) and its unit's path for scope checks.
struct VolunteerRow {
  Volunteer v;
  std::string id_enc, phone_enc, unit_path;
};
struct NewVolunteer {
  std::int64_t bureau_id = 0, unit_id = 0;
  std::optional<std::int64_t> team_id;
  std::string name, gender, id_enc, id_hash, phone_enc, skills;
  EpochSeconds at = 0;
};
std::int64_t InsertVolunteer(soci::session& sql, const NewVolunteer& v);
bool IdHashTaken(soci::session& sql, const std::string& hash);
std::optional<VolunteerRow> LoadVolunteer(soci::session& sql, std::int64_t id, EpochSeconds now);
std::optional<VolunteerRow> LoadVolunteerOfUser(soci::session& sql, std::int64_t user_id, EpochSeconds now);
Paged<VolunteerRow> ListVolunteers(soci::session& sql, const std::string& unit_path, const VolunteerFilter& f,
                                   const PageRequest& page, EpochSeconds now);
void SetVetting(soci::session& sql, std::int64_t id, const std::string& status, const std::string& reason,
                std::int64_t by, EpochSeconds at, std::optional<std::int64_t> user_id);
void SetTeam(soci::session& sql, std::int64_t id, std::optional<std::int64_t> team_id);
// Takes the volunteer's row lock (PostgreSQL) for a ledger write: two redemptions or awards of one
// volunteer then run one after the other, each seeing the other's entries.
void LockVolunteer(soci::session& sql, std::int64_t id);

// ---- training and insurance ----
std::int64_t InsertTraining(soci::session& sql, std::int64_t bureau_id, const Training& t, EpochSeconds now);
std::vector<Training> ListTrainings(soci::session& sql, std::int64_t volunteer_id);
std::int64_t InsertInsurance(soci::session& sql, std::int64_t bureau_id, const Insurance& i, EpochSeconds now);
std::vector<Insurance> ListInsurance(soci::session& sql, std::int64_t volunteer_id);

// ---- tasks and assignments ----
struct TaskRow {
  Task t;
  std::string unit_path;
};
std::int64_t InsertTask(soci::session& sql, std::int64_t bureau_id, const TaskInput& in, std::int64_t by,
                        EpochSeconds now);
std::optional<TaskRow> LoadTask(soci::session& sql, std::int64_t id);
Paged<Task> ListTasks(soci::session& sql, const std::string& unit_path, const PageRequest& page);
// Open tasks (自选) of the unit subtree not yet ended, with room left.
std::vector<Task> OpenTasks(soci::session& sql, const std::string& unit_path, EpochSeconds now);
std::int64_t CountAssignments(soci::session& sql, std::int64_t task_id);

struct AssignmentRow {
  Assignment a;
  std::string unit_path;
  std::optional<std::int64_t> user_id;  // the volunteer's account
};
std::int64_t InsertAssignment(soci::session& sql, std::int64_t bureau_id, std::int64_t task_id,
                              std::int64_t volunteer_id, const std::string& how, EpochSeconds now);
std::optional<AssignmentRow> LoadAssignment(soci::session& sql, std::int64_t id);
std::optional<AssignmentRow> FindAssignment(soci::session& sql, std::int64_t task_id, std::int64_t volunteer_id);
Paged<Assignment> ListAssignments(soci::session& sql, const std::string& unit_path, const AssignmentFilter& f,
                                  const PageRequest& page);
std::vector<Assignment> AssignmentsOfVolunteer(soci::session& sql, std::int64_t volunteer_id);
// The volunteer's latest position claim (check-in or check-out) before now, with its time.
std::optional<std::pair<EpochSeconds, Position>> LastPosition(soci::session& sql, std::int64_t volunteer_id);
void SetCheckin(soci::session& sql, std::int64_t id, EpochSeconds at, Position p, std::optional<int> accuracy,
                const std::string& flags, const std::string& notes);
void SetCheckout(soci::session& sql, std::int64_t id, EpochSeconds at, Position p, const std::string& state,
                 const std::string& flags, const std::string& notes);
void SetAssignmentReview(soci::session& sql, std::int64_t id, const std::string& state, const std::string& note,
                         std::int64_t by);

// ---- clues ----
struct ClueRow {
  Clue c;
  std::string unit_path;
};
std::int64_t InsertClue(soci::session& sql, const Clue& c);
std::optional<ClueRow> LoadClue(soci::session& sql, std::int64_t id);
Paged<Clue> ListClues(soci::session& sql, const std::string& unit_path, std::optional<std::string> status,
                      const PageRequest& page);
std::vector<Clue> CluesOfVolunteer(soci::session& sql, std::int64_t volunteer_id);
void SetClueReview(soci::session& sql, std::int64_t id, const std::string& status, const std::string& note, int points,
                   std::int64_t by, EpochSeconds at);

// ---- points ledger (append-only) ----
std::int64_t AppendPoints(soci::session& sql, const LedgerEntry& e);
// Points earned (task, clue, manual and corrections; not redemptions) on a day / in a month.
std::int64_t EarnedOnDay(soci::session& sql, std::int64_t volunteer_id, const std::string& day);
std::int64_t EarnedInMonth(soci::session& sql, std::int64_t volunteer_id, const std::string& month);
std::int64_t Balance(soci::session& sql, std::int64_t volunteer_id);
std::optional<LedgerEntry> LoadEntry(soci::session& sql, std::int64_t id);
Paged<LedgerEntry> ListLedger(soci::session& sql, const std::string& unit_path, std::optional<std::int64_t> volunteer,
                              const PageRequest& page);

// ---- rewards ----
std::int64_t InsertReward(soci::session& sql, const Reward& r, EpochSeconds now);
void UpdateReward(soci::session& sql, const Reward& r);
std::optional<Reward> LoadReward(soci::session& sql, std::int64_t id);
std::vector<Reward> ListRewards(soci::session& sql, std::int64_t bureau_id, bool active_only);
// One unit of stock taken when some is left (atomic): false when none is left.
bool TakeStock(soci::session& sql, std::int64_t reward_id);
std::int64_t InsertRedemption(soci::session& sql, std::int64_t bureau_id, const Redemption& r);

// ---- monthly figures (巡防之星) and service records ----
struct MonthFigures {
  std::int64_t volunteer_id = 0, unit_id = 0;
  std::string name, unit_name, team_name;
  std::int64_t points = 0, tasks = 0, clues = 0;
};
std::vector<MonthFigures> FiguresOfMonth(soci::session& sql, const std::string& unit_path, const std::string& month,
                                         EpochSeconds from, EpochSeconds to);
std::vector<Assignment> DoneAssignments(soci::session& sql, std::int64_t volunteer_id);

}  // namespace fazhi::volunteers::store
