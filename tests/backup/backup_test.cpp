// fazhi backup / restore: round trip (same backend and across backends), and every way a backup
// file or a restore target can be wrong. Runs on SQLite, and on PostgreSQL when FAZHI_TEST_DB is set.
#include "backup/backup.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "backup/backup_file.h"
#include "db/sql.h"
#include "files/attachments.h"
#include "tests/support/test_db.h"

namespace fazhi::backup {
namespace {

using nlohmann::json;
using testing::TestDb;

constexpr EpochSeconds kT0 = 1767225600;  // 2026-01-01 00:00 UTC

// ---- gzip helpers: tests rewrite backup files by hand --------------------------------------------

std::vector<std::string> ReadGzLines(const std::string& path) {
  auto reader = GzLineReader::Open(path);
  EXPECT_TRUE(reader) << reader.error().message;
  std::vector<std::string> lines;
  for (;;) {
    auto line = (*reader)->Next();
    EXPECT_TRUE(line) << line.error().message;
    if (!line || !*line) break;
    lines.push_back(**line);
  }
  return lines;
}

void WriteGzLines(const std::string& path, const std::vector<std::string>& lines) {
  auto w = GzLineWriter::Open(path);
  ASSERT_TRUE(w);
  for (const auto& l : lines) ASSERT_TRUE((*w)->WriteLine(l));
  ASSERT_TRUE((*w)->Close());
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// ---- data ----------------------------------------------------------------------------------------

std::int64_t Count(db::Database& db, const std::string& table) {
  return db.Read([&](soci::session& sql) {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM " + table, soci::into(n);
    return static_cast<std::int64_t>(n);
  });
}

// Units (one moved under a newer unit, so a child row precedes its parent), people, users, roles,
// settings, a session and an audit chain, with Chinese text, quotes, newlines, NULLs and 64-bit values.
void Populate(db::Database& db) {
  ManualClock clock(kT0);
  auto r = db.Write([&](soci::session& sql) -> Result<int> {
    const long long t = kT0;
    sql << "INSERT INTO units (bureau_id, parent_id, name, level, created_at, updated_at) VALUES "
           "(NULL, NULL, '某市公安局', 'city', :c, :u)",
        soci::use(t), soci::use(t);
    sql << "INSERT INTO units (bureau_id, parent_id, name, level, code, created_at, updated_at) VALUES "
           "(9007199254740993, 1, '城区分局', 'bureau', 'CQ', :c, :u)",
        soci::use(t), soci::use(t);
    sql << "INSERT INTO units (bureau_id, parent_id, name, level, path, created_at, updated_at) VALUES "
           "(-42, 2, '刑侦大队', 'team', '/1/2/3/', :c, :u)",
        soci::use(t), soci::use(t);
    sql << "INSERT INTO units (bureau_id, parent_id, name, level, created_at, updated_at) VALUES "
           "(4, 1, '开发区分局', 'bureau', :c, :u)",
        soci::use(t), soci::use(t);
    sql << "UPDATE units SET parent_id = 4 WHERE id = 3";  // 3's parent is now the newer unit 4

    sql << "INSERT INTO people (bureau_id, unit_id, name, badge_no, kind, position, is_legal_officer, "
           "id_number_enc, phone_enc, created_at, updated_at) VALUES "
           "(2, 3, '张三', '010001', '民警', '大队长', 1, NULL, 'enc:\"quoted\"', :c, :u)",
        soci::use(t), soci::use(t);
    sql << "INSERT INTO people (bureau_id, unit_id, name, badge_no, kind, position, created_at, updated_at) VALUES "
           "(2, 2, '李四', 'F0002', '辅警', '第一行\n第二行\t制表', :c, :u)",
        soci::use(t), soci::use(t);
    sql << "INSERT INTO people (bureau_id, unit_id, name, badge_no, kind, active, created_at, updated_at) VALUES "
           "(4, 4, 'O''Brien 王', '010010', '民警', 0, :c, :u)",
        soci::use(t), soci::use(t);

    sql << "INSERT INTO users (bureau_id, username, display_name, password_hash, unit_id, person_id, created_at, "
           "updated_at) VALUES (2, 'zhangsan', '张三', '$argon2id$v=19$m=65536,t=2,p=1$abc$def', 3, 1, :c, :u)",
        soci::use(t), soci::use(t);
    sql << "INSERT INTO users (bureau_id, username, display_name, password_hash, unit_id, totp_secret_enc, "
           "locked_until, created_at, updated_at) VALUES (NULL, 'sysadmin', '系统管理员', 'x', 1, '', "
           "4102444800, :c, :u)",
        soci::use(t), soci::use(t);
    sql << "INSERT INTO user_roles (user_id, role) VALUES (1, 'case_officer')";
    sql << "INSERT INTO user_roles (user_id, role) VALUES (1, 'legal_officer')";
    sql << "INSERT INTO user_roles (user_id, role) VALUES (2, 'sys_admin')";
    sql << "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, ip) VALUES "
           "('ffee', 1, 'c', :c, :l, :e, '127.0.0.1')",
        soci::use(t), soci::use(t), soci::use(t);
    for (const char* k : {"b", "a", "Z", "中文键", "a b"}) {
      const std::string key = k, value = std::string("值-") + k;
      sql << "INSERT INTO settings (key, value, updated_at) VALUES (:k, :v, :t)", soci::use(key), soci::use(value),
          soci::use(t);
    }

    audit::Actor actor{1, "zhangsan", 2, "10.0.0.1", "req-1"};
    for (int i = 0; i < 6; ++i) {
      clock.Advance(61);
      audit::Entry e{"unit.update",
                     "unit",
                     std::to_string(i),
                     "修改单位 \"刑侦大队\"\n第 " + std::to_string(i) + " 次",
                     {{"before", {{"name", "旧名"}}}, {"after", {{"name", "新名"}, {"n", i}}}}};
      audit::Append(sql, clock, i % 2 ? audit::Actor{} : actor, e);
    }
    return 0;
  });
  ASSERT_TRUE(r) << r.error().message;
}

std::string BackupPath(const TestDb& t, const std::string& name = "fazhi.bak") { return (t.dir() / name).string(); }

void ExpectSameTables(const Manifest& a, const Manifest& b) {
  ASSERT_EQ(a.tables.size(), b.tables.size());
  for (std::size_t i = 0; i < a.tables.size(); ++i) {
    EXPECT_EQ(a.tables[i].table, b.tables[i].table);
    EXPECT_EQ(a.tables[i].rows, b.tables[i].rows) << a.tables[i].table;
    EXPECT_EQ(a.tables[i].digest, b.tables[i].digest) << a.tables[i].table;
  }
}

const TableSummary* Find(const Manifest& m, const std::string& table) {
  for (const auto& t : m.tables)
    if (t.table == table) return &t;
  return nullptr;
}

// ---- tests ---------------------------------------------------------------------------------------

TEST(Backup, RoundTripKeepsEveryRowAndTheAuditChain) {
  TestDb src_db, dst_db;
  auto src = src_db.Open();
  Populate(*src);
  ManualClock clock(kT0 + 3600);
  const std::string path = BackupPath(src_db);

  auto written = WriteBackup(*src, path, clock);
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(written->format_version, kFormatVersion);
  EXPECT_EQ(written->schema_version, src->SchemaVersion());
  EXPECT_EQ(written->source_backend, src_db.is_postgres() ? "postgresql" : "sqlite");
  EXPECT_EQ(written->created_at, kT0 + 3600);
  EXPECT_EQ(Find(*written, "schema_migrations"), nullptr);
  ASSERT_NE(Find(*written, "units"), nullptr);
  EXPECT_EQ(Find(*written, "units")->rows, 4);
  EXPECT_EQ(Find(*written, "audit_log")->rows, 6);
  EXPECT_EQ(Find(*written, "audit_head")->rows, 1);
  EXPECT_EQ(Find(*written, "settings")->rows, 5);
  EXPECT_EQ(written->tables.front().table, "units");  // creation order: parents first
  EXPECT_FALSE(std::filesystem::exists(path + ".partial"));
  // Password and session hashes inside: only the owner may read the file.
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

  auto inspected = InspectBackup(path);
  ASSERT_TRUE(inspected) << inspected.error().message;
  ExpectSameTables(*written, *inspected);

  auto dst = dst_db.Open();
  auto restored = RestoreBackup(*dst, path);
  ASSERT_TRUE(restored) << restored.error().message;
  ExpectSameTables(*written, *restored);

  const auto report = audit::Verify(*dst);
  EXPECT_TRUE(report.ok) << report.message;
  EXPECT_EQ(report.rows, 6);

  // Read back independently: a backup of the restored database has the same digests.
  auto again = WriteBackup(*dst, BackupPath(dst_db, "again.bak"), clock);
  ASSERT_TRUE(again) << again.error().message;
  ExpectSameTables(*written, *again);

  // Values survived exactly (64-bit, negative, NULL, newline, quotes).
  dst->Read([&](soci::session& sql) {
    long long bureau = 0, parent = 0;
    sql << "SELECT bureau_id FROM units WHERE id = 2", soci::into(bureau);
    EXPECT_EQ(bureau, 9007199254740993LL);
    sql << "SELECT parent_id FROM units WHERE id = 3", soci::into(parent);
    EXPECT_EQ(parent, 4);
    std::string position, phone;
    soci::indicator id_ind = soci::i_ok;
    std::string id_enc;
    sql << "SELECT position FROM people WHERE badge_no = 'F0002'", soci::into(position);
    EXPECT_EQ(position, "第一行\n第二行\t制表");
    sql << "SELECT phone_enc, id_number_enc FROM people WHERE badge_no = '010001'", soci::into(phone),
        soci::into(id_enc, id_ind);
    EXPECT_EQ(phone, "enc:\"quoted\"");
    EXPECT_EQ(id_ind, soci::i_null);
    return 0;
  });

  // The restored database keeps working: new ids follow the restored ones (PostgreSQL sequences
  // were moved), and the audit chain continues.
  ManualClock later(kT0 + 7200);
  auto w = dst->Write([&](soci::session& sql) -> Result<long long> {
    long long t = later.Now();
    sql << "INSERT INTO units (parent_id, name, level, created_at, updated_at) VALUES (2, '新中队', 'team', :c, :u)",
        soci::use(t), soci::use(t);
    long long id = 0;
    sql << "SELECT MAX(id) FROM units", soci::into(id);
    audit::Append(sql, later, audit::Actor{}, audit::Entry{"unit.create", "unit", std::to_string(id), "新建", {}});
    return id;
  });
  ASSERT_TRUE(w) << w.error().message;
  EXPECT_EQ(*w, 5);
  EXPECT_TRUE(audit::Verify(*dst).ok);
}

TEST(Backup, VerifyRoundTripPasses) {
  TestDb t;
  auto db = t.Open();
  Populate(*db);
  ManualClock clock(kT0);
  const std::string path = BackupPath(t);
  auto written = WriteBackup(*db, path, clock);
  ASSERT_TRUE(written) << written.error().message;
  auto verified = VerifyRoundTrip(path);
  ASSERT_TRUE(verified) << verified.error().message;
  ExpectSameTables(*written, *verified);
}

TEST(Backup, EmptyDatabaseRoundTrips) {
  TestDb a, b;
  auto src = a.Open();
  auto dst = b.Open();
  ManualClock clock(kT0);
  const std::string path = BackupPath(a);
  auto written = WriteBackup(*src, path, clock);
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(Find(*written, "units")->rows, 0);
  auto restored = RestoreBackup(*dst, path);
  ASSERT_TRUE(restored) << restored.error().message;
  EXPECT_TRUE(audit::Verify(*dst).ok);
}

// SQLite → PostgreSQL and PostgreSQL → SQLite (when FAZHI_TEST_DB is set; otherwise SQLite → SQLite).
TEST(Backup, RestoresAcrossBackends) {
  TestDb server;  // the configured backend
  auto server_db = server.Open();
  const std::string sqlite_url = "sqlite:" + (server.dir() / "other.db").string();
  auto other = db::Database::Open(sqlite_url, 2);
  ASSERT_TRUE(other);
  ASSERT_TRUE((*other)->Migrate());
  ManualClock clock(kT0);

  // SQLite source → configured backend.
  Populate(**other);
  const std::string from_sqlite = BackupPath(server, "from_sqlite.bak");
  auto m1 = WriteBackup(**other, from_sqlite, clock);
  ASSERT_TRUE(m1) << m1.error().message;
  auto r1 = RestoreBackup(*server_db, from_sqlite);
  ASSERT_TRUE(r1) << r1.error().message;
  EXPECT_TRUE(audit::Verify(*server_db).ok);

  // Configured backend → a fresh SQLite database, through the round-trip check.
  const std::string from_server = BackupPath(server, "from_server.bak");
  auto m2 = WriteBackup(*server_db, from_server, clock);
  ASSERT_TRUE(m2) << m2.error().message;
  ExpectSameTables(*m1, *m2);  // same data → same digests, whichever backend it was read from
  auto r2 = VerifyRoundTrip(from_server);
  ASSERT_TRUE(r2) << r2.error().message;
}

// More than ten rows per table, as the demo data has: PostgreSQL once sorted ids as text (1, 10, 11,
// 2, …) in the backup's canonical order, so its backups failed their own round-trip check.
void PopulateDemoLike(db::Database& db) {
  Populate(db);
  ManualClock clock(kT0 + 1000);
  auto r = db.Write([&](soci::session& sql) -> Result<int> {
    for (int i = 0; i < 24; ++i) {
      db::SqlArgs a;
      db::Exec(sql,
               "INSERT INTO units (bureau_id, parent_id, name, level, code, created_at, updated_at) VALUES (2, " +
                   a.Int(i % 3 == 0 ? 2 : 4) + ", " + a.Str("第" + std::to_string(i + 1) + "中队") + ", 'team', " +
                   a.Str("T" + std::to_string(i)) + ", " + a.Int(kT0 + i) + ", " + a.Int(kT0 + i) + ")",
               a);
    }
    for (int i = 0; i < 30; ++i) {
      db::SqlArgs a;
      db::Exec(sql,
               "INSERT INTO people (bureau_id, unit_id, name, badge_no, kind, created_at, updated_at) VALUES (2, " +
                   a.Int(5 + i % 24) + ", " + a.Str("民警" + std::to_string(i)) + ", " +
                   a.Str(fmt::format("{:06d}", 20000 + i)) + ", '民警', " + a.Int(kT0) + ", " + a.Int(kT0) + ")",
               a);
    }
    for (int i = 0; i < 20; ++i) {
      clock.Advance(7);
      audit::Append(sql, clock, audit::Actor{}, audit::Entry{"person.create", "person", std::to_string(i), "新增", {}});
    }
    return 0;
  });
  ASSERT_TRUE(r) << r.error().message;
}

// Rows of a query as text, for comparing a sample of two databases.
std::vector<std::string> Rows(db::Database& db, const std::string& query) {
  return db.Read([&](soci::session& sql) {
    std::vector<std::string> out;
    db::Each(sql, query, {}, [&](const db::Row& r) {
      std::string line;
      for (int c = 0; c < r.size(); ++c) line += (r.NullAt(c) ? std::string("∅") : std::string(r.TextAt(c))) + "|";
      out.push_back(line);
    });
    return out;
  });
}

// backup → restore, SQLite→SQLite, PG→PG, SQLite→PG and PG→SQLite (the PostgreSQL ends run when
// FAZHI_TEST_DB names one; otherwise every end is SQLite). Each trip: the backup passes its own
// round-trip check (what `fazhi backup` runs), the restore passes, the audit chain verifies, and
// every table's row count and digest, plus a sample of rows, match the source.
TEST(Backup, FourRoundTripsOnDemoLikeData) {
  struct End {
    const char* name;
    bool server;  // the configured backend (PostgreSQL under FAZHI_TEST_DB), else SQLite
  };
  const End ends[] = {{"sqlite", false}, {"server", true}};
  for (const End& from : ends) {
    for (const End& to : ends) {
      SCOPED_TRACE(std::string(from.name) + " → " + to.name);
      TestDb src_t, dst_t;
      const auto open = [](const TestDb& t, bool server, const char* file) {
        if (server) return t.Open();
        auto db = db::Database::Open("sqlite:" + (t.dir() / file).string(), 2);
        if (!db || !(*db)->Migrate()) throw std::runtime_error("cannot open SQLite");
        return std::move(*db);
      };
      auto src = open(src_t, from.server, "src.db");
      auto dst = open(dst_t, to.server, "dst.db");
      PopulateDemoLike(*src);
      ManualClock clock(kT0 + 5000);
      const std::string path = BackupPath(src_t, "trip.bak");
      auto written = WriteBackup(*src, path, clock);
      ASSERT_TRUE(written) << written.error().message;
      EXPECT_EQ(Find(*written, "units")->rows, 28);
      EXPECT_EQ(Find(*written, "audit_log")->rows, 26);
      auto verified = VerifyRoundTrip(path);
      ASSERT_TRUE(verified) << verified.error().message;

      auto restored = RestoreBackup(*dst, path);
      ASSERT_TRUE(restored) << restored.error().message;
      ExpectSameTables(*written, *restored);
      const auto report = audit::Verify(*dst);
      EXPECT_TRUE(report.ok) << report.message;
      EXPECT_EQ(report.rows, 26);
      auto again = WriteBackup(*dst, BackupPath(dst_t, "again.bak"), clock);
      ASSERT_TRUE(again) << again.error().message;
      ExpectSameTables(*written, *again);
      for (const char* table : {"units", "people", "audit_log", "user_roles", "settings"})
        EXPECT_EQ(Count(*src, table), Count(*dst, table)) << table;
      for (const char* q : {"SELECT id, parent_id, name, code, path FROM units ORDER BY id",
                            "SELECT id, unit_id, name, badge_no, position, phone_enc FROM people ORDER BY id",
                            "SELECT id, action, summary, hash FROM audit_log ORDER BY id"})
        EXPECT_EQ(Rows(*src, q), Rows(*dst, q)) << q;
    }
  }
}

// Issue 17 defect 3: attachments (督办 evidence) live in the database (file_blobs), so a backup
// holds them and a restore on another database — another backend, another machine — serves the
// same bytes. Both directions between SQLite and the configured backend.
TEST(Backup, AttachmentsSurviveARestoreOnAnotherDatabase) {
  // Bytes that text handling would damage: NUL, bytes ≥ 0x80, CR LF.
  std::string png("\x89PNG\r\n\x1A\n\0\0\0\x0DIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1F\x15\xC4\x89", 33);
  for (int i = 0; i < 3000; ++i) png += static_cast<char>((i * 131) % 256);
  const std::string pdf = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
  for (bool server_first : {true, false}) {
    SCOPED_TRACE(server_first ? "configured backend → SQLite" : "SQLite → configured backend");
    TestDb src_t, dst_t;
    auto server_db = src_t.Open();
    auto sqlite = db::Database::Open("sqlite:" + (dst_t.dir() / "other.db").string(), 2);
    ASSERT_TRUE(sqlite);
    ASSERT_TRUE((*sqlite)->Migrate());
    db::Database& src = server_first ? *server_db : **sqlite;
    db::Database& dst = server_first ? **sqlite : *server_db;
    Populate(src);
    files::AttachmentStore put_store(src);
    std::vector<files::StoredFile> stored;
    auto w = src.Write([&](soci::session& sql) -> Result<int> {
      for (const auto& [name, bytes] :
           {std::pair<std::string, std::string>{"现场照片.png", png}, {"整改报告.pdf", pdf}}) {
        auto f = put_store.Put(sql, files::Upload{name, "", bytes}, files::Owner{"supervision_order_step", 7, 2},
                               std::nullopt, kT0);
        if (!f) return std::unexpected(f.error());
        stored.push_back(*f);
      }
      return 0;
    });
    ASSERT_TRUE(w) << w.error().message;

    ManualClock clock(kT0 + 100);
    const std::string path = BackupPath(src_t, "with-files.bak");
    auto written = WriteBackup(src, path, clock);
    ASSERT_TRUE(written) << written.error().message;
    EXPECT_EQ(Find(*written, "file_blobs")->rows, 2);
    EXPECT_EQ(Find(*written, "attachments")->rows, 2);
    auto restored = RestoreBackup(dst, path);
    ASSERT_TRUE(restored) << restored.error().message;

    // No attachment directory on the other side: the bytes come from the restored database.
    files::AttachmentStore read_store(dst, (dst_t.dir() / "no-such-dir").string());
    dst.Read([&](soci::session& sql) {
      const auto listed = read_store.List(sql, "supervision_order_step", {7});
      EXPECT_EQ(listed.size(), 2u);
      for (const auto& f : stored) {
        auto got = read_store.Get(sql, f.id);
        EXPECT_TRUE(got) << f.filename;
        if (!got) continue;
        EXPECT_EQ(got->filename, f.filename);
        EXPECT_EQ(got->sha256, f.sha256);
        auto bytes = read_store.Read(sql, *got);
        EXPECT_TRUE(bytes) << (bytes ? "" : bytes.error().message);
        if (bytes) {
          EXPECT_EQ(*bytes, f.filename == "现场照片.png" ? png : pdf) << f.filename;
        }
      }
      return 0;
    });
  }
}

TEST(Backup, RestoreIntoNonEmptyDatabaseIsConflictAndChangesNothing) {
  TestDb t;
  auto db = t.Open();
  Populate(*db);
  ManualClock clock(kT0);
  const std::string path = BackupPath(t);
  ASSERT_TRUE(WriteBackup(*db, path, clock));
  const auto before = Count(*db, "units");

  auto r = RestoreBackup(*db, path);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_NE(r.error().message.find("目标数据库不是空库"), std::string::npos) << r.error().message;
  EXPECT_EQ(Count(*db, "units"), before);
  EXPECT_EQ(Count(*db, "audit_log"), 6);
  EXPECT_TRUE(audit::Verify(*db).ok);

  // One stray row anywhere is enough.
  TestDb t2;
  auto db2 = t2.Open();
  db2->Write([&](soci::session& sql) -> Result<int> {
    sql << "INSERT INTO settings (key, value, updated_at) VALUES ('k', 'v', 1)";
    return 0;
  });
  auto r2 = RestoreBackup(*db2, path);
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error().code, ErrorCode::kConflict);
  EXPECT_NE(r2.error().message.find("settings"), std::string::npos) << r2.error().message;
  EXPECT_EQ(Count(*db2, "units"), 0);
}

TEST(Backup, RestoreIntoUnmigratedDatabaseIsConflict) {
  TestDb t;
  auto db = t.Open();
  Populate(*db);
  ManualClock clock(kT0);
  const std::string path = BackupPath(t);
  ASSERT_TRUE(WriteBackup(*db, path, clock));

  auto bare = db::Database::Open("sqlite:" + (t.dir() / "bare.db").string(), 1);
  ASSERT_TRUE(bare);
  auto r = RestoreBackup(**bare, path);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_NE(r.error().message.find("migrate"), std::string::npos) << r.error().message;
}

TEST(Backup, DifferentSchemaVersionIsConflict) {
  TestDb t, target;
  auto db = t.Open();
  Populate(*db);
  ManualClock clock(kT0);
  const std::string path = BackupPath(t);
  ASSERT_TRUE(WriteBackup(*db, path, clock));
  // Claim a newer schema in both header and footer: a consistent file from a newer fazhi.
  auto lines = ReadGzLines(path);
  json header = json::parse(lines.front()), footer = json::parse(lines.back());
  header["schema_version"] = 999;
  footer["manifest"]["schema_version"] = 999;
  lines.front() = header.dump();
  lines.back() = footer.dump();
  const std::string newer = BackupPath(t, "newer.bak");
  WriteGzLines(newer, lines);
  ASSERT_TRUE(InspectBackup(newer));

  auto dst = target.Open();
  auto r = RestoreBackup(*dst, newer);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kConflict);
  EXPECT_NE(r.error().message.find("999"), std::string::npos) << r.error().message;
  EXPECT_EQ(Count(*dst, "units"), 0);
}

TEST(Backup, TruncatedOrCorruptedFileIsRejectedClearly) {
  TestDb t, target;
  auto db = t.Open();
  Populate(*db);
  ManualClock clock(kT0);
  const std::string path = BackupPath(t);
  ASSERT_TRUE(WriteBackup(*db, path, clock));
  const std::string bytes = ReadBytes(path);
  ASSERT_GT(bytes.size(), 200u);
  auto dst = target.Open();

  // Cut in half: the gzip stream ends early.
  const std::string cut = BackupPath(t, "cut.bak");
  WriteBytes(cut, bytes.substr(0, bytes.size() / 2));
  auto r = InspectBackup(cut);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find(cut), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("不完整"), std::string::npos) << r.error().message;
  auto rr = RestoreBackup(*dst, cut);
  ASSERT_FALSE(rr);
  EXPECT_EQ(Count(*dst, "units"), 0);

