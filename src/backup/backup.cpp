#include "backup/backup.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "audit/audit_log.h"
#include "backup/backup_file.h"
#include "backup/snapshot.h"
#include "db/database.h"
#include "db/sql.h"

namespace fazhi::backup {

namespace {

// Tables whose rows a fresh migration or the first start already creates (001_foundation seeds
// audit_head's single chain-head row; the first start stores key_check's row, migration 008).
// Restore replaces such rows by UPDATE on the first column instead of inserting, and the "empty
// target" check ignores these tables: the restored key check is the one of the backup's data.
const std::set<std::string> kSeededTables = {"audit_head", "key_check"};

constexpr const char* kMigrationsTable = "schema_migrations";

const char* BackendName(db::Backend b) { return b == db::Backend::kPostgres ? "postgresql" : "sqlite"; }

std::unexpected<Error> WithPrefix(std::string prefix, Error e) {
  e.message = std::move(prefix) + e.message;
  return std::unexpected(std::move(e));
}

std::vector<std::string> AppTables(soci::session& sql, db::Backend backend) {
  auto all = ListTables(sql, backend);
  std::erase(all, std::string(kMigrationsTable));
  return all;
}

// Rolls back a transaction the scope opened unless it was finished.
class TxnGuard {
 public:
  explicit TxnGuard(soci::session& sql) : sql_(sql) {}
  ~TxnGuard() {
    if (!open_) return;
    try {
      db::Exec(sql_, "ROLLBACK");
    } catch (...) {
    }
  }
  void Commit() {
    open_ = false;
    db::Exec(sql_, "COMMIT");
  }

 private:
  soci::session& sql_;
  bool open_ = true;
};

// ---- reading a backup file ----------------------------------------------------------------------

struct Contents {
  Header header;
  Manifest manifest;
};

// Called for each row: index of the table in the header, the values, and the file line number.
using RowSink = std::function<Result<void>(std::size_t table, const RowValues& values, std::int64_t line)>;

// Streams the whole file, checks it as InspectBackup documents, and hands every row to `sink`
// (may be empty). The sink sees rows before the footer has been checked: callers that write must
// have checked the file once already.
Result<Contents> ReadBackup(const std::string& path, const RowSink& sink) {
  auto reader = FZ_TRY(GzLineReader::Open(path));
  auto& in = *reader;
  const auto at_line = [&](std::int64_t line) { return "备份文件 " + path + " 第 " + std::to_string(line) + " 行："; };

  const auto first = FZ_TRY(in.Next());
  if (!first) return Invalid("备份文件 " + path + " 是空的", "file");
  auto header = ParseHeader(*first);
  if (!header) return WithPrefix(at_line(1), header.error());

  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < header->tables.size(); ++i)
    if (!index.emplace(header->tables[i].name, i).second)
      return Invalid(at_line(1) + "表 " + header->tables[i].name + " 出现了两次", "file");

  std::vector<TableDigest> digests(header->tables.size());
  std::size_t current = 0;
  std::optional<Manifest> footer;
  for (;;) {
    const auto line = FZ_TRY(in.Next());
    if (!line) break;
    if (footer) return Invalid(at_line(in.line_no()) + "结尾记录之后还有内容，文件已损坏", "file");
    auto parsed = ParseBodyLine(*line);
    if (!parsed) return WithPrefix(at_line(in.line_no()), parsed.error());
    if (parsed->footer) {
      footer = std::move(parsed->footer);
      continue;
    }
    const auto& row = *parsed->row;
    const auto it = index.find(row.table);
    if (it == index.end())
      return Invalid(at_line(in.line_no()) + "表 " + row.table + " 不在文件头的表清单中", row.table);
    if (it->second < current)
      return Invalid(at_line(in.line_no()) + "表 " + row.table + " 的数据行顺序错乱", row.table);
    current = it->second;
    const auto& columns = header->tables[current].columns;
    if (row.values.size() != columns.size())
      return Invalid(at_line(in.line_no()) + "表 " + row.table + " 的数据行有 " + std::to_string(row.values.size()) +
                         " 个值，应为 " + std::to_string(columns.size()) + " 个",
                     row.table);
    digests[current].Add(row.values);
    if (sink) FZ_CHECK(sink(current, row.values, in.line_no()));
  }
  if (!footer) return Invalid("备份文件 " + path + " 不完整（缺少结尾的校验记录），可能是写入时被中断", "file");

