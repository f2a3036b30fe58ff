// The audit chain against someone who holds the database but not the audit key (issue 16): the two
// attacks that passed `fazhi audit verify` before the chain was keyed — rows cut off the end with
// audit_head rewound, and an edited row with every later hash recomputed (plain SHA-256, or an HMAC
// under another key) — are reported, through audit::Verify and through the CLI's exit code; the
// untouched chain (old SHA-256 rows, then keyed rows) verifies; a forged checkpoint is reported.
// Runs on SQLite, and on PostgreSQL when FAZHI_TEST_DB is set.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "app/app.h"
#include "audit/audit_log.h"
#include "audit/chain_key.h"
#include "audit/checkpoint.h"
#include "core/clock.h"
#include "db/sql.h"
#include "support/test_db.h"

namespace fazhi {
namespace {

using testing::TestDb;

Config ConfigFor(const TestDb& t) {
  Config c;
  c.db_url = t.url();
  c.key_file = t.key_file();
  c.listen = "127.0.0.1:0";
  c.http_threads = 4;
  c.db_pool = 2;
  c.sweep_interval_seconds = 0;
  c.audit_checkpoint_minutes = 0;
  c.attachment_dir = (t.dir() / "attachments").string();
  return c;
}

std::string CheckpointDir(const TestDb& t) { return (t.dir() / "audit-checkpoints").string(); }

void AppendRows(db::Database& db, const Clock& clock, int n, const std::string& tag) {
  for (int i = 0; i < n; ++i)
    db.Write([&](soci::session& sql) {
      audit::Append(sql, clock, audit::Actor{.username = "tester", .ip = "127.0.0.1"},
                    audit::Entry{.action = "test." + tag,
                                 .object_type = "test",
                                 .object_id = std::to_string(i),
                                 .summary = "测试记录 " + tag + std::to_string(i)});
      return true;  // Write commits when the result is truthy
    });
}

std::vector<audit::Row> AllRows(db::Database& db) { return audit::After(db, 0, 100000); }

// What someone with the database alone does first: drop the append-only triggers.
void DropGuards(db::Database& db, bool pg) {
  db.Write([&](soci::session& sql) {
    if (pg) {
      sql << "DROP TRIGGER audit_log_no_update ON audit_log";
    } else {
      sql << "DROP TRIGGER audit_log_no_update";
      sql << "DROP TRIGGER audit_log_no_delete";
    }
    return true;
  });
}

// Rewrites row `id`'s summary, then recomputes the hash of it and of every later row with `rehash`
// (which sets row.alg and returns the hash), and points audit_head at the new last hash.
template <typename Rehash>
void EditAndRehash(db::Database& db, std::int64_t id, Rehash rehash) {
  auto rows = AllRows(db);
  std::string prev = std::string(64, '0');
  for (auto& r : rows) {
    if (r.id == id) r.summary = "篡改后的内容";
    if (r.id >= id) {
      r.prev_hash = prev;
      r.hash = rehash(r, prev);
      db.Write([&](soci::session& sql) {
        db::SqlArgs a;
        db::Exec(sql,
                 "UPDATE audit_log SET summary = " + a.Str(r.summary) + ", prev_hash = " + a.Str(r.prev_hash) +
                     ", hash = " + a.Str(r.hash) + ", alg = " + a.Str(r.alg) + " WHERE id = " + a.Int(r.id),
                 a);
        return true;
      });
    }
    prev = r.hash;
  }
  db.Write([&](soci::session& sql) {
    db::SqlArgs a;
    db::Exec(
        sql,
        "UPDATE audit_head SET last_id = " + a.Int(rows.back().id) + ", last_hash = " + a.Str(prev) + " WHERE id = 1",
        a);
    return true;
  });
}

// Deletes every row above `keep` and sets audit_head back to row `keep`: the truncation the old
// chain could not see.
void TruncateAndRewind(db::Database& db, std::int64_t keep) {
  db.Write([&](soci::session& sql) {
    db::SqlArgs a;
    db::Exec(sql, "DELETE FROM audit_log WHERE id > " + a.Int(keep), a);
    db::SqlArgs h;
    db::Exec(sql,
             "UPDATE audit_head SET last_id = " + h.Int(keep) +
                 ", last_hash = (SELECT hash FROM audit_log WHERE id = " + h.Int(keep) + ") WHERE id = 1",
             h);
    return true;
  });
}

audit::VerifyReport VerifyWithCheckpoints(App& app, const std::string& dir) {
  audit::VerifyOptions o;
  o.key = app.audit_key();
  o.checkpoints = audit::ReadCheckpoints(dir, app.audit_key().get());
  return audit::Verify(app.db(), o);
}

// A database with 5 rows from before the keyed chain (no App has opened it: plain SHA-256), then an
// App (which adopts the audit key) and 5 keyed rows, and a checkpoint of that head.
class AuditChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    {
      auto old_db = t_.Open(2);
      AppendRows(*old_db, clock_, 5, "old");
    }
    auto app = App::Create(ConfigFor(t_), &clock_);
    ASSERT_TRUE(app) << app.error().message;
    app_ = std::move(*app);
    AppendRows(app_->db(), clock_, 5, "new");
    auto cp =
        audit::WriteAndLogCheckpoint(app_->db(), clock_, *app_->audit_key(), app_->audit_alg(), CheckpointDir(t_));
    ASSERT_TRUE(cp) << cp.error().message;
    ASSERT_TRUE(*cp);
    ASSERT_EQ((*cp)->last_id, 10);
  }

