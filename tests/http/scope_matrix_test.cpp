// Scope matrix: on the full demo data (组织机构 + 2023 案件 + 执法巡查 + 积分), users whose unit is one 派出所
// call EVERY registered GET endpoint without path parameters; no JSON or text answer may mention
// another 派出所 (its units, people, cases, alerts, points, audit rows …). New list endpoints are
// covered automatically as they are registered.
#include <gtest/gtest.h>

#include "app/app.h"
#include "auth/password.h"
#include "cases/case_service.h"
#include "http/http_fixture.h"
#include "inspections/inspections_demo.h"
#include "intake/intake_demo.h"
#include "intake/intake_module.h"
#include "org/org_demo.h"
#include "oversight/oversight_service.h"
#include "scoring/scoring_demo.h"
#include "scoring/scoring_service.h"
#include "support/test_db.h"

namespace fazhi::testing {
namespace {

class ScopeMatrixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_ = std::make_unique<ManualClock>(1767225600);  // 2026-01-01
    Config c;
    c.db_url = db_.url();
    c.key_file = db_.key_file();
    c.listen = "127.0.0.1:0";
    c.http_threads = 8;
    c.db_pool = 4;
    c.sweep_interval_seconds = 0;
    c.attachment_dir = (db_.dir() / "attachments").string();
    auto app = App::Create(c, clock_.get());
    ASSERT_TRUE(app) << app.error().message;
    app_ = std::move(*app);
    auto org = org::GenerateDemo(app_->db(), *clock_, app_->vault());
    ASSERT_TRUE(org) << org.error().message;
    auto cases = cases::GenerateCaseDemo(app_->db(), *clock_, app_->vault(), &app_->oversight(), 2023);
    ASSERT_TRUE(cases) << cases.error().message;
    // 三级执法巡查: the demo year's tasks, findings and 督办 at the three levels.
    auto inspections = inspections::GenerateInspectionDemo(app_->db(), *clock_, 2023);
    ASSERT_TRUE(inspections) << inspections.error().message;
    // 接报案大厅: the demo year's tickets, routed to every 派出所 and the 法制大队.
    auto intake = intake::GenerateIntakeDemo(app_->db(), app_->vault(),
                                             app_->modules().Find<intake::IntakeModule>()->service(), 2023);
    ASSERT_TRUE(intake) << intake.error().message;
    auto points = scoring::GenerateScoringDemo(app_->db(), *clock_, 2023, app_->scoring().sources());
    ASSERT_TRUE(points) << points.error().message;
    // Accounts scoped to 东街派出所, one per kind of reader.
    const std::string hash = auth::HashPassword(kPassword);
    app_->db().Write([&](soci::session& sql) -> Result<void> {
      long long unit = 0;
      sql << "SELECT id FROM units WHERE name = '东街派出所'", soci::into(unit);
      unit_ = unit;
      for (const auto& [name, role] :
           std::vector<std::pair<std::string, std::string>>{{"east_admin", "sys_admin"},
                                                            {"east_auditor", "audit_admin"},
                                                            {"east_leader", "leader"},
                                                            {"east_legal", "legal_officer"}}) {
        long long now = 1767225600, id = 0;
        sql << "INSERT INTO users (username, display_name, password_hash, unit_id, created_at, updated_at) "
               "VALUES (:u, :d, :h, :unit, :t, :t2) RETURNING id",
            soci::use(name), soci::use(name), soci::use(hash), soci::use(unit), soci::use(now), soci::use(now),
            soci::into(id);
        sql << "INSERT INTO user_roles (user_id, role) VALUES (:u, :r)", soci::use(id), soci::use(role);
      }
      return {};
    });
    auto port = app_->StartInBackground();
    ASSERT_TRUE(port) << port.error().message;
    port_ = *port;
  }
  void TearDown() override {
    if (app_) app_->Stop();
  }

  static constexpr const char* kPassword = "Scope@2026x";
  TestDb db_;
  std::unique_ptr<ManualClock> clock_;
  std::unique_ptr<App> app_;
  std::int64_t unit_ = 0;
  int port_ = 0;
};

TEST_F(ScopeMatrixTest, NoEndpointShowsAnotherStationsData) {
  const std::vector<std::string> others = {"西街派出所", "南街派出所", "北街派出所", "钟家庄派出所"};
  // Query strings that make parameterised list endpoints return data rather than a 400.
  const std::string month_query = "?month=2023-07&year=2023&format=csv";
  int checked = 0;
  for (const std::string user : {"east_admin", "east_auditor", "east_leader", "east_legal", "minjing"}) {
    Client c(port_);
    const std::string pw = user == "minjing" ? "Demo@2026" : kPassword;
    ASSERT_EQ(c.Login(user, pw).status, 200) << user;
    for (const auto& r : app_->router().Routes()) {
      if (r.method != http::Method::kGet || r.pattern.find('{') != std::string::npos) continue;
      for (const std::string& query : {std::string(), month_query}) {
        auto res = c.Get(r.pattern + query);
        if (res.status != 200) continue;  // forbidden or needs other parameters: nothing shown
        const auto type = res.headers.find("Content-Type");
        if (type != res.headers.end() && type->second.find("spreadsheetml") != std::string::npos) continue;
        ++checked;
        for (const auto& other : others)
          EXPECT_EQ(res.body.find(other), std::string::npos)
              << user << " GET " << r.pattern + query << " shows data of " << other;
      }
    }
  }
  EXPECT_GT(checked, 40);  // the matrix really exercised the endpoints
}

}  // namespace
}  // namespace fazhi::testing