  // Only the 8-byte gzip trailer missing: every line is there but the CRC cannot be checked.
  const std::string no_trailer = BackupPath(t, "no_trailer.bak");
  WriteBytes(no_trailer, bytes.substr(0, bytes.size() - 8));
  EXPECT_FALSE(InspectBackup(no_trailer));

  // One byte flipped in the compressed data.
  const std::string flipped = BackupPath(t, "flipped.bak");
  std::string bad = bytes;
  bad[bad.size() / 2] = static_cast<char>(bad[bad.size() / 2] ^ 0x55);
  WriteBytes(flipped, bad);
  r = InspectBackup(flipped);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find(flipped), std::string::npos) << r.error().message;

  // Not gzip at all, empty, missing.
  const std::string plain = BackupPath(t, "plain.bak");
  WriteBytes(plain, "{\"fazhi_backup\":1}\n");
  r = InspectBackup(plain);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("gzip"), std::string::npos) << r.error().message;
  const std::string empty = BackupPath(t, "empty.bak");
  WriteBytes(empty, "");
  EXPECT_FALSE(InspectBackup(empty));
  r = InspectBackup(BackupPath(t, "missing.bak"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);

  // A whole-line cut that still decompresses cleanly: the footer is missing.
  auto lines = ReadGzLines(path);
  lines.pop_back();
  const std::string no_footer = BackupPath(t, "no_footer.bak");
  WriteGzLines(no_footer, lines);
  r = InspectBackup(no_footer);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("缺少结尾"), std::string::npos) << r.error().message;
  EXPECT_FALSE(RestoreBackup(*dst, no_footer));
  EXPECT_EQ(Count(*dst, "units"), 0);
  EXPECT_EQ(Count(*dst, "audit_log"), 0);
}

