// Plain data of the intake module (接报案大厅): tickets (接报案登记) of four kinds, the reporter's
// personal data, the evidence taken on the spot (当场取证), routing rules (分流规则), the closed loop
// (受理 → 办结 → 反馈) and each ticket's history. No logic here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"

namespace fazhi::intake {

// 接报类型: report 报案, complaint 投诉, consult 咨询, help 求助.
inline const std::vector<std::string> kKinds = {"report", "complaint", "consult", "help"};
// The 中文 name of a kind (报案 …), for answers, documents and messages; an unknown kind as it is.
std::string KindName(std::string_view kind);
// 案件类型 of a 报案: criminal 刑事 (CRIM-FILE-01), administrative 行政 (ADM-ACCEPT-01).
inline const std::vector<std::string> kCaseTypes = {"criminal", "administrative"};
// 状态: registered 已登记 → routed 已分流 → accepted 已受理 / declined 不予受理 → concluded 已办结 → closed
// 已反馈. A reopened ticket (重新办理) is routed again.
inline const std::vector<std::string> kStatuses = {"registered", "routed",    "accepted",
                                                   "declined",   "concluded", "closed"};
// 反馈方式.
inline const std::vector<std::string> kFeedbackMethods = {"phone", "sms", "in_person", "letter"};

// 报案人 (plaintext in memory; encrypted at rest, masked in answers unless asked for and audited).
struct Reporter {
  std::string name;
  std::string id_number;  // "" = not given
  std::string phone;
};

// One item of evidence taken at the desk, with its files (attachments, owner "intake_evidence").
struct EvidenceFile {
  std::int64_t id = 0;
  std::string filename, content_type;
  std::int64_t size = 0;
};
struct Evidence {
  std::int64_t id = 0;
  std::string description;
  EpochSeconds created_at = 0;
  std::vector<EvidenceFile> files;
};

// One line of a ticket's history.
struct HistoryEntry {
  std::int64_t id = 0;
  EpochSeconds at = 0;
  std::string user_name;
  std::string action;  // register, route, accept, decline, conclude, feedback, reopen, receipt, read_pii, evidence
  std::string status;  // the status after it
  std::string note;
};

struct Ticket {
  std::int64_t id = 0;
  std::int64_t bureau_id = 0;
  std::string ticket_no;
  std::string kind;
  std::string case_type;
  std::string category;
  Reporter reporter;  // masked unless the detail was read with personal data
  bool reporter_clear = false;
  std::string summary;
  std::optional<EpochSeconds> occurred_at;
  std::string place;
  std::optional<std::int64_t> subject_person_id;  // 被投诉民警
  std::string subject_person_name;
  std::optional<std::int64_t> duty_person_id;  // 值班民警
  std::string duty_person_name;
  std::int64_t desk_unit_id = 0;
  std::string desk_unit_name;
  std::optional<std::int64_t> unit_id;  // routed to
  std::string unit_name;
  std::optional<std::int64_t> route_rule_id;
  std::string route_reason;
  std::optional<EpochSeconds> routed_at, due_at;
  std::string deadline_basis;
  std::string status;
  std::optional<bool> accepted;
  std::string accept_note;
  std::optional<EpochSeconds> decided_at;
  std::string outcome;
  std::optional<EpochSeconds> concluded_at;
  std::string feedback_method;
  std::optional<EpochSeconds> feedback_at;
  std::string feedback_text;
  std::optional<int> satisfaction;
  int reopen_count = 0;
  std::optional<EpochSeconds> receipt_at;
  std::optional<std::int64_t> case_id, incident_id, order_id;
  std::optional<bool> substantiated;
  EpochSeconds received_at = 0;
  std::string clerk_name;
  bool overdue = false;   // open and past due_at (computed at read time)
  bool due_soon = false;  // open, not overdue, due within the kind's warning lead (WarnLead)
  std::vector<Evidence> evidence;
  std::vector<HistoryEntry> history;
};

struct TicketInput {
  std::string kind;
  std::string case_type;
  std::string category;
  Reporter reporter;
  std::string summary;
  std::optional<EpochSeconds> occurred_at;
  std::string place;
  std::optional<std::int64_t> subject_person_id;
  std::optional<std::int64_t> duty_person_id;
  std::vector<std::string> evidence;    // descriptions; files are uploaded to each item afterwards
  std::optional<std::int64_t> unit_id;  // route here instead of the rule's unit (reason required)
  std::string route_reason;
  std::optional<EpochSeconds> received_at;  // default now (a ticket typed in after the fact)
};

// A saved ticket and, once only, its query code in clear (the receipt prints it again).
struct Registered {
  Ticket ticket;
  std::string query_code;
};

struct TicketFilter {
  std::optional<std::string> kind;
  std::optional<std::vector<std::string>> status;
  std::optional<std::int64_t> unit_id;
  std::optional<bool> open;
  std::optional<bool> overdue;
  std::optional<bool> due_soon;          // 即将超期: waiting, not overdue, within the kind's warning lead
  std::optional<EpochSeconds> from, to;  // received_at
  std::string q;                         // ticket number or words of the summary
};

struct RoutingRule {
  std::int64_t id = 0;
  std::int64_t bureau_id = 0;
  std::string kind, category, place;
  std::int64_t unit_id = 0;
  std::string unit_name;
  int priority = 100;
};

// 接报案统计 over tickets received in [from, to) whose hall or routed unit is within reach.
struct StatsUnitRow {
  std::string unit_name;  // "未分流" for tickets not routed
  std::int64_t total = 0, met = 0, late = 0;
};
struct Stats {
  EpochSeconds from = 0, to = 0;
  std::int64_t total = 0;
  std::vector<std::pair<std::string, std::int64_t>> by_kind;               // kind → count, in kKinds order
  std::vector<std::int64_t> by_hour = std::vector<std::int64_t>(24, 0);    // local hour of receipt
  std::vector<std::int64_t> by_weekday = std::vector<std::int64_t>(7, 0);  // 0 = Monday
  std::vector<StatsUnitRow> by_unit;
  // Deadline: met (decision — 报案 — or outcome in time), late (after the due time, or still
  // missing past it), pending (not due yet).
  std::int64_t met = 0, late = 0, pending = 0;
  std::vector<std::int64_t> satisfaction = std::vector<std::int64_t>(5, 0);  // ratings 1–5
};

// 办理期限 of the kinds whose limit is configured (a 报案's comes from the rule catalog), and the hall's
// contact number shown to the public.
struct IntakeSettings {
  int complaint_days = 30;
  int consult_days = 3;
  int help_days = 1;
  std::string hall_phone = "";
  // Where citizens reach fazhi from outside ("https://fazhi.example.gov.cn"); the receipt's QR code
  // opens <public_url>/lookup. Empty: the address the desk's browser used.
  std::string public_url = "";
};

// 值班表: one shift (班次) of a hall's 24-hour duty roster with the people on duty, in order (the first
// is the 值班民警 a new ticket is pre-filled with).
struct DutyPerson {
  std::int64_t person_id = 0;
  std::string name, badge_no, unit_name;
};
struct DutyShift {
  std::int64_t id = 0;
  std::int64_t bureau_id = 0;
  std::int64_t hall_unit_id = 0;
  std::string name;  // 白班, 夜班, …
  EpochSeconds start_at = 0, end_at = 0;
  std::vector<DutyPerson> people;
};
struct ShiftInput {
  std::optional<std::int64_t> hall_id;  // default: the caller's hall (IntakeService::DutyRoster)
  std::string name;
  EpochSeconds start_at = 0, end_at = 0;
  std::vector<std::int64_t> person_ids;
};
// The shifts of one hall that overlap [from, to), by start.
struct DutyRoster {
  std::int64_t hall_unit_id = 0;
  std::string hall_name;
  EpochSeconds from = 0, to = 0;
  std::vector<DutyShift> shifts;
};
// Who is on duty in a hall at a time: the shift covering it (start <= at < end; the latest start
// when several do) and its people; none when nobody is rostered.
struct OnDuty {
  std::int64_t hall_unit_id = 0;
  EpochSeconds at = 0;
  std::optional<DutyShift> shift;
};
// A person the caller may put on duty or name as the duty officer (within his reach, active).
struct PersonOption {
  std::int64_t id = 0;
  std::string name, badge_no, unit_name;
};

// What one deadline sweep sent (IntakeService::NotifyDeadlines).
struct DeadlineSweep {
  int warned = 0;         // tickets warned before the deadline (即将超期)
  int overdue = 0;        // tickets notified as overdue (超期)
  int stale = 0;          // overdue long ago (old data, a long outage): recorded, nobody notified
  int notifications = 0;  // notifications inserted
};

}  // namespace fazhi::intake
