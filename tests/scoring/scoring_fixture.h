// Test data for the scoring module, inserted with plain SQL into the tables the ledger sources read
// (cases, case_officers, case_events, violations, case_reviews/review_findings, supervision_orders),
// so the tests do not depend on the cases/oversight modules' services; the sources themselves are
// those modules' (WiredSources), as the App collects them.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "cases/case_points.h"
#include "core/local_time.h"
#include "db/database.h"
#include "oversight/oversight_points.h"
#include "scoring/scheme.h"
#include "scoring/scoring_types.h"
#include "support/seed.h"

namespace fazhi::testing {

// The ledger sources of the cases and oversight modules, in module order (as ScoringModule::Init
// collects them in the App).
inline scoring::LedgerSources WiredSources() {
  return {cases::MakeCaseStageSource(), oversight::MakeViolationSource(), oversight::MakeReviewFindingSource(),
          oversight::MakeOrderOverdueSource()};
}

// Local (UTC+8) time of a day in a month.
inline EpochSeconds Local(int y, int m, int d, int hour = 10, int minute = 0) {
  return LocalMidnight(CivilDate{y, m, d}) + hour * 3600 + minute * 60;
}

class ScoringData {
 public:
  explicit ScoringData(db::Database& db) : db_(db) {}

  // Inserts a unit under `parent` (path and bureau_id computed as the org module does).
  std::int64_t AddUnit(std::optional<std::int64_t> parent, const std::string& name, const std::string& level) {
    return seed::Unit(db_, parent, name, level, 1700000000);
  }

  std::int64_t BureauOf(std::int64_t unit) {
    return db_.Read([&](soci::session& sql) {
      long long u = unit, b = 0;
      sql << "SELECT bureau_id FROM units WHERE id = :id", soci::use(u), soci::into(b);
      return static_cast<std::int64_t>(b);
    });
  }

  std::int64_t AddPerson(std::int64_t unit, const std::string& name, const std::string& kind = "民警") {
    const std::string badge = "T" + std::to_string(++counter_);
    return db_
        .Write([&](soci::session& sql) -> Result<std::int64_t> {
          long long u = unit, b = 0, now = 1700000000, id = 0;
          sql << "SELECT bureau_id FROM units WHERE id = :id", soci::use(u), soci::into(b);
          sql << "INSERT INTO people (bureau_id, unit_id, name, badge_no, kind, created_at, updated_at) "
                 "VALUES (:b, :u, :n, :bn, :k, :t, :t2) RETURNING id",
              soci::use(b), soci::use(u), soci::use(name), soci::use(badge), soci::use(kind), soci::use(now),
              soci::use(now), soci::into(id);
          return static_cast<std::int64_t>(id);
        })
        .value();
  }

  struct CaseSpec {
    std::int64_t unit = 0;
    std::string category;
    std::int64_t lead = 0;
    std::vector<std::int64_t> assists;
    bool fast_track = false;
    std::optional<EpochSeconds> closed_at;
    std::string case_type = "criminal";
  };
  std::int64_t AddCase(const CaseSpec& c) {
    const std::string ext = "A" + std::to_string(++counter_);
    return db_
        .Write([&](soci::session& sql) -> Result<std::int64_t> {
          long long u = c.unit, b = 0, now = 1700000000, id = 0, lead = c.lead, fast = c.fast_track ? 1 : 0;
          sql << "SELECT bureau_id FROM units WHERE id = :id", soci::use(u), soci::into(b);
          db::NullableInt closed(c.closed_at);
          const std::string title = "测试案件" + ext;
          sql << "INSERT INTO cases (bureau_id, unit_id, external_id, case_type, cause, category, title, status, "
                 "lead_officer_id, fast_track, accepted_at, closed_at, created_at, updated_at) VALUES "
                 "(:b, :u, :e, :ct, '盗窃', :cat, :t, 'open', :l, :f, :a, :c, :n, :n2) RETURNING id",
              soci::use(b), soci::use(u), soci::use(ext), soci::use(c.case_type), soci::use(c.category),
              soci::use(title), soci::use(lead), soci::use(fast), soci::use(now), soci::use(closed.value, closed.ind),
              soci::use(now), soci::use(now), soci::into(id);
          std::string role = "lead";
          sql << "INSERT INTO case_officers (case_id, person_id, role, bureau_id) VALUES (:c, :p, :r, :b)",
              soci::use(id), soci::use(lead), soci::use(role), soci::use(b);
          role = "assist";
          for (auto a : c.assists) {
            long long pa = a;
            sql << "INSERT INTO case_officers (case_id, person_id, role, bureau_id) VALUES (:c, :p, :r, :b)",
                soci::use(id), soci::use(pa), soci::use(role), soci::use(b);
          }
          return static_cast<std::int64_t>(id);
        })
        .value();
  }

