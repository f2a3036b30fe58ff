// The database layer: migrations numbered in per-module ranges, the background WAL checkpointer,
// the per-connection statement cache, the unit path range, and PostgreSQL connections that broke.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "db/bulk_insert.h"
#include "db/checkpointer.h"
#include "db/database.h"
#include "db/sql.h"
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

// Durability (issue 16): every pooled SQLite connection runs at the configured `synchronous` level —
// FULL (2: the WAL is fsynced at every commit, an acknowledged write survives a power loss) by
// default, NORMAL (1) only when the URL asks for it — and the option is not part of the file's path.
TEST(SqliteSyncTest, EveryConnectionHasTheConfiguredLevel) {
  TestDb t;  // only for its temporary folder: these databases are SQLite on both test backends
  const auto levels = [](db::Database& db) {
    std::vector<int> out;
    for (std::size_t i = 0; i < db.pool_size(); ++i) {
      int level = -1;
      db.pool().at(i) << "PRAGMA synchronous", soci::into(level);
      out.push_back(level);
    }
    return out;
  };
  const std::string path = (t.dir() / "sync.db").string();
  struct Case {
    std::string url;
    int level;
  };
  for (const Case& c : {Case{"sqlite:" + path, 2}, Case{"sqlite:" + path + "?synchronous=FULL", 2},
                        Case{"sqlite:" + path + "?synchronous=normal", 1}, Case{path + "?synchronous=Normal", 1},
                        Case{"sqlite:" + path, 2}}) {
    SCOPED_TRACE(c.url);
    auto db = db::Database::Open(c.url, 3);
    ASSERT_TRUE(db) << db.error().message;
    EXPECT_EQ(levels(**db), std::vector<int>(3, c.level));
    EXPECT_EQ((*db)->url().sqlite_path, path);
    EXPECT_EQ((*db)->url().sqlite_sync, c.level == 1 ? db::SqliteSync::kNormal : db::SqliteSync::kFull);
    // What is logged says when the weaker level is in force.
    EXPECT_EQ((*db)->url().display.find("synchronous=normal") != std::string::npos, c.level == 1)
        << (*db)->url().display;
    // Still WAL: the promises in docs/operations.md are about WAL + FULL / WAL + NORMAL.
    std::string mode;
    (*db)->pool().at(0) << "PRAGMA journal_mode", soci::into(mode);
    EXPECT_EQ(mode, "wal");
  }
  // The option never became part of a file name.
  for (const auto& e : std::filesystem::directory_iterator(t.dir()))
    EXPECT_EQ(e.path().filename().string().find('?'), std::string::npos) << e.path();
}

// A mistyped level or option is refused with a message in Chinese (and the machine code
// bad_db_option), never ignored: the operator must not believe the database is durable when it is not.
TEST(SqliteSyncTest, ABadLevelOrOptionIsAClearError) {
  TestDb t;
  const std::string path = (t.dir() / "bad.db").string();
  for (const std::string& url :
       {"sqlite:" + path + "?synchronous=fast", "sqlite:" + path + "?synchronous=", "sqlite:" + path + "?synchronous",
        "sqlite:" + path + "?synchronous=off", "sqlite:" + path + "?synchronous=2"}) {
    SCOPED_TRACE(url);
    auto db = db::Database::Open(url, 1);
    ASSERT_FALSE(db);
    EXPECT_EQ(db.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(db.error().MachineCode(), "bad_db_option");
    EXPECT_EQ(db.error().field, "db");
    EXPECT_NE(db.error().message.find("SQLite 同步级别"), std::string::npos) << db.error().message;
    EXPECT_NE(db.error().message.find("应为 full"), std::string::npos) << db.error().message;
  }
  auto unknown = db::ParseUrl("sqlite:" + path + "?synchronus=full");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().MachineCode(), "bad_db_option");
  EXPECT_NE(unknown.error().message.find("参数 synchronus 无法识别"), std::string::npos) << unknown.error().message;
  // Nothing was created for a refused URL.
  EXPECT_FALSE(std::filesystem::exists(path));
}

