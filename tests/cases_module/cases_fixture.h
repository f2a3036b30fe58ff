// Fixtures of the cases module tests: a fake CaseHooks that records its calls, a service-level
// fixture over a fresh test database (SQLite, or PostgreSQL with FAZHI_TEST_DB), and an HTTP fixture
// that serves the case routes from a real http::Server on 127.0.0.1 next to the App of ServerTest.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/app.h"
#include "auth/roles.h"
#include "cases/case_routes.h"
#include "cases/case_service.h"
#include "http/http_fixture.h"
#include "http/server.h"
#include "jobs/job_runner.h"
#include "support/seed.h"
#include "support/test_db.h"

namespace fazhi::testing {

// Records OnCaseChanged / CheckTransition calls; can refuse a transition or fail an evaluation.
class FakeHooks : public cases::CaseHooks {
 public:
  Result<void> OnCaseChanged(soci::session&, std::int64_t case_id) override {
    std::lock_guard lock(mu_);
    changed.push_back(case_id);
    if (fail_changes) return Internal("评估失败（测试）");
    return {};
  }
  Result<void> CheckTransition(soci::session&, std::int64_t case_id, const std::string& from,
                               const std::string& to) override {
    std::lock_guard lock(mu_);
    transitions.push_back(std::to_string(case_id) + ":" + from + "->" + to);
    if (!refuse_to.empty() && to == refuse_to)
      return Conflict("缺少法制员审核：移送起诉前须经法制审核通过", "review_required");
    return {};
  }
  std::size_t ChangedCount() {
    std::lock_guard lock(mu_);
    return changed.size();
  }

  std::vector<std::int64_t> changed;
  std::vector<std::string> transitions;
  std::string refuse_to;
  bool fail_changes = false;

 private:
  std::mutex mu_;
};

// Seeding helpers over a raw database (units and people the way the org module stores them).
struct Seeder {
  db::Database& db;
  EpochSeconds now;

  std::int64_t Unit(std::optional<std::int64_t> parent, const std::string& name, const std::string& level,
                    const std::string& category = "") {
    return seed::Unit(db, parent, name, level, now, category);
  }

  std::int64_t Person(std::int64_t unit, const std::string& name, const std::string& badge, bool legal = false,
                      const std::string& kind = "民警") {
    return db
        .Write([&](soci::session& sql) -> Result<std::int64_t> {
          long long t = now, id = 0, u = unit, bureau = 0, lg = legal ? 1 : 0;
          sql << "SELECT bureau_id FROM units WHERE id = :u", soci::use(u), soci::into(bureau);
          sql << "INSERT INTO people (bureau_id, unit_id, name, badge_no, kind, position, is_legal_officer, active, "
                 "created_at, updated_at) VALUES (:b, :u, :n, :bn, :k, '民警', :l, 1, :t, :t2) RETURNING id",
              soci::use(bureau), soci::use(u), soci::use(name), soci::use(badge), soci::use(kind), soci::use(lg),
              soci::use(t), soci::use(t), soci::into(id);
          return static_cast<std::int64_t>(id);
        })
        .value();
  }

  void LinkUser(std::int64_t user_id, std::int64_t person_id) {
    db.Write([&](soci::session& sql) -> Result<bool> {
        long long u = user_id, p = person_id;
        sql << "UPDATE users SET person_id = :p WHERE id = :u", soci::use(p), soci::use(u);
        return true;
      }).value();
  }

