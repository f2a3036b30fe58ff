// Plain data of the oversight module (执法监督运行): alert clocks, violations, 法制员 reviews,
// rule/calendar versions, review gates and platform-use metrics. No logic. (Notifications are
// src/notify's, 督办 orders src/orders'.)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"

namespace fazhi::oversight {

// ---- alerts (one row per rule clock per case) ----

// States stored in alerts.state: the engine's RuleStateId() values that mean a clock exists
// (running, pre_warn, overdue, done_late, done, missing). not_started / not_applicable are not stored.
struct Alert {
  std::int64_t id = 0;
  std::int64_t case_id = 0;
  std::string case_title;
  std::string case_external_id;
  std::int64_t unit_id = 0;
  std::string unit_name;
  std::optional<std::int64_t> lead_officer_id;  // 主办民警 (people.id)
  std::string lead_officer_name;
  std::string rule_id;
  std::string rule_name;  // from the active catalog; empty if the rule is no longer there
  std::string clock_key;
  std::string state;
  std::optional<EpochSeconds> due_at, pre_warn_at, since;
  std::string person_ref;
  std::optional<std::int64_t> trigger_event_id;
  std::string message;
  std::string legal_basis;
  EpochSeconds updated_at = 0;
};

struct AlertFilter {
  std::vector<std::string> states;  // empty = the live ones: overdue (告警), pre_warn (预警)
  std::optional<std::string> rule_id;
  std::optional<std::int64_t> unit_id;     // the unit and its sub-units
  std::optional<std::int64_t> officer_id;  // 主办民警 (people.id)
  std::optional<std::int64_t> case_id;
  std::optional<EpochSeconds> due_from, due_to;  // due_at in [from, to)
  std::vector<std::int64_t> ids;                 // only these items (a selection); with no state: any state
};
inline constexpr std::size_t kMaxSelectedAlerts = 500;  // ids a selection may name (导出所选)

struct Violation {
  std::int64_t id = 0;
  std::int64_t case_id = 0;
  std::string case_title;
  std::int64_t unit_id = 0;
  std::string unit_name;
  std::optional<std::int64_t> officer_id;
  std::string officer_name;
  std::string rule_id;
  std::string clock_key;
  std::string kind;  // overdue, done_late, missing
  std::string severity;
  std::optional<EpochSeconds> due_at;
  EpochSeconds detected_at = 0;
  std::string message;
  std::string legal_basis;
};

struct ViolationFilter {
  std::optional<std::int64_t> unit_id;
  std::optional<std::int64_t> officer_id;
  std::optional<std::int64_t> case_id;
  std::optional<std::string> rule_id;
  std::optional<EpochSeconds> from, to;  // detected_at in [from, to)
};

// ---- 法制员 stage reviews ----

struct Finding {
  std::int64_t id = 0;
  std::string category;  // evidence 证据, procedure 程序, characterization 定性
  std::string severity;  // normal, serious
  std::string description;
};

struct Review {
  std::int64_t id = 0;
  std::int64_t case_id = 0;
  std::string stage;    // accept 受案, file 立案, coercive 强制措施, prosecution 移送起诉
  std::string verdict;  // pass 通过, fix_required 需整改, reject 不通过
  std::string comment;
  std::optional<std::int64_t> reviewer_user_id;
  std::string reviewer_name;
  std::optional<std::int64_t> reviewer_person_id;
  EpochSeconds created_at = 0;
  std::vector<Finding> findings;
};

struct NewReview {
  std::string stage;
  std::string verdict;
  std::string comment;
  std::vector<Finding> findings;  // id ignored
};

// 中文 names of a review stage (accept → 受案审核 …) and verdict (pass → 通过 …); the id when unknown.
std::string ReviewStageName(std::string_view stage);
std::string ReviewVerdictName(std::string_view verdict);

// ---- 法制审核 work queue ----

struct ReviewQueueFilter {
  bool mine = false;              // only the cases bound to the caller (捆绑责任)
  std::string state = "pending";  // pending: awaiting a stage review; open: not concluded; all
  std::optional<std::string> case_type;
  std::optional<std::int64_t> unit_id;
  std::optional<std::string> q;  // 案件编号 / 案由 / 案件名称 contains
};

// One case of the queue: the stage review it waits for (empty: none), the nearest running deadline
// of its clocks, and the last review given on it.
struct ReviewQueueItem {
  std::int64_t case_id = 0;
  std::string external_id;
  std::string title;
  std::string case_type;
  std::string cause;
  std::string status;
  std::string alert_state;
  std::int64_t unit_id = 0;
  std::string unit_name;
  std::string lead_officer_name;
  std::string legal_officer_name;
  EpochSeconds accepted_at = 0;
  std::string pending_stage;  // accept / file / coercive / prosecution, or "" when none
  std::string pending_to;     // the status the gate stands before
  std::optional<EpochSeconds> next_due_at;
  std::string last_stage;  // "" when never reviewed
  std::string last_verdict;
  std::string last_reviewer_name;
  std::optional<EpochSeconds> last_reviewed_at;
};

struct ReviewQueuePage {
  std::vector<ReviewQueueItem> items;
  std::int64_t total = 0;          // rows matching the filter
  std::int64_t pending_total = 0;  // of those (any state filter), the ones awaiting a review
};

// One row of the review-gate table: moving a `case_type` case to status `to` needs a passing
// review of `stage` (the latest review of that stage has verdict pass).
struct ReviewGate {
  std::string case_type;  // criminal, administrative
  std::string to;         // target case status (src/cases state machine)
  std::string stage;      // accept, file, coercive, prosecution
};

// ---- rule catalog / holiday calendar versions (监管配置) ----

struct VersionInfo {
  std::int64_t version = 0;
  std::string note;
  std::optional<std::int64_t> created_by;
  std::string created_by_name;
  EpochSeconds created_at = 0;
  bool active = false;
};

struct ConfigDocument {
  std::int64_t active_version = 0;
  std::string document;               // the active catalog / calendar JSON text
  std::vector<VersionInfo> versions;  // newest first
};

// ---- sweep ----

struct SweepReport {
  int cases_evaluated = 0;      // cases whose next_due_at had passed
  int cases_failed = 0;         // evaluation errors (logged; retried an hour later)
  int notifications = 0;        // notifications created (alerts and overdue 督办)
  int orders_overdue = 0;       // 督办 orders newly found overdue
  bool rules_reloaded = false;  // another instance activated a new catalog/calendar version
};

// ---- platform-use metrics (平台应用考核) ----

struct Ratio {
  std::int64_t num = 0;
  std::int64_t den = 0;
};

struct MetricRow {
  std::int64_t id = 0;  // unit id / people id; 0 for the total row
  std::string name;
  std::optional<std::int64_t> unit_id;  // officers: their unit
  Ratio body_camera;                    // 警情 with 执法记录仪视音频
  Ratio area_av;                        // 办案区 stays whose A/V covers the whole stay
  Ratio property_24h;                   // PROP-01 clocks handed over in time, of those decided
  Ratio reviews_complete;               // cases that reached a gated stage with every required review passed
  std::int64_t cases = 0;               // cases accepted in the month
  std::int64_t violations = 0;          // violations of those cases
  Ratio orders_on_time;                 // 督办 due in the month closed by the deadline
};

struct MetricsReport {
  std::string month;  // "2023-07"
  std::optional<std::int64_t> unit_id;
  std::vector<MetricRow> units;
  std::vector<MetricRow> officers;
  MetricRow total;
  std::vector<std::pair<std::string, MetricRow>> trend;  // 12 months ending with `month`, oldest first
};

}  // namespace fazhi::oversight