// High availability (issue 17): a primary and its standby in one URL reach libpq as host and port
// lists, with the query's keywords (target_session_attrs) passed on.
TEST(UrlTest, SeveralHostsBecomeLibpqLists) {
  auto one = db::ParseUrl("postgresql://fazhi:p%40ss@db1:5432/fazhi");
  ASSERT_TRUE(one);
  EXPECT_NE(one->soci_connect.find("host='db1'"), std::string::npos) << one->soci_connect;
  EXPECT_NE(one->soci_connect.find("port='5432'"), std::string::npos) << one->soci_connect;
  EXPECT_NE(one->soci_connect.find("password='p@ss'"), std::string::npos) << one->soci_connect;
  EXPECT_EQ(one->display.find("p%40ss"), std::string::npos) << one->display;

  auto two = db::ParseUrl("postgresql://fazhi@db1:5432,db2:5433/fazhi?target_session_attrs=read-write");
  ASSERT_TRUE(two) << two.error().message;
  EXPECT_NE(two->soci_connect.find("host='db1,db2'"), std::string::npos) << two->soci_connect;
  EXPECT_NE(two->soci_connect.find("port='5432,5433'"), std::string::npos) << two->soci_connect;
  EXPECT_NE(two->soci_connect.find("target_session_attrs='read-write'"), std::string::npos) << two->soci_connect;
  EXPECT_NE(two->soci_connect.find("dbname='fazhi'"), std::string::npos) << two->soci_connect;

  auto no_ports = db::ParseUrl("postgresql://fazhi@db1,db2/fazhi");
  ASSERT_TRUE(no_ports);
  EXPECT_NE(no_ports->soci_connect.find("host='db1,db2'"), std::string::npos) << no_ports->soci_connect;
  EXPECT_EQ(no_ports->soci_connect.find("port="), std::string::npos) << no_ports->soci_connect;

  auto bad = db::ParseUrl("postgresql://fazhi@db1:5432,db2:x/fazhi");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("端口"), std::string::npos);
}

// Rollback safety (issue 17): a database that a newer fazhi migrated (a version this build does not
// know) is refused with a clear error instead of being run on by an older program.
TEST(MigrateTest, ADatabaseMigratedByANewerBuildIsRefused) {
  TestDb t;
  auto db = t.Open();
  db->Write([](soci::session& sql) -> Result<void> {
    sql << "INSERT INTO schema_migrations (version, name, applied_at) VALUES (998, '998_from_the_future.sql', 1)";
    return {};
  });
  auto again = db->Migrate();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(again.error().MachineCode(), "schema_newer");
  EXPECT_NE(again.error().message.find("998"), std::string::npos) << again.error().message;
  EXPECT_NE(again.error().message.find("回退"), std::string::npos) << again.error().message;
  // Nothing changed, and the lock is free: once the version is gone, migrating works again.
  db->Write([](soci::session& sql) -> Result<void> {
    sql << "DELETE FROM schema_migrations WHERE version = 998";
    return {};
  });
  auto ok = db->Migrate();
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(*ok, 0);
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
    for (int i = 0; i < 200; ++i)
      sql << "INSERT INTO settings (key, value, updated_at) VALUES ('k" << i << "', 'v', 0)";
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
  EXPECT_EQ(cp.runs(), runs);                                     // stopped
  for (int i = 0; i < 4; ++i) EXPECT_EQ(autocheckpoint(), 1000);  // SQLite's default is back
}

std::int64_t CountAtLeast(soci::session& sql, std::int64_t version) {
  db::SqlArgs a;
  return db::ScalarInt(sql, "SELECT COUNT(*) FROM schema_migrations WHERE version >= " + a.Int(version), a)
      .value_or(-1);
}