  const Manifest& m = *footer;
  if (m.format_version != header->format_version || m.schema_version != header->schema_version ||
      m.source_backend != header->source_backend || m.created_at != header->created_at ||
      m.tables.size() != header->tables.size())
    return Invalid("备份文件 " + path + " 的文件头与结尾记录不一致，文件已损坏", "file");
  for (std::size_t i = 0; i < m.tables.size(); ++i) {
    const auto& want = m.tables[i];
    if (want.table != header->tables[i].name)
      return Invalid("备份文件 " + path + " 的文件头与结尾记录的表清单不一致，文件已损坏", "file");
    const std::int64_t rows = digests[i].rows();
    const std::string digest = digests[i].Finish();
    if (rows != want.rows)
      return Invalid("备份文件 " + path + " 中表 " + want.table + " 有 " + std::to_string(rows) + " 行，结尾记录为 " +
                         std::to_string(want.rows) + " 行：文件被改动或损坏",
                     want.table);
    if (digest != want.digest)
      return Invalid("备份文件 " + path + " 中表 " + want.table + " 的内容与结尾记录的校验值不符：文件被改动或损坏",
                     want.table);
  }
  return Contents{std::move(*header), m};
}

// ---- writing rows into the target database ------------------------------------------------------

// A reference column whose value is filled in after all tables are in (PostgreSQL checks foreign
// keys per statement and our constraints are not DEFERRABLE, so a row pointing at a later row of
// its own table — a unit moved under a newer unit — or at a table restored later cannot be inserted
// with its reference set).
struct DeferredColumn {
  std::size_t index;  // in the backup's column order
  std::string name;
};

struct PendingUpdate {
  std::string table, column, key_column;
  Value value, key;
};

// Inserts one table's rows: every value bound as text with a null indicator, so SQLite applies
// column affinity and PostgreSQL infers each parameter's type from its column. The column names are
// data here (any table of the backup), so the statements are built from them and the values bound
// in column order (:p1 … :pN); db/sql.h prepares each text once per connection.
class TableLoader {
 public:
  TableLoader(soci::session& sql, const TableColumns& t, bool seeded, std::vector<DeferredColumn> deferred,
              std::string key_column)
      : sql_(sql),
        table_(t.name),
        columns_(t.columns),
        deferred_(std::move(deferred)),
        key_column_(std::move(key_column)) {
    const std::size_t n = columns_.size();
    std::string cols, params;
    for (std::size_t i = 0; i < n; ++i) {
      if (i > 0) {
        cols += ", ";
        params += ", ";
      }
      cols += QuoteIdent(columns_[i]);
      params += Param(i);
    }
    insert_ = "INSERT INTO " + QuoteIdent(table_) + " (" + cols + ") VALUES (" + params + ")";
    if (seeded && n > 1) {
      // UPDATE t SET c1 = :p2, … WHERE c0 = :p1
      std::string set;
      for (std::size_t i = 1; i < n; ++i) {
        if (i > 1) set += ", ";
        set += QuoteIdent(columns_[i]) + " = " + Param(i);
      }
      update_ = "UPDATE " + QuoteIdent(table_) + " SET " + set + " WHERE " + QuoteIdent(columns_[0]) + " = " + Param(0);
    }
  }