  TestDb t_;
  ManualClock clock_{1764835200};  // 2025-12-04 08:00 UTC
  std::unique_ptr<App> app_;
};

TEST_F(AuditChainTest, OldPlainRowsThenKeyedRowsVerify) {
  const auto rows = AllRows(app_->db());
  ASSERT_EQ(rows.size(), 10u);
  for (const auto& r : rows) EXPECT_EQ(r.alg, r.id <= 5 ? "sha256" : "hmac-sha256") << r.id;
  // The first keyed row chains on the last plain one.
  EXPECT_EQ(rows[5].prev_hash, rows[4].hash);
  EXPECT_NE(rows[5].hash, audit::ComputeHash(rows[5], rows[4].hash)) << "a keyed row is not plain SHA-256";

  const auto chain = audit::Verify(app_->db());
  EXPECT_TRUE(chain.ok) << chain.message;
  EXPECT_EQ(chain.rows, 10);
  EXPECT_EQ(chain.keyed_rows, 5);
  const auto rep = VerifyWithCheckpoints(*app_, CheckpointDir(t_));
  EXPECT_TRUE(rep.ok) << rep.message;
  EXPECT_EQ(rep.checkpoints, 1);
  EXPECT_TRUE(rep.checkpoint_problems.empty());
  EXPECT_NE(rep.message.find("完整"), std::string::npos) << rep.message;

  // More rows after the checkpoint still verify against it.
  AppendRows(app_->db(), clock_, 3, "later");
  EXPECT_TRUE(VerifyWithCheckpoints(*app_, CheckpointDir(t_)).ok);
}

// Attack (a): delete the newest rows and rewind audit_head. The remaining chain is consistent, so
// the chain alone (all the old verify had) passes; the checkpoint does not.
TEST_F(AuditChainTest, TruncationWithRewoundHeadIsCaughtByTheCheckpoint) {
  DropGuards(app_->db(), t_.is_postgres());
  TruncateAndRewind(app_->db(), 7);
  const auto chain = audit::Verify(app_->db());
  EXPECT_TRUE(chain.ok) << "the chain alone cannot see this truncation: " << chain.message;

  const auto rep = VerifyWithCheckpoints(*app_, CheckpointDir(t_));
  EXPECT_FALSE(rep.ok);
  ASSERT_EQ(rep.checkpoint_problems.size(), 1u);
  EXPECT_NE(rep.message.find("截断"), std::string::npos) << rep.message;
  EXPECT_NE(rep.message.find("第 10 条"), std::string::npos) << rep.message;
}

