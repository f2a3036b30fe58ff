#include "db/migrations.h"

#include <spdlog/spdlog.h>

#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "core/clock.h"

namespace fazhi::db {

namespace {

constexpr long long kMigrationLockKey = 7270010001;

std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size())
    s.replace(pos, from.size(), to);
  return s;
}

}  // namespace

std::vector<std::string> SplitMigration(const std::string& sql, Backend backend) {
  std::vector<std::string> out;
  std::istringstream in(sql);
  std::string line, current;
  bool active = true;
  while (std::getline(in, line)) {
    if (line.starts_with("-- @sqlite")) {
      active = backend == Backend::kSqlite;
      continue;
    }
    if (line.starts_with("-- @postgresql")) {
      active = backend == Backend::kPostgres;
      continue;
    }
    if (line.starts_with("-- @all")) {
      active = true;
      continue;
    }
    if (!active || line.starts_with("--")) continue;
    current += line + "\n";
    // A trailing "-- comment" after the ';' must not hide the end of the statement (a quote-free
    // heuristic: migrations put no "--" inside string literals).
    std::string code = line.substr(0, line.find("--"));
    auto end = code.find_last_not_of(" \t\r");
    if (end != std::string::npos && code[end] == ';') {
      out.push_back(current);
      current.clear();
    }
  }
  if (current.find_first_not_of(" \t\r\n") != std::string::npos) out.push_back(current);
  const std::string id = backend == Backend::kSqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY";
  for (auto& s : out) s = ReplaceAll(s, "@ID@", id);
  return out;
}

int Database::LatestVersion() {
  const auto& all = AllMigrations();
  return all.empty() ? 0 : all.back().version;
}

int Database::SchemaVersion() {
  return Read([&](soci::session& sql) {
    int version = 0;
    soci::indicator ind = soci::i_ok;
    try {
      sql << "SELECT MAX(version) FROM schema_migrations", soci::into(version, ind);
    } catch (const std::exception&) {
      return 0;  // table does not exist yet
    }
    return ind == soci::i_null ? 0 : version;
  });
}

Result<int> Database::Migrate() {
  std::optional<Lease> lease;
  try {
    lease.emplace(*this);
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kInternal, std::string("数据库迁移失败：无法连接数据库：") + e.what(), "",
                "migration_failed");
  }
  soci::session& sql = lease->session();
  const bool pg = url_.backend == Backend::kPostgres;
  try {
    if (pg) sql << "SELECT pg_advisory_lock(" << kMigrationLockKey << ")";
    sql << "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
           "applied_at BIGINT NOT NULL)";
    // Each module numbers its migrations in its own range (docs/architecture.md), so a new migration
    // can have a lower number than one already applied: apply every version not yet recorded, in order.
    std::set<int> done;
    {
      soci::rowset<int> rs = (sql.prepare << "SELECT version FROM schema_migrations");
      for (int v : rs) done.insert(v);
    }
    // A version this program does not know was applied by a newer fazhi: running on it could write
    // rows the newer schema forbids. Refuse; a rollback restores the backup taken before the upgrade.
    std::set<int> known;
    for (const auto& m : AllMigrations()) known.insert(m.version);
    for (int v : done)
      if (!known.contains(v)) {
        if (pg) sql << "SELECT pg_advisory_unlock(" << kMigrationLockKey << ")";
        return Fail(ErrorCode::kConflict,
                    fmt::format("数据库已由更新版本的 fazhi 升级（含本程序没有的结构版本 {}），本程序不能在其上运行。"
                                "请使用新版本程序；要回退，请把升级前的备份恢复到一个空库（见运维手册“升级与回退”）",
                                v),
                    "", "schema_newer");
      }
    int applied = 0;
    SystemClock clock;
    for (const auto& m : AllMigrations()) {
      if (done.contains(m.version)) continue;
      Begin(sql);
      try {
        for (const auto& stmt : SplitMigration(m.sql, url_.backend)) sql << stmt;
        const long long now = clock.Now();
        const std::string name = m.name;
        sql << "INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, :n, :t)", soci::use(m.version),
            soci::use(name), soci::use(now);
        sql << "COMMIT";
      } catch (const std::exception& e) {
        Rollback(sql);
        if (pg) sql << "SELECT pg_advisory_unlock(" << kMigrationLockKey << ")";
        return Fail(ErrorCode::kInternal, std::string("数据库迁移 ") + m.name + " 失败：" + e.what(), "",
                    "migration_failed");
      }
      spdlog::info("migration applied: {}", m.name);
      ++applied;
    }
    if (pg) sql << "SELECT pg_advisory_unlock(" << kMigrationLockKey << ")";
    return applied;
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kInternal, std::string("数据库迁移失败：") + e.what(), "", "migration_failed");
  }
}

}  // namespace fazhi::db
