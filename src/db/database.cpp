#include "db/database.h"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <spdlog/spdlog.h>

#include <cstring>

#include "db/migrations.h"

namespace fazhi::db {

Result<Url> ParseUrl(std::string_view url) {
  Url out;
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    out.backend = Backend::kPostgres;
    out.soci_connect = std::string(url);
    // Hide the password in what we log.
    std::string shown(url);
    const auto at = shown.find('@');
    const auto scheme_end = shown.find("://") + 3;
    if (at != std::string::npos) {
      const auto colon = shown.find(':', scheme_end);
      if (colon != std::string::npos && colon < at) shown.replace(colon + 1, at - colon - 1, "***");
    }
    out.display = shown;
    return out;
  }
  std::string path;
  if (url.starts_with("sqlite://"))
    path = url.substr(9);
  else if (url.starts_with("sqlite:"))
    path = url.substr(7);
  else if (url.ends_with(".db") || url.ends_with(".sqlite"))
    path = url;
  else
    return Invalid("数据库地址无法识别：应为 sqlite:文件路径 或 postgresql://用户@主机:端口/库名", "db");
  if (path.empty()) return Invalid("SQLite 数据库路径为空", "db");
  if (path.find('"') != std::string::npos) return Invalid("SQLite 数据库路径不能含有双引号", "db");
  out.backend = Backend::kSqlite;
  out.sqlite_path = path;
  out.soci_connect = "db=\"" + path + "\" timeout=10";
  out.display = "sqlite:" + path;
  return out;
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& url_text, std::size_t pool_size) {
  auto url = ParseUrl(url_text);
  if (!url) return std::unexpected(url.error());
  if (pool_size == 0) pool_size = 1;
  std::unique_ptr<Database> db(new Database(*url));
  db->pool_size_ = pool_size;
  db->pool_ = std::make_unique<soci::connection_pool>(pool_size);
  try {
    for (std::size_t i = 0; i < pool_size; ++i) {
      soci::session& s = db->pool_->at(i);
      if (url->backend == Backend::kSqlite) {
        s.open(*soci::factory_sqlite3(), url->soci_connect);
        s << "PRAGMA journal_mode=WAL";
        s << "PRAGMA synchronous=NORMAL";
        s << "PRAGMA foreign_keys=ON";
        s << "PRAGMA busy_timeout=10000";
      } else {
        s.open(*soci::factory_postgresql(), url->soci_connect);
        s << "SET TIME ZONE 'UTC'";
      }
    }
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kInternal, std::string("无法打开数据库 ") + url->display + "：" + e.what(), "db",
                "db_open_failed");
  }
  return db;
}

Database::~Database() = default;

void Database::Begin(soci::session& sql) {
  if (url_.backend == Backend::kSqlite)
    sql << "BEGIN IMMEDIATE";
  else
    sql << "BEGIN";
}

void Database::Rollback(soci::session& sql) noexcept {
  try {
    sql << "ROLLBACK";
  } catch (const std::exception& e) {
    spdlog::warn("rollback failed: {}", e.what());
  }
}

bool IsUniqueViolation(const std::exception& e) {
  const char* what = e.what();
  return std::strstr(what, "UNIQUE constraint failed") != nullptr ||
         std::strstr(what, "duplicate key value violates unique constraint") != nullptr;
}

bool IsNull(const soci::row& row, std::size_t i) { return row.get_indicator(i) == soci::i_null; }

std::int64_t GetInt64(const soci::row& row, std::size_t i, std::int64_t fallback) {
  if (row.get_indicator(i) == soci::i_null) return fallback;
  switch (row.get_properties(i).get_data_type()) {
    case soci::dt_integer: return row.get<int>(i);
    case soci::dt_long_long: return row.get<long long>(i);
    case soci::dt_unsigned_long_long: return static_cast<std::int64_t>(row.get<unsigned long long>(i));
    case soci::dt_double: return static_cast<std::int64_t>(row.get<double>(i));
    case soci::dt_string: return std::stoll(row.get<std::string>(i));
    default: return fallback;
  }
}

std::string GetText(const soci::row& row, std::size_t i) {
  if (row.get_indicator(i) == soci::i_null) return {};
  switch (row.get_properties(i).get_data_type()) {
    case soci::dt_string: return row.get<std::string>(i);
    case soci::dt_integer: return std::to_string(row.get<int>(i));
    case soci::dt_long_long: return std::to_string(row.get<long long>(i));
    case soci::dt_unsigned_long_long: return std::to_string(row.get<unsigned long long>(i));
    case soci::dt_double: return std::to_string(row.get<double>(i));
    default: return {};
  }
}

}  // namespace fazhi::db
