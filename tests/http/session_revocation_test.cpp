// Two fazhi instances on one database (the deployment with several app servers behind nginx). Each
// instance trusts a session it has read for a short time (auth::AuthConfig::session_cache_ms); a
// logout, password change, role change or disabled account made on one instance must reach the
// other within one second, and the instance that made it at once.
#include <chrono>
#include <thread>

#include "http/http_fixture.h"

namespace fazhi::testing {
namespace {

using SteadyClock = std::chrono::steady_clock;

class TwoInstancesTest : public ServerTest {
 protected:
  // Both instances trust a session they have read for the default time, as `serve` does.
  static constexpr int kCacheMs = auth::AuthConfig{}.session_cache_ms;
  void Configure(Config& c) override { c.auth.session_cache_ms = kCacheMs; }
  void SetUp() override {
    ASSERT_GT(kCacheMs, 0);
    ServerTest::SetUp();
    Config c = BaseConfig();  // the same database and key as the first instance
    c.auth.session_cache_ms = kCacheMs;
    auto app = App::Create(c, clock_.get());
    ASSERT_TRUE(app) << app.error().message;
    second_ = std::move(*app);
    auto port = second_->StartInBackground();
    ASSERT_TRUE(port) << port.error().message;
    second_port_ = *port;
  }
  void TearDown() override {
    if (second_) second_->Stop();
    ServerTest::TearDown();
  }

  // A client of the instance on `port` carrying `c`'s session.
  static Client Carrying(Client& c, int port) {
    Client other(port);
    other.cookie() = c.cookie();
    other.csrf() = c.csrf();
    return other;
  }
  Client OnSecond(Client& c) { return Carrying(c, second_port_); }

  // Milliseconds until `pred` holds for the answer of GET /api/me on `c`; -1 after 3 s.
  template <class Pred>
  long long MillisUntil(Client& c, Pred pred) {
    const auto start = SteadyClock::now();
    while (SteadyClock::now() - start < std::chrono::seconds(3)) {
      if (pred(c.Get("/api/me")))
        return std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start).count();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
  }

  static bool Unauthenticated(const Response& r) { return r.status == 401; }

  std::unique_ptr<App> second_;
  int second_port_ = 0;
};

TEST_F(TwoInstancesTest, LogoutEndsTheSessionEverywhereWithinOneSecond) {
  Client first = SignedIn("officer_a");
  Client second = OnSecond(first);
  Client first_copy = Carrying(first, port_);
  // Both instances have read the session (and may now serve it from their cache).
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(second.Get("/api/me").status, 200);
    ASSERT_EQ(first_copy.Get("/api/me").status, 200);
  }
  ASSERT_EQ(first.Post("/api/auth/logout", nlohmann::json::object()).status, 200);
  // The instance that signed out knows at once.
  EXPECT_EQ(first_copy.Get("/api/me").status, 401);
  const long long ms = MillisUntil(second, Unauthenticated);
  EXPECT_GE(ms, 0) << "the other instance still accepts the session after 3 s";
  EXPECT_LE(ms, 1000);
}

TEST_F(TwoInstancesTest, RoleChangeAndDisablingReachTheOtherInstanceWithinOneSecond) {
  Client officer = SignedIn("officer_a");
  Client there = OnSecond(officer);
  auto me = there.Get("/api/me");
  ASSERT_EQ(me.status, 200);
  ASSERT_EQ(me.json["roles"], nlohmann::json::array({"case_officer"}));

  Client admin = SignedIn("admin");
  auto changed = admin.Put("/api/users/" + std::to_string(officer_a_id_),
                           {{"roles", nlohmann::json::array({"case_officer", "legal_officer"})}});
  ASSERT_EQ(changed.status, 200) << changed.body;
  const long long role_ms =
      MillisUntil(there, [](const Response& r) { return r.status == 200 && r.json["roles"].size() == 2; });
  EXPECT_GE(role_ms, 0) << "the other instance still shows the old roles after 3 s";
  EXPECT_LE(role_ms, 1000);
  // The instance that changed the roles shows them at once.
  Client here = Carrying(officer, port_);
  EXPECT_EQ(here.Get("/api/me").json["roles"].size(), 2u);

  ASSERT_EQ(there.Get("/api/me").status, 200);
  auto disabled = admin.Put("/api/users/" + std::to_string(officer_a_id_), {{"active", false}});
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_EQ(here.Get("/api/me").status, 401);
  const long long off_ms = MillisUntil(there, Unauthenticated);
  EXPECT_GE(off_ms, 0) << "a disabled account's session still works on the other instance after 3 s";
  EXPECT_LE(off_ms, 1000);
}

TEST_F(TwoInstancesTest, PasswordChangeEndsTheOtherSessionsEverywhereWithinOneSecond) {
  Client laptop = SignedIn("officer_a");
  Client phone = SignedIn("officer_a");
  Client phone_there = OnSecond(phone);
  ASSERT_EQ(phone_there.Get("/api/me").status, 200);
  auto r = laptop.Post("/api/me/password", {{"old_password", kPassword}, {"new_password", "Changed#2026xy"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(laptop.Get("/api/me").status, 200);  // the session that changed it stays
  const long long ms = MillisUntil(phone_there, Unauthenticated);
  EXPECT_GE(ms, 0) << "another session of the account still works on the other instance after 3 s";
  EXPECT_LE(ms, 1000);
}

TEST_F(TwoInstancesTest, IdleExpiryStillHoldsForACachedSession) {
  Client c = SignedIn("officer_a");
  for (int i = 0; i < 3; ++i) ASSERT_EQ(c.Get("/api/me").status, 200);
  clock_->Advance(31 * 60);
  auto r = c.Get("/api/me");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.Code(), "session_expired");
}

}  // namespace
}  // namespace fazhi::testing