// Truncating everything (an empty chain and head) is not "empty" when a checkpoint exists.
TEST_F(AuditChainTest, DeletingEveryRowIsCaughtByTheCheckpoint) {
  DropGuards(app_->db(), t_.is_postgres());
  app_->db().Write([](soci::session& sql) {
    sql << "DELETE FROM audit_log";
    sql << "UPDATE audit_head SET last_id = 0, last_hash = "
           "'0000000000000000000000000000000000000000000000000000000000000000' WHERE id = 1";
    return true;
  });
  const auto rep = VerifyWithCheckpoints(*app_, CheckpointDir(t_));
  EXPECT_FALSE(rep.ok);
  EXPECT_EQ(rep.rows, 0);
  EXPECT_NE(rep.message.find("截断"), std::string::npos) << rep.message;
}

// Attack (b): edit a keyed row and recompute it and every later hash with plain SHA-256, labelled
// as such. A plain row after a keyed one is a downgrade.
TEST_F(AuditChainTest, EditAndPlainRehashOfKeyedRowsIsCaught) {
  DropGuards(app_->db(), t_.is_postgres());
  EditAndRehash(app_->db(), 8, [](audit::Row& r, const std::string& prev) {
    r.alg = "sha256";
    return audit::ComputeHash(r, prev);
  });
  const auto rep = audit::Verify(app_->db());
  EXPECT_FALSE(rep.ok);
  EXPECT_EQ(rep.first_bad_id, 8);
  EXPECT_NE(rep.message.find("不带密钥"), std::string::npos) << rep.message;
}

// The same, keeping the keyed label: the plain SHA-256 is not the HMAC.
TEST_F(AuditChainTest, EditAndPlainRehashKeepingTheLabelIsCaught) {
  DropGuards(app_->db(), t_.is_postgres());
  EditAndRehash(app_->db(), 8, [](audit::Row& r, const std::string& prev) { return audit::ComputeHash(r, prev); });
  const auto rep = audit::Verify(app_->db());
  EXPECT_FALSE(rep.ok);
  EXPECT_EQ(rep.first_bad_id, 8);
  EXPECT_NE(rep.message.find("内容与哈希不符"), std::string::npos) << rep.message;
}

// An HMAC under a key of the attacker's own is as wrong as plain SHA-256.
TEST_F(AuditChainTest, EditAndRehashUnderAnotherKeyIsCaught) {
  DropGuards(app_->db(), t_.is_postgres());
  const auto other = audit::ChainKey::FromBytes(std::string(32, 'x'));
  EditAndRehash(app_->db(), 7, [&](audit::Row& r, const std::string& prev) {
    return audit::ComputeKeyedHash(r, prev, *other, audit::MacAlg::kHmacSha256);
  });
  const auto rep = audit::Verify(app_->db());
  EXPECT_FALSE(rep.ok);
  EXPECT_EQ(rep.first_bad_id, 7);
}

// Editing an old plain row and re-hashing up to the first keyed row: that row's HMAC covers the
// previous hash, so the old rows are protected by the first keyed one.
TEST_F(AuditChainTest, EditOfAnOldPlainRowIsCaughtByTheFirstKeyedRow) {
  DropGuards(app_->db(), t_.is_postgres());
  EditAndRehash(app_->db(), 2, [](audit::Row& r, const std::string& prev) {
    if (r.alg == "sha256") return audit::ComputeHash(r, prev);
    return r.hash;  // the keyed rows cannot be recomputed without the key: left as they were
  });
  const auto rep = audit::Verify(app_->db());
  EXPECT_FALSE(rep.ok);
  EXPECT_EQ(rep.first_bad_id, 6);
}

// The whole chain re-hashed as plain SHA-256 (every row relabelled): consistent as a chain of old
// rows, so only the checkpoint, which recorded row 10's HMAC, shows it.
TEST_F(AuditChainTest, WholeChainDowngradedToPlainIsCaughtByTheCheckpoint) {
  DropGuards(app_->db(), t_.is_postgres());
  EditAndRehash(app_->db(), 3, [](audit::Row& r, const std::string& prev) {
    r.alg = "sha256";
    return audit::ComputeHash(r, prev);
  });
  EXPECT_TRUE(audit::Verify(app_->db()).ok) << "a chain of plain rows is consistent by itself";
  const auto rep = VerifyWithCheckpoints(*app_, CheckpointDir(t_));
  EXPECT_FALSE(rep.ok);
  ASSERT_EQ(rep.checkpoint_problems.size(), 1u);
  EXPECT_NE(rep.checkpoint_problems[0].find("哈希与检查点记下的不同"), std::string::npos) << rep.checkpoint_problems[0];
}

