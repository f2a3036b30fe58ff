// The admission gate (never more than its limit inside, waiters admitted in arrival order) and the
// client address behind a reverse proxy.
#include <gtest/gtest.h>

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "http/gate.h"
#include "http/router.h"
#include "http/server.h"

namespace fazhi::testing {
namespace {

using namespace std::chrono_literals;

template <typename F>
bool WaitFor(F&& done) {
  for (int i = 0; i < 2000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return false;
}

TEST(AdmissionGateTest, LimitsConcurrencyAndAdmitsInArrivalOrder) {
  http::AdmissionGate gate(2);
  std::atomic<int> inside{0}, most{0};
  std::mutex mu;
  std::vector<int> admitted;
  std::vector<std::atomic<bool>> go(8);  // visitor n leaves once go[n] is set

  auto visitor = [&](int n) {
    http::AdmissionGate::Pass pass(gate);
    {
      std::lock_guard lock(mu);
      admitted.push_back(n);
    }
    const int now = ++inside;
    for (int m = most.load(); now > m && !most.compare_exchange_weak(m, now);) {
    }
    while (!go[static_cast<std::size_t>(n)].load()) std::this_thread::sleep_for(1ms);
    --inside;
  };
  auto admitted_count = [&] {
    std::lock_guard lock(mu);
    return admitted.size();
  };

  std::vector<std::thread> threads;
  threads.emplace_back(visitor, 0);
  ASSERT_TRUE(WaitFor([&] { return inside.load() == 1; }));
  threads.emplace_back(visitor, 1);
  ASSERT_TRUE(WaitFor([&] { return inside.load() == 2; }));
  // Six more arrive one after another, each queued before the next comes.
  for (int n = 2; n < 8; ++n) {
    threads.emplace_back(visitor, n);
    ASSERT_TRUE(WaitFor([&] { return gate.waiting() == static_cast<std::size_t>(n - 1); })) << n;
  }
  EXPECT_EQ(inside.load(), 2);
  // One leaves at a time, so each slot goes to exactly one waiter: the one that came first.
  for (std::size_t k = 0; k < 8; ++k) {
    go[k] = true;
    if (k + 2 < 8) {
      ASSERT_TRUE(WaitFor([&] { return admitted_count() == k + 3; })) << k;
    }
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(most.load(), 2);
  EXPECT_EQ(gate.waiting(), 0u);
  EXPECT_EQ(admitted, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7}));
}

TEST(AdmissionGateTest, ZeroMeansNoLimit) {
  http::AdmissionGate gate(0);
  std::vector<std::unique_ptr<http::AdmissionGate::Pass>> passes;
  for (int i = 0; i < 100; ++i) passes.push_back(std::make_unique<http::AdmissionGate::Pass>(gate));
  EXPECT_EQ(gate.waiting(), 0u);
}

// A route marked `ungated` (health, me) answers while every slot of the gate is taken by a slow
// request; an ordinary route waits for the slot and runs once it is free.
TEST(AdmissionGateTest, UngatedRoutesAnswerWhileTheGateIsFull) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> slow_inside{false};
  http::Router router;
  router.Get("/api/slow", http::kPublic, [&](http::Ctx&) -> Result<http::Reply> {
    slow_inside = true;
    released.wait();
    return http::Reply::Json({{"ok", true}});
  });
  router.Get("/api/gated", http::kPublic, [](http::Ctx&) -> Result<http::Reply> { return http::Reply::Json(1); });
  router.Get("/api/quick", http::kHealth, [](http::Ctx&) -> Result<http::Reply> { return http::Reply::Json(2); });
  http::ServerOptions o;
  o.port = 0;
  o.threads = 8;
  o.max_active = 1;
  http::Server server(
      router, [](std::string_view) -> Result<auth::Principal> { return Fail(ErrorCode::kUnauthenticated, "x"); }, o);
  auto port = server.Bind();
  ASSERT_TRUE(port.has_value());
  std::thread run([&] { server.Run(); });
  auto get = [&](const char* path) {
    httplib::Client c("127.0.0.1", *port);
    auto r = c.Get(path);
    return r ? r->status : -1;
  };
  auto slow = std::async(std::launch::async, [&] { return get("/api/slow"); });
  EXPECT_TRUE(WaitFor([&] { return slow_inside.load(); }));
  auto gated = std::async(std::launch::async, [&] { return get("/api/gated"); });
  EXPECT_EQ(get("/api/quick"), 200);  // the one slot is taken, and the ungated route answers anyway
  EXPECT_EQ(gated.wait_for(200ms), std::future_status::timeout);  // the gated one waits for it
  release.set_value();
  EXPECT_EQ(slow.get(), 200);
  EXPECT_EQ(gated.get(), 200);
  server.Stop();
  run.join();
}

TEST(ClientIpTest, ForwardedForOnlyFromTrustedProxies) {
  const std::vector<std::string> trusted = {"127.0.0.1", "10.0.0.5"};
  using http::Server;
  // No proxy configured, or a request not from one: the header is ignored (anyone can send it).
  EXPECT_EQ(Server::ClientIp("127.0.0.1", "203.0.113.9", {}), "127.0.0.1");
  EXPECT_EQ(Server::ClientIp("198.51.100.7", "203.0.113.9", trusted), "198.51.100.7");
  // From a trusted proxy: the right-most address that is not a trusted proxy.
  EXPECT_EQ(Server::ClientIp("127.0.0.1", "203.0.113.9", trusted), "203.0.113.9");
  EXPECT_EQ(Server::ClientIp("127.0.0.1", "1.2.3.4, 203.0.113.9, 10.0.0.5", trusted), "203.0.113.9");
  EXPECT_EQ(Server::ClientIp("127.0.0.1", " 2001:db8::1 ", trusted), "2001:db8::1");
  // A forged entry to the left of the real one changes nothing; garbage stops the search.
  EXPECT_EQ(Server::ClientIp("127.0.0.1", "evil, 203.0.113.9", trusted), "203.0.113.9");
  EXPECT_EQ(Server::ClientIp("127.0.0.1", "203.0.113.9, <script>", trusted), "127.0.0.1");
  EXPECT_EQ(Server::ClientIp("127.0.0.1", "", trusted), "127.0.0.1");
}

}  // namespace
}  // namespace fazhi::testing

