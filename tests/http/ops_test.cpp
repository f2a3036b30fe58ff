// Operating fazhi (issue 17): the personal-data key must match the database and be private to its
// owner, and GET /api/ready reports whether the database answers. Runs on SQLite, and on
// PostgreSQL when FAZHI_TEST_DB is set. (A database that goes away under a running server:
// tests/http/pg_restart_test.sh.)
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "app/app.h"
#include "app/key_rotation.h"
#include "auth/vault.h"
#include "db/sql.h"
#include "support/test_db.h"

namespace fazhi {
namespace {

using testing::TestDb;

Config ConfigFor(const TestDb& t, const std::string& key_file) {
  Config c;
  c.db_url = t.url();
  c.key_file = key_file;
  c.listen = "127.0.0.1:0";
  c.http_threads = 4;
  c.db_pool = 2;
  c.sweep_interval_seconds = 0;
  c.attachment_dir = (t.dir() / "attachments").string();
  return c;
}

TEST(KeyCheck, AnotherKeyFileOnAnExistingDatabaseIsRefused) {
  TestDb t;
  {
    auto first = App::Create(ConfigFor(t, t.key_file()));
    ASSERT_TRUE(first) << first.error().message;
  }
  // The case: --key-file names a new path; fazhi used to create a new key there and start.
  const std::string other = (t.dir() / "new-place.key").string();
  auto second = App::Create(ConfigFor(t, other));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::kConflict);
  EXPECT_EQ(second.error().MachineCode(), "key_mismatch");
  EXPECT_NE(second.error().message.find("密钥文件"), std::string::npos) << second.error().message;
  EXPECT_FALSE(std::filesystem::exists(other)) << "the key created by the refused start must not stay behind";

  // The right key still opens it.
  auto again = App::Create(ConfigFor(t, t.key_file()));
  EXPECT_TRUE(again) << again.error().message;
}

TEST(KeyCheck, KeyFileReadableByOthersIsRefused) {
  TestDb t;
  {
    auto first = App::Create(ConfigFor(t, t.key_file()));
    ASSERT_TRUE(first) << first.error().message;
  }
  for (mode_t mode : {0644, 0640, 0604, 0660}) {
    ASSERT_EQ(::chmod(t.key_file().c_str(), mode), 0);
    auto app = App::Create(ConfigFor(t, t.key_file()));
    ASSERT_FALSE(app) << std::oct << mode;
    EXPECT_EQ(app.error().MachineCode(), "key_file_permissions");
    EXPECT_NE(app.error().message.find("chmod 600"), std::string::npos) << app.error().message;
    EXPECT_TRUE(std::filesystem::exists(t.key_file())) << "an existing key file is never deleted";
  }
  ASSERT_EQ(::chmod(t.key_file().c_str(), 0600), 0);
  auto ok = App::Create(ConfigFor(t, t.key_file()));
  EXPECT_TRUE(ok) << ok.error().message;
}

// A database from before the key check (no stored check value) adopts the key it is started with,
// but only if that key decrypts the data already there.
TEST(KeyCheck, DatabaseWithoutCheckValueAdoptsOnlyTheKeyOfItsData) {
  TestDb t;
  {
    auto first = App::Create(ConfigFor(t, t.key_file()));
    ASSERT_TRUE(first) << first.error().message;
    auto& app = **first;
    const std::string sealed = app.vault().Encrypt("13812345678");
    auto w = app.db().Write([&](soci::session& sql) -> Result<int> {
      db::Exec(sql, "INSERT INTO units (name, level, created_at, updated_at) VALUES ('某市公安局', 'city', 1, 1)");
      db::SqlArgs a;
      db::Exec(sql,
               "INSERT INTO people (bureau_id, unit_id, name, badge_no, kind, phone_enc, created_at, updated_at) "
               "VALUES (1, 1, '张三', '010001', '民警', " +
                   a.Str(sealed) + ", 1, 1)",
               a);
      db::Exec(sql, "DELETE FROM key_check");  // as before migration 008
      return 0;
    });
    ASSERT_TRUE(w);
  }
  const std::string other = (t.dir() / "other.key").string();
  auto wrong = App::Create(ConfigFor(t, other));
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().MachineCode(), "key_mismatch");

