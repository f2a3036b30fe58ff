// Helpers shared by the oversight module's source files. Not part of its public API.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "auth/principal.h"
#include "cases/timeline_store.h"
#include "core/error.h"
#include "core/text.h"
#include "db/bulk_insert.h"
#include "db/database.h"
#include "db/sql.h"
#include "oversight/oversight_service.h"
#include "supervision/engine.h"
#include "supervision/timeline.h"

namespace fazhi::oversight::detail {

// Path of a unit the caller may filter by: one in his unit subtree, or one holding a case visible to
// him through his person (捆绑责任: the 法制大队's 法制员 narrows to a 派出所 of his bound cases; every
// caller ANDs the case visibility, so he sees only those cases there); NotFound otherwise.
Result<std::string> UnitPathInScope(soci::session& sql, const auth::Principal& who, std::int64_t unit_id);

// Every stored clock of a case (running and done included), earliest due first, with the rule names
// of `catalog` (queries.cpp).
std::vector<Alert> CaseClocks(soci::session& sql, std::int64_t case_id, const supervision::Catalog& catalog);
// The reviews of a case with their findings, oldest first (reviews.cpp).
std::vector<Review> CaseReviewRows(soci::session& sql, std::int64_t case_id);

// The fields of a case the module needs.
struct CaseRow {
  std::int64_t id = 0;
  std::int64_t bureau_id = 0;
  std::int64_t unit_id = 0;
  std::string unit_path;
  std::string case_type;
  std::string title;
  std::string external_id;
  std::string status;
  bool serious = false;
  bool fast_track = false;
  bool many_people = false;
  std::optional<std::int64_t> lead_officer_id;
  std::optional<std::int64_t> legal_officer_id;
  std::string alert_state;
  std::optional<std::int64_t> next_due_at;
  std::optional<std::int64_t> nearest_due_at;
  std::optional<std::int64_t> clock_digest;
};
// NotFound when absent.
Result<CaseRow> LoadCase(soci::session& sql, std::int64_t case_id);
// NotFound when absent or not visible to the caller: outside his unit subtree, and he is neither its
// 主办/协办 nor its bound 法制员 (捆绑责任, as the case list in src/cases).
Result<CaseRow> LoadCaseInScope(soci::session& sql, const auth::Principal& who, std::int64_t case_id);

// The engine's timeline of a stored case (cases::LoadStoredRows + cases::BuildTimeline with the
// active catalog; see there for ids and leniency). Errors: InvalidArgument from the engine, the
// message prefixed with the case's number.
Result<supervision::CaseTimeline> LoadTimeline(soci::session& sql, const CaseRow& c,
                                               const supervision::Catalog& catalog);
// The same from rows already read (the bulk path); `StoredHead` fills the case columns.
cases::StoredTimeline StoredHead(const CaseRow& c);
Result<supervision::CaseTimeline> BuildTimeline(const CaseRow& c, const cases::StoredTimeline& rows,
                                                const supervision::Catalog& catalog);

// ---- evaluation of stored cases (alerts.cpp; the single-case and the bulk path share it) ----

// One stored alert clock as evaluation compares it.
struct StoredClock {
  std::int64_t id = 0;
  std::string state;
  std::optional<std::int64_t> due_at, pre_warn_at, since;
  std::string message;
  bool seen = false;
};
using StoredClocks = std::unordered_map<std::string, StoredClock>;  // by clock_key
// The stored clocks of one case.
StoredClocks LoadStoredClocks(soci::session& sql, std::int64_t case_id);
// The alerts columns a StoredClock is read from, and the reader adding one row to a case's set.
extern const char* const kStoredClockColumns;
void AddStoredClock(const db::Row& r, StoredClocks& into);

// A case row as the write path needs it, with its updated_at and stored clocks.
struct StoredCase {
  CaseRow row;
  std::int64_t updated_at = 0;
  StoredClocks clocks;
};
// The cases with ids in [lo, hi] (two range queries: the bulk path's write step), their rows locked
// in id order until the transaction ends (PostgreSQL; a SQLite write transaction holds the whole
// database), so that a case writer (cases::LockCase) or the sweep cannot change a case between this
// read and the write of its clocks.
std::unordered_map<std::int64_t, StoredCase> LoadStoredCases(soci::session& sql, std::int64_t lo, std::int64_t hi);

// FNV-1a, 64 bit, with whole 64-bit words mixed in one step: fingerprints of stored clock sets
// (not a security hash).
struct Fnv {
  std::uint64_t h = 14695981039346656037ull;
  void Bytes(const void* p, std::size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    for (std::size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ull;
  }
  void Int(std::int64_t v) {
    h = (h ^ static_cast<std::uint64_t>(v)) * 1099511628211ull;
    h ^= h >> 29;
  }
  void Text(std::string_view s) {
    Int(static_cast<std::int64_t>(s.size()));
    Bytes(s.data(), s.size());
  }
};

// What a case's results mean for the case row: the worst state and the next moment a clock changes.
struct CaseSummary {
  std::string state = "none";
  std::optional<std::int64_t> next_due;
  std::optional<std::int64_t> nearest_due;  // earliest due of the live clocks, past or not (最近期限)
  std::int64_t digest = 0;                  // fingerprint of the clocks that are stored (see migration 032)
};
// Pure and cheap (no text formatting): the bulk re-evaluation compares this with the case row and
// only plans and writes the cases that differ (SummaryDiffers).
CaseSummary Summarise(const std::vector<supervision::RuleResult>& results, const supervision::CaseTimeline& tl,
                      const RuleSet& rules, EpochSeconds now);
// The case row must be rewritten: its state, wake-up time, 最近期限 or clock fingerprint differ.
bool SummaryDiffers(const CaseSummary& s, const CaseRow& c);

// One clock as the evaluation wants it stored.
struct ClockPlan {
  const supervision::Rule* rule = nullptr;
  std::string key, state, person_ref, message;
  std::optional<std::int64_t> due, pre, since, trigger_id;
  std::int64_t stored_id = 0;  // 0 = new clock
  std::string old_state;
  bool write = false;  // insert or update needed
};

// What evaluating one case changes, decided without writing (the bulk re-evaluation writes only
// the cases whose plan Writes()).
struct CasePlan {
  std::vector<ClockPlan> clocks;
  std::vector<std::string> retract;  // violations the engine now finds satisfied or exempt
  std::vector<std::int64_t> remove;  // stored clocks that no longer exist
  CaseSummary summary;
  bool case_changed = false;
  bool Writes() const;
};

// The new clocks and violations of many cases, written in batches (db::BulkInsert: one prepared
// statement per batch instead of one execution per row) when the bulk re-evaluation writes a chunk
// in one transaction. Both inserts keep the single-case path's conflict rules (a clock upserts, a
// violation is recorded once). Flush before the transaction ends.
struct ClockBatch {
  ClockBatch();
  db::BulkInsert alerts, violations;
  db::BulkInsert cases;  // UpdateByFirstColumn: the cases' alert_state, due times and clock digest
  void Flush(soci::session& sql) {
    alerts.Flush(sql);
    violations.Flush(sql);
    cases.Flush(sql);
  }
};

// Compares the engine's results with the stored clocks (marking them seen). Pure.
CasePlan PlanCase(const CaseRow& c, const supervision::CaseTimeline& tl,
                  const std::vector<supervision::RuleResult>& results, StoredClocks& stored, const RuleSet& rules,
                  EpochSeconds now);

// ---- 执法资格 check (qualification_check.cpp): alerts of rule_id kQualificationRule, not engine clocks ----

inline constexpr const char* kQualificationRule = "no_qualification";
inline constexpr const char* kQualificationRuleName = "办案民警无有效执法资格";
struct QualAlert {
  std::int64_t case_id = 0, bureau_id = 0, unit_id = 0;
  EpochSeconds since = 0;  // 受案时间 (also stored as due_at)
  std::string key, person_ref, message;
};
// What a check changes: alerts to add, messages to rewrite (id, message), alerts to remove.
struct QualPlan {
  std::vector<QualAlert> add;
  std::vector<std::pair<std::int64_t, std::string>> update;
  std::vector<std::int64_t> remove;
  bool Writes() const { return !add.empty() || !update.empty() || !remove.empty(); }
};
// Compares the officers of the cases matching `where` (over `cases c`) with their qualifications on
// the day of 受案 and with the stored alerts. Reads only.
QualPlan PlanQualifications(soci::session& sql, const std::string& where, const db::SqlArgs& where_args);
QualPlan PlanQualificationsRange(soci::session& sql, std::int64_t lo, std::int64_t hi);
void ApplyQualPlan(soci::session& sql, const QualPlan& plan, EpochSeconds now);

// 中文 names for display.
std::string StageZh(std::string_view stage);
// 中文 name of a stored clock state (running → 计时中, pre_warn → 预警, overdue → 告警 …); the id when unknown.
std::string ClockStateZh(std::string_view state);
std::string CategoryZh(std::string_view category);

// "YYYY-MM" → [first local midnight, next month's first local midnight). nullopt when malformed.
std::optional<std::pair<std::int64_t, std::int64_t>> MonthRange(std::string_view month);

// The review gates in force (settings oversight.review_gates, or the defaults) — reviews.cpp.
std::vector<ReviewGate> ReviewGates(soci::session& sql);

// 平台应用考核 of the units under `path` for [from, to), per unit, keyed and ordered by unit path,
// with the unit's name (metrics.cpp; the bulletin section reads it).
struct UnitMetrics {
  MetricRow row;
};
std::map<std::string, UnitMetrics> MetricsByUnit(soci::session& sql, const std::string& path, std::int64_t from,
                                                 std::int64_t to);
// Adds the counts of `r` into `into`.
void SumMetrics(MetricRow& into, const MetricRow& r);

// 监管配置: the limit of every rule of the shipped catalog that has a fixed one ({"RULE-ID":
// {"value": 3, "unit": "days"}, …}): the law's limit, the most a saved catalog may set.
std::string LegalLimitsJson();
// A saved catalog keeps each such limit between 1 and the law's, and each rule's pre_warn lead
// shorter than its limit: InvalidArgument beyond_legal_limit / pre_warn_too_long / pre_warn_negative
// naming the rule, its legal limit and basis, field rules[i].limit / rules[i].pre_warn.
Result<void> CheckLegalBounds(const std::string& catalog_json);

}  // namespace fazhi::oversight::detail
