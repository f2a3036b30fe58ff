// 执法资格 in supervision (issue 14 item 3): an officer who handles a case without a valid
// qualification on the day it was accepted raises a no_qualification alert (主办 and 协办), which
// clears when a qualification is recorded or the officer changes; the 主办's points-ledger fact; the
// alert centre's scope. The day rule's edges are data-driven.
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/local_time.h"
#include "db/sql.h"
#include "exams/exams_reads.h"
#include "oversight/oversight_fixture.h"
#include "oversight/oversight_points.h"
#include "points/month.h"
#include "scoring/ledger.h"
#include "scoring/scheme.h"

namespace fazhi::testing {
namespace {

constexpr EpochSeconds kDay = 86400;

EpochSeconds At(int y, int m, int d, int hour = 0) { return LocalMidnight({y, m, d}) + hour * 3600; }

// ---- the day rule: obtained on or before the day, 有效期至 on or after it (both inclusive) ----

struct DayCase {
  const char* name;
  EpochSeconds obtained, valid_until;
  CivilDate day;
  bool qualified;
};

class QualifiedOnTest : public ::testing::TestWithParam<DayCase> {};

TEST_P(QualifiedOnTest, DayRule) {
  const DayCase& c = GetParam();
  const std::vector<exams::QualificationPeriod> periods = {
      {.level = "basic", .obtained_at = c.obtained, .valid_until = c.valid_until}};
  EXPECT_EQ(exams::QualifiedOn(periods, c.day), c.qualified) << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    Edges, QualifiedOnTest,
    ::testing::Values(DayCase{"inside", At(2023, 1, 1), At(2026, 6, 30), {2024, 3, 4}, true},
                      DayCase{"on_the_day_obtained", At(2024, 3, 4), At(2027, 3, 4), {2024, 3, 4}, true},
                      DayCase{"obtained_later_that_day", At(2024, 3, 4, 15), At(2027, 3, 4), {2024, 3, 4}, true},
                      DayCase{"obtained_the_next_day", At(2024, 3, 5), At(2027, 3, 5), {2024, 3, 4}, false},
                      DayCase{"last_valid_day_inclusive", At(2021, 3, 4), At(2024, 3, 4), {2024, 3, 4}, true},
                      DayCase{"day_after_last_valid_day", At(2021, 3, 4), At(2024, 3, 3), {2024, 3, 4}, false},
                      DayCase{"expired_long_ago", At(2018, 1, 1), At(2021, 6, 30), {2024, 3, 4}, false}),
    [](const ::testing::TestParamInfo<DayCase>& i) { return std::string(i.param.name); });

TEST(QualifiedOn, NoRecordIsNotQualifiedAndTheHighestLevelShows) {
  EXPECT_FALSE(exams::QualifiedOn({}, {2024, 3, 4}));
  const std::vector<exams::QualificationPeriod> two = {
      {.level = "basic", .obtained_at = At(2020, 1, 1), .valid_until = At(2026, 1, 1)},
      {.level = "intermediate", .obtained_at = At(2023, 1, 1), .valid_until = At(2026, 1, 1)}};
  EXPECT_EQ(exams::LevelOn(two, {2022, 5, 1}), "basic");
  EXPECT_EQ(exams::LevelOn(two, {2024, 3, 4}), "intermediate");
}

// ---- the check in the supervision loop ----

class QualificationTest : public OversightTest {
 protected:
  void SetUp() override {
    OversightTest::SetUp();
    // The bureau keeps a register (the head of 东街 holds a qualification), so its cases are checked.
    Qualify(head_a_, At(2020, 1, 1), At(2026, 6, 30));
  }
  void Qualify(std::int64_t person, EpochSeconds from, EpochSeconds until, bool hook = false) {
    ASSERT_TRUE(db().Write([&](soci::session& sql) -> Result<void> {
      db::SqlArgs a;
      db::Exec(sql,
               fmt::format("INSERT INTO exam_qualifications (bureau_id, person_id, level, obtained_at, valid_until, "
                           "created_at) VALUES ({}, {}, 'basic', {}, {}, {})",
                           a.Int(bureau_), a.Int(person), a.Int(from), a.Int(until), a.Int(kStart)),
               a);
      if (hook) return service_->CheckQualifications(sql, {person});
      return {};
    }));
  }
  void Evaluate(std::int64_t case_id) {
    ASSERT_TRUE(db().Write([&](soci::session& sql) { return service_->OnCaseChanged(sql, case_id); }));
  }
  std::int64_t QualAlerts(std::int64_t case_id) {
    return Count(
        fmt::format("SELECT COUNT(*) FROM alerts WHERE case_id = {} AND rule_id = 'no_qualification'", case_id));
  }
  std::string Message(std::int64_t case_id, const std::string& key) {
    return Text(fmt::format("SELECT message FROM alerts WHERE case_id = {} AND clock_key = '{}'", case_id, key));
  }
  std::string Key(const char* role, std::int64_t person) { return fmt::format("no_qualification|{}|{}", role, person); }
};

TEST_F(QualificationTest, MissingQualificationRaisesAnAlertThatClearsWhenOneIsRecorded) {
  const std::int64_t c = AddCase(team_a_, "criminal", officer_a_, kStart);
  Evaluate(c);
  ASSERT_EQ(QualAlerts(c), 1);
  EXPECT_EQ(Text(fmt::format("SELECT state FROM alerts WHERE case_id = {} AND rule_id = 'no_qualification'", c)),
            "overdue");
  EXPECT_EQ(Message(c, Key("lead", officer_a_)), "主办民警张警官受案之日（2024-03-04）无有效执法资格：未登记执法资格");
  // Evaluating again changes nothing.
  Evaluate(c);
  EXPECT_EQ(QualAlerts(c), 1);
  // Recorded through the exams hook, valid on the day: the alert clears at once.
  Qualify(officer_a_, At(2022, 5, 1), At(2025, 4, 30), /*hook=*/true);
  EXPECT_EQ(QualAlerts(c), 0);
}

TEST_F(QualificationTest, ExpiredOrLaterQualificationDoesNotCountAndValidOneDoes) {
  const std::int64_t expired = AddCase(team_a_, "criminal", officer_a_, kStart);
  Qualify(officer_a_, At(2020, 1, 1), At(2024, 3, 3));  // 有效期至 the day before 受案
  Evaluate(expired);
  EXPECT_EQ(Message(expired, Key("lead", officer_a_)),
            "主办民警张警官受案之日（2024-03-04）无有效执法资格：执法资格已于 2024-03-03 到期");
  const std::int64_t later = AddCase(team_b_, "criminal", officer_b_, kStart);
  Qualify(officer_b_, kStart + kDay, At(2027, 1, 1));  // obtained the day after
  Evaluate(later);
  EXPECT_EQ(Message(later, Key("lead", officer_b_)),
            "主办民警李警官受案之日（2024-03-04）无有效执法资格：执法资格 2024-03-05 方取得");
  // The last day of validity is the day of 受案: qualified.
  const std::int64_t head_case = AddCase(team_a_, "criminal", head_a_, At(2026, 6, 30, 23));
  Evaluate(head_case);
  EXPECT_EQ(QualAlerts(head_case), 0);
}

TEST_F(QualificationTest, AssistingOfficerAndChangeOfOfficerAndReevaluation) {
  const std::int64_t c = AddCase(team_a_, "criminal", head_a_, kStart);  // a qualified 主办
  ASSERT_TRUE(db().Write([&](soci::session& sql) -> Result<void> {
    db::SqlArgs a;
    db::Exec(
        sql,
        fmt::format("INSERT INTO case_officers (case_id, person_id, role, bureau_id) VALUES ({}, {}, 'assist', {})",
                    a.Int(c), a.Int(officer_a_), a.Int(bureau_)),
        a);
    return {};
  }));
  Evaluate(c);
  ASSERT_EQ(QualAlerts(c), 1);
  EXPECT_EQ(Message(c, Key("assist", officer_a_)).substr(0, 12), "协办民警");
  // The 协办 is taken off the case: cleared on the next evaluation.
  ASSERT_TRUE(db().Write([&](soci::session& sql) -> Result<void> {
    db::SqlArgs a;
    db::Exec(sql, fmt::format("DELETE FROM case_officers WHERE case_id = {} AND role = 'assist'", a.Int(c)), a);
    return {};
  }));
  Evaluate(c);
  EXPECT_EQ(QualAlerts(c), 0);
  // A new 主办 without qualification, stored without an evaluation: the bulk re-evaluation finds it,
  // and clears it once the record exists (recorded without the hook).
  ASSERT_TRUE(db().Write([&](soci::session& sql) -> Result<void> {
    db::SqlArgs a;
    db::Exec(sql, fmt::format("UPDATE cases SET lead_officer_id = {} WHERE id = {}", a.Int(officer_b_), a.Int(c)), a);
    return {};
  }));
  ASSERT_TRUE(service_->ReevaluateAll());
  EXPECT_EQ(QualAlerts(c), 1);
  Qualify(officer_b_, At(2023, 1, 1), At(2026, 1, 1));
  ASSERT_TRUE(service_->ReevaluateAll());
  EXPECT_EQ(QualAlerts(c), 0);
}

// 辅警 do not sit the 执法资格 examination: an auxiliary officer assisting on a case is not checked.
TEST_F(QualificationTest, AuxiliaryOfficerIsNotChecked) {
  const std::int64_t aux = AddPerson(team_a_, "周辅警");
  const std::int64_t c = AddCase(team_a_, "criminal", head_a_, kStart);
  ASSERT_TRUE(db().Write([&](soci::session& sql) -> Result<void> {
    db::SqlArgs a;
    db::Exec(sql, fmt::format("UPDATE people SET kind = '辅警' WHERE id = {}", a.Int(aux)), a);
    db::SqlArgs b;
    db::Exec(
        sql,
        fmt::format("INSERT INTO case_officers (case_id, person_id, role, bureau_id) VALUES ({}, {}, 'assist', {})",
                    b.Int(c), b.Int(aux), b.Int(bureau_)),
        b);
    return {};
  }));
  Evaluate(c);
  EXPECT_EQ(QualAlerts(c), 0);
  // The same person as a 民警 is checked.
  ASSERT_TRUE(db().Write([&](soci::session& sql) -> Result<void> {
    db::SqlArgs a;
    db::Exec(sql, fmt::format("UPDATE people SET kind = '民警' WHERE id = {}", a.Int(aux)), a);
    return {};
  }));
  Evaluate(c);
  EXPECT_EQ(QualAlerts(c), 1);
}

TEST_F(QualificationTest, BureauWithoutARegisterIsNotChecked) {
  ASSERT_TRUE(db().Write([&](soci::session& sql) -> Result<void> {
    db::Exec(sql, "DELETE FROM exam_qualifications");
    return {};
  }));
  const std::int64_t c = AddCase(team_a_, "criminal", officer_a_, kStart);
  Evaluate(c);
  EXPECT_EQ(QualAlerts(c), 0);
}

TEST_F(QualificationTest, AlertCentreShowsItToTheLegalOfficerNotToAnotherUnit) {
  const std::int64_t c = AddCase(team_a_, "criminal", officer_a_, kStart);
  Evaluate(c);
  auto legal = SignedIn("legal");
  auto r = legal.Get("/api/alerts");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json["total"], 1) << r.body;
  EXPECT_EQ(r.json["items"][0]["rule_id"], "no_qualification");
  EXPECT_EQ(r.json["items"][0]["rule_name"], "办案民警无有效执法资格");
  EXPECT_EQ(r.json["items"][0]["case_id"], c);
  r = legal.Get("/api/alerts?rule_id=no_qualification");
  EXPECT_EQ(r.json["total"], 1) << r.body;
  r = legal.Get(fmt::format("/api/cases/{}/alerts", c));
  ASSERT_EQ(r.status, 200) << r.body;
  bool found = false;
  for (const auto& a : r.json["items"].is_array() ? r.json["items"] : r.json)
    found = found || a["rule_id"] == "no_qualification";
  EXPECT_TRUE(found) << r.body;
  auto b = SignedIn("leader_b");
  r = b.Get("/api/alerts?state=running,pre_warn,overdue,done,done_late,missing");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["total"], 0) << r.body;
  EXPECT_EQ(b.Get(fmt::format("/api/cases/{}/alerts", c)).status, 404);
}

