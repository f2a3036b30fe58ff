// The demo year: volumes, determinism, idempotence, linked demo users, and — through the real rule
// engine — a realistic share of late or missing acts.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>

#include <fmt/format.h>
#include "cases/timeline_store.h"

#include "cases_module/cases_fixture.h"
#include "db/sql.h"
#include "org/org_demo.h"
#include "supervision/calendar.h"
#include "supervision/catalog.h"
#include "supervision/engine.h"

namespace fazhi::testing {
namespace {

class CaseDemoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = test_db_.Open();
    auto vault = auth::Vault::Open(test_db_.key_file());
    ASSERT_TRUE(vault);
    vault_ = std::make_unique<auth::Vault>(*vault);
  }
  std::int64_t Scalar(const std::string& q) { return Seeder{*db_, 0}.Scalar(q); }

  TestDb test_db_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<auth::Vault> vault_;
  ManualClock clock_{1768435200};  // 2026-01-15
  FakeHooks hooks_;
};

TEST_F(CaseDemoTest, NeedsTheOrganisation) {
  auto r = cases::GenerateCaseDemo(*db_, clock_, *vault_, &hooks_, 2023);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
}

TEST_F(CaseDemoTest, AYearOfCases) {
  ASSERT_TRUE(org::GenerateDemo(*db_, clock_, *vault_));
  const auto start = std::chrono::steady_clock::now();
  auto r = cases::GenerateCaseDemo(*db_, clock_, *vault_, &hooks_, 2023);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(r) << r.error().message;
  std::printf("demo 2023: %d incidents, %d cases, %d events in %.1f s (this build)\n", r->incidents, r->cases,
              r->events, seconds);
  EXPECT_FALSE(r->already_present);
  EXPECT_EQ(r->incidents, 1500);
  EXPECT_EQ(r->cases, 1500);
  EXPECT_GT(r->events, 15000);
  // The living slice: the 28 days before now (2025-12-18 … 2026-01-14), cut at now.
  EXPECT_GE(r->live_cases, 94);  // 40 criminal + 60 administrative + 4 at work this hour
  EXPECT_LE(r->live_cases, 104);
  EXPECT_GT(r->live_events, 300);
  const std::int64_t all_cases = 1500 + r->live_cases;
  EXPECT_EQ(hooks_.ChangedCount(), static_cast<std::size_t>(all_cases));
  const std::string in_year = " AND accepted_at < 1704038400";  // 2024-01-01 00:00 北京时间
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM cases WHERE case_type = 'criminal'" + in_year), 600);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM cases WHERE case_type = 'administrative'" + in_year), 900);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM cases WHERE accepted_at >= 1765987200"), r->live_cases);  // 2025-12-18
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM case_events"), r->events + r->live_events);
  EXPECT_GT(Scalar("SELECT COUNT(*) FROM incidents WHERE case_id IS NOT NULL"), 700);
  EXPECT_GT(Scalar("SELECT COUNT(*) FROM property_items WHERE status = 'in_storage'"), 100);
  // Every case has its 主办 in case_officers and most have a bound 法制员.
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM case_officers WHERE role = 'lead'"), all_cases);
  EXPECT_GT(Scalar("SELECT COUNT(*) FROM cases WHERE legal_officer_id IS NOT NULL"), 1400);
  // The demo logins have work: minjing leads cases, fazhiyuan is bound to many.
  EXPECT_GE(Scalar("SELECT COUNT(*) FROM cases c JOIN users u ON u.person_id = c.lead_officer_id WHERE u.username = "
                   "'minjing'"),
            20);
  EXPECT_GE(Scalar("SELECT COUNT(*) FROM cases c JOIN users u ON u.person_id = c.legal_officer_id WHERE u.username = "
                   "'fazhiyuan'"),
            300);
  // Statuses spread over the state machine.
  EXPECT_GT(Scalar("SELECT COUNT(*) FROM cases WHERE status = 'transferred'"), 200);
  EXPECT_GT(Scalar("SELECT COUNT(*) FROM cases WHERE status = 'closed'"), 500);
  EXPECT_GT(Scalar("SELECT COUNT(*) FROM cases WHERE status = 'investigating'"), 20);
  for (const char* category : {"电信网络诈骗", "涉黑涉恶", "拐卖", "经济犯罪", "黄赌", "毒品", "民生小案"})
    EXPECT_GT(Scalar(std::string("SELECT COUNT(*) FROM cases WHERE category = '") + category + "'"), 0) << category;

  // Through the engine: a realistic share of cases carries a violation, from many rules.
  const auto& catalog = supervision::ShippedCatalog();
  const auto& calendar = supervision::ShippedCalendar();
  std::vector<std::int64_t> ids;
  std::set<std::int64_t> of_the_year;  // cases of the demo year, not of the living slice
  db_->Read([&](soci::session& sql) {
    db::Each(sql, "SELECT id, accepted_at FROM cases ORDER BY id", {}, [&](const db::Row& row) {
      ids.push_back(row.Int("id"));
      if (row.Int("accepted_at") < clock_.Now() - 40 * 86400) of_the_year.insert(row.Int("id"));
    });
    return 0;
  });
  int with_violation = 0, overdue = 0, running = 0, pre_warn = 0, overdue_of_the_year = 0;
  std::map<std::string, int> by_rule;
  db_->Read([&](soci::session& sql) {
    for (std::int64_t id : ids) {
      auto tl = cases::LoadTimeline(sql, id);
      EXPECT_TRUE(tl) << tl.error().message;
      if (!tl) continue;
      bool bad = false;
      for (const auto& res : supervision::Evaluate(*tl, clock_.Now(), catalog, calendar)) {
        if (res.state == supervision::RuleState::kOverdue || res.state == supervision::RuleState::kDoneLate ||
            res.state == supervision::RuleState::kMissing) {
          bad = true;
          overdue += res.state == supervision::RuleState::kOverdue;
          overdue_of_the_year += res.state == supervision::RuleState::kOverdue && of_the_year.contains(id);
          ++by_rule[res.rule->id + ":" + std::string(supervision::RuleStateId(res.state))];
        }
        running += res.state == supervision::RuleState::kRunning;
        pre_warn += res.state == supervision::RuleState::kPreWarn;
      }
      with_violation += bad;
    }
    return 0;
  });
  std::string summary;
  for (const auto& [rule, n] : by_rule) summary += fmt::format("{}={} ", rule, n);
  std::printf("cases with a violation: %d of %zu (%.1f%%): %s\n", with_violation, ids.size(),
              100.0 * with_violation / static_cast<double>(ids.size()), summary.c_str());
  EXPECT_GE(with_violation, 60);   // ≥ 4 %
  EXPECT_LE(with_violation, 240);  // ≤ 16 %
  EXPECT_GE(by_rule.size(), 8u);
  EXPECT_GT(overdue, 0);  // some acts of the living slice were never recorded: 告警 today
  // …but none of the demo year: a 告警 years old would head the alert centre (issue 11).
  EXPECT_EQ(overdue_of_the_year, 0);
  // The living slice keeps the system at work on any date: clocks running, some in 预警 now.
  std::printf("clocks now: %d running, %d in 预警, %d in 告警\n", running, pre_warn, overdue);
  EXPECT_GT(running, 20);
  EXPECT_GT(pre_warn, 0);

  // Idempotent: a second run writes nothing.
  hooks_.changed.clear();
  auto again = cases::GenerateCaseDemo(*db_, clock_, *vault_, &hooks_, 2023);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->already_present);
  EXPECT_EQ(again->cases, all_cases);
  EXPECT_TRUE(hooks_.changed.empty());
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM cases"), all_cases);
}

TEST_F(CaseDemoTest, CurrentYearStopsAtNow) {
  ASSERT_TRUE(org::GenerateDemo(*db_, clock_, *vault_));
  ManualClock mid_year{1688140800};  // 2023-07-01
  auto r = cases::GenerateCaseDemo(*db_, mid_year, *vault_, nullptr, 2023);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_LT(r->cases, 1000);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM case_events WHERE at > 1688140800"), 0);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM cases WHERE accepted_at > 1688140800"), 0);
}

}  // namespace
}  // namespace fazhi::testing