namespace fazhi::http {
namespace {

// Images load from this server only, unless the operator names an intranet tile service; an origin
// that is not exactly scheme://host[:port] never widens the policy.
TEST(ContentSecurityPolicyTest, ImagesFromThisServerAndTheNamedTileServicesOnly) {
  const std::string plain = ContentSecurityPolicy({});
  EXPECT_NE(plain.find("img-src 'self' data:;"), std::string::npos) << plain;
  EXPECT_EQ(plain.find("http:"), std::string::npos) << plain;
  const std::string tiles = ContentSecurityPolicy({"http://pgis.local", "https://10.1.2.3:8443"});
  EXPECT_NE(tiles.find("img-src 'self' data: http://pgis.local https://10.1.2.3:8443;"), std::string::npos) << tiles;
  for (const char* good : {"http://pgis.local", "https://map.gaj.example:8080", "http://10.0.0.1"})
    EXPECT_TRUE(IsImageOrigin(good)) << good;
  for (const char* bad : {"", "http:", "https://", "pgis.local", "ftp://pgis.local", "http://pgis.local/tiles",
                          "http://*.local", "http://a b", "http://pgis.local; script-src *", "http://pgis.local:0",
                          "http://pgis.local:70000", "http://pgis.local:", "http://-x.local"}) {
    EXPECT_FALSE(IsImageOrigin(bad)) << bad;
    EXPECT_EQ(ContentSecurityPolicy({bad}), plain) << bad;
  }
}

}  // namespace
}  // namespace fazhi::http
