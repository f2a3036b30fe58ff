// Runs a real fazhi App on 127.0.0.1 (any free port) over a fresh test database, with a manual
// clock, and talks to it with an HTTP client that keeps the session cookie and CSRF token.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "app/app.h"
#include "auth/password.h"
#include "support/seed.h"
#include "support/test_db.h"

namespace fazhi::testing {

struct Response {
  int status = 0;
  nlohmann::json json;
  std::string body;
  httplib::Headers headers;
  std::string Code() const { return json.contains("error") ? json["error"].value("code", "") : ""; }
  std::string Message() const { return json.contains("error") ? json["error"].value("message", "") : ""; }
};

// One browser-like client: keeps its cookie and CSRF token.
class Client {
 public:
  explicit Client(int port) : cli_("127.0.0.1", port) {}
  Response Get(const std::string& path) { return Wrap(cli_.Get(path, Headers(false))); }
  Response Post(const std::string& path, const std::string& body, bool with_csrf = true) {
    return Wrap(cli_.Post(path, Headers(with_csrf), body, "application/json"));
  }
  Response Post(const std::string& path, const nlohmann::json& body, bool with_csrf = true) {
    return Post(path, body.dump(), with_csrf);
  }
  Response Put(const std::string& path, const nlohmann::json& body, bool with_csrf = true) {
    return Wrap(cli_.Put(path, Headers(with_csrf), body.dump(), "application/json"));
  }
  Response Delete(const std::string& path) { return Wrap(cli_.Delete(path, Headers(true))); }
  Response Login(const std::string& user, const std::string& password, const std::string& totp = "") {
    nlohmann::json body = {{"username", user}, {"password", password}};
    if (!totp.empty()) body["totp_code"] = totp;
    Response r = Post("/api/auth/login", body, false);
    if (r.status == 200) csrf_ = r.json.value("csrf_token", "");
    return r;
  }
  httplib::Client& raw() { return cli_; }
  std::string& csrf() { return csrf_; }
  std::string& cookie() { return cookie_; }
  httplib::Headers Headers(bool with_csrf) const {
    httplib::Headers h;
    if (!cookie_.empty()) h.emplace("Cookie", cookie_);
    if (with_csrf && !csrf_.empty()) h.emplace("X-CSRF-Token", csrf_);
    return h;
  }
  Response Wrap(const httplib::Result& res) {
    Response r;
    if (!res) {
      ADD_FAILURE() << "HTTP request failed: " << httplib::to_string(res.error());
      return r;
    }
    r.status = res->status;
    r.body = res->body;
    r.headers = res->headers;
    r.json = nlohmann::json::parse(res->body, nullptr, false);
    auto it = res->headers.find("Set-Cookie");
    if (it != res->headers.end()) {
      const std::string& c = it->second;
      cookie_ = c.substr(0, c.find(';'));
      if (cookie_.ends_with("=")) cookie_.clear();
    }
    return r;
  }

 private:
  httplib::Client cli_;
  std::string cookie_, csrf_;
};

// Seeded organisation: 市局(1) → 城区分局 → 派出所A, 派出所B; and accounts (password kPassword):
// admin (sys_admin @ 分局), secadmin, auditor, officer_a (case_officer @ A), admin_a (sys_admin @ A).
class ServerTest : public ::testing::Test {
 protected:
  static constexpr const char* kPassword = "Test@2026x";
  static constexpr EpochSeconds kStart = 1767225600;  // 2026-01-01 00:00 UTC

  void SetUp() override {
    clock_ = std::make_unique<ManualClock>(kStart);
    Config c = BaseConfig();
    Configure(c);
    auto app = App::Create(c, clock_.get());
    ASSERT_TRUE(app) << app.error().message;
    app_ = std::move(*app);
    Seed();
    auto port = app_->StartInBackground();
    ASSERT_TRUE(port) << port.error().message;
    port_ = *port;
  }
  void TearDown() override {
    if (app_) app_->Stop();
  }
  // The test server's configuration: any free port on 127.0.0.1, the test database and key.
  Config BaseConfig() const {
    Config c;
    c.db_url = db_.url();
    c.key_file = db_.key_file();
    c.listen = "127.0.0.1:0";
    c.http_threads = 8;
    c.db_pool = 4;
    c.trusted_proxies = {"127.0.0.1"};  // tests may send X-Forwarded-For
    c.sweep_interval_seconds = 0;       // tests call app_->oversight().Sweep() after moving the clock
    c.attachment_dir = (db_.dir() / "attachments").string();
    // Tests change accounts, people and units straight in the database, which the session cache of
    // AuthService would not see for up to session_cache_ms: here every request reads its session.
    // session_revocation_test runs with the cache, as `serve` does.
    c.auth.session_cache_ms = 0;
    return c;
  }
  // A test fixture may change the configuration before the App is created.
  virtual void Configure(Config& c) { (void)c; }

  std::int64_t AddUnit(std::optional<std::int64_t> parent, const std::string& name, const std::string& level) {
    return seed::Unit(app_->db(), parent, name, level, kStart);
  }

  std::int64_t AddUser(const std::string& username, const std::string& role, std::int64_t unit) {
    static const std::string hash = auth::HashPassword(kPassword);
    return seed::User(app_->db(), username, hash, unit, role, kStart);
  }

  // A 民警 of 城区分局's roster in `unit`.
  std::int64_t AddPerson(std::int64_t unit, const std::string& name, const std::string& badge) {
    return seed::Person(app_->db(), bureau_, unit, name, badge, kStart);
  }

  void Seed() {
    city_ = AddUnit(std::nullopt, "测试市公安局", "city");
    bureau_ = AddUnit(city_, "城区分局", "bureau");
    team_a_ = AddUnit(bureau_, "东街派出所", "team");
    team_b_ = AddUnit(bureau_, "西街派出所", "team");
    admin_id_ = AddUser("admin", "sys_admin", bureau_);
    AddUser("secadmin", "sec_admin", bureau_);
    AddUser("auditor", "audit_admin", bureau_);
    officer_a_id_ = AddUser("officer_a", "case_officer", team_a_);
    admin_a_id_ = AddUser("admin_a", "sys_admin", team_a_);
    officer_b_id_ = AddUser("officer_b", "case_officer", team_b_);
  }

  Client NewClient() { return Client(port_); }
  Client SignedIn(const std::string& user) {
    Client c(port_);
    auto r = c.Login(user, kPassword);
    EXPECT_EQ(r.status, 200) << r.body;
    return c;
  }

  TestDb db_;
  std::unique_ptr<ManualClock> clock_;
  std::unique_ptr<App> app_;
  int port_ = 0;
  std::int64_t city_ = 0, bureau_ = 0, team_a_ = 0, team_b_ = 0;
  std::int64_t admin_id_ = 0, officer_a_id_ = 0, admin_a_id_ = 0, officer_b_id_ = 0;
};

}  // namespace fazhi::testing