// A checkpoint someone wrote or changed without the key: reported, and the verdict is "broken".
TEST_F(AuditChainTest, ForgedCheckpointIsReported) {
  // A forger who truncated to row 7 "re-anchors" with a checkpoint naming row 7, signed with a key
  // of their own; and alters the genuine one's row count.
  const auto other = audit::ChainKey::FromBytes(std::string(32, 'y'));
  auto forged = audit::TakeCheckpoint(app_->db(), clock_, *other, audit::MacAlg::kHmacSha256);
  ASSERT_TRUE(forged);
  ASSERT_TRUE(audit::WriteCheckpoint(CheckpointDir(t_), *forged));
  const auto files = audit::ReadCheckpoints(CheckpointDir(t_), app_->audit_key().get());
  ASSERT_EQ(files.size(), 2u);
  EXPECT_TRUE(files[0].problem.empty()) << files[0].problem;
  EXPECT_NE(files[1].problem.find("签名不符"), std::string::npos) << files[1].problem;

  auto rep = VerifyWithCheckpoints(*app_, CheckpointDir(t_));
  EXPECT_FALSE(rep.ok);
  ASSERT_EQ(rep.checkpoint_problems.size(), 1u);
  EXPECT_NE(rep.checkpoint_problems[0].find("签名不符"), std::string::npos) << rep.checkpoint_problems[0];

  // Editing a field of a genuine checkpoint (here: fewer rows) breaks its signature too.
  const std::string dir = (t_.dir() / "edited").string();
  auto genuine = audit::ReadCheckpoints(CheckpointDir(t_), app_->audit_key().get())[0].cp;
  genuine.rows = 7;
  genuine.last_id = 7;
  ASSERT_TRUE(audit::WriteCheckpoint(dir, genuine));
  rep = VerifyWithCheckpoints(*app_, dir);
  EXPECT_FALSE(rep.ok);
  ASSERT_EQ(rep.checkpoint_problems.size(), 1u);
  EXPECT_NE(rep.checkpoint_problems[0].find("签名不符"), std::string::npos);

  // And a line that is not a checkpoint at all.
  std::ofstream(audit::WriteCheckpoint(dir, genuine).value(), std::ios::app) << "{\"v\":1,\"last_id\":\"x\"}\n";
  rep = VerifyWithCheckpoints(*app_, dir);
  EXPECT_EQ(rep.checkpoint_problems.size(), 3u);
}

// The audit key file: a second start with another (or no) audit key file is refused, like the
// personal-data key; a file created by the refused start is removed.
TEST_F(AuditChainTest, AnotherOrMissingAuditKeyFileIsRefused) {
  app_.reset();
  Config other = ConfigFor(t_);
  other.audit_key_file = (t_.dir() / "elsewhere-audit.key").string();
  {
    std::ofstream(other.audit_key_file, std::ios::binary) << std::string(32, 'z');
    std::filesystem::permissions(other.audit_key_file,
                                 std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  }
  auto wrong = App::Create(other, &clock_);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().MachineCode(), "audit_key_mismatch");
  EXPECT_TRUE(std::filesystem::exists(other.audit_key_file)) << "an existing key file is never deleted";

  std::filesystem::remove(other.audit_key_file);
  auto missing = App::Create(other, &clock_);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().MachineCode(), "audit_key_missing");
  EXPECT_FALSE(std::filesystem::exists(other.audit_key_file)) << "no new audit key is created for a keyed chain";

  auto right = App::Create(ConfigFor(t_), &clock_);
  ASSERT_TRUE(right) << right.error().message;
  EXPECT_TRUE(audit::Verify((*right)->db()).ok);
}