// A statement is prepared once per pooled connection and executed again with the new values; a
// NULL and a value alternate on the same statement; the same query run inside its own row loop gets
// a statement of its own; a statement that failed is dropped and prepared afresh.
TEST(StatementCacheTest, ReusesRebindsNestsAndRecovers) {
  TestDb t;
  auto db = t.Open();
  const long long all = Scalar(*db, "SELECT COUNT(*) FROM schema_migrations");
  ASSERT_GT(all, 3);
  db->Read([&](soci::session& sql) {
    const std::size_t before = db::detail::CachedStatementCount(sql);
    EXPECT_EQ(CountAtLeast(sql, 0), all);
    EXPECT_EQ(db::detail::CachedStatementCount(sql), before + 1);
    EXPECT_EQ(CountAtLeast(sql, 1000000), 0);  // same statement, new value
    EXPECT_EQ(CountAtLeast(sql, 2), all - 1);
    EXPECT_EQ(db::detail::CachedStatementCount(sql), before + 1);

    const std::string q_null = "SELECT COUNT(*) FROM schema_migrations WHERE ";
    for (int round = 0; round < 2; ++round) {
      for (std::optional<std::int64_t> v : {std::optional<std::int64_t>(), std::optional<std::int64_t>(1)}) {
        db::SqlArgs a;
        const std::int64_t n =
            db::ScalarInt(sql, q_null + "version = COALESCE(" + a.OptInt(v) + ", version)", a).value_or(-1);
        EXPECT_EQ(n, v ? 1 : all) << "round " << round;
      }
    }

    // The same query inside its own loop: each row sees its own correct count.
    db::SqlArgs outer;
    std::vector<std::pair<std::int64_t, std::int64_t>> seen;
    const std::string versions = "SELECT version FROM schema_migrations WHERE version >= ";
    db::Each(sql, versions + outer.Int(0) + " ORDER BY version", outer, [&](const db::Row& r) {
      const std::int64_t v = r.Int("version");
      db::SqlArgs inner;
      std::int64_t n = 0;
      db::Each(sql, versions + inner.Int(0) + " ORDER BY version", inner, [&](const db::Row&) { ++n; });
      seen.emplace_back(v, n);
    });
    EXPECT_EQ(static_cast<long long>(seen.size()), all);
    for (const auto& [v, n] : seen) EXPECT_EQ(n, all) << "inner loop at version " << v;
    return 0;
  });

  // A failing insert (duplicate key) inside a transaction: rolled back, statement dropped, and the
  // same statement text works again afterwards.
  const std::string insert = "INSERT INTO settings (key, value, updated_at) VALUES (";
  auto put = [&](const std::string& key) {
    return db->Write([&](soci::session& sql) -> Result<bool> {
      db::SqlArgs a;
      db::Exec(sql, insert + a.Str(key) + ", 'v', " + a.Int(0) + ")", a);
      return true;
    });
  };
  EXPECT_TRUE(put("cache-a"));
  EXPECT_ANY_THROW(put("cache-a"));
  EXPECT_TRUE(put("cache-b"));
  EXPECT_EQ(Scalar(*db, "SELECT COUNT(*) FROM settings WHERE key LIKE 'cache-%'"), 2);
}

// PathUnder selects exactly a unit's subtree: "/1/2/" takes "/1/2/" and "/1/2/9/", not "/1/23/".
TEST(PathUnderTest, SelectsExactlyTheSubtree) {
  TestDb t;
  auto db = t.Open();
  std::vector<std::string> got;
  // Rolled back at the end: the units stay out of the database.
  auto r = db->Write([&](soci::session& sql) -> Result<bool> {
    for (const char* path : {"/1/", "/1/2/", "/1/2/9/", "/1/23/", "/1/20/", "/12/", "/1/2"}) {
      db::SqlArgs a;
      db::Exec(sql,
               "INSERT INTO units (name, level, path, created_at, updated_at) VALUES (" + a.Str(path) + ", 'team', " +
                   a.Str(path) + ", 0, 0)",
               a);
    }
    db::SqlArgs a;
    db::Each(sql, "SELECT path FROM units WHERE " + db::PathUnder(a, "path", "/1/2/") + " ORDER BY path", a,
             [&](const db::Row& row) { got.push_back(row.Str("path")); });
    return Fail(ErrorCode::kConflict, "roll back");
  });
  EXPECT_FALSE(r);
  EXPECT_EQ(got, (std::vector<std::string>{"/1/2/", "/1/2/9/"}));
  EXPECT_EQ(Scalar(*db, "SELECT COUNT(*) FROM units"), 0);
}

