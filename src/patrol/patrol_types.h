// Plain data of 五化巡防 (patrol): areas, points, teams, check-ins, logs, 警情 with their stamps,
// drills, targets, disputes and hazards. No logic.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "patrol/patrol_geo.h"

namespace fazhi::patrol {

struct Area {  // 巡区
  std::int64_t id = 0, bureau_id = 0, unit_id = 0;
  std::string unit_name, name;
  std::vector<LonLat> ring;
  bool in_town = true;
  EpochSeconds created_at = 0;
};

struct Point {  // 必到点
  std::int64_t id = 0, bureau_id = 0, unit_id = 0;
  std::optional<std::int64_t> area_id;
  std::string name, area_name;
  LonLat at;
  int radius_m = 0, min_stay_s = 0;
};

struct TeamMember {  // a 巡组成员 chosen from the directory
  std::int64_t id = 0;
  std::string name, badge_no, unit_name;
};

struct Team {  // 巡组
  std::int64_t id = 0, bureau_id = 0, unit_id = 0;
  std::string unit_name, name, mode, shift;
  // members: names typed as text (teams from before member_ids; kept readable, not re-checked);
  // member_ids: people of the team's unit (migration 111); member_people: those people, read back.
  std::vector<std::string> members, equipment;
  std::vector<std::int64_t> member_ids;
  std::vector<TeamMember> member_people;
};

struct Checkin {  // 必到点签到
  std::int64_t id = 0, bureau_id = 0, unit_id = 0, point_id = 0, user_id = 0;
  std::string point_name, officer_name, unit_name;
  EpochSeconds arrived_at = 0;
  std::optional<EpochSeconds> left_at;
  LonLat claimed;
  int accuracy_m = 0, distance_m = 0;
  std::string photo_sha256, flags, flag_reasons, note;
};

struct CheckinInput {
  std::int64_t point_id = 0;
  LonLat claimed;
  int accuracy_m = 0;
  std::string photo_sha256, note;
};

struct Log {  // 盘查 / 抓获现行 / 视频巡防 / 信息巡查
  std::int64_t id = 0, bureau_id = 0, unit_id = 0;
  std::optional<std::int64_t> user_id;
  std::string unit_name, officer_name, kind, camera, place, finding, result;
  EpochSeconds at = 0;
};

// 警情 stages in order; the column of each is <stage>_at.
inline const std::vector<std::string> kStages = {"received", "dispatched", "signed", "departed",
                                                 "arrived",  "feedback",   "closed"};
struct Call {  // 警情
  std::int64_t id = 0, bureau_id = 0, unit_id = 0;
  std::string unit_name, kind, place, shift;
  bool in_town = true, is_test = false;
  std::optional<std::int64_t> drill_id, point_id;
  std::optional<LonLat> at;
  std::vector<std::optional<EpochSeconds>> stamps;  // one per kStages
};

struct Targets {  // seconds
  int sign_s = 30, arrive_town_s = 300, arrive_rural_s = 600;
  std::string tile_url;  // optional intranet tile server (PGIS), {z}/{x}/{y}
};

// One bucket of the response-time table (a unit × shift, or a unit overall with shift "").
struct Bucket {
  std::int64_t unit_id = 0;
  std::string unit_name, shift;
  std::int64_t calls = 0, signed_n = 0, sign_ok = 0, arrived_n = 0, arrive_ok = 0;
  std::int64_t sign_median_s = 0, arrive_median_s = 0;
  double arrive_rate = 0;  // arrive_ok / arrived_n (0 when none)
};
struct ResponseReport {
  Targets targets;
  std::vector<Bucket> by_unit, by_unit_shift;
  std::vector<Bucket> slowest;  // up to three units with the lowest arrive_rate (then highest median)
};

struct Drill {  // 模拟测警
  std::int64_t id = 0, bureau_id = 0, unit_id = 0, seed = 0;
  std::string name;
  int draws = 0;
  std::vector<std::int64_t> drawn_points;  // the 必到点 drawn, in draw order
  std::vector<std::int64_t> call_ids;
  EpochSeconds created_at = 0;
};

struct Dispute {  // 矛盾纠纷
  std::int64_t id = 0, bureau_id = 0, unit_id = 0;
  std::string unit_name, title, kind, grade, grade_reasons, status, closure, officer_name;
  std::vector<std::string> parties;
  std::optional<std::int64_t> officer_person_id, order_id;
  std::vector<std::int64_t> linked_calls;
  std::string actions;  // JSON array of {at,text}
  std::optional<EpochSeconds> revisit_at, closed_at;
  EpochSeconds created_at = 0;
  bool overdue = false;   // open and its 回访 date has passed
  bool escalate = false;  // red grade, or three linked repeat calls or more
};

struct Hazard {  // 安全隐患
  std::int64_t id = 0, bureau_id = 0, unit_id = 0;
  std::string unit_name, place, kind, description, status, recheck_note;
  std::optional<std::int64_t> officer_person_id, order_id;
  EpochSeconds fix_due = 0, created_at = 0;
  std::optional<EpochSeconds> fixed_at, recheck_at;
  bool overdue = false;
};

}  // namespace fazhi::patrol