  std::int64_t Scalar(const std::string& query) {
    return db.Read([&](soci::session& sql) {
      long long n = 0;
      sql << query, soci::into(n);
      return static_cast<std::int64_t>(n);
    });
  }
};

// A signed-in user as the services see one: `role`'s permissions, scope = the unit's subtree.
inline auth::Principal PrincipalAt(db::Database& db, const std::string& role, std::int64_t unit,
                                   std::optional<std::int64_t> person = std::nullopt,
                                   std::optional<std::int64_t> bureau = std::nullopt) {
  auth::Principal p;
  p.user_id = 1;
  p.username = role;
  p.roles = {role};
  p.permissions = auth::PermissionsOf(p.roles);
  p.unit_id = unit;
  p.unit_path = db.Read([&](soci::session& sql) {
    std::string path;
    long long u = unit;
    sql << "SELECT path FROM units WHERE id = :u", soci::use(u), soci::into(path);
    return path;
  });
  p.bureau_id = bureau;
  p.person_id = person;
  return p;
}

// Service-level fixture: 测试市局 → 城区分局 → 东街派出所 (A), 西街派出所 (B), 法制大队.
class CaseServiceTest : public ::testing::Test {
 protected:
  static constexpr EpochSeconds kNow = 1685577600;  // 2023-06-01 08:00 (UTC+8)

  void SetUp() override {
    db_ = test_db_.Open();
    auto vault = auth::Vault::Open(test_db_.key_file());
    ASSERT_TRUE(vault);
    vault_ = std::make_unique<auth::Vault>(*vault);
    clock_ = std::make_unique<ManualClock>(kNow);
    Seeder s{*db_, kNow};
    city_ = s.Unit(std::nullopt, "测试市公安局", "city");
    bureau_ = s.Unit(city_, "城区分局", "bureau");
    team_a_ = s.Unit(bureau_, "东街派出所", "team", "派出所");
    team_b_ = s.Unit(bureau_, "西街派出所", "team", "派出所");
    legal_team_ = s.Unit(bureau_, "法制大队", "team", "法制大队");
    officer_a_ = s.Person(team_a_, "张明", "140001");
    officer_a2_ = s.Person(team_a_, "李强", "140002");
    aux_a_ = s.Person(team_a_, "王辅", "FJ0001", false, "辅警");
    officer_b_ = s.Person(team_b_, "赵刚", "140101");
    legal_ = s.Person(legal_team_, "刘法", "140201", true);
    jobs_ = std::make_unique<jobs::JobRunner>(*db_, *clock_);
    service_ = std::make_unique<cases::CaseService>(*db_, *clock_, *vault_, *jobs_);
    service_->SetHooks(&hooks_);
  }

  auth::Principal Who(const std::string& role, std::int64_t unit, std::optional<std::int64_t> person = std::nullopt) {
    return PrincipalAt(*db_, role, unit, person, bureau_);
  }
  audit::Actor Actor() { return {.username = "test"}; }

  // A criminal case of team A led by officer_a_, with suspect p1 (no events beyond 受案).
  cases::CaseDetail NewCase(const std::string& type = cases::kCriminal, std::int64_t unit = 0,
                            std::optional<std::int64_t> lead = std::nullopt) {
    cases::CaseInput in;
    in.case_type = type;
    in.cause = type == cases::kCriminal ? "盗窃罪" : "殴打他人";
    in.category = "民生小案";
    in.unit_id = unit ? unit : team_a_;
    in.lead_officer_id = lead.value_or(unit == team_b_ ? officer_b_ : officer_a_);
    in.accepted_at = kNow - 10 * 86400;
    auto c = service_->CreateCase(Who("case_officer", in.unit_id.value()), Actor(), in);
    EXPECT_TRUE(c) << (c ? "" : c.error().message);
    cases::CasePersonInput p;
    p.ref = "p1";
    p.name = "嫌疑人甲";
    p.role = "suspect";
    p.age = 30;
    auto person = service_->AddPerson(Who("case_officer", in.unit_id.value()), Actor(), c->header.id, p);
    EXPECT_TRUE(person) << (person ? "" : person.error().message);
    return *c;
  }

  Result<cases::CaseEvent> Event(std::int64_t case_id, nlohmann::json obj, std::int64_t unit = 0) {
    return service_->AddEvent(Who("case_officer", unit ? unit : team_a_), Actor(), case_id, {std::move(obj)});
  }

  std::int64_t EventCount(std::int64_t case_id) {
    return Seeder{*db_, kNow}.Scalar("SELECT COUNT(*) FROM case_events WHERE case_id = " + std::to_string(case_id));
  }

