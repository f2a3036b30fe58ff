// The only code that writes the intake tables (intake_tickets, intake_evidence, intake_history,
// intake_routing_rules; migration 070) and the reads that map their rows to intake_types.h.
// Functions take the caller's session (inside its transaction). The reporter's fields arrive here
// already encrypted: the store never sees a key.
#pragma once

#include <optional>
#include <string>
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

}  // namespace fazhi::intake::store
