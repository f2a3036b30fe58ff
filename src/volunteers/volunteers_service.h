// 平安志愿者 service (src/volunteers/README.md): real-name registration and vetting, teams, training
// and insurance records, tasks with check-in/check-out and anomaly flags, clues, the append-only
// points ledger with caps, rewards and redemptions, the monthly 巡防之星 and service records.
//
// Callers. A coordinator (志愿者管理员: volunteer.read to look, volunteer.manage to change) reaches
// the volunteers, tasks and clues of his unit subtree; anything outside answers NotFound, exactly
// like an id that does not exist. A volunteer signs in with his own account (role volunteer,
// permission volunteer.self only, created when his registration is approved; the same password
// rules, sessions and CSRF as every account) and reaches only himself: his tasks, his clues, his
// points, the rewards of his bureau.
//
// Personal data: the 身份证号 and phone are auth::Vault ciphertext at rest with a blind index of the
// 身份证号 (one registration per person) and are masked in every answer; ReadPii gives them in clear
// (volunteer.manage) and records the view (audit volunteer.read_pii).
//
// Check-in/check-out: the server's time, the phone's position as a claim with its accuracy. Flags
// (kept with the assignment, shown to the coordinator, never silently accepted): impossible_speed
// (from the volunteer's previous position claim faster than Settings::max_speed_kmh),
// far_from_task (outside the area's radius, or farther than place_radius_m from every place of the
// route), short_stay (check-out before min_stay_minutes — a task without one, 0, gets
// kDefaultMinStayMinutes), outside_window (check-in more than 30
// minutes before the start or after the end). An unflagged check-out credits the task's points at
// once (approver: the task's creator); a flagged one waits for the coordinator's review.
//
// Points: every change is a new ledger entry (source task / clue / manual / correction / redeem,
// approver, reason, time); earning is capped per day and per month (Settings); an award above a cap
// is InvalidArgument (over_day_cap / over_month_cap) naming the cap, and nothing is counted.
// Redemption: InvalidArgument insufficient_balance / out_of_stock; the volunteer's row is locked
// and the stock taken with one conditional UPDATE, so concurrent redemptions never oversell.
//
// Errors (HTTP 4xx, nothing stored): InvalidArgument naming the field (missing, a 身份证号 with a
// wrong check digit, a phone that is not one, a task with neither route nor area: route_or_area_required,
// a time window that ends before it starts, coordinates out of range, …); Conflict for a step the
// state does not allow (wrong_state, task_full, duplicate_registration); NotFound out of reach;
// Forbidden without the permission. Every change is one Database::Write transaction with its audit
// row. Thread safety: references only; any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "auth/principal.h"
#include "auth/vault.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/paging.h"
#include "db/database.h"
#include "files/attachments.h"
#include "files/document.h"
#include "volunteers/volunteers_types.h"

namespace fazhi::volunteers {

// Great-circle distance in metres between two positions.
double DistanceMeters(Position a, Position b);

struct VolunteerDetail {
  Volunteer v;
  std::vector<Training> trainings;
  std::vector<Insurance> insurance;
};

struct Approved {
  Volunteer v;
  std::string username;  // the account created for the volunteer
};

struct Pii {
  std::string id_number, phone;
};

struct FileDownload {
  std::string bytes, content_type, filename;
};

// What the volunteer's own page shows.
struct MyPage {
  Volunteer v;
  std::vector<Assignment> assignments;
  std::vector<Task> open_tasks;
  std::vector<Clue> clues;
  std::vector<LedgerEntry> ledger;
  std::vector<Reward> rewards;
};

struct Stars {
  std::string month;
  StarCriteria criteria;
  std::string criteria_text;  // the published rule, 中文
  std::vector<StarCandidate> candidates;
};

class VolunteerService {
 public:
  VolunteerService(db::Database& db, const Clock& clock, const auth::Vault& vault);

  // ---- registration, vetting, teams, records ----
  Result<Volunteer> Register(const auth::Principal& who, const audit::Actor& actor, const VolunteerInput& in);
  Result<VolunteerDetail> Get(const auth::Principal& who, std::int64_t id) const;
  Result<Paged<Volunteer>> List(const auth::Principal& who, const VolunteerFilter& f, const PageRequest& page) const;
  Result<std::string> ExportXlsx(const auth::Principal& who, const VolunteerFilter& f) const;
  Result<Pii> ReadPii(const auth::Principal& who, const audit::Actor& actor, std::int64_t id);
  // 通过 creates the volunteer's account: username "zy" + id, `initial_password` (password policy),
  // must be changed at first sign-in. 不通过 needs a reason. Conflict wrong_state unless pending.
  Result<Approved> Vet(const auth::Principal& who, const audit::Actor& actor, std::int64_t id, bool approve,
                       const std::string& reason, const std::string& initial_password);
  Result<Volunteer> SetTeam(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                            std::optional<std::int64_t> team_id);
  Result<Team> AddTeam(const auth::Principal& who, const audit::Actor& actor, std::int64_t unit_id,
                       const std::string& name);
  Result<std::vector<Team>> Teams(const auth::Principal& who) const;
  Result<Training> AddTraining(const auth::Principal& who, const audit::Actor& actor, Training t);
  Result<Insurance> AddInsurance(const auth::Principal& who, const audit::Actor& actor, Insurance i);