// SM3 (国密): the same chain under HMAC-SM3, and the same attacks caught.
TEST(AuditChainSm3, KeyedWithSm3VerifiesAndCatchesARehash) {
  ASSERT_TRUE(audit::Sm3Available()) << "Debian 12's OpenSSL 3.0 provides SM3";
  TestDb t;
  ManualClock clock{1764835200};
  Config c = ConfigFor(t);
  c.audit_hash = "hmac-sm3";
  auto app = App::Create(c, &clock);
  ASSERT_TRUE(app) << app.error().message;
  db::Database& db = (*app)->db();
  AppendRows(db, clock, 4, "sm3");
  for (const auto& r : AllRows(db)) EXPECT_EQ(r.alg, "hmac-sm3");
  auto cp = audit::WriteAndLogCheckpoint(db, clock, *(*app)->audit_key(), (*app)->audit_alg(), CheckpointDir(t));
  ASSERT_TRUE(cp && *cp);
  EXPECT_EQ((*cp)->sig_alg, "hmac-sm3");
  EXPECT_TRUE(VerifyWithCheckpoints(**app, CheckpointDir(t)).ok);

  DropGuards(db, t.is_postgres());
  EditAndRehash(db, 2, [](audit::Row& r, const std::string& prev) { return audit::ComputeHash(r, prev); });
  const auto rep = audit::Verify(db);
  EXPECT_FALSE(rep.ok);
  EXPECT_EQ(rep.first_bad_id, 2);
}

// A keyed hash depends on the key and the algorithm, and on nothing else.
TEST(AuditChainKey, KeyedHashIsDeterministicAndKeyDependent) {
  const auto a = audit::ChainKey::FromBytes(std::string(32, 'a'));
  const auto b = audit::ChainKey::FromBytes(std::string(32, 'b'));
  audit::Row r{.id = 1, .at = 1, .username = "u", .action = "x.y"};
  const std::string zero(64, '0');
  for (auto alg : {audit::MacAlg::kHmacSha256, audit::MacAlg::kHmacSm3}) {
    const std::string h = audit::ComputeKeyedHash(r, zero, *a, alg);
    EXPECT_EQ(h.size(), 64u);
    EXPECT_EQ(h, audit::ComputeKeyedHash(r, zero, *audit::ChainKey::FromBytes(std::string(32, 'a')), alg));
    EXPECT_NE(h, audit::ComputeKeyedHash(r, zero, *b, alg));
    EXPECT_NE(h, audit::ComputeHash(r, zero));
  }
  EXPECT_NE(audit::ComputeKeyedHash(r, zero, *a, audit::MacAlg::kHmacSha256),
            audit::ComputeKeyedHash(r, zero, *a, audit::MacAlg::kHmacSm3));
  EXPECT_NE(a->CheckValue(), b->CheckValue());
}

