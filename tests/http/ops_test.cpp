// Operating fazhi (issue 17): the personal-data key must match the database and be private to its
// owner, and GET /api/ready reports whether the database answers. Runs on SQLite, and on
// PostgreSQL when FAZHI_TEST_DB is set. (A database that goes away under a running server:
// tests/http/pg_restart_test.sh.)
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "app/app.h"
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

}  // namespace
}  // namespace fazhi