  TestDb test_db_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<auth::Vault> vault_;
  std::unique_ptr<ManualClock> clock_;
  std::unique_ptr<jobs::JobRunner> jobs_;  // destroyed after the service, which waits for its jobs
  FakeHooks hooks_;
  std::unique_ptr<cases::CaseService> service_;
  std::int64_t city_ = 0, bureau_ = 0, team_a_ = 0, team_b_ = 0, legal_team_ = 0;
  std::int64_t officer_a_ = 0, officer_a2_ = 0, aux_a_ = 0, officer_b_ = 0, legal_ = 0;
};

// HTTP fixture: the ServerTest App (auth, sessions, core routes) plus a second http::Server that
// also serves the case routes from a CaseService with FakeHooks. Extra accounts: legal (法制员 @ 分局,
// person 刘法 in 法制大队), leader (局领导 @ 分局); officer_a/officer_b are linked to people.
class CaseHttpTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    clock_->Set(1685577600);  // 2023-06-01 08:00 local
    Seeder s{app_->db(), kStart};
    legal_team_ = s.Unit(bureau_, "法制大队", "team", "法制大队");
    person_a_ = s.Person(team_a_, "张明", "140001");
    person_a2_ = s.Person(team_a_, "李强", "140002");
    person_b_ = s.Person(team_b_, "赵刚", "140101");
    person_legal_ = s.Person(legal_team_, "刘法", "140201", true);
    s.LinkUser(officer_a_id_, person_a_);
    s.LinkUser(officer_b_id_, person_b_);
    legal_user_ = AddUser("legal", "legal_officer", bureau_);
    s.LinkUser(legal_user_, person_legal_);
    AddUser("leader", "leader", bureau_);

    service_ = std::make_unique<cases::CaseService>(app_->db(), app_->clock(), app_->vault(), app_->jobs());
    service_->SetHooks(&hooks_);
    RegisterCoreRoutes(router_, *app_);
    cases::RegisterRoutes(router_, *service_);
    http::ServerOptions o;
    o.port = 0;
    o.threads = 8;
    auth::AuthService* auth = &app_->auth();
    server_ = std::make_unique<http::Server>(
        router_, [auth](std::string_view token) { return auth->Authenticate(token); }, o);
    auto port = server_->Bind();
    ASSERT_TRUE(port) << port.error().message;
    cases_port_ = *port;
    thread_ = std::thread([this] { server_->Run(); });
  }
  void TearDown() override {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
    service_.reset();
    ServerTest::TearDown();
  }

  Client SignedInCases(const std::string& user) {
    Client c(cases_port_);
    auto r = c.Login(user, kPassword);
    EXPECT_EQ(r.status, 200) << r.body;
    return c;
  }

  // Creates a criminal case in `unit` led by `lead` through the API; returns its id.
  std::int64_t CreateCase(Client& c, std::int64_t unit, std::int64_t lead, const std::string& ext = "") {
    nlohmann::json body = {{"case_type", "criminal"}, {"cause", "盗窃罪"},       {"category", "民生小案"},
                           {"unit_id", unit},         {"lead_officer_id", lead}, {"accepted_at", "2023-05-20 09:00"}};
    if (!ext.empty()) body["external_id"] = ext;
    auto r = c.Post("/api/cases", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json.value("id", std::int64_t{0});
  }

  Response Upload(Client& c, const std::string& path, const std::string& filename, const std::string& content) {
    httplib::MultipartFormDataItems items = {{"file", content, filename, "application/octet-stream"}};
    return c.Wrap(c.raw().Post(path, c.Headers(true), items));
  }

  FakeHooks hooks_;
  std::unique_ptr<cases::CaseService> service_;
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
  int cases_port_ = 0;
  std::int64_t legal_team_ = 0, person_a_ = 0, person_a2_ = 0, person_b_ = 0, person_legal_ = 0, legal_user_ = 0;
};

}  // namespace fazhi::testing