// `serve` writes a checkpoint when it starts and when it stops, to the configured folder.
TEST(AuditCheckpointTimer, ServeWritesCheckpointsAtStartAndStop) {
  TestDb t;
  Config c = ConfigFor(t);
  c.audit_checkpoint_minutes = 60;
  auto app = App::Create(c);
  ASSERT_TRUE(app) << app.error().message;
  AppendRows((*app)->db(), (*app)->clock(), 2, "serve");
  ASSERT_TRUE((*app)->StartInBackground());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (audit::ReadCheckpoints(CheckpointDir(t), (*app)->audit_key().get()).empty() &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  auto cps = audit::ReadCheckpoints(CheckpointDir(t), (*app)->audit_key().get());
  ASSERT_EQ(cps.size(), 1u);
  EXPECT_EQ(cps[0].cp.last_id, 2);
  AppendRows((*app)->db(), (*app)->clock(), 1, "serve");
  (*app)->Stop();
  cps = audit::ReadCheckpoints(CheckpointDir(t), (*app)->audit_key().get());
  ASSERT_EQ(cps.size(), 2u);
  EXPECT_EQ(cps[1].cp.last_id, 3);
  EXPECT_TRUE(cps[1].problem.empty()) << cps[1].problem;
  EXPECT_TRUE(VerifyWithCheckpoints(**app, CheckpointDir(t)).ok);
}

// The CLI: `fazhi audit checkpoint` writes one; `fazhi audit verify` exits 0 on the untouched
// chain and 3 after each attack. Needs the fazhi binary (FAZHI_BIN, set by CMake).
class AuditCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* bin = std::getenv("FAZHI_BIN");
    if (!bin || !*bin) GTEST_SKIP() << "FAZHI_BIN not set";
    bin_ = bin;
  }
  // Runs fazhi with the global options of `t`; returns the exit code, output in `out`.
  int Fazhi(const TestDb& t, const std::string& args, std::string* out = nullptr) {
    const std::string out_file = (t.dir() / "cli.out").string();
    const std::string cmd =
        "'" + bin_ + "' --db '" + t.url() + "' --key-file '" + t.key_file() + "' " + args + " >'" + out_file + "' 2>&1";
    const int rc = std::system(cmd.c_str());
    std::ifstream in(out_file);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    if (out) *out = text;
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  }
  // A database the CLI has written keyed rows to, with one checkpoint.
  void Prepare(const TestDb& t) {
    std::string out;
    ASSERT_EQ(Fazhi(t, "unit add-root --name 测试市公安局", &out), 0) << out;
    ASSERT_EQ(Fazhi(t,
                    "user add --username admin --name 管理员 --role sys_admin --unit-id 1 --password "
                    "'Audit-Test-2026'",
                    &out),
              0)
        << out;
    ASSERT_EQ(Fazhi(t, "audit checkpoint", &out), 0) << out;
    EXPECT_NE(out.find("\"sig\""), std::string::npos) << out;
    ASSERT_EQ(Fazhi(t, "audit verify", &out), 0) << out;
    EXPECT_NE(out.find("检查点全部相符"), std::string::npos) << out;
  }
  std::string bin_;
};

TEST_F(AuditCliTest, TruncationExitsThree) {
  TestDb t;
  Prepare(t);
  {
    auto db = t.Open(1);
    const auto rows = AllRows(*db);
    ASSERT_GE(rows.size(), 2u);
    EXPECT_EQ(rows.back().alg, "hmac-sha256");
    DropGuards(*db, t.is_postgres());
    TruncateAndRewind(*db, rows.back().id - 1);
  }
  std::string out;
  EXPECT_EQ(Fazhi(t, "audit verify --no-checkpoints", &out), 0) << "the chain alone is consistent: " << out;
  EXPECT_EQ(Fazhi(t, "audit verify", &out), 3) << out;
  EXPECT_NE(out.find("截断"), std::string::npos) << out;
}

TEST_F(AuditCliTest, EditAndRehashExitsThree) {
  TestDb t;
  Prepare(t);
  {
    auto db = t.Open(1);
    DropGuards(*db, t.is_postgres());
    EditAndRehash(*db, 1, [](audit::Row& r, const std::string& prev) {
      r.alg = "sha256";
      return audit::ComputeHash(r, prev);
    });
  }
  std::string out;
  // All rows are plain now, so the chain alone holds together; the checkpoint does not.
  EXPECT_EQ(Fazhi(t, "audit verify", &out), 3) << out;
  EXPECT_NE(out.find("检查点"), std::string::npos) << out;
}

TEST_F(AuditCliTest, ForgedCheckpointExitsThree) {
  TestDb t;
  Prepare(t);
  const std::string dir = (t.dir() / "audit-checkpoints").string();
  std::string file;
  for (const auto& e : std::filesystem::directory_iterator(dir)) file = e.path().string();
  std::string text;
  {
    std::ifstream in(file);
    std::getline(in, text);
  }
  const auto pos = text.find("\"rows\":");
  ASSERT_NE(pos, std::string::npos);
  text.replace(pos, 8, "\"rows\":9");  // one digit changed
  std::ofstream(file, std::ios::app) << text << "\n";
  std::string out;
  EXPECT_EQ(Fazhi(t, "audit verify", &out), 3) << out;
  EXPECT_NE(out.find("签名不符"), std::string::npos) << out;
  EXPECT_EQ(Fazhi(t, "audit verify --no-checkpoints", &out), 0) << out;
}

}  // namespace
}  // namespace fazhi
