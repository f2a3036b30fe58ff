// Plain data of the scoring module (执法办案积分): schemes, months, ledger views, objections, the
// ledger sources a service computes from. No logic; scoring_service.h has the operations.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "points/ledger_source.h"
#include "scoring/ledger.h"
#include "scoring/scheme.h"

namespace fazhi::scoring {

// The ledger sources a month is computed from: every module's (kit::Module::AddLedgerSources),
// collected by ScoringModule::Init. Shared, immutable, used from many threads.
using LedgerSources = std::vector<std::shared_ptr<const points::LedgerSource>>;

// Scheme status (方案状态): 试行 trial / 正式 formal.
inline constexpr const char* kStatusTrial = "试行";
inline constexpr const char* kStatusFormal = "正式";

// A new scheme version as a manager submits it.
struct SchemeInput {
  std::optional<std::int64_t> bureau_id;    // default: the caller's bureau
  std::string name;                         // e.g. 执法办案积分考核实施办法（试行）
  std::string status = kStatusTrial;        // 试行 / 正式
  std::string effective_from;               // 'YYYY-MM'
  std::optional<std::string> effective_to;  // 'YYYY-MM' or open-ended
  std::string note;                         // what changed and why
  nlohmann::json document;                  // the scheme (scheme.h)
};

// One stored version of a bureau's scheme (score_schemes).
struct SchemeVersion {
  std::int64_t id = 0;
  std::int64_t bureau_id = 0;
  int version = 0;
  std::string name, status, effective_from;
  std::optional<std::string> effective_to;
  nlohmann::json document;  // canonical
  Scheme scheme;
  std::string note, created_by_name;
  EpochSeconds created_at = 0;
};

// One bureau's month of the cycle (score_months).
struct MonthInfo {
  std::int64_t id = 0;
  std::int64_t bureau_id = 0;
  std::string bureau_name;
  std::string month;
  std::string status;  // draft / published / final
  std::int64_t scheme_id = 0;
  int scheme_version = 0;
  int objection_days = 3;
  int entry_count = 0, skipped_facts = 0, pending_objections = 0;
  std::string ledger_hash, computed_by, published_by, finalized_by;
  EpochSeconds computed_at = 0;
  std::optional<EpochSeconds> published_at, objection_deadline, finalized_at;
};

// One ledger line as shown to people.
struct EntryView {
  Entry entry;
  std::string month, person_name, unit_name;
  std::optional<std::int64_t> objection_id;  // a pending or decided objection about it
  std::string objection_status;              // pending / accepted / rejected / ""
};

// One month of an officer's 12-month trend.
struct TrendPoint {
  std::string month;
  std::optional<Centi> total;  // nullopt: month not published
};

// One officer's month as his page shows it.
struct OfficerMonth {
  PersonInfo person;
  std::string unit_name;
  std::string month;
  std::string status;  // draft / published / final / none (nothing visible)
  std::vector<EntryView> entries;
  Centi total = 0;
  std::map<std::string, Centi> by_source;
  std::map<std::string, Centi> by_act;
  std::optional<int> rank_bureau, rank_unit, movement;
  std::vector<TrendPoint> trend;  // 12 months ending with `month`
  Centi year_total = 0;           // published/final months of the year
};

struct RankingView {
  MonthInfo month;
  std::string phase;  // draft (live, managers only) / published / final / preview (not stored; CLI)
  Rankings rankings;  // filtered to the caller's scope (and unit filter); ranks are bureau-wide
  // Published/final months only (empty otherwise): names the exact content of `rankings` — month
  // row, status, freeze time, ledger hash and the view's path prefix — so a caller may cache what
  // it derives from them (the routes cache the serialised lists). Equal keys, equal rankings.
  std::string frozen_key;
};

// Year totals (评先评优 / 晋升 files): one officer's published months.
struct YearRow {
  std::int64_t person_id = 0;
  std::string name, badge_no, unit_name;
  std::int64_t unit_id = 0;
  std::vector<std::optional<Centi>> months;  // 12 values, nullopt = month not published
  Centi total = 0;
  int rank = 0;
};
struct YearTotals {
  std::int64_t bureau_id = 0;
  int year = 0;
  int months_counted = 0;
  std::vector<YearRow> officers;
};

// A 复核 objection: an officer disputes one of his entries; a manager decides.
struct Objection {
  std::int64_t id = 0, bureau_id = 0, entry_id = 0, person_id = 0, user_id = 0;
  std::string month, person_name, reason, status, decision_reason, decided_by_name;
  EpochSeconds created_at = 0;
  std::optional<EpochSeconds> decided_at;
  std::optional<Centi> adjustment;
  std::optional<std::int64_t> adjustment_entry_id;
  Centi entry_points = 0;
  std::string entry_reason;
};
struct ObjectionFilter {
  std::optional<std::int64_t> bureau_id;
  std::optional<std::string> month;
  std::optional<std::string> status;
};
// A manager's decision on an objection.
struct Decision {
  bool accept = false;
  std::string reason;               // 中文, required
  std::optional<Centi> adjustment;  // accepted: points to add (default: cancel the entry)
};

// Text derived from a frozen ranking view (the routes: its officer and unit lists as JSON arrays).
struct FrozenLists {
  std::string officers, units;
};

// A generated file (XLSX export).
struct FileDownload {
  std::string bytes, content_type, filename;
};

}  // namespace fazhi::scoring