// PostgreSQL closes every connection of the pool (what a server restart or failover does to a
// running fazhi): the pool replaces them, without a restart of the program. The server side is
// simulated with pg_terminate_backend; tests/http/pg_restart_test.sh stops a real server.
TEST(ReconnectTest, BrokenPostgresConnectionsAreReplaced) {
  TestDb t;
  if (!t.is_postgres()) GTEST_SKIP() << "PostgreSQL only (FAZHI_TEST_DB)";
  auto db = t.Open(3);
  const auto cached_read = [&] {
    return db->Read([](soci::session& sql) { return db::Count(sql, "SELECT COUNT(*) FROM units", {}); });
  };
  // Warm every connection (and its statement cache) at once.
  {
    std::vector<std::thread> threads;
    for (int i = 0; i < 3; ++i) threads.emplace_back([&] { EXPECT_EQ(cached_read(), 0); });
    for (auto& th : threads) th.join();
  }
  EXPECT_TRUE(db->Ping());
  const auto kill_all = [&] {
    auto admin = db::Database::Open(t.url(), 1);
    ASSERT_TRUE(admin);
    (*admin)->Read([](soci::session& sql) {
      return db::Count(sql,
                       "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = "
                       "current_database() AND pid <> pg_backend_pid()",
                       {});
    });
  };

  // Found by the readiness check: every connection is then checked before its next use, so no
  // request fails afterwards.
  kill_all();
  EXPECT_FALSE(db->Ping());
  for (int i = 0; i < 6; ++i) EXPECT_EQ(cached_read(), 0) << "read " << i;
  EXPECT_TRUE(db->Ping());
  const auto after_first = db->reconnects();
  EXPECT_GE(after_first, 1u);

  // Found by a request: at most that one request fails; writes work again too.
  kill_all();
  int failed = 0;
  for (int i = 0; i < 8; ++i) {
    try {
      cached_read();
    } catch (const std::exception&) {
      ++failed;
    }
  }
  EXPECT_LE(failed, 1);
  auto w = db->Write([](soci::session& sql) -> Result<std::int64_t> {
    return db::Exec(sql, "INSERT INTO settings (key, value, updated_at) VALUES ('after', 'reconnect', 1)");
  });
  ASSERT_TRUE(w);
  EXPECT_EQ(*w, 1);
  EXPECT_GT(db->reconnects(), after_first);
}

// db::BulkInsert writes every row exactly, across batch boundaries, with NULLs and texts that need
// escaping in a PostgreSQL array literal (quotes, backslashes, braces, commas, the word NULL, "").
TEST(BulkInsertTest, WritesEveryRowExactlyOnBothBackends) {
  testing::TestDb t;
  auto db = t.Open();
  const std::vector<std::string> texts = {"普通", "a\"b", "back\\slash", "{brace}", "x,y", "NULL", "", "多行\n文本"};
  constexpr int kRows = 2503;  // batches of 1000: two full and one partial
  auto ok = db->Write([&](soci::session& sql) -> Result<void> {
    db::Exec(sql, "CREATE TABLE bulk_rows (seq BIGINT NOT NULL, label TEXT, n BIGINT)");
    db::BulkInsert ins("bulk_rows",
                       {{"seq", db::BulkInsert::kInt}, {"label", db::BulkInsert::kText}, {"n", db::BulkInsert::kInt}},
                       1000);
    for (int i = 0; i < kRows; ++i) {
      ins.Int(i)
          .OptText(i % 5 == 4 ? std::nullopt : std::optional<std::string>(texts[i % texts.size()]))
          .OptInt(i % 3 == 2 ? std::nullopt : std::optional<std::int64_t>(-1000000000000LL + i))
          .End(sql);
    }
    EXPECT_EQ(ins.buffered(), 503u);
    ins.Flush(sql);
    EXPECT_EQ(ins.written(), static_cast<std::size_t>(kRows));
    ins.Flush(sql);  // nothing left: writes nothing
    // A short row is a programming error, not a silent misalignment.
    ins.Int(1);
    EXPECT_THROW(ins.End(), std::logic_error);
    return {};
  });
  ASSERT_TRUE(ok);
  int seen = 0;
  db->Read([&](soci::session& sql) {
    db::Each(sql, "SELECT seq, label, n FROM bulk_rows ORDER BY seq", {}, [&](const db::Row& r) {
      const int i = static_cast<int>(r.Int("seq"));
      EXPECT_EQ(i, seen);
      if (i % 5 == 4)
        EXPECT_TRUE(r.IsNull("label")) << i;
      else
        EXPECT_EQ(r.Str("label"), texts[i % texts.size()]) << i;
      if (i % 3 == 2)
        EXPECT_FALSE(r.OptInt("n")) << i;
      else
        EXPECT_EQ(r.OptInt("n"), -1000000000000LL + i) << i;
      ++seen;
    });
  });
  EXPECT_EQ(seen, kRows);
}