  auto right = App::Create(ConfigFor(t, t.key_file()));
  ASSERT_TRUE(right) << right.error().message;
  const auto stored =
      (*right)->db().Read([](soci::session& sql) { return db::Count(sql, "SELECT COUNT(*) FROM key_check", {}); });
  EXPECT_EQ(stored, 1);
}

// Issue 17 defect 5: rotation re-encrypts every personal value and its blind index; afterwards
// only the new key opens the database.
TEST(KeyRotation, ReEncryptsEverythingAndOnlyTheNewKeyOpens) {
  TestDb t;
  const std::string id_number = "110101199003070011";
  {
    auto first = App::Create(ConfigFor(t, t.key_file()));
    ASSERT_TRUE(first) << first.error().message;
    auto& app = **first;
    const auth::Vault& old_key = app.vault();
    auto w = app.db().Write([&](soci::session& sql) -> Result<int> {
      db::Exec(sql, "INSERT INTO units (name, level, created_at, updated_at) VALUES ('某市公安局', 'city', 1, 1)");
      for (int i = 0; i < 3; ++i) {
        db::SqlArgs a;
        db::Exec(sql,
                 "INSERT INTO people (bureau_id, unit_id, name, badge_no, kind, id_number_enc, id_number_hash, "
                 "phone_enc, created_at, updated_at) VALUES (1, 1, " +
                     a.Str("民警" + std::to_string(i)) + ", " + a.Str("01000" + std::to_string(i)) + ", '民警', " +
                     a.Str(old_key.Encrypt(id_number)) + ", " + a.Str(old_key.BlindIndex(id_number)) + ", " +
                     a.Str(old_key.Encrypt("1381234567" + std::to_string(i))) + ", 1, 1)",
                 a);
      }
      return 0;
    });
    ASSERT_TRUE(w) << w.error().message;
    const std::string next_file = (t.dir() / "next.key").string();
    auto next = auth::Vault::Open(next_file, true);
    ASSERT_TRUE(next);
    auto done = RotateKey(app.db(), app.clock(), old_key, *next);
    ASSERT_TRUE(done) << done.error().message;
    EXPECT_EQ(done->values, 6);  // 3 id numbers + 3 phones
    EXPECT_EQ(done->indexes, 3);
    // Every value now opens with the new key only, and the look-up index is the new key's.
    app.db().Read([&](soci::session& sql) {
      int n = 0;
      db::Each(sql, "SELECT id_number_enc, id_number_hash, phone_enc FROM people", {}, [&](const db::Row& r) {
        ++n;
        EXPECT_EQ(next->Decrypt(r.Str("id_number_enc")).value_or(""), id_number);
        EXPECT_FALSE(old_key.Decrypt(r.Str("id_number_enc")));
        EXPECT_EQ(r.Str("id_number_hash"), next->BlindIndex(id_number));
        EXPECT_TRUE(next->Decrypt(r.Str("phone_enc")));
      });
      EXPECT_EQ(n, 3);
      return 0;
    });
  }
  auto with_old = App::Create(ConfigFor(t, t.key_file()));
  ASSERT_FALSE(with_old);
  EXPECT_EQ(with_old.error().MachineCode(), "key_mismatch");
  auto with_new = App::Create(ConfigFor(t, (t.dir() / "next.key").string()));
  ASSERT_TRUE(with_new) << with_new.error().message;
}

