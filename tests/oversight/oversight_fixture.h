// A real HTTP server with the core routes and the oversight routes over a fresh test database
// (SQLite, or PostgreSQL when FAZHI_TEST_DB is set), a ManualClock to make deadlines pass, and a
// seeded organisation with officers, a 法制员, a unit head and accounts linked to them.
//
// The App is created (for the database, auth, the job runner and core routes) but not started; this
// fixture runs its own http::Server over a router holding the core routes plus the routes of
// oversight, notify and orders (with oversight's order sources registered), so the tests do not
// depend on how the App wires the modules in.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "app/app.h"
#include "http/http_fixture.h"
#include "notify/notify_routes.h"
#include "orders/orders_routes.h"
#include "oversight/order_sources.h"
#include "oversight/oversight.h"
#include "support/seed.h"

namespace fazhi::testing {

class OversightTest : public ::testing::Test {
 protected:
  static constexpr const char* kPassword = "Test@2026x";
  // 2024-03-04 14:00 local (06:00 UTC): a working Monday.
  static constexpr EpochSeconds kStart = 1709532000;

  virtual orders::Options MakeOrderOptions() {
    orders::Options o;
    o.attachment_dir = (db_.dir() / "attachments").string();
    return o;
  }

  void SetUp() override {
    clock_ = std::make_unique<ManualClock>(kStart);
    Config c;
    c.db_url = db_.url();
    c.key_file = db_.key_file();
    c.listen = "127.0.0.1:0";
    c.http_threads = 8;
    c.db_pool = 4;
    c.auth.session_cache_ms = 0;  // accounts are linked to people in SQL after sign-in (LinkUser)
    auto app = App::Create(c, clock_.get());
    ASSERT_TRUE(app) << app.error().message;
    app_ = std::move(*app);
    orders_ = std::make_unique<orders::OrderService>(app_->db(), *clock_, MakeOrderOptions());
    auto sources = oversight::RegisterOrderSources(*orders_);
    ASSERT_TRUE(sources) << sources.error().message;
    notify_ = std::make_unique<notify::NotificationService>(app_->db(), *clock_);
    service_ = std::make_unique<oversight::OversightService>(app_->db(), *clock_, app_->jobs());
    auto init = service_->Init();
    ASSERT_TRUE(init) << init.error().message;
    service_->SetOrders(orders_.get());
    RegisterCoreRoutes(router_, *app_);
    oversight::RegisterRoutes(router_, *service_);
    notify::RegisterRoutes(router_, *notify_);
    orders::RegisterRoutes(router_, *orders_);
    http::ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.threads = 8;
    auth::AuthService* auth = &app_->auth();
    server_ = std::make_unique<http::Server>(
        router_, [auth](std::string_view token) { return auth->Authenticate(token); }, o);
    auto port = server_->Bind();
    ASSERT_TRUE(port) << port.error().message;
    port_ = *port;
    thread_ = std::thread([this] { server_->Run(); });
    Seed();
  }

  void TearDown() override {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
  }

  db::Database& db() { return app_->db(); }

  // ---- seeding (plain SQL: the tests must not depend on other modules' services) ----

  std::int64_t AddUnit(std::optional<std::int64_t> parent, const std::string& name, const std::string& level) {
    return seed::Unit(db(), parent, name, level, kStart);
  }

  std::int64_t AddPerson(std::int64_t unit, const std::string& name, const std::string& position = "",
                         bool legal = false) {
    static int badge = 100000;
    const std::string badge_no = std::to_string(++badge);
    return db()
        .Write([&](soci::session& sql) -> Result<std::int64_t> {
          long long now = kStart, id = 0, u = unit, b = bureau_ ? bureau_ : unit;
          int is_legal = legal ? 1 : 0;
          sql << "INSERT INTO people (bureau_id, unit_id, name, badge_no, kind, position, is_legal_officer, "
                 "created_at, "
                 "updated_at) VALUES (:b, :u, :n, :badge, '民警', :pos, :l, :t, :t2) RETURNING id",
              soci::use(b), soci::use(u), soci::use(name), soci::use(badge_no), soci::use(position),
              soci::use(is_legal), soci::use(now), soci::use(now), soci::into(id);
          return static_cast<std::int64_t>(id);
        })
        .value();
  }

  std::int64_t AddUser(const std::string& username, const std::string& role, std::int64_t unit,
                       std::optional<std::int64_t> person = std::nullopt) {
    static const std::string hash = auth::HashPassword(kPassword);
    return seed::User(db(), username, hash, unit, role, kStart, person);
  }