// UpdateByFirstColumn: every keyed row gets its new values (NULLs and texts that need escaping
// included), rows not named keep theirs, across batch boundaries.
TEST(BulkInsertTest, UpdatesRowsByTheirKeyOnBothBackends) {
  testing::TestDb t;
  auto db = t.Open();
  constexpr int kRows = 1203;
  auto ok = db->Write([&](soci::session& sql) -> Result<void> {
    db::Exec(sql, "CREATE TABLE bulk_upd (id BIGINT PRIMARY KEY, label TEXT, n BIGINT)");
    const std::vector<std::pair<std::string, db::BulkInsert::Kind>> cols = {
        {"id", db::BulkInsert::kInt}, {"label", db::BulkInsert::kText}, {"n", db::BulkInsert::kInt}};
    db::BulkInsert ins("bulk_upd", cols);
    for (int i = 0; i < kRows; ++i) ins.Int(i).Text("old").Int(-1).End(sql);
    ins.Flush(sql);
    db::BulkInsert upd("bulk_upd", cols, 500);
    upd.UpdateByFirstColumn();
    for (int i = 0; i < kRows; i += 2)  // the even ids only
      upd.Int(i)
          .OptText(i % 10 == 0 ? std::nullopt : std::optional<std::string>(i % 4 == 0 ? "a\"b,{c}" : "新"))
          .OptInt(i % 6 == 0 ? std::nullopt : std::optional<std::int64_t>(i * 1000000000LL))
          .End(sql);
    upd.Flush(sql);
    EXPECT_EQ(upd.written(), static_cast<std::size_t>((kRows + 1) / 2));
    return {};
  });
  ASSERT_TRUE(ok);
  int seen = 0;
  db->Read([&](soci::session& sql) {
    db::Each(sql, "SELECT id, label, n FROM bulk_upd ORDER BY id", {}, [&](const db::Row& r) {
      const int i = static_cast<int>(r.Int("id"));
      EXPECT_EQ(i, seen++);
      if (i % 2 == 1) {
        EXPECT_EQ(r.Str("label"), "old") << i;
        EXPECT_EQ(r.OptInt("n"), -1) << i;
        return;
      }
      if (i % 10 == 0)
        EXPECT_TRUE(r.IsNull("label")) << i;
      else
        EXPECT_EQ(r.Str("label"), i % 4 == 0 ? "a\"b,{c}" : "新") << i;
      if (i % 6 == 0)
        EXPECT_FALSE(r.OptInt("n")) << i;
      else
        EXPECT_EQ(r.OptInt("n"), i * 1000000000LL) << i;
    });
  });
  EXPECT_EQ(seen, kRows);
}