// A value the current key cannot open stops the rotation before anything changes.
TEST(KeyRotation, AnUndecryptableValueChangesNothing) {
  TestDb t;
  auto app = App::Create(ConfigFor(t, t.key_file()));
  ASSERT_TRUE(app) << app.error().message;
  auto stranger = auth::Vault::Open((t.dir() / "stranger.key").string(), true);
  ASSERT_TRUE(stranger);
  auto w = (*app)->db().Write([&](soci::session& sql) -> Result<int> {
    db::Exec(sql, "INSERT INTO units (name, level, created_at, updated_at) VALUES ('某市公安局', 'city', 1, 1)");
    db::SqlArgs a;
    db::Exec(sql,
             "INSERT INTO people (bureau_id, unit_id, name, badge_no, kind, phone_enc, created_at, updated_at) VALUES "
             "(1, 1, '张三', '010001', '民警', " +
                 a.Str((*app)->vault().Encrypt("13812345678")) + ", 1, 1), (1, 1, '李四', '010002', '民警', " +
                 a.Str(stranger->Encrypt("13900000000")) + ", 1, 1)",
             a);
    return 0;
  });
  ASSERT_TRUE(w);
  const auto snapshot = [&] {
    return (*app)->db().Read([](soci::session& sql) {
      std::string all;
      db::Each(sql, "SELECT phone_enc FROM people ORDER BY id", {},
               [&](const db::Row& r) { all += r.Str("phone_enc"); });
      db::Each(sql, "SELECT check_value FROM key_check", {}, [&](const db::Row& r) { all += r.Str("check_value"); });
      return all;
    });
  };
  const std::string before = snapshot();
  auto next = auth::Vault::Open((t.dir() / "next.key").string(), true);
  ASSERT_TRUE(next);
  auto done = RotateKey((*app)->db(), (*app)->clock(), (*app)->vault(), *next);
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().MachineCode(), "key_rotation_undecryptable");
  EXPECT_NE(done.error().message.find("people"), std::string::npos) << done.error().message;
  EXPECT_EQ(snapshot(), before);
}

TEST(Ready, AnswersWhenTheDatabaseDoes) {
  TestDb t;
  auto app = App::Create(ConfigFor(t, t.key_file()));
  ASSERT_TRUE(app) << app.error().message;
  auto port = (*app)->StartInBackground();
  ASSERT_TRUE(port) << port.error().message;
  httplib::Client cli("127.0.0.1", *port);
  auto r = cli.Get("/api/ready");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  const auto j = nlohmann::json::parse(r->body);
  EXPECT_EQ(j.value("status", ""), "ok");
  EXPECT_EQ(j.value("database", ""), "ok");
  (*app)->Stop();
}

// The figures a collector on the same machine reads; nobody else can (issue 17: metrics).
TEST(Metrics, CountsRequestsForLoopbackOnly) {
  TestDb t;
  Config c = ConfigFor(t, t.key_file());
  c.trusted_proxies = {"127.0.0.1"};  // as behind nginx
  auto app = App::Create(c);
  ASSERT_TRUE(app) << app.error().message;
  auto port = (*app)->StartInBackground();
  ASSERT_TRUE(port) << port.error().message;
  httplib::Client cli("127.0.0.1", *port);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(cli.Get("/api/ready")->status, 200);
  ASSERT_EQ(cli.Get("/api/no-such-thing")->status, 404);

  auto r = cli.Get("/api/ops/metrics");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->get_header_value("Content-Type").find("text/plain"), std::string::npos);
  const std::string& m = r->body;
  const auto value = [&](const std::string& series) -> double {
    const auto at = m.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::stod(m.substr(at + series.size() + 2));
  };
  EXPECT_GE(value("fazhi_http_requests_total{code=\"2xx\"}"), 3) << m;
  EXPECT_GE(value("fazhi_http_requests_total{code=\"4xx\"}"), 1) << m;
  EXPECT_GE(value("fazhi_http_request_duration_seconds_count"), 4) << m;
  EXPECT_EQ(value("fazhi_http_request_duration_seconds_bucket{le=\"+Inf\"}"),
            value("fazhi_http_request_duration_seconds_count"));
  EXPECT_EQ(value("fazhi_db_up"), 1) << m;
  EXPECT_EQ(value("fazhi_db_pool_size"), 2) << m;
  EXPECT_EQ(value("fazhi_jobs_running"), 0) << m;
  EXPECT_GT(value("fazhi_process_resident_memory_bytes"), 1e6) << m;
  EXPECT_NE(m.find("# TYPE fazhi_http_request_duration_seconds histogram"), std::string::npos);

  // A client forwarded by the proxy from elsewhere: the same 404 as an unknown path.
  auto outside = cli.Get("/api/ops/metrics", httplib::Headers{{"X-Forwarded-For", "10.1.2.3"}});
  ASSERT_TRUE(outside);
  EXPECT_EQ(outside->status, 404);
  EXPECT_EQ(outside->body.find("fazhi_"), std::string::npos);
  (*app)->Stop();
}

