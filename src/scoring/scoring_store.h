// Internal to the scoring module: the only code that reads and writes its tables (score_schemes,
// score_months, score_entries, score_objections — migration 040; score_draft_ledgers — 042). Every function takes the
// caller's session (inside its transaction or read session), throws soci::soci_error on a database
// failure and knows nothing of scope or permissions. Names of people and units are the service's
// business (org/org_reads.h): nothing here joins another module's table.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "db/soci.h"
#include "scoring/ledger.h"
#include "scoring/scoring_types.h"

namespace fazhi::scoring::detail {

// Month statuses of score_months.
inline constexpr const char* kDraft = "draft";
inline constexpr const char* kPublished = "published";
inline constexpr const char* kFinal = "final";

// ---- schemes ----

// A bureau's scheme versions, newest first.
std::vector<SchemeVersion> LoadSchemes(soci::session& sql, std::int64_t bureau);
std::optional<SchemeVersion> LoadScheme(soci::session& sql, std::int64_t id);
// The version in force for `month` (effective_from ≤ month ≤ effective_to).
std::optional<SchemeVersion> SchemeFor(soci::session& sql, std::int64_t bureau, const std::string& month);
// The stored document of a scheme version (nullopt: no such version).
std::optional<std::string> SchemeDocument(soci::session& sql, std::int64_t id);
// The latest published or final month of the bureau in [from, to], if any.
std::optional<std::string> LatestFrozenMonth(soci::session& sql, std::int64_t bureau, const std::string& from,
                                             const std::string& to);
// 1 + the bureau's highest version (1 for the first).
int NextSchemeVersion(soci::session& sql, std::int64_t bureau);
void CloseScheme(soci::session& sql, std::int64_t id, const std::string& effective_to);
// Inserts `v` (id, created_at ignored); returns the new id.
std::int64_t InsertScheme(soci::session& sql, const SchemeVersion& v, std::optional<std::int64_t> created_by,
                          EpochSeconds now);

// ---- months ----

// A month row. bureau_name and objection_days are left for the caller (the unit directory and the
// scheme's document give them).
std::optional<MonthInfo> LoadMonthRow(soci::session& sql, std::int64_t bureau, const std::string& month);
// The bureau's months in [lo, hi], newest first (same fields left out).
std::vector<MonthInfo> LoadMonthRows(soci::session& sql, std::int64_t bureau, const std::string& lo,
                                     const std::string& hi);
// What a computation stores in the month row.
struct ComputedMonth {
  std::int64_t scheme_id = 0;
  int scheme_version = 0;
  std::int64_t entry_count = 0;
  int skipped_facts = 0;
  std::string ledger_hash, computed_by;
  EpochSeconds computed_at = 0;
};
// Updates month row `id`, or inserts a draft row for (bureau, month) when `id` is nullopt.
void SaveComputedMonth(soci::session& sql, std::optional<std::int64_t> id, std::int64_t bureau,
                       const std::string& month, const ComputedMonth& c);
void MarkPublished(soci::session& sql, std::int64_t id, EpochSeconds at, const std::string& by, EpochSeconds deadline,
                   const std::string& snapshot);
void MarkFinal(soci::session& sql, std::int64_t id, EpochSeconds at, const std::string& by,
               const std::string& snapshot);
// One more entry (an accepted objection's adjustment).
void CountAdjustment(soci::session& sql, std::int64_t month_id, EpochSeconds at);
// The rankings snapshot of a published (as published) or final (as finalised) month; nullopt for a
// draft, a missing month or an unreadable snapshot.
std::optional<Rankings> LoadSnapshot(soci::session& sql, std::int64_t bureau, const std::string& month);
// The published/final months of the bureau in [lo, hi].
std::set<std::string> FrozenMonths(soci::session& sql, std::int64_t bureau, const std::string& lo,
                                   const std::string& hi);

// ---- entries ----
//
// A computed draft is stored compactly in score_draft_ledgers (migration 042, scoring/ledger_codec.h),
// not in score_entries; the entry readers below read a month's draft from there when it has one
// (a draft computed before migration 042 is still in score_entries and read from there). Its
// entries are shown under ids kDraftEntryIdBase + (draft id << 26) + seq: never a score_entries
// id, below 2^53 (exact in JavaScript), and LoadEntry finds them. Publishing writes the draft's
// entries to score_entries (MaterializeDraft), so published and final months are as before.
inline constexpr std::int64_t kDraftEntryIdBase = std::int64_t{1} << 52;
struct DraftLedger {
  std::int64_t id = 0;
  Ledger ledger;
};
std::optional<DraftLedger> LoadDraftLedger(soci::session& sql, std::int64_t bureau, const std::string& month);
// Stores the month's draft (the caller has removed the previous one: DeleteMonthEntries).
void StoreDraftLedger(soci::session& sql, std::int64_t bureau, const std::string& month, const Ledger& ledger,
                      EpochSeconds now);
// Writes the stored draft's entries to score_entries (seq 0, 1, …) and removes the draft; false
// when the month has no compact draft (computed before migration 042: its entries are there).
bool MaterializeDraft(soci::session& sql, std::int64_t bureau, const std::string& month);

// A stored entry with the month and bureau it belongs to.
struct StoredEntry {
  Entry entry;
  std::string month;
  std::int64_t bureau_id = 0;
};
std::optional<StoredEntry> LoadEntry(soci::session& sql, std::int64_t id);
// The month's entries in ledger order (seq); only `person`'s when given.
std::vector<Entry> LoadMonthEntries(soci::session& sql, std::int64_t bureau, const std::string& month,
                                    std::optional<std::int64_t> person = std::nullopt);
// The month's entries of units `unit_ids`, by person then seq: how many, and one page.
struct UnitEntryPage {
  std::int64_t total = 0;
  std::vector<Entry> entries;
};
UnitEntryPage LoadUnitEntries(soci::session& sql, std::int64_t bureau, const std::string& month,
                              std::span<const std::int64_t> unit_ids, std::int64_t limit, std::int64_t offset);
// Removes the month's entries and its compact draft.
void DeleteMonthEntries(soci::session& sql, std::int64_t bureau, const std::string& month);
// Inserts entries with seq first_seq, first_seq + 1, … in statements of a few hundred rows. A
// compact ledger's reasons are written chunk by chunk, never all at once.
void StoreEntries(soci::session& sql, std::int64_t bureau, const std::string& month, const Ledger& ledger,
                  int first_seq);
void StoreEntries(soci::session& sql, std::int64_t bureau, const std::string& month, const std::vector<Entry>& entries,
                  int first_seq);
// The highest seq of the month (0 when none).
int MaxSeq(soci::session& sql, std::int64_t bureau, const std::string& month);
// Per month in [from, to] of the published/final months: the sum of `person`'s entries (0 when none).
std::map<std::string, Centi> PersonMonthTotals(soci::session& sql, std::int64_t bureau, std::int64_t person,
                                               const std::string& from, const std::string& to);
// person → month number (1–12) → sum, over the published/final months of the bureau in [lo, hi].
std::map<std::int64_t, std::map<int, Centi>> PersonMonthSums(soci::session& sql, std::int64_t bureau,
                                                             const std::string& lo, const std::string& hi);

// ---- objections ----

// An objection row; person_name is left for the caller.
std::optional<Objection> LoadObjection(soci::session& sql, std::int64_t id);
// Objections (newest first) matching the filter; `person` narrows to one officer's.
std::vector<Objection> LoadObjections(soci::session& sql, const ObjectionFilter& f, std::optional<std::int64_t> person);
// entry id → (objection id, status) of `person`'s objections in the month (the latest per entry).
std::map<std::int64_t, std::pair<std::int64_t, std::string>> ObjectionsByEntry(soci::session& sql, std::int64_t bureau,
                                                                               const std::string& month,
                                                                               std::int64_t person);
bool HasPendingObjection(soci::session& sql, std::int64_t entry_id);
std::int64_t InsertObjection(soci::session& sql, const Objection& o);
// Decides a pending objection; `adjustment` (points and entry id) when accepted.
void DecideObjectionRow(soci::session& sql, std::int64_t id, const std::string& status,
                        std::optional<std::int64_t> decided_by, const std::string& decided_by_name, EpochSeconds at,
                        const std::string& reason, std::optional<std::pair<Centi, std::int64_t>> adjustment);
// The id of the adjustment entry an objection produced (0 when none).
std::int64_t AdjustmentEntryId(soci::session& sql, std::int64_t objection_id);

}  // namespace fazhi::scoring::detail