TEST_F(QualificationTest, LedgerChargesTheLeadOfficerInTheMonthOfAcceptance) {
  const std::int64_t c = AddCase(team_a_, "criminal", officer_a_, kStart);
  ASSERT_TRUE(db().Write([&](soci::session& sql) -> Result<void> {
    db::SqlArgs a;
    db::Exec(
        sql,
        fmt::format("INSERT INTO case_officers (case_id, person_id, role, bureau_id) VALUES ({}, {}, 'assist', {})",
                    a.Int(c), a.Int(officer_b_), a.Int(bureau_)),
        a);
    return {};
  }));
  Evaluate(c);
  ASSERT_EQ(QualAlerts(c), 2);  // 主办 and 协办
  const auto source = oversight::MakeQualificationSource();
  EXPECT_EQ(source->id(), "qualification");
  auto collect = [&](const char* month) {
    std::vector<points::RawFact> facts;
    db().Read([&](soci::session& sql) {
      auto ok = source->Collect(sql, points::MakeMonthScope(bureau_, *points::ParseMonth(month), kStart), facts);
      EXPECT_TRUE(ok);
      return 0;
    });
    return facts;
  };
  EXPECT_TRUE(collect("2024-02").empty());
  auto facts = collect("2024-03");
  ASSERT_EQ(facts.size(), 1u);  // the 协办 is not charged
  EXPECT_EQ(facts[0].act, "no_qualification");
  ASSERT_EQ(facts[0].officers.size(), 1u);
  EXPECT_EQ(facts[0].officers[0].person_id, officer_a_);
  auto scheme = scoring::ParseScheme(scoring::DefaultSchemeDocument());
  ASSERT_TRUE(scheme) << scheme.error().message;
  const auto entries = scoring::ComputeLedger(*scheme, 1, facts);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].person_id, officer_a_);
  EXPECT_EQ(entries[0].points, -200);
  EXPECT_NE(entries[0].reason.find("无有效执法资格"), std::string::npos) << entries[0].reason;
  // Recorded: the fact is gone from the month.
  Qualify(officer_a_, At(2022, 1, 1), At(2025, 1, 1), /*hook=*/true);
  EXPECT_TRUE(collect("2024-03").empty());
}

}  // namespace
}  // namespace fazhi::testing