  void Load(const RowValues& row, std::vector<PendingUpdate>& pending) {
    db::SqlArgs args;
    for (std::size_t i = 0; i < row.size(); ++i) {
      const bool deferred = row[i] && IsDeferred(i);
      if (deferred) pending.push_back({table_, columns_[i], key_column_, row[i], row[KeyIndex()]});
      args.OptStr(deferred ? std::nullopt : row[i]);
    }
    if (!update_.empty() && db::Exec(sql_, update_, args) > 0) return;
    db::Exec(sql_, insert_, args);
  }

 private:
  static std::string Param(std::size_t i) { return ":p" + std::to_string(i + 1); }
  bool IsDeferred(std::size_t i) const {
    return std::any_of(deferred_.begin(), deferred_.end(), [&](const DeferredColumn& d) { return d.index == i; });
  }
  std::size_t KeyIndex() const {
    return static_cast<std::size_t>(std::find(columns_.begin(), columns_.end(), key_column_) - columns_.begin());
  }

  soci::session& sql_;
  std::string table_;
  std::vector<std::string> columns_;
  std::vector<DeferredColumn> deferred_;
  std::string key_column_;
  std::string insert_, update_;
};

// PostgreSQL: nullable single-column foreign keys of `table` that point at `table` itself or at a
// table not restored yet, provided the table has a single-column primary key to address rows by.
std::pair<std::vector<DeferredColumn>, std::string> PgDeferredColumns(soci::session& sql, const TableColumns& t,
                                                                      const std::set<std::string>& restored) {
  std::vector<std::string> pk;
  db::SqlArgs a;
  db::Each(sql,
           "SELECT a.attname::text AS name FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
           "JOIN pg_namespace n ON n.oid = t.relnamespace "
           "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
           "WHERE i.indisprimary AND n.nspname = current_schema() AND t.relname = " +
               a.Str(t.name),
           a, [&](const db::Row& r) { pk.push_back(r.Str("name")); });
  if (pk.size() != 1 || std::find(t.columns.begin(), t.columns.end(), pk[0]) == t.columns.end()) return {};
  std::vector<DeferredColumn> out;
  db::SqlArgs f;
  db::Each(sql,
           "SELECT a.attname::text AS column_name, rc.relname::text AS target FROM pg_constraint c "
           "JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
           "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
           "JOIN pg_class rc ON rc.oid = c.confrelid "
           "WHERE c.contype = 'f' AND n.nspname = current_schema() AND t.relname = " +
               f.Str(t.name) + " AND array_length(c.conkey, 1) = 1 AND NOT a.attnotnull",
           f, [&](const db::Row& r) {
             const std::string column = r.Str("column_name"), target = r.Str("target");
             if (target != t.name && restored.contains(target)) return;
             const auto it = std::find(t.columns.begin(), t.columns.end(), column);
             if (it == t.columns.end()) return;
             out.push_back({static_cast<std::size_t>(it - t.columns.begin()), column});
           });
  return {out, out.empty() ? std::string() : pk[0]};
}

// PostgreSQL: moves every serial/identity sequence of `table` past the restored ids, so the next
// insert does not collide with a restored row.
void PgResetSequences(soci::session& sql, const std::string& table) {
  std::vector<std::string> columns;
  db::SqlArgs a;
  db::Each(sql,
           "SELECT column_name::text AS name FROM information_schema.columns WHERE table_schema = current_schema() "
           "AND table_name = " +
               a.Str(table) + " AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')",
           a, [&](const db::Row& r) { columns.push_back(r.Str("name")); });
  const std::string quoted_table = QuoteIdent(table);
  for (const auto& c : columns) {
    db::SqlArgs s;
    db::ScalarInt(sql,
                  "SELECT setval(pg_get_serial_sequence(" + s.Str(quoted_table) + ", " + s.Str(c) + "), COALESCE(MAX(" +
                      QuoteIdent(c) + "), 0) + 1, false) FROM " + quoted_table,
                  s);
  }
}

// Checks that the target has the backup's tables and columns and holds no application data.
Result<void> CheckTarget(soci::session& sql, db::Backend backend, const Contents& c,
                         std::map<std::string, std::vector<ColumnInfo>>& target_columns) {
  const auto version = ReadSchemaVersion(sql, backend);
  if (!version)
    return Conflict("目标数据库尚未迁移，请先对它运行 fazhi migrate（结构版本需为 " +
                        std::to_string(c.manifest.schema_version) + "）",
                    "schema_mismatch");
  if (*version != c.manifest.schema_version)
    return Conflict("目标数据库的结构版本为 " + std::to_string(*version) + "，备份的结构版本为 " +
                        std::to_string(c.manifest.schema_version) +
                        "：请用与备份相同版本的 fazhi 在新建的空库上恢复（恢复后再升级）",
                    "schema_mismatch");

  const auto tables = AppTables(sql, backend);
  const std::set<std::string> have(tables.begin(), tables.end());
  std::set<std::string> want;
  for (const auto& t : c.header.tables) {
    want.insert(t.name);
    if (!have.contains(t.name))
      return Conflict("目标数据库没有表 " + t.name + "，与备份的结构不一致", "schema_mismatch");
  }
  for (const auto& t : tables)
    if (!want.contains(t))
      return Conflict("目标数据库有备份中没有的表 " + t + "，与备份的结构不一致", "schema_mismatch");

  for (const auto& t : c.header.tables) {
    auto cols = ListColumns(sql, backend, t.name);
    std::set<std::string> names;
    for (const auto& col : cols) names.insert(col.name);
    const std::set<std::string> backup_names(t.columns.begin(), t.columns.end());
    if (names != backup_names || backup_names.size() != t.columns.size())
      return Conflict("目标数据库中表 " + t.name + " 的列与备份不一致", "schema_mismatch");
    target_columns[t.name] = std::move(cols);
  }

  for (const auto& t : c.header.tables) {
    if (kSeededTables.contains(t.name)) continue;
    if (db::First(sql, "SELECT 1 AS one FROM " + QuoteIdent(t.name) + " LIMIT 1", {}, [](const db::Row&) {}))
      return Conflict("目标数据库不是空库：表 " + t.name + " 已有数据。恢复只能写入新建并迁移过的空数据库",
                      "target_not_empty");
  }
  return {};
}

// The backup's columns of `table`, in backup order, with the target's types.
std::vector<ColumnInfo> InBackupOrder(const TableColumns& t, const std::vector<ColumnInfo>& target) {
  std::vector<ColumnInfo> out;
  for (const auto& name : t.columns)
    for (const auto& c : target)
      if (c.name == name) out.push_back(c);
  return out;
}

// The database refused a row of the file (a constraint or a type): the file was altered or does not
// belong to this schema. The database's own text goes to the log, not into the message.
std::unexpected<Error> RowRejected(const std::string& table, std::int64_t line, const std::exception& e) {
  spdlog::error("restore: table {} (backup line {}): {}", table, line, e.what());
  const std::string why =
      db::IsUniqueViolation(e) ? "与已恢复的记录重复（唯一约束）" : "数据库拒绝了这一行（取值不符合表的约束或列类型）";
  return Fail(ErrorCode::kInternal,
              "恢复表 " + table + " 时出错（备份文件第 " + std::to_string(line) + " 行）：" + why +
                  "。备份文件可能被改动，或不是这一版本的 fazhi 写出的；已全部撤销，详细原因见日志",
              table, "restore_failed");
}

Result<Manifest> Restore(soci::session& sql, db::Backend backend, const std::string& path, const Contents& c) {
  std::map<std::string, std::vector<ColumnInfo>> target_columns;
  FZ_CHECK(CheckTarget(sql, backend, c, target_columns));

  const bool pg = backend == db::Backend::kPostgres;
  // SQLite checks every foreign key at COMMIT instead of per row, so row order does not matter.
  if (!pg) db::Exec(sql, "PRAGMA defer_foreign_keys = ON");

  std::vector<std::unique_ptr<TableLoader>> loaders(c.header.tables.size());
  std::set<std::string> restored;
  for (std::size_t i = 0; i < c.header.tables.size(); ++i) {
    const auto& t = c.header.tables[i];
    std::pair<std::vector<DeferredColumn>, std::string> deferred;
    if (pg) deferred = PgDeferredColumns(sql, t, restored);
    loaders[i] = std::make_unique<TableLoader>(sql, t, kSeededTables.contains(t.name), std::move(deferred.first),
                                               std::move(deferred.second));
    restored.insert(t.name);
  }

  std::vector<PendingUpdate> pending;
  const Contents loaded =
      FZ_TRY(ReadBackup(path, [&](std::size_t table, const RowValues& row, std::int64_t line) -> Result<void> {
        try {
          loaders[table]->Load(row, pending);
        } catch (const std::exception& e) {
          return RowRejected(c.header.tables[table].name, line, e);
        }
        return {};
      }));
  if (loaded.manifest.tables.size() != c.manifest.tables.size())
    return Invalid("备份文件 " + path + " 在恢复过程中被改动", "file");
  loaders.clear();

  for (const auto& u : pending) {
    db::SqlArgs a;
    db::Exec(sql,
             fmt::format("UPDATE {} SET {} = {} WHERE {} = {}", QuoteIdent(u.table), QuoteIdent(u.column),
                         a.OptStr(u.value), QuoteIdent(u.key_column), a.OptStr(u.key)),
             a);
  }

  if (pg) {
    for (const auto& t : c.header.tables) PgResetSequences(sql, t.name);
  } else {
    // Rows of PRAGMA foreign_key_check: table, rowid, parent, fkid.
    std::optional<std::pair<std::string, std::string>> dangling;
    db::First(sql, "PRAGMA foreign_key_check", {}, [&](const db::Row& r) {
      dangling = {r.Str("table"), r.Str("parent")};
    });
    if (dangling)
      return Fail(ErrorCode::kInternal,
                  "恢复后表 " + dangling->first + " 有记录引用了表 " + dangling->second + " 中不存在的记录",
                  dangling->first, "restore_failed");
  }

  // Read every table back and compare with the manifest: proves the rows went in unchanged.
  for (std::size_t i = 0; i < c.header.tables.size(); ++i) {
    const auto& t = c.header.tables[i];
    const auto& want = c.manifest.tables[i];
    const TableSummary got = FZ_TRY(ScanTable(sql, backend, t.name, InBackupOrder(t, target_columns[t.name]), nullptr));
    if (got.rows != want.rows || got.digest != want.digest)
      return Fail(ErrorCode::kInternal,
                  "恢复后表 " + t.name + " 的数据与备份不符（行数 " + std::to_string(got.rows) + "，备份中为 " +
                      std::to_string(want.rows) + "，或内容校验值不同），已全部撤销",
                  t.name, "restore_mismatch");
  }
  return c.manifest;
}

}  // namespace