  std::int64_t AddEvent(std::int64_t case_id, const std::string& type, EpochSeconds at) {
    return db_
        .Write([&](soci::session& sql) -> Result<std::int64_t> {
          long long c = case_id, t = at, b = 0, id = 0;
          sql << "SELECT bureau_id FROM cases WHERE id = :id", soci::use(c), soci::into(b);
          sql << "INSERT INTO case_events (bureau_id, case_id, type, at, recorded_at) VALUES (:b, :c, :ty, :at, :r) "
                 "RETURNING id",
              soci::use(b), soci::use(c), soci::use(type), soci::use(t), soci::use(t), soci::into(id);
          return static_cast<std::int64_t>(id);
        })
        .value();
  }

  std::int64_t AddViolation(std::int64_t case_id, std::int64_t officer, const std::string& rule,
                            const std::string& severity, EpochSeconds detected_at) {
    const std::string key = rule + "#" + std::to_string(++counter_);
    return db_
        .Write([&](soci::session& sql) -> Result<std::int64_t> {
          long long c = case_id, o = officer, t = detected_at, b = 0, u = 0, id = 0;
          sql << "SELECT bureau_id, unit_id FROM cases WHERE id = :id", soci::use(c), soci::into(b), soci::into(u);
          sql << "INSERT INTO violations (bureau_id, case_id, unit_id, officer_id, rule_id, clock_key, kind, severity, "
                 "detected_at, message) VALUES (:b, :c, :u, :o, :r, :k, 'overdue', :s, :t, '超过法定期限') RETURNING "
                 "id",
              soci::use(b), soci::use(c), soci::use(u), soci::use(o), soci::use(rule), soci::use(key),
              soci::use(severity), soci::use(t), soci::into(id);
          return static_cast<std::int64_t>(id);
        })
        .value();
  }

  std::int64_t AddFinding(std::int64_t case_id, const std::string& category, EpochSeconds at) {
    return db_
        .Write([&](soci::session& sql) -> Result<std::int64_t> {
          long long c = case_id, t = at, b = 0, review = 0, id = 0;
          sql << "SELECT bureau_id FROM cases WHERE id = :id", soci::use(c), soci::into(b);
          sql << "INSERT INTO case_reviews (bureau_id, case_id, stage, verdict, created_at) "
                 "VALUES (:b, :c, 'file', 'fix_required', :t) RETURNING id",
              soci::use(b), soci::use(c), soci::use(t), soci::into(review);
          sql << "INSERT INTO review_findings (bureau_id, review_id, case_id, category, description, created_at) "
                 "VALUES (:b, :r, :c, :cat, '证据链不完整', :t) RETURNING id",
              soci::use(b), soci::use(review), soci::use(c), soci::use(category), soci::use(t), soci::into(id);
          return static_cast<std::int64_t>(id);
        })
        .value();
  }

  std::int64_t AddOrder(std::int64_t case_id, std::int64_t person, EpochSeconds deadline,
                        std::optional<EpochSeconds> answered_at, const std::string& status = "open") {
    return db_
        .Write([&](soci::session& sql) -> Result<std::int64_t> {
          long long c = case_id, p = person, d = deadline, b = 0, u = 0, id = 0;
          sql << "SELECT bureau_id, unit_id FROM cases WHERE id = :id", soci::use(c), soci::into(b), soci::into(u);
          db::NullableInt answered(answered_at);
          sql << "INSERT INTO supervision_orders (bureau_id, case_id, unit_id, source, problem_type, opinion, "
                 "responsible_person_id, deadline, status, created_at, answered_at, updated_at) VALUES "
                 "(:b, :c, :u, 'manual', '证据', '补充证据', :p, :d, :s, :d2, :a, :d3) RETURNING id",
              soci::use(b), soci::use(c), soci::use(u), soci::use(p), soci::use(d), soci::use(status), soci::use(d),
              soci::use(answered.value, answered.ind), soci::use(d), soci::into(id);
          return static_cast<std::int64_t>(id);
        })
        .value();
  }

  // A simple scheme document used by most tests (hand-computable numbers).
  static nlohmann::json TestScheme() {
    return nlohmann::json::parse(R"({
      "objection_days": 3,
      "split": {"lead_percent": 70, "assist_percent": 30},
      "stages": {"accept_case": 1, "file_case": 2, "conclude_case": 3, "transfer_prosecution": 5,
                 "penalty_decision": 2, "fast_track_concluded": 4},
      "category_weights": {"电信网络诈骗": 1.5},
      "deductions": {"violation": {"normal": 2, "serious": 5, "by_rule": {"CRIM-DETAIN-04": 6}},
                     "review_finding": {"evidence": 2, "procedure": 1, "characterization": 3},
                     "order_overdue": 2},
      "bonuses": {"typical_case": 8},
      "caps": {"monthly_positive": 100, "monthly_negative": 50}
    })");
  }

 private:
  db::Database& db_;
  int counter_ = 0;
};

}  // namespace fazhi::testing
