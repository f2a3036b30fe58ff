// The only code that writes the publicity tables (pub_duties, pub_cycle_items, pub_events; migration
// 090) and the reads that map their rows to publicity_types.h. Functions take the caller's session.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/paging.h"
#include "db/soci.h"
#include "publicity/publicity_types.h"

namespace fazhi::publicity::store {

std::int64_t InsertDuty(soci::session& sql, const Duty& d, std::optional<std::int64_t> user_id, EpochSeconds now);
// Whether the unit already has the law on its list.
bool HasDuty(soci::session& sql, std::int64_t unit_id, const std::string& law);
std::optional<std::pair<Duty, std::string>> LoadDuty(soci::session& sql, std::int64_t id);  // with unit path
void DeleteDuty(soci::session& sql, std::int64_t id);
std::vector<Duty> ListDuties(soci::session& sql, const std::string& reach_path, std::optional<std::int64_t> unit_id);

// Inserts the stage unless the unit has it for the year; returns whether it was inserted.
bool InsertCycleItem(soci::session& sql, std::int64_t bureau_id, std::int64_t unit_id, int year,
                     const std::string& stage, EpochSeconds due_at, EpochSeconds now);
std::optional<std::pair<CycleItem, std::string>> LoadCycleItem(soci::session& sql, std::int64_t id, EpochSeconds now);
void SubmitCycleItem(soci::session& sql, std::int64_t id, const std::string& content,
                     std::optional<std::int64_t> user_id, EpochSeconds now);
std::vector<CycleItem> ListCycle(soci::session& sql, const std::string& reach_path, int year, EpochSeconds now);
// Open stages due before `before` not yet warned (warn) / already past due not yet reported (overdue).
std::vector<CycleItem> DueForAlert(soci::session& sql, bool overdue, EpochSeconds now, EpochSeconds warn_before);
void MarkAlerted(soci::session& sql, std::int64_t id, bool overdue, EpochSeconds now);
// Stages past due, not submitted, with no 督办 order yet (candidates of the order sweep), by id.
std::vector<std::int64_t> OverdueWithoutOrder(soci::session& sql, EpochSeconds now);
// Claims the stage for an order (order_id 0 until SetOrder, in the same transaction): true only for the
// one transaction that found order_id still NULL and the stage unsubmitted — a concurrent claimer
// waits on the row and then finds it taken.
bool ClaimForOrder(soci::session& sql, std::int64_t id);
void SetOrder(soci::session& sql, std::int64_t id, std::int64_t order_id);
// The 责任民警 of a unit's overdue stage: its 法制员 (people.is_legal_officer), else its head (所长 /
// 大队长 / 主任), the lowest id first; nullopt when the unit has neither.
std::optional<std::int64_t> StageResponsible(soci::session& sql, std::int64_t unit_id);
// The account that issues the bureau's publicity orders: the first active legal_officer account of
// its legal unit (法制大队 …) — (user id, unit id); nullopt when there is none.
std::optional<std::pair<std::int64_t, std::int64_t>> LegalUnitIssuer(soci::session& sql, std::int64_t bureau_id);
// Active accounts of the unit (the recipients of its alerts).
std::vector<std::int64_t> UnitUsers(soci::session& sql, std::int64_t unit_id);

std::int64_t InsertEvent(soci::session& sql, const Event& e, std::optional<std::int64_t> user_id, EpochSeconds now);
std::optional<std::pair<Event, std::string>> LoadEvent(soci::session& sql, std::int64_t id);
Paged<Event> ListEvents(soci::session& sql, const std::string& reach_path, const EventFilter& f,
                        const PageRequest& page);
// Events of the year under `reach_path`: one row per event (campaign, unit, audience) for the summary.
struct EventCount {
  std::string campaign, unit_name;
  std::int64_t unit_id = 0, audience = 0;
};
std::vector<EventCount> YearEvents(soci::session& sql, const std::string& reach_path, EpochSeconds from,
                                   EpochSeconds to);

}  // namespace fazhi::publicity::store
