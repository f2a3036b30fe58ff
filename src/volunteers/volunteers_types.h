// Plain data of the volunteers module (平安志愿者 "凤城蓝卫"): registrations and their vetting (审核),
// teams (队伍), training (培训) and insurance (保险) records, tasks (任务) with check-in/check-out
// (签到/签退) and anomaly flags, clues (线索), the points ledger (积分台账), rewards (奖励) and
// redemptions (兑换), the monthly 巡防之星 and service records (志愿服务记录). No logic here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"

namespace fazhi::volunteers {

// A task's minimum stay when it sets none (min_stay_minutes 0): a check-out sooner is flagged
// short_stay and credits no points until the coordinator's review (a check-out 0 minutes after the
// check-in must not earn the task's points). Never more than the task's own duration.
inline constexpr int kDefaultMinStayMinutes = 30;

// 审核状态: pending 待审核 → approved 通过 / rejected 不通过.
inline const std::vector<std::string> kStatuses = {"pending", "approved", "rejected"};
// 任务方式: dispatch 派单, open 自选 (volunteers join up to the capacity).
inline const std::vector<std::string> kModes = {"dispatch", "open"};
// 到岗状态: joined 已接单 → checked_in 已签到 → done 已完成 (积分已记) / flagged 异常待核 → done / rejected 不予认定.
inline const std::vector<std::string> kAssignmentStates = {"joined", "checked_in", "flagged", "done", "rejected"};
// 线索状态.
inline const std::vector<std::string> kClueStatuses = {"pending", "accepted", "rejected"};
// 积分来源.
inline const std::vector<std::string> kSources = {"task", "clue", "manual", "correction", "redeem"};

// A WGS-84 position in micro-degrees (degrees × 1,000,000).
struct Position {
  std::int64_t lat_e6 = 0, lon_e6 = 0;
};

struct Settings {
  int day_cap = 50;          // 每日积分上限
  int month_cap = 300;       // 每月积分上限
  int max_speed_kmh = 120;   // 两次定位之间的最高合理速度
  int place_radius_m = 300;  // 签到点周围的容许半径（路线任务）
};

struct Team {
  std::int64_t id = 0, bureau_id = 0, unit_id = 0;
  std::string name, unit_name;
  std::int64_t members = 0;
};

struct Volunteer {
  std::int64_t id = 0, bureau_id = 0, unit_id = 0;
  std::optional<std::int64_t> team_id;
  std::string unit_name, team_name, name, gender;
  std::string id_number, phone;  // masked unless read in clear
  std::string skills, status, vet_reason;
  std::optional<EpochSeconds> vetted_at;
  std::optional<std::int64_t> user_id;
  std::string username;  // the volunteer's account, "" until approved
  EpochSeconds registered_at = 0;
  std::int64_t balance = 0;
  // Validity today: a training not yet expired, an insurance covering today.
  bool trained = false, insured = false;
};

struct VolunteerInput {
  std::string name, gender, id_number, phone, skills;
  std::int64_t unit_id = 0;
  std::optional<std::int64_t> team_id;
};

struct VolunteerFilter {
  std::optional<std::string> status;
  std::optional<std::int64_t> team_id;
  std::string q;  // name contains
};

struct Training {
  std::int64_t id = 0, volunteer_id = 0;
  std::string title;
  EpochSeconds trained_at = 0;
  std::optional<EpochSeconds> valid_until;
};

struct Insurance {
  std::int64_t id = 0, volunteer_id = 0;
  std::string insurer, policy_no;
  EpochSeconds valid_from = 0, valid_until = 0;
};

struct Place {
  std::string name;
  Position at;
};

struct Task {
  std::int64_t id = 0, bureau_id = 0, unit_id = 0;
  std::string unit_name, title, content;
  std::string area_name;
  std::optional<Position> area_center;
  std::optional<int> area_radius_m;
  std::vector<Place> route;  // ordered places (路线)
  EpochSeconds start_at = 0, end_at = 0;
  int points = 0, capacity = 0, min_stay_minutes = 0;
  std::string mode;
  std::int64_t created_by = 0;
  std::int64_t joined = 0;  // assignments
};

// The minimum stay a check-out is held to: the task's own, or kDefaultMinStayMinutes capped by the
// task's duration.
inline int EffectiveMinStayMinutes(const Task& t) {
  if (t.min_stay_minutes > 0) return t.min_stay_minutes;
  const auto span = (t.end_at - t.start_at) / 60;
  return static_cast<int>(span < kDefaultMinStayMinutes ? span : kDefaultMinStayMinutes);
}

struct TaskInput {
  std::int64_t unit_id = 0;
  std::string title, content, area_name, mode = "dispatch";
  std::optional<Position> area_center;
  std::optional<int> area_radius_m;
  std::vector<Place> route;
  EpochSeconds start_at = 0, end_at = 0;
  int points = 0, capacity = 1, min_stay_minutes = 0;
  std::vector<std::int64_t> volunteer_ids;  // 派单 to these
};

struct Assignment {
  std::int64_t id = 0, bureau_id = 0, task_id = 0, volunteer_id = 0;
  std::string task_title, volunteer_name, unit_name, how, state;
  std::optional<EpochSeconds> checkin_at, checkout_at;
  std::optional<Position> checkin_pos, checkout_pos;
  std::optional<int> checkin_accuracy_m;
  std::vector<std::string> flags;
  std::string flag_notes, review_note;
  EpochSeconds task_start = 0, task_end = 0;
  int task_points = 0;
};

struct AssignmentFilter {
  std::optional<std::string> state;
  std::optional<bool> flagged_only;
  std::optional<std::int64_t> task_id;
};

struct Clue {
  std::int64_t id = 0, bureau_id = 0, volunteer_id = 0, unit_id = 0;
  std::optional<std::int64_t> task_id;
  std::string volunteer_name, task_title, text, status, review_note;
  std::optional<Position> at;
  int points = 0;
  EpochSeconds created_at = 0;
  std::optional<EpochSeconds> reviewed_at;
  std::vector<std::int64_t> photo_ids;
};

struct LedgerEntry {
  std::int64_t id = 0, bureau_id = 0, volunteer_id = 0;
  std::string volunteer_name;
  int points = 0;
  std::string source;
  std::optional<std::int64_t> source_id, approver_id;
  std::string approver_name, reason, day, month;
  EpochSeconds at = 0;
};

struct Reward {
  std::int64_t id = 0, bureau_id = 0;
  std::string name;
  int cost = 0, stock = 0;
  bool active = true;
};

struct Redemption {
  std::int64_t id = 0, volunteer_id = 0, reward_id = 0, ledger_id = 0;
  std::string reward_name;
  int cost = 0;
  EpochSeconds at = 0;
  std::int64_t balance_after = 0;
};

// 巡防之星: the published criteria (weights) and one candidate with the figures behind the score.
struct StarCriteria {
  double points_weight = 1.0;  // per point earned in the month
  double task_weight = 5.0;    // per task completed
  double clue_weight = 10.0;   // per accepted clue
  int stars_per_unit = 1;      // one star per 派出所
};
struct StarCandidate {
  std::int64_t volunteer_id = 0, unit_id = 0;
  std::string name, unit_name, team_name;
  std::int64_t points = 0, tasks = 0, clues = 0;
  double score = 0;
  bool star = false;
  std::string reasons;  // 中文, e.g. "本月积分 42 分 ×1 + 完成任务 6 次 ×5 + 线索采纳 1 条 ×10 = 82"
};

// 志愿服务记录 (《志愿服务记录与证明出具办法》):
// 志愿者姓名、身份证号(遮蔽)、服务时间、服务内容、服务地点、服务时长、组织单位、记录人.
struct ServiceRecord {
  std::int64_t assignment_id = 0;
  std::string volunteer_name, id_number_masked, content, place, organiser, recorder;
  EpochSeconds start_at = 0, end_at = 0;
  double hours = 0;
};

}  // namespace fazhi::volunteers