  // ---- tasks ----
  Result<Task> CreateTask(const auth::Principal& who, const audit::Actor& actor, const TaskInput& in);
  Result<Task> GetTask(const auth::Principal& who, std::int64_t id) const;
  Result<Paged<Task>> ListTasks(const auth::Principal& who, const PageRequest& page) const;
  // 派单: adds approved volunteers of the task's subtree (Conflict task_full past the capacity).
  Result<std::vector<Assignment>> Dispatch(const auth::Principal& who, const audit::Actor& actor, std::int64_t task_id,
                                           const std::vector<std::int64_t>& volunteer_ids);
  Result<Paged<Assignment>> ListAssignments(const auth::Principal& who, const AssignmentFilter& f,
                                            const PageRequest& page) const;
  // The coordinator's decision on a flagged (or over-cap) attendance: accept credits the task's
  // points (caps apply), reject leaves them uncounted. A note is required.
  Result<Assignment> ReviewAssignment(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                                      bool accept, const std::string& note);

  // ---- the volunteer himself ----
  Result<MyPage> Me(const auth::Principal& who) const;
  Result<Assignment> Join(const auth::Principal& who, const audit::Actor& actor, std::int64_t task_id);
  Result<Assignment> CheckIn(const auth::Principal& who, const audit::Actor& actor, std::int64_t task_id, Position p,
                             std::optional<int> accuracy_m);
  Result<Assignment> CheckOut(const auth::Principal& who, const audit::Actor& actor, std::int64_t task_id, Position p);
  Result<Clue> ReportClue(const auth::Principal& who, const audit::Actor& actor, std::optional<std::int64_t> task_id,
                          const std::string& text, std::optional<Position> at);
  Result<Clue> AddCluePhoto(const auth::Principal& who, const audit::Actor& actor, std::int64_t clue_id,
                            const std::vector<files::Upload>& uploads);
  Result<Redemption> Redeem(const auth::Principal& who, const audit::Actor& actor, std::int64_t reward_id);
  Result<std::vector<ServiceRecord>> MyServiceRecords(const auth::Principal& who) const;

  // ---- clues, ledger, rewards (coordinator) ----
  Result<Paged<Clue>> ListClues(const auth::Principal& who, std::optional<std::string> status,
                                const PageRequest& page) const;
  Result<Clue> ReviewClue(const auth::Principal& who, const audit::Actor& actor, std::int64_t id, bool accept,
                          int points, const std::string& note);
  Result<FileDownload> ReadFile(const auth::Principal& who, std::int64_t file_id) const;
  Result<Paged<LedgerEntry>> Ledger(const auth::Principal& who, std::optional<std::int64_t> volunteer_id,
                                    const PageRequest& page) const;
  // A manual award (points > 0) or, with `corrects`, a correction entry of any sign for that entry.
  Result<LedgerEntry> Award(const auth::Principal& who, const audit::Actor& actor, std::int64_t volunteer_id,
                            int points, const std::string& reason, std::optional<std::int64_t> corrects);
  Result<Settings> GetSettings(const auth::Principal& who) const;
  Result<Settings> SaveSettings(const auth::Principal& who, const audit::Actor& actor, const Settings& s);
  Result<std::vector<Reward>> Rewards(const auth::Principal& who) const;
  Result<Reward> SaveReward(const auth::Principal& who, const audit::Actor& actor, Reward r);

  // ---- 巡防之星 and service records ----
  Result<Stars> MonthlyStars(const auth::Principal& who, const std::string& month) const;
  Result<std::vector<ServiceRecord>> ServiceRecords(const auth::Principal& who, std::int64_t volunteer_id) const;
  // 志愿服务证明 (a document for files::RenderDocumentHtml / WriteDocx).
  Result<files::Document> Certificate(const auth::Principal& who, std::int64_t volunteer_id) const;

  const Clock& clock() const { return clock_; }

 private:
  Result<std::int64_t> BureauOf(soci::session& sql, const auth::Principal& who) const;
  db::Database& db_;
  const Clock& clock_;
  const auth::Vault& vault_;
  files::AttachmentStore files_;
};

}  // namespace fazhi::volunteers