TEST(Backup, AlteredRowIsCaughtAndNamesTheTable) {
  TestDb t, target;
  auto db = t.Open();
  Populate(*db);
  ManualClock clock(kT0);
  const std::string path = BackupPath(t);
  ASSERT_TRUE(WriteBackup(*db, path, clock));

  // Rewrite the file with one value of one people row changed and the old footer kept.
  auto lines = ReadGzLines(path);
  bool changed = false;
  for (auto& l : lines) {
    json j = json::parse(l);
    if (j.contains("t") && j["t"] == "people" && j["r"][3] == "李四") {
      j["r"][3] = "李五";
      l = j.dump();
      changed = true;
    }
  }
  ASSERT_TRUE(changed);
  const std::string altered = BackupPath(t, "altered.bak");
  WriteGzLines(altered, lines);

  auto r = InspectBackup(altered);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "people");
  EXPECT_NE(r.error().message.find("people"), std::string::npos) << r.error().message;

  auto dst = target.Open();
  auto rr = RestoreBackup(*dst, altered);
  ASSERT_FALSE(rr);
  EXPECT_EQ(rr.error().field, "people");
  EXPECT_EQ(Count(*dst, "people"), 0);

  // A row dropped: the count differs.
  lines = ReadGzLines(path);
  for (auto it = lines.begin(); it != lines.end(); ++it)
    if (it->find("\"t\":\"audit_log\"") != std::string::npos) {
      lines.erase(it);
      break;
    }
  WriteGzLines(altered, lines);
  r = InspectBackup(altered);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "audit_log");
}