// A connection to 127.0.0.1:port that has sent one keep-alive request and read its answer, and
// now sits idle as a proxy's upstream connection does. -1 when it cannot connect.
int IdleKeepAliveConnection(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return ::close(fd), -1;
  const std::string req = "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n";
  if (::send(fd, req.data(), req.size(), 0) != static_cast<ssize_t>(req.size())) return ::close(fd), -1;
  std::string got;
  char buf[4096];
  while (got.find("\"ok\"") == std::string::npos) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return ::close(fd), -1;
    got.append(buf, static_cast<std::size_t>(n));
  }
  return fd;
}

// Issue 17 defect 6: behind nginx, stopping took the whole keep-alive timeout (10 s) because idle
// upstream connections kept their threads. Stop now ends idle connections at once.
TEST(GracefulStop, IdleKeepAliveConnectionsDoNotHoldTheStop) {
  TestDb t;
  auto app = App::Create(ConfigFor(t, t.key_file()));
  ASSERT_TRUE(app) << app.error().message;
  auto port = (*app)->StartInBackground();
  ASSERT_TRUE(port) << port.error().message;
  std::vector<int> idle;
  for (int i = 0; i < 3; ++i) {
    const int fd = IdleKeepAliveConnection(*port);
    ASSERT_GE(fd, 0);
    idle.push_back(fd);
  }
  const auto started = std::chrono::steady_clock::now();
  auto stopped = std::async(std::launch::async, [&] { (*app)->Stop(); });
  // The keep-alive timeout is 10 s: a stop that waited for it would still be running at 5 s.
  ASSERT_EQ(stopped.wait_for(std::chrono::seconds(5)), std::future_status::ready)
      << "Stop waited for idle keep-alive connections";
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  RecordProperty("stop_seconds", std::to_string(seconds));
  for (int fd : idle) {
    char c;
    EXPECT_EQ(::recv(fd, &c, 1, 0), 0) << "the server closes an idle connection when it stops";
    ::close(fd);
  }
  // No new connections after the stop.
  EXPECT_LT(IdleKeepAliveConnection(*port), 0);
}

// A request being handled when the stop comes still gets its whole answer.
TEST(GracefulStop, ARequestInFlightFinishes) {
  TestDb t;
  auto app = App::Create(ConfigFor(t, t.key_file()));
  ASSERT_TRUE(app) << app.error().message;
  auto port = (*app)->StartInBackground();
  ASSERT_TRUE(port) << port.error().message;
  // Keep a handler busy: both connections of the pool (db_pool 2) are leased here, so the handler
  // of /api/ready waits for one until `release`.
  std::promise<void> release;
  auto released = release.get_future().share();
  std::vector<std::future<void>> holders;
  for (int i = 0; i < 2; ++i)
    holders.push_back(std::async(std::launch::async, [&, released] {
      (void)(*app)->db().Read([&](soci::session&) {
        released.wait();
        return 0;
      });
    }));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto answer = std::async(std::launch::async, [&] {
    httplib::Client cli("127.0.0.1", *port);
    cli.set_read_timeout(30);
    auto r = cli.Get("/api/ready");
    return r ? r->status : -1;
  });
  // Wait until the request is inside its handler (waiting for a connection).
  for (int i = 0; i < 1000 && (*app)->server()->in_flight() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ((*app)->server()->in_flight(), 1);  // (not ASSERT: the holders below must be released)
  auto stopped = std::async(std::launch::async, [&] { (*app)->Stop(); });
  EXPECT_EQ(stopped.wait_for(std::chrono::milliseconds(500)), std::future_status::timeout)
      << "Stop must wait for the request being handled";
  release.set_value();
  for (auto& h : holders) h.get();
  EXPECT_EQ(answer.get(), 200);
  ASSERT_EQ(stopped.wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

}  // namespace
}  // namespace fazhi