// A duplicate key is recognised by its code, not its English text: PostgreSQL translates its messages
// (lc_messages = zh_CN gives 重复键违反唯一约束…), and other constraint failures are not duplicates.
TEST(UniqueViolationTest, RecognisedByCodeOnBothBackends) {
  testing::TestDb t;
  auto db = t.Open();
  int caught = 0;
  auto ok = db->Write([&](soci::session& sql) -> Result<void> {
    db::Exec(sql, "CREATE TABLE uniq_rows (k BIGINT PRIMARY KEY, code TEXT NOT NULL UNIQUE)");
    db::Exec(sql, "INSERT INTO uniq_rows (k, code) VALUES (1, 'a')");
    return {};
  });
  ASSERT_TRUE(ok);
  for (const char* q : {"INSERT INTO uniq_rows (k, code) VALUES (1, 'b')",     // primary key
                        "INSERT INTO uniq_rows (k, code) VALUES (2, 'a')"}) {  // unique column
    try {
      db->Write([&](soci::session& sql) -> Result<void> {
        db::Exec(sql, q);
        return {};
      });
      ADD_FAILURE() << q << " was accepted";
    } catch (const std::exception& e) {
      EXPECT_TRUE(db::IsUniqueViolation(e)) << e.what();
      ++caught;
    }
  }
  EXPECT_EQ(caught, 2);
  try {  // NOT NULL is a constraint too, but not a duplicate
    db->Write([&](soci::session& sql) -> Result<void> {
      db::Exec(sql, "INSERT INTO uniq_rows (k, code) VALUES (3, NULL)");
      return {};
    });
    ADD_FAILURE() << "NULL accepted";
  } catch (const std::exception& e) {
    EXPECT_FALSE(db::IsUniqueViolation(e)) << e.what();
  }
  // The errors as a server with Chinese messages would raise them.
  EXPECT_TRUE(
      db::IsUniqueViolation(soci::postgresql_soci_error("错误:  重复键违反唯一约束\"uniq_rows_code_key\"", "23505")));
  EXPECT_FALSE(
      db::IsUniqueViolation(soci::postgresql_soci_error("错误:  在字段 \"code\" 中空值违反了非空约束", "23502")));
  EXPECT_FALSE(db::IsUniqueViolation(soci::soci_error("duplicate key value violates unique constraint (a log line)")));
  EXPECT_TRUE(db::IsUniqueViolation(soci::sqlite3_soci_error("UNIQUE constraint failed: uniq_rows.code", 19)));
  EXPECT_FALSE(db::IsUniqueViolation(soci::sqlite3_soci_error("NOT NULL constraint failed: uniq_rows.code", 19)));
}

}  // namespace
}  // namespace fazhi::testing

