// The points ledger (积分台账): facts collected by the modules' ledger sources (points::RawFact,
// points/ledger_source.h) + a scheme → ledger entries, and the rankings derived from entries. Pure functions (STYLE
// §2): no SQL, no HTTP, no clock — the same inputs give the same output byte for byte, so the server, the CLI, the demo
// and the tests share it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "points/ledger_source.h"
#include "scoring/scheme.h"

namespace fazhi::scoring {

// One line of the ledger. `points` in centi-points.
struct Entry {
  std::int64_t id = 0;  // database id (0 until stored)
  std::int64_t person_id = 0;
  std::int64_t unit_id = 0;  // filled from the people directory when stored
  Centi points = 0;
  std::string source;       // the act's ledger source ("case_stage", …), "cap" or "adjustment"
  std::string act;          // ActInfo key, "cap_positive"/"cap_negative", or "adjustment"
  std::string object_type;  // link target type: case, violation, review_finding, supervision_order, objection
  std::int64_t object_id = 0;
  std::int64_t case_id = 0;  // 0 = none
  std::string role;          // lead / assist / responsible / "" (caps, adjustments)
  EpochSeconds occurred_at = 0;
  std::string reason;  // 中文: what earned or cost the points and how they were computed
  int scheme_version = 0;
  std::int64_t objection_id = 0;  // adjustments: the objection that caused it
};

// Facts + scheme → entries, ordered by officer, then in the canonical fact order (object id, act,
// object type, case, time, variant, rule), caps last — independent of the input order. Per officer and month:
// positive entries beyond scheme.cap_positive are offset by one "cap_positive" entry, deductions
// beyond cap_negative by one "cap_negative" entry, so every cap is visible in the ledger.
//   - Stage facts: scheme points × category weight, split lead_percent to the 主办 and assist_percent
//     shared equally by the 协办 (remainder hundredths to the lowest person ids); a case with no 协办
//     gives its 主办 everything. Acts the scheme gives 0 produce no entry.
//   - Bonus facts: as stages, without the weight.
//   - Deduction facts: the full deduction to each responsible officer.
// Facts without officers are skipped. `scheme_version` is stamped on every entry.
std::vector<Entry> ComputeLedger(const Scheme& scheme, int scheme_version, std::vector<points::RawFact> facts);

// The same computation in compact form, what the service uses: one small row per entry that
// refers to its fact, and the reason text written only when it is needed (hashing, storing,
// showing). Ledger::Entries() gives exactly ComputeLedger's entries, and SerializeLedger(ledger)
// exactly SerializeLedger(ledger.Entries()) — without a heap string per entry (a city month has
// half a million entries).
enum class RowKind : std::uint8_t { kShare, kDeduction, kCapPositive, kCapNegative };
// How a stage/bonus share was split (the "how" of its reason).
enum class ShareLabel : std::uint8_t { kLeadAlone, kLeads, kAssistsOnly, kLeadPercent, kAssistPercent };
// Which part of the scheme set a deduction (the "（…）" of its reason).
enum class DeductionBasis : std::uint8_t { kNone, kRule, kSeverity, kFindingCategory, kUnits };

struct LedgerRow {
  std::int64_t person_id = 0;
  std::int64_t unit_id = 0;  // filled by the caller (people directory), as Entry::unit_id
  Centi points = 0;
  // kShare: base points and weight (percent); kDeduction: the deduction; caps: the month's sum and the cap.
  Centi a = 0, b = 0;
  std::uint32_t fact = 0;         // index into Ledger::facts (not used by caps)
  std::uint32_t share_count = 0;  // kShare: people sharing this part
  RowKind kind = RowKind::kShare;
  ShareLabel label = ShareLabel::kLeadAlone;     // kShare
  DeductionBasis basis = DeductionBasis::kNone;  // kDeduction
};

struct Ledger {
  std::vector<points::RawFact> facts;  // as given (officers sorted and de-duplicated); rows refer to them
  std::vector<const ActInfo*> act;     // FindAct of each fact (nullptr: unknown act, no rows)
  std::vector<LedgerRow> rows;         // in ledger order (as ComputeLedger's entries)
  int scheme_version = 0;
  int lead_percent = 0, assist_percent = 0;

  std::size_t size() const { return rows.size(); }
  // Entry `i` with its reason text; unit_id from the row.
  Entry EntryAt(std::size_t i) const;
  std::vector<Entry> Entries() const;
  // Appends the reason text of row `i` to `out`.
  void AppendReason(std::size_t i, std::string& out) const;
};
Ledger BuildLedger(const Scheme& scheme, int scheme_version, std::vector<points::RawFact> facts);

// Canonical text of a ledger (one JSON object per line, fixed key order). Equal ledgers give equal
// text; used for the determinism check and the ledger hash stored with each month.
std::string SerializeLedger(const std::vector<Entry>& entries);
// The same text, handed to `sink` in consecutive pieces of a few hundred KB (for hashing without
// holding the whole text).
void SerializeLedger(const std::vector<Entry>& entries, const std::function<void(std::string_view)>& sink);
// The canonical text of a compact ledger (equal to SerializeLedger(ledger.Entries())), in pieces.
void SerializeLedger(const Ledger& ledger, const std::function<void(std::string_view)>& sink);

// ---- rankings ----

struct PersonInfo {
  std::int64_t id = 0;
  std::string name;
  std::string badge_no;
  std::string kind;  // 民警 / 辅警
  std::int64_t unit_id = 0;
  bool active = true;
};
struct UnitInfo {
  std::int64_t id = 0;
  std::string name;
  std::string path;
};

struct OfficerTotal {
  std::int64_t person_id = 0;
  std::string name, badge_no;
  std::int64_t unit_id = 0;
  std::string unit_name, unit_path;
  Centi total = 0, positive = 0, negative = 0;
  int entries = 0;
  int rank_bureau = 0;                  // competition ranking (1, 2, 2, 4) within the bureau
  int rank_unit = 0;                    // within the officer's unit
  std::optional<int> prev_rank_bureau;  // last month's published rank, if any
  std::optional<int> movement;          // prev_rank - rank: positive = moved up
};
struct UnitTotal {
  std::int64_t unit_id = 0;
  std::string name, path;
  int members = 0;  // head count used for the per-capita figure
  Centi total = 0;
  Centi per_capita = 0;
  int rank = 0;  // by per-capita, then total
  std::optional<int> prev_rank;
  std::optional<int> movement;
};
struct Rankings {
  std::vector<OfficerTotal> officers;  // ordered by rank_bureau, then person id
  std::vector<UnitTotal> units;        // ordered by rank, then unit id
};

// Totals and ranks of a month. Every active person of the directory is ranked (0 points if no
// entry), plus anyone with entries. Units: every unit with members or entries; per-capita =
// total / members (民警 only when scheme.per_capita_police_only), rounded half away from zero.
// `previous` (last month's rankings, if published) fills prev_rank and movement.
Rankings BuildRankings(const std::vector<Entry>& entries, const std::vector<PersonInfo>& people,
                       const std::vector<UnitInfo>& units, bool per_capita_police_only, const Rankings* previous);
// The same from a compact ledger.
Rankings BuildRankings(const Ledger& ledger, const std::vector<PersonInfo>& people, const std::vector<UnitInfo>& units,
                       bool per_capita_police_only, const Rankings* previous);

nlohmann::json RankingsJson(const Rankings& r);
// Inverse of RankingsJson (for stored snapshots); InvalidArgument if malformed.
Result<Rankings> RankingsFromJson(const nlohmann::json& j);

}  // namespace fazhi::scoring