  // A case in `unit` (status accepted) with `lead` as 主办 and the seeded 法制员 bound.
  std::int64_t AddCase(std::int64_t unit, const std::string& type, std::int64_t lead, EpochSeconds accepted_at,
                       const std::string& title = "测试案件") {
    static int seq = 0;
    const std::string ext = "A" + std::to_string(++seq);
    return db()
        .Write([&](soci::session& sql) -> Result<std::int64_t> {
          long long now = clock_->Now(), id = 0, u = unit, b = bureau_, l = lead, legal = legal_person_,
                    acc = accepted_at;
          sql << "INSERT INTO cases (bureau_id, unit_id, external_id, case_type, cause, title, status, "
                 "lead_officer_id, "
                 "legal_officer_id, accepted_at, created_at, updated_at) VALUES (:b, :u, :e, :ty, '盗窃', :ti, "
                 "'accepted', "
                 ":l, :lg, :a, :t, :t2) RETURNING id",
              soci::use(b), soci::use(u), soci::use(ext), soci::use(type), soci::use(title), soci::use(l),
              soci::use(legal), soci::use(acc), soci::use(now), soci::use(now), soci::into(id);
          sql << "INSERT INTO case_officers (case_id, person_id, role, bureau_id) VALUES (:c, :p, 'lead', :b)",
              soci::use(id), soci::use(l), soci::use(b);
          return static_cast<std::int64_t>(id);
        })
        .value();
  }

  void AddCasePerson(std::int64_t case_id, const std::string& ref, const std::string& role, int age = 30) {
    db().Write([&](soci::session& sql) -> Result<void> {
          long long c = case_id, b = bureau_, now = clock_->Now();
          int a = age;
          sql << "INSERT INTO case_persons (bureau_id, case_id, ref, name, role, age, created_at) VALUES (:b, :c, :r, "
                 ":n, "
                 ":ro, :a, :t)",
              soci::use(b), soci::use(c), soci::use(ref), soci::use(ref), soci::use(role), soci::use(a), soci::use(now);
          return {};
        })
        .value();
  }

  // Stores an event and re-evaluates the case in the same transaction, as the cases module does.
  std::int64_t AddEvent(std::int64_t case_id, const std::string& type, EpochSeconds at, const std::string& person = "",
                        const std::string& item = "", const nlohmann::json& attrs = nlohmann::json::object()) {
    auto r = db().Write([&](soci::session& sql) -> Result<std::int64_t> {
      long long c = case_id, b = bureau_, t = at, now = clock_->Now(), id = 0;
      const std::string attrs_text = attrs.dump();
      soci::indicator pi = person.empty() ? soci::i_null : soci::i_ok, ii = item.empty() ? soci::i_null : soci::i_ok;
      sql << "INSERT INTO case_events (bureau_id, case_id, type, at, person_ref, item_code, attrs, source, "
             "recorded_at) "
             "VALUES (:b, :c, :ty, :at, :p, :i, :a, 'api', :now) RETURNING id",
          soci::use(b), soci::use(c), soci::use(type), soci::use(t), soci::use(person, pi), soci::use(item, ii),
          soci::use(attrs_text), soci::use(now), soci::into(id);
      auto ok = service_->OnCaseChanged(sql, case_id);
      if (!ok) return std::unexpected(ok.error());
      return static_cast<std::int64_t>(id);
    });
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r.value_or(0);
  }

  std::int64_t Count(const std::string& query) {
    return db().Read([&](soci::session& sql) {
      long long n = 0;
      sql << query, soci::into(n);
      return static_cast<std::int64_t>(n);
    });
  }

  std::string Text(const std::string& query) {
    return db().Read([&](soci::session& sql) {
      std::string s;
      soci::indicator ind = soci::i_null;
      sql << query, soci::into(s, ind);
      return ind == soci::i_ok ? s : std::string();
    });
  }

  void Seed() {
    city_ = AddUnit(std::nullopt, "测试市公安局", "city");
    bureau_ = AddUnit(city_, "城区分局", "bureau");
    team_a_ = AddUnit(bureau_, "东街派出所", "team");
    team_b_ = AddUnit(bureau_, "西街派出所", "team");
    officer_a_ = AddPerson(team_a_, "张警官");
    head_a_ = AddPerson(team_a_, "王所长", "所长");
    officer_b_ = AddPerson(team_b_, "李警官");
    legal_person_ = AddPerson(bureau_, "赵法制", "法制员", true);
    legal_user_ = AddUser("legal", "legal_officer", bureau_, legal_person_);
    officer_a_user_ = AddUser("off_a", "case_officer", team_a_, officer_a_);
    head_a_user_ = AddUser("head_a", "case_officer", team_a_, head_a_);
    officer_b_user_ = AddUser("off_b", "case_officer", team_b_, officer_b_);
    leader_b_user_ = AddUser("leader_b", "leader", team_b_);
  }

  Client SignedIn(const std::string& user) {
    Client c(port_);
    auto r = c.Login(user, kPassword);
    EXPECT_EQ(r.status, 200) << r.body;
    return c;
  }

  std::unique_ptr<ManualClock> clock_;
  TestDb db_;
  std::unique_ptr<App> app_;
  std::unique_ptr<orders::OrderService> orders_;
  std::unique_ptr<notify::NotificationService> notify_;
  std::unique_ptr<oversight::OversightService> service_;
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
  int port_ = 0;
  std::int64_t city_ = 0, bureau_ = 0, team_a_ = 0, team_b_ = 0;
  std::int64_t officer_a_ = 0, head_a_ = 0, officer_b_ = 0, legal_person_ = 0;
  std::int64_t legal_user_ = 0, officer_a_user_ = 0, head_a_user_ = 0, officer_b_user_ = 0, leader_b_user_ = 0;
};

}  // namespace fazhi::testing