namespace fazhi {
namespace {

// db::Each / First / Row: columns read by name whatever their position, NULLs, text and numbers,
// nested use of the same query, scalars, Exec's change count and Insert's id — on both backends.
TEST(RowApiTest, ReadsByNameOnBothBackends) {
  testing::TestDb t;
  auto db = t.Open();
  auto ok = db->Write([&](soci::session& sql) -> Result<void> {
    db::Exec(sql, "CREATE TABLE row_api (id " +
                      std::string(db->backend() == db::Backend::kSqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT"
                                                                        : "BIGSERIAL PRIMARY KEY") +
                      ", name TEXT NOT NULL, n BIGINT, note TEXT)");
    for (int i = 1; i <= 3; ++i) {
      db::SqlArgs a;
      const auto id =
          db::Insert(sql,
                     "INSERT INTO row_api (name, n, note) VALUES (" + a.Str("名" + std::to_string(i)) + ", " +
                         a.OptInt(i == 2 ? std::nullopt : std::optional<std::int64_t>(i * 10)) + ", " +
                         a.OptStr(i == 3 ? std::optional<std::string>("备注") : std::nullopt) + ") RETURNING id",
                     a);
      EXPECT_EQ(id, i);
    }
    db::SqlArgs u;
    EXPECT_EQ(db::Exec(sql, "UPDATE row_api SET note = " + u.Str("x") + " WHERE n IS NOT NULL", u), 2);
    return {};
  });
  ASSERT_TRUE(ok);
  db->Read([&](soci::session& sql) {
    std::vector<std::string> seen;
    db::SqlArgs a;
    db::Each(sql, "SELECT note, n, name AS person_name, id FROM row_api WHERE id >= " + a.Int(1) + " ORDER BY id", a,
             [&](const db::Row& r) {
               seen.push_back(fmt::format("{}|{}|{}|{}|{}", r.Int("id"), r.Str("person_name"),
                                          r.OptInt("n") ? std::to_string(*r.OptInt("n")) : "null", r.Str("note"),
                                          r.IsNull("note")));
               // The same query nested inside its own loop gets a statement of its own.
               db::SqlArgs b;
               EXPECT_EQ(db::Count(sql, "SELECT COUNT(*) FROM row_api WHERE id >= " + b.Int(1), b), 3);
             });
    EXPECT_EQ(seen, (std::vector<std::string>{"1|名1|10|x|false", "2|名2|null||true", "3|名3|30|x|false"}));
    db::SqlArgs c;
    EXPECT_FALSE(db::First(sql, "SELECT id FROM row_api WHERE id = " + c.Int(99), c, [](const db::Row&) {}));
    EXPECT_EQ(db::ScalarText(sql, "SELECT name FROM row_api WHERE id = 2"), std::optional<std::string>("名2"));
    EXPECT_EQ(db::ScalarInt(sql, "SELECT n FROM row_api WHERE id = 2"), std::nullopt);
    db::SqlArgs d;
    EXPECT_EQ(db::Count(sql, "SELECT COUNT(*) FROM row_api WHERE id IN " + d.IntList({1, 3, 5}), d), 2);
    // A name the query does not select is a programming error, reported by name.
    db::SqlArgs e;
    try {
      db::First(sql, "SELECT id FROM row_api WHERE id = " + e.Int(1), e, [](const db::Row& r) { (void)r.Int("nope"); });
      ADD_FAILURE() << "expected std::logic_error";
    } catch (const std::logic_error& err) {
      EXPECT_NE(std::string(err.what()).find("nope"), std::string::npos);
    }
    // Rows into values: AllOf / FirstOf with a reader function, IntColumn by name.
    struct Named {
      std::int64_t id;
      std::string name;
    };
    const auto named = [](const db::Row& r) { return Named{r.Int("id"), r.Str("name")}; };
    db::SqlArgs g;
    const std::vector<Named> all =
        db::AllOf(sql, "SELECT name, id FROM row_api WHERE id <> " + g.Int(2) + " ORDER BY id DESC", g, named);
    EXPECT_EQ(all.size(), 2u);
    if (all.size() == 2) {
      EXPECT_EQ(all[0].id, 3);
      EXPECT_EQ(all[1].name, "名1");
    }
    db::SqlArgs h;
    const std::optional<Named> second =
        db::FirstOf(sql, "SELECT id, name FROM row_api WHERE id = " + h.Int(2), h, named);
    EXPECT_TRUE(second);
    if (second) {
      EXPECT_EQ(second->name, "名2");
    }
    db::SqlArgs i;
    EXPECT_FALSE(db::FirstOf(sql, "SELECT id, name FROM row_api WHERE id = " + i.Int(99), i, named));
    db::SqlArgs j;
    EXPECT_EQ(db::IntColumn(sql, "SELECT name, n, id FROM row_api WHERE n IS NOT NULL ORDER BY id", j, "n"),
              (std::vector<std::int64_t>{10, 30}));
    EXPECT_TRUE(db::IntColumn(sql, "SELECT id FROM row_api WHERE id > 10", {}, "id").empty());
    // The statement that threw works again.
    db::SqlArgs f;
    EXPECT_TRUE(db::First(sql, "SELECT id FROM row_api WHERE id = " + f.Int(1), f, [](const db::Row&) {}));
    return 0;
  });
}

}  // namespace
}  // namespace fazhi

