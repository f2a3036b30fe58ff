// The database layer: migrations numbered in per-module ranges, and the background WAL checkpointer.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "db/checkpointer.h"
#include "db/database.h"
#include "support/test_db.h"

namespace fazhi::testing {
namespace {

long long Scalar(db::Database& db, const std::string& q) {
  return db.Read([&](soci::session& sql) {
    long long n = 0;
    sql << q, soci::into(n);
    return n;
  });
}

// A migration numbered below the highest applied one (another module's range) is still applied.
TEST(MigrationsTest, AMissingVersionBelowTheHighestIsApplied) {
  TestDb t;
  auto db = t.Open();
  const long long highest = Scalar(*db, "SELECT MAX(version) FROM schema_migrations");
  ASSERT_GT(highest, 32);
  // Undo 032 (cases.clock_digest) as if this database had been migrated by a build that had 040 and
  // 041 but not yet 032.
  db->Write([](soci::session& sql) -> Result<void> {
    sql << "ALTER TABLE cases DROP COLUMN clock_digest";
    sql << "DELETE FROM schema_migrations WHERE version = 32";
    return {};
  });
  ASSERT_EQ(Scalar(*db, "SELECT COUNT(*) FROM schema_migrations WHERE version = 32"), 0);
  EXPECT_ANY_THROW(Scalar(*db, "SELECT COUNT(clock_digest) FROM cases"));
  auto applied = db->Migrate();
  ASSERT_TRUE(applied) << applied.error().message;
  EXPECT_EQ(*applied, 1);
  EXPECT_EQ(Scalar(*db, "SELECT COUNT(*) FROM schema_migrations WHERE version = 32"), 1);
  EXPECT_EQ(Scalar(*db, "SELECT MAX(version) FROM schema_migrations"), highest);
  // The column is back.
  EXPECT_EQ(Scalar(*db, "SELECT COUNT(clock_digest) FROM cases"), 0);
  // Nothing is applied twice.
  applied = db->Migrate();
  ASSERT_TRUE(applied);
  EXPECT_EQ(*applied, 0);
}

// SQLite: the checkpointer runs on its interval and moves committed pages out of the WAL; on
// PostgreSQL it does not start.
TEST(CheckpointerTest, RunsOnSqliteAndEmptiesTheLog) {
  TestDb t;
  auto db = t.Open();
  db::Checkpointer cp(*db, std::chrono::milliseconds(20));
  cp.Start();
  if (t.is_postgres()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(cp.runs(), 0);
    return;
  }
  // Every pooled connection leaves checkpoints to the thread while it runs.
  auto autocheckpoint = [&] {
    return db->Read([](soci::session& sql) {
      int pages = -1;
      sql << "PRAGMA wal_autocheckpoint", soci::into(pages);
      return pages;
    });
  };
  for (int i = 0; i < 4; ++i) EXPECT_EQ(autocheckpoint(), 0);
  db->Write([](soci::session& sql) -> Result<void> {
    for (int i = 0; i < 200; ++i) sql << "INSERT INTO settings (key, value, updated_at) VALUES ('k" << i << "', 'v', 0)";
    return {};
  });
  for (int i = 0; i < 200 && cp.runs() < 3; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  cp.Stop();
  EXPECT_GE(cp.runs(), 3);
  // Everything in the log has been copied into the database file: a passive checkpoint now finds
  // no frame left to copy (columns: busy, frames in log, frames checkpointed).
  int busy = -1, log = -1, done = -1;
  db->Read([&](soci::session& sql) {
    sql << "PRAGMA wal_checkpoint(PASSIVE)", soci::into(busy), soci::into(log), soci::into(done);
    return 0;
  });
  EXPECT_EQ(busy, 0);
  EXPECT_EQ(log, done);
  const int runs = cp.runs();
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  EXPECT_EQ(cp.runs(), runs);  // stopped
  for (int i = 0; i < 4; ++i) EXPECT_EQ(autocheckpoint(), 1000);  // SQLite's default is back
}

}  // namespace
}  // namespace fazhi::testing