Result<Manifest> WriteBackup(db::Database& db, const std::string& path, const Clock& clock) {
  const std::string partial = path + ".partial";
  const db::Backend backend = db.backend();
  std::error_code ec;
  std::filesystem::remove(partial, ec);  // a leftover from a crash; recreated with mode 0600
  Result<Manifest> result;
  try {
    result = db.Read([&](soci::session& sql) -> Result<Manifest> {
      db::Exec(sql, backend == db::Backend::kSqlite ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      TxnGuard txn(sql);
      const auto version = ReadSchemaVersion(sql, backend);
      if (!version || *version == 0)
        return Invalid("数据库尚未迁移（没有任何已应用的迁移），请先运行 fazhi migrate", "db");

      Header header;
      header.schema_version = *version;
      header.source_backend = BackendName(backend);
      header.created_at = clock.Now();
      std::vector<std::vector<ColumnInfo>> columns;
      for (const auto& name : AppTables(sql, backend)) {
        auto cols = ListColumns(sql, backend, name);
        TableColumns tc{name, {}};
        for (const auto& col : cols) tc.columns.push_back(col.name);
        header.tables.push_back(std::move(tc));
        columns.push_back(std::move(cols));
      }

      auto out = FZ_TRY(GzLineWriter::Open(partial));
      auto& writer = *out;
      FZ_CHECK(writer.WriteLine(HeaderLine(header)));

      Manifest manifest;
      manifest.format_version = header.format_version;
      manifest.schema_version = header.schema_version;
      manifest.source_backend = header.source_backend;
      manifest.created_at = header.created_at;
      for (std::size_t i = 0; i < header.tables.size(); ++i) {
        const std::string& table = header.tables[i].name;
        std::int64_t row_no = 0;
        auto summary = ScanTable(sql, backend, table, columns[i], [&](const RowValues& row) -> Result<void> {
          ++row_no;
          std::string line;
          try {
            line = RowLine(table, row);
          } catch (const nlohmann::json::exception&) {
            return Invalid("表 " + table + " 第 " + std::to_string(row_no) +
                               " 行（按备份顺序）含有不是 UTF-8 编码的文本，无法备份；请先修正这行数据",
                           table);
          }
          return writer.WriteLine(line);
        });
        manifest.tables.push_back(FZ_TRY(std::move(summary)));
      }
      FZ_CHECK(writer.WriteLine(FooterLine(manifest)));
      FZ_CHECK(writer.Close());
      txn.Commit();
      return manifest;
    });
  } catch (const std::exception& e) {
    spdlog::error("backup of {}: {}", db.url().display, e.what());
    result = Fail(ErrorCode::kInternal, "备份失败：读取数据库时出错，请确认数据库可以访问（--db），详细原因见日志",
                  "db", "backup_failed");
  }
  if (!result) {
    std::filesystem::remove(partial, ec);
    return result;
  }
  std::filesystem::rename(partial, path, ec);
  if (ec) {
    std::filesystem::remove(partial, ec);
    return Internal("无法把备份文件写到 " + path + "：" + ec.message());
  }
  return result;
}

Result<Manifest> InspectBackup(const std::string& path) { return FZ_TRY(ReadBackup(path, nullptr)).manifest; }

Result<Manifest> RestoreBackup(db::Database& db, const std::string& path) {
  // Check the whole file before touching the database.
  const Contents contents = FZ_TRY(ReadBackup(path, nullptr));
  try {
    return db.Write([&](soci::session& sql) { return Restore(sql, db.backend(), path, contents); });
  } catch (const std::exception& e) {
    spdlog::error("restore into {}: {}", db.url().display, e.what());
    return Fail(ErrorCode::kInternal, "恢复失败，已全部撤销：写入数据库时出错，详细原因见日志", "db", "restore_failed");
  }
}

Result<Manifest> VerifyRoundTrip(const std::string& path) {
  std::string pattern = (std::filesystem::temp_directory_path() / "fazhi-verify-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) return Internal("往返校验：无法创建临时目录 " + pattern);
  const std::filesystem::path dir = pattern;
  struct Cleanup {
    std::filesystem::path dir;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  } cleanup{dir};

  auto db = db::Database::Open("sqlite:" + (dir / "roundtrip.db").string(), 1);
  if (!db) return WithPrefix("往返校验：", db.error());
  if (auto m = (*db)->Migrate(); !m) return WithPrefix("往返校验：", m.error());
  auto manifest = RestoreBackup(**db, path);
  if (!manifest) return WithPrefix("往返校验失败：", manifest.error());
  const auto report = audit::Verify(**db);
  if (!report.ok) return Invalid("往返校验失败：恢复出的审计链不完整：" + report.message, "audit_log", "audit_broken");
  return manifest;
}

}  // namespace fazhi::backup
