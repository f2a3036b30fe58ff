// The only code that writes the intake tables (intake_tickets, intake_evidence, intake_history,
// intake_routing_rules; migration 070) and the reads that map their rows to intake_types.h.
// Functions take the caller's session (inside its transaction). The reporter's fields arrive here
// already encrypted: the store never sees a key.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/paging.h"
#include "db/soci.h"
#include "intake/intake_types.h"

namespace fazhi::intake::store {

// A ticket as stored: the mapped fields plus the ciphertexts and the scope paths.
struct TicketRow {
  Ticket t;
  std::string name_enc, id_enc, phone_enc, query_index, query_code_enc;
  std::string desk_path, unit_path;           // units.path of the hall and of the routed unit ("" = none)
  std::optional<std::int64_t> clerk_user_id;  // written only
};

// Inserts the ticket (its id, history and evidence are filled by the caller afterwards).
std::int64_t InsertTicket(soci::session& sql, const TicketRow& row, EpochSeconds now);
std::optional<TicketRow> LoadTicket(soci::session& sql, std::int64_t id, EpochSeconds now = 0);
// The ticket whose query code has this blind index.
std::optional<TicketRow> LoadByQueryIndex(soci::session& sql, const std::string& query_index);
// Locks the ticket's row until the transaction ends (PostgreSQL; SQLite's write lock suffices).
void LockTicket(soci::session& sql, std::int64_t id);

// 接报编号 of the next ticket of the bureau on the local date: "JB" + yyyymmdd + 4-digit serial.
// Call inside the write transaction, after locking the bureau's unit row.
std::string NextTicketNo(soci::session& sql, std::int64_t bureau_id, EpochSeconds received_at);

void SetRoute(soci::session& sql, std::int64_t id, std::int64_t unit_id, std::optional<std::int64_t> rule_id,
              const std::string& reason, EpochSeconds routed_at, std::optional<EpochSeconds> due_at,
              const std::string& basis, const std::string& status, EpochSeconds now);
void SetDecision(soci::session& sql, std::int64_t id, bool accepted, const std::string& note, EpochSeconds now);
void SetOutcome(soci::session& sql, std::int64_t id, const std::string& outcome, std::optional<bool> substantiated,
                EpochSeconds now);
void SetFeedback(soci::session& sql, std::int64_t id, const std::string& method, EpochSeconds at,
                 const std::string& text, std::optional<int> satisfaction, EpochSeconds now);
// Back to routed (same unit), decision/outcome/feedback cleared, reopen_count + 1, new due time.
void Reopen(soci::session& sql, std::int64_t id, std::optional<EpochSeconds> due_at, EpochSeconds now);
void SetReceiptAt(soci::session& sql, std::int64_t id, EpochSeconds at);
void SetLinks(soci::session& sql, std::int64_t id, std::optional<std::int64_t> case_id,
              std::optional<std::int64_t> incident_id, std::optional<std::int64_t> order_id, EpochSeconds now);

void AddHistory(soci::session& sql, const Ticket& t, std::optional<std::int64_t> user_id, const std::string& user_name,
                const std::string& action, const std::string& status, const std::string& note, EpochSeconds at);
std::vector<HistoryEntry> LoadHistory(soci::session& sql, std::int64_t ticket_id);

std::int64_t InsertEvidence(soci::session& sql, std::int64_t bureau_id, std::int64_t ticket_id,
                            const std::string& description, std::optional<std::int64_t> user_id, EpochSeconds now);
// Evidence items (without files) of the ticket, in order.
std::vector<Evidence> LoadEvidence(soci::session& sql, std::int64_t ticket_id);
// The ticket an evidence item belongs to.
std::optional<std::int64_t> EvidenceTicket(soci::session& sql, std::int64_t evidence_id);

// Tickets visible under `reach_path` (hall or routed unit in the subtree), newest first or by due
// time (sort "due_at").
Paged<Ticket> ListTickets(soci::session& sql, const std::string& reach_path, const TicketFilter& f,
                          const PageRequest& page, EpochSeconds now);

// One pass over the tickets received in [from, to) visible under `reach_path`.
Stats ComputeStats(soci::session& sql, const std::string& reach_path, EpochSeconds from, EpochSeconds to,
                   EpochSeconds now);

std::vector<RoutingRule> ListRules(soci::session& sql, std::int64_t bureau_id);
void ReplaceRules(soci::session& sql, std::int64_t bureau_id, const std::vector<RoutingRule>& rules,
                  std::optional<std::int64_t> user_id, EpochSeconds now);

IntakeSettings LoadSettings(soci::session& sql);
void SaveSettings(soci::session& sql, const IntakeSettings& s, EpochSeconds now);

// How long before its deadline an open ticket is 即将超期 and warned: a 报案 2 hours (its 受案 limit is
// 24 hours or 3 days), a complaint 1 day (30 days by default), a consultation 4 hours, a request
// for help 2 hours.
EpochSeconds WarnLead(std::string_view kind);

// ---- 值班表 (intake_duty_shifts, intake_duty_people; migration 071) ----

// Inserts the shift and its people (in the order given); returns its id.
std::int64_t InsertShift(soci::session& sql, const DutyShift& s, const std::vector<std::int64_t>& person_ids,
                         std::optional<std::int64_t> user_id, EpochSeconds now);
// Replaces name, times and people of the shift.
void UpdateShift(soci::session& sql, std::int64_t id, const std::string& name, EpochSeconds start_at,
                 EpochSeconds end_at, const std::vector<std::int64_t>& person_ids, EpochSeconds now);
void DeleteShift(soci::session& sql, std::int64_t id);
std::optional<DutyShift> LoadShift(soci::session& sql, std::int64_t id);
// The hall's shifts that overlap [from, to), by start, with their people.
std::vector<DutyShift> ListShifts(soci::session& sql, std::int64_t hall_unit_id, EpochSeconds from, EpochSeconds to);
// The hall's shift covering `at` (start <= at < end; the latest start when several do).
std::optional<DutyShift> ShiftAt(soci::session& sql, std::int64_t hall_unit_id, EpochSeconds at);
// A shift of the bureau (any hall, `except` left out) in which one of `person_ids` is already on duty
// during [start, end): the person's name and the shift, or nullopt.
struct DutyClash {
  std::string person_name, shift_name, hall_name;
  EpochSeconds start_at = 0, end_at = 0;
};
std::optional<DutyClash> FindClash(soci::session& sql, std::int64_t bureau_id,
                                   const std::vector<std::int64_t>& person_ids, EpochSeconds start_at,
                                   EpochSeconds end_at, std::optional<std::int64_t> except);
// Active people whose unit lies under `reach_path`, matching `q` (name or 警号; "" = all), the hall's
// own unit first, then by unit and id.
std::vector<PersonOption> PeopleUnder(soci::session& sql, const std::string& reach_path, std::int64_t hall_unit_id,
                                      const std::string& q, int limit);

// ---- deadline alerts ----

// Open tickets still waiting for their decision (报案) or outcome whose deadline has passed and that
// were not notified as overdue in this episode; and those due within their warning lead, neither
// warned nor overdue-notified. Ids, by due time.
std::vector<std::int64_t> OverdueUnnotified(soci::session& sql, EpochSeconds now, int limit);
std::vector<std::int64_t> DueSoonUnwarned(soci::session& sql, EpochSeconds now, int limit);
// Claim the notification: true when this call set the mark (it was not set yet).
bool MarkOverdueNotified(soci::session& sql, std::int64_t id, EpochSeconds now);
bool MarkWarned(soci::session& sql, std::int64_t id, EpochSeconds now);
// Who is told about a ticket's deadline: the routed unit's head accounts (a leader account of the
// unit, else the accounts of its 所长/队长/主任; else its 法制员 accounts) and the hall's 接报案窗口
// accounts; the duty officer is added by the caller as a person.
std::vector<std::int64_t> DeadlineUsers(soci::session& sql, std::int64_t desk_unit_id,
                                        std::optional<std::int64_t> unit_id);

}  // namespace fazhi::intake::store