namespace fazhi {
namespace {

// FZ_READ: each member from the column of its name, the getter chosen by the member's type — an
// optional stays empty on NULL where a plain integer or string reads 0 or "" — on both backends.
TEST(RowApiTest, FzReadFollowsEachMembersType) {
  testing::TestDb t;
  auto db = t.Open();
  struct Record {
    std::int64_t id = -1;
    int n = -1;
    bool flag = false;
    double ratio = 0;
    std::string name = "unset";
    std::optional<std::int64_t> opt_n = 7;
    std::optional<int> small = 7;
    std::optional<std::string> note = "unset";
  };
  std::vector<Record> got;
  db->Read([&](soci::session& sql) {
    for (const char* q : {"SELECT 5 AS id, 42 AS n, 1 AS flag, 0.25 AS ratio, '名' AS name, 9 AS opt_n, 3 AS small, "
                          "'备注' AS note",
                          "SELECT 6 AS id, NULL AS n, 0 AS flag, 1.5 AS ratio, NULL AS name, NULL AS opt_n, NULL AS "
                          "small, NULL AS note"}) {
      db::First(sql, q, {}, [&](const db::Row& r) {
        Record x;
        FZ_READ(r, x, id, n, flag, ratio, name, opt_n, small, note);
        got.push_back(x);
      });
    }
  });
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].id, 5);
  EXPECT_EQ(got[0].n, 42);
  EXPECT_TRUE(got[0].flag);
  EXPECT_DOUBLE_EQ(got[0].ratio, 0.25);
  EXPECT_EQ(got[0].name, "名");
  EXPECT_EQ(got[0].opt_n, std::optional<std::int64_t>(9));
  EXPECT_EQ(got[0].small, std::optional<int>(3));
  EXPECT_EQ(got[0].note, std::optional<std::string>("备注"));
  EXPECT_EQ(got[1].id, 6);
  EXPECT_EQ(got[1].n, 0);
  EXPECT_FALSE(got[1].flag);
  EXPECT_DOUBLE_EQ(got[1].ratio, 1.5);
  EXPECT_EQ(got[1].name, "");
  EXPECT_EQ(got[1].opt_n, std::nullopt);
  EXPECT_EQ(got[1].small, std::nullopt);
  EXPECT_EQ(got[1].note, std::nullopt);
}

}  // namespace
}  // namespace fazhi

namespace fazhi {
namespace {

// db::Values: columns and their values named side by side (FZ_VALUES binds members by type, an empty
// optional as NULL); InsertRow returns the new id, InsertValues the rows written — on both backends.
TEST(RowApiTest, ValuesInsertMembersUnderTheirColumns) {
  testing::TestDb t;
  auto db = t.Open();
  struct Item {
    std::int64_t n = 0;
    int small = 0;
    bool flag = false;
    std::string name;
    std::optional<std::int64_t> opt_n;
    std::optional<std::string> note;
  };
  const bool sqlite = db->backend() == db::Backend::kSqlite;
  auto ok = db->Write([&](soci::session& sql) -> Result<void> {
    db::Exec(sql, std::string("CREATE TABLE values_api (id ") +
                      (sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY") +
                      ", n BIGINT, small INTEGER, flag INTEGER, name TEXT, opt_n BIGINT, note TEXT, status TEXT, "
                      "extra BIGINT)");
    const Item full{.n = 5, .small = 7, .flag = true, .name = "名", .opt_n = 9, .note = "备注"};
    db::Values v;
    FZ_VALUES(v, full, n, small, flag, name, opt_n, note);
    v.Sql("status", "'open'").Int("extra", 42);
    EXPECT_EQ(v.Columns(), "n, small, flag, name, opt_n, note, status, extra");
    EXPECT_EQ(db::InsertRow(sql, "values_api", v), 1);
    const Item empty{.n = 6, .name = "空"};
    db::Values w;
    FZ_VALUES(w, empty, n, small, flag, name, opt_n, note);
    EXPECT_EQ(db::InsertValues(sql, "values_api", w), 1);
    return {};
  });
  ASSERT_TRUE(ok);
  std::vector<std::string> rows;
  db->Read([&](soci::session& sql) {
    db::Each(sql, "SELECT id, n, small, flag, name, opt_n, note, status, extra FROM values_api ORDER BY id", {},
             [&](const db::Row& r) {
               rows.push_back(
                   fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}", r.Int("id"), r.Int("n"), r.Int("small"), r.Int("flag"),
                               r.Str("name"), r.OptInt("opt_n") ? std::to_string(*r.OptInt("opt_n")) : "null",
                               r.IsNull("note") ? "null" : r.Str("note"), r.IsNull("status") ? "null" : r.Str("status"),
                               r.OptInt("extra") ? std::to_string(*r.OptInt("extra")) : "null"));
             });
  });
  EXPECT_EQ(rows, (std::vector<std::string>{"1|5|7|1|名|9|备注|open|42", "2|6|0|0|空|null|null|null|null"}));
}

}  // namespace
}  // namespace fazhi