// A file that is intact (digests recomputed) but holds a row the database rejects: the restore
// fails naming the table, and the rows already inserted for earlier tables are rolled back too.
TEST(Backup, RowRejectedByTheDatabaseRollsBackEverything) {
  TestDb t, target;
  auto db = t.Open();
  Populate(*db);
  ManualClock clock(kT0);
  const std::string path = BackupPath(t);
  ASSERT_TRUE(WriteBackup(*db, path, clock));

  auto lines = ReadGzLines(path);
  TableDigest people;
  for (auto& l : lines) {
    json j = json::parse(l);
    if (!j.contains("t") || j["t"] != "people") continue;
    if (j["r"][3] == "李四") j["r"][5] = "其他";  // kind: CHECK (kind IN ('民警', '辅警'))
    l = j.dump();
    RowValues row;
    for (const auto& v : j["r"]) row.push_back(v.is_null() ? Value() : Value(v.get<std::string>()));
    people.Add(row);
  }
  json footer = json::parse(lines.back());
  for (auto& s : footer["manifest"]["tables"])
    if (s["table"] == "people") s["digest"] = people.Finish();
  lines.back() = footer.dump();
  const std::string bad = BackupPath(t, "bad_kind.bak");
  WriteGzLines(bad, lines);
  ASSERT_TRUE(InspectBackup(bad));

  auto dst = target.Open();
  auto r = RestoreBackup(*dst, bad);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "people");
  EXPECT_NE(r.error().message.find("people"), std::string::npos) << r.error().message;
  EXPECT_EQ(Count(*dst, "units"), 0);  // restored before people, rolled back with it
  EXPECT_EQ(Count(*dst, "people"), 0);
  EXPECT_TRUE(audit::Verify(*dst).ok);
  // The target is still usable for a good restore.
  auto ok = RestoreBackup(*dst, path);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(Count(*dst, "people"), 3);
}

TEST(Backup, WriteToMissingDirectoryNamesTheFile) {
  TestDb t;
  auto db = t.Open();
  ManualClock clock(kT0);
  const std::string path = (t.dir() / "no" / "such" / "dir.bak").string();
  auto r = WriteBackup(*db, path, clock);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find(path), std::string::npos) << r.error().message;
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(BackupFile, DigestSeparatesValuesAndNulls) {
  const auto digest = [](const std::vector<RowValues>& rows) {
    TableDigest d;
    for (const auto& r : rows) d.Add(r);
    return d.Finish();
  };
  EXPECT_NE(digest({{Value("ab"), Value("c")}}), digest({{Value("a"), Value("bc")}}));
  EXPECT_NE(digest({{Value(std::string())}}), digest({{Value()}}));
  EXPECT_NE(digest({{Value("a")}, {Value("b")}}), digest({{Value("a"), Value("b")}}));
  EXPECT_EQ(digest({}), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");  // SHA-256("")
}

}  // namespace
}  // namespace fazhi::backup
