// Plain data of the training module (学法用法, src/training/README.md). No logic.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"

namespace fazhi::training {

// Session kinds, in display order: 法制每周一学, 法制夜校, 行政执法大讲堂, 法制员例会, 联合培训 (with the
// district's legal community), 党委中心组学法, 会前学法.
inline const std::vector<std::string> kKinds = {"weekly", "night_school", "lecture",    "liaison",
                                                "joint",  "center_group", "pre_meeting"};
// 法制夜校 formats: 以案说法, 挑错改错, 现场答疑.
inline const std::vector<std::string> kFormats = {"case_study", "fix_errors", "qa"};

std::string KindName(const std::string& kind);
std::string FormatName(const std::string& format);

// 签到 opens this long before the start and closes this long after the end (grace).
inline constexpr EpochSeconds kCheckinOpensBefore = 30 * 60;
inline constexpr EpochSeconds kCheckinGrace = 30 * 60;
// A QR token is valid this long after it was issued (the session page shows a fresh one each minute).
inline constexpr EpochSeconds kTokenLifetime = 120;

struct UnitName {
  std::int64_t id = 0;
  std::string name;
};

// 培训 one training session.
struct Session {
  std::int64_t id = 0, bureau_id = 0, unit_id = 0;
  std::string unit_name, unit_path;
  std::string kind, topic;
  EpochSeconds start_at = 0, end_at = 0;
  std::string place, online_url;
  std::string speaker_kind;  // internal / invited / ""
  std::optional<std::int64_t> speaker_person_id;
  std::string speaker_name, speaker_title;
  std::string format, minutes;
  std::vector<UnitName> targets;  // 参训单位
  std::int64_t attended = 0;      // people present
  std::int64_t expected = 0;      // active people of the target units
  EpochSeconds created_at = 0;
};

struct SessionInput {
  std::int64_t unit_id = 0;  // 0 = the caller's unit
  std::string kind, topic;
  EpochSeconds start_at = 0, end_at = 0;
  std::string place, online_url;
  std::string speaker_kind;
  std::optional<std::int64_t> speaker_person_id;
  std::string speaker_name, speaker_title, format, minutes;
  std::vector<std::int64_t> target_unit_ids;  // empty = the organising unit
};

struct SessionFilter {
  std::optional<std::string> kind;
  std::optional<std::int64_t> unit_id;  // organised by this unit or aimed at it
  std::optional<EpochSeconds> from, to;
  std::string q;  // topic contains
};

// One stored file of a session (material or photo).
struct SessionFile {
  std::int64_t id = 0;
  std::string role;  // material / photo
  std::string filename, content_type;
  std::int64_t size = 0;
};

// One line of a session's roster: a person of a target unit (or a guest who attended).
struct RosterLine {
  std::int64_t person_id = 0;
  std::string name, badge_no, unit_name;
  std::int64_t unit_id = 0;
  bool attended = false;
  std::string method;  // roster / qr / ""
  std::optional<EpochSeconds> checked_at;
};

struct UnitRate {
  std::int64_t unit_id = 0;
  std::string unit_name;
  std::int64_t attended = 0, expected = 0;
};

struct Attendance {
  std::vector<RosterLine> lines;
  std::vector<UnitRate> units;
  std::int64_t attended = 0, expected = 0;
};

struct CheckinToken {
  std::string token, url;
  EpochSeconds expires_at = 0;
  std::string png;    // the QR code of url
  bool open = false;  // whether check-in is open now
};

struct CheckinResult {
  std::int64_t session_id = 0;
  std::string topic, kind;
  EpochSeconds checked_at = 0;
  bool already = false;  // checked in before: nothing counted
};

// 每月学法计划 one planned item.
struct PlanItem {
  std::int64_t id = 0, bureau_id = 0, unit_id = 0;
  std::string unit_name, month, kind, topic;
  std::optional<std::int64_t> session_id;
  std::string session_topic;
  std::optional<EpochSeconds> session_at;
  std::string state;  // done / pending / missed (未落实: the month is over and nothing carried it out)
};

// The 未落实 reminder (TrainingService::NotifyMissedPlans): a month's plan is checked from this day
// of the next month on (Beijing time); items of months more than kPlanStaleMonths before the checked
// month are only marked, nobody told (a database that has been idle, or demo years).
inline constexpr int kPlanNotifyDay = 3;
inline constexpr int kPlanStaleMonths = 3;

struct MissedPlanSweep {
  int plans = 0;          // unit-months whose plan was reported 未落实
  int items = 0;          // their items not carried out
  int notifications = 0;  // notifications inserted
  int stale = 0;          // items only marked
};

// 学法资料 one numbered issue of the library.
struct Material {
  std::int64_t id = 0, bureau_id = 0;
  std::string series;
  int issue_no = 0;
  std::string title, body;
  int version = 1;
  EpochSeconds published_at = 0, updated_at = 0;
};

struct MaterialVersion {
  int version = 0;
  std::string title, body, note, author;
  EpochSeconds created_at = 0;
};

struct MaterialInput {
  std::string series;
  int issue_no = 0;
  std::string title, body, note;
  std::optional<EpochSeconds> published_at;
};

// 述法 report with its ratings.
struct LawReport {
  std::int64_t id = 0, bureau_id = 0, unit_id = 0;
  std::string unit_name;
  int year = 0;
  std::int64_t person_id = 0;
  std::string person_name, form, title, summary;
  EpochSeconds held_at = 0;
  int ratings = 0;
  double average = 0;
  std::optional<int> my_score;
};

inline constexpr int kRatingMin = 1, kRatingMax = 5;

// 出庭应诉 (appearance) or 旁听庭审 (hearing).
struct CourtRecord {
  std::int64_t id = 0, bureau_id = 0, unit_id = 0;
  std::string unit_name, kind, case_name, court;
  EpochSeconds held_at = 0;
  std::string attendees;
  bool head_appeared = false;
  std::string lessons;
};

// The year in figures (training_reads.h).
struct YearCounts {
  int year = 0;
  std::map<std::string, std::int64_t> by_kind;                // kind → sessions
  std::map<std::string, std::vector<std::int64_t>> by_month;  // kind → 12 counts
  std::vector<UnitRate> attendance;                           // per unit
  std::int64_t law_reports = 0, appearances = 0, head_appearances = 0, hearings = 0;
  std::int64_t plan_items = 0, plan_done = 0, plan_missed = 0;
  std::int64_t materials = 0;
};

}  // namespace fazhi::training
