#include "db/database.h"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstring>
#include <mutex>

#include "db/migrations.h"
#include "db/sql.h"

namespace fazhi::db {

namespace {

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// libpq keyword value, single-quoted with \ and ' escaped.
std::string Keyword(const std::string& key, const std::string& value) {
  std::string v;
  for (char c : value) {
    if (c == '\\' || c == '\'') v += '\\';
    v += c;
  }
  return key + "='" + v + "' ";
}

// SOCI 4.0's PostgreSQL backend mangles URI connection strings, so hand it libpq's
// keyword=value form: postgresql://user:pass@host:port/dbname?key=value&…
Result<std::string> PostgresConnInfo(std::string_view url) {
  std::string_view rest = url.substr(url.find("://") + 3);
  std::string query;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    query = std::string(rest.substr(q + 1));
    rest = rest.substr(0, q);
  }
  std::string_view dbname;
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    dbname = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  std::string out;
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view cred = rest.substr(0, at);
    rest = rest.substr(at + 1);
    if (auto colon = cred.find(':'); colon != std::string_view::npos) {
      out += Keyword("user", PercentDecode(cred.substr(0, colon)));
      out += Keyword("password", PercentDecode(cred.substr(colon + 1)));
    } else if (!cred.empty()) {
      out += Keyword("user", PercentDecode(cred));
    }
  }
  if (!rest.empty()) {
    // One host[:port], or several separated by commas (a primary and its standbys: libpq tries them
    // in order; with target_session_attrs=read-write it takes the one that accepts writes).
    std::string hosts, ports;
    bool any_port = false;
    for (size_t start = 0; start <= rest.size();) {
      size_t end = rest.find(',', start);
      if (end == std::string_view::npos) end = rest.size();
      std::string_view entry = rest.substr(start, end - start), host = entry, port;
      if (auto colon = entry.rfind(':'); colon != std::string_view::npos && entry.find(']') == std::string_view::npos) {
        host = entry.substr(0, colon);
        port = entry.substr(colon + 1);
      }
      if (port.find_first_not_of("0123456789") != std::string_view::npos)
        return Invalid("PostgreSQL 地址中的端口无效：" + std::string(port), "db");
      if (start > 0) hosts += ',', ports += ',';
      hosts += PercentDecode(host);
      ports += std::string(port);
      any_port = any_port || !port.empty();
      start = end + 1;
    }
    if (hosts.find_first_not_of(',') != std::string::npos) out += Keyword("host", hosts);
    if (any_port) out += Keyword("port", ports);
  }
  if (!dbname.empty()) out += Keyword("dbname", PercentDecode(dbname));
  for (size_t start = 0; start < query.size();) {
    size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    std::string kv = query.substr(start, end - start);
    if (auto eq = kv.find('='); eq != std::string::npos)
      out += Keyword(kv.substr(0, eq), PercentDecode(kv.substr(eq + 1)));
    start = end + 1;
  }
  return out;
}

// The options after '?' in a SQLite URL: only "synchronous=full|normal" (value in any case), joined
// by '&'. Anything else is refused rather than ignored: a mistyped "synchronus=full" must not leave
// the operator believing the database is durable when it is not.
Result<void> ParseSqliteOptions(std::string_view options, Url& out) {
  for (size_t start = 0; start < options.size();) {
    size_t end = options.find('&', start);
    if (end == std::string_view::npos) end = options.size();
    const std::string_view kv = options.substr(start, end - start);
    start = end + 1;
    if (kv.empty()) continue;
    const auto eq = kv.find('=');
    const std::string_view key = kv.substr(0, eq);
    if (key != "synchronous")
      return Invalid("SQLite 数据库地址中的参数 " + std::string(key) +
                         " 无法识别：只支持 synchronous=full（默认）或 synchronous=normal",
                     "db", "bad_db_option");
    std::string value(eq == std::string_view::npos ? std::string_view{} : kv.substr(eq + 1));
    for (char& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (value == "full")
      out.sqlite_sync = SqliteSync::kFull;
    else if (value == "normal")
      out.sqlite_sync = SqliteSync::kNormal;
    else
      return Invalid(
          "SQLite 同步级别 synchronous=" + std::string(kv.substr(eq == std::string_view::npos ? kv.size() : eq + 1)) +
              " 无效：应为 full（默认：每次提交都写入磁盘，断电后已确认的写入不丢失）或 normal（进程崩溃不丢失，"
              "断电或操作系统崩溃可能丢失最后几次提交）",
          "db", "bad_db_option");
  }
  return {};
}

}  // namespace

Result<Url> ParseUrl(std::string_view url) {
  Url out;
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    out.backend = Backend::kPostgres;
    auto conninfo = PostgresConnInfo(url);
    if (!conninfo) return std::unexpected(conninfo.error());
    out.soci_connect = *conninfo;
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
  // SQLite: "sqlite:PATH[?options]"; a '?' always starts the options (see ParseSqliteOptions).
  std::string_view target = url, options;
  if (auto q = url.find('?'); q != std::string_view::npos) {
    target = url.substr(0, q);
    options = url.substr(q + 1);
  }
  std::string path;
  if (target.starts_with("sqlite://"))
    path = target.substr(9);
  else if (target.starts_with("sqlite:"))
    path = target.substr(7);
  else if (target.ends_with(".db") || target.ends_with(".sqlite"))
    path = target;
  else
    return Invalid("数据库地址无法识别：应为 sqlite:文件路径 或 postgresql://用户@主机:端口/库名", "db");
  if (path.empty()) return Invalid("SQLite 数据库路径为空", "db");
  if (path.find('"') != std::string::npos) return Invalid("SQLite 数据库路径不能含有双引号", "db");
  out.backend = Backend::kSqlite;
  if (auto ok = ParseSqliteOptions(options, out); !ok) return std::unexpected(ok.error());
  out.sqlite_path = path;
  out.soci_connect = "db=\"" + path + "\" timeout=10";
  out.display = "sqlite:" + path + (out.sqlite_sync == SqliteSync::kNormal ? "?synchronous=normal" : "");
  return out;
}

namespace {

// Every PostgreSQL connection, when opened and when reopened: timestamps in UTC, and no NOTICE
// lines on stderr (libpq prints them; "relation already exists, skipping" on every command).
void SetUpPostgres(soci::session& s) {
  s << "SET TIME ZONE 'UTC'";
  s << "SET client_min_messages = warning";
}

// libpq's own view of a PostgreSQL connection: no round trip. A connection whose server went away
// still reads as good until a query on it fails.
bool PgBroken(soci::session& s) {
  auto* be = static_cast<soci::postgresql_session_backend*>(s.get_backend());
  return be == nullptr || be->conn_ == nullptr || PQstatus(be->conn_) != CONNECTION_OK;
}

// Process-wide SQLite settings, applied once before the first connection opens. Each pooled
// connection is used by one thread at a time, so SQLite's per-connection mutexes (SERIALIZED mode)
// are not needed, and its allocation statistics take a global mutex on every malloc: under 64
// concurrent requests both showed up as futex contention in perf.
void ConfigureSqliteOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    sqlite_api::sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    sqlite_api::sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  });
}

// The database file is created owner-only (0600), like the key and the backups, before SQLite opens
// it: SQLite gives its -wal and -shm files the mode of the database file.
void CreateOwnerOnly(const std::string& path) {
  if (path.empty() || path == ":memory:" || path.starts_with("file:")) return;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) ::close(fd);  // EEXIST: an existing file keeps its mode; other errors: SQLite reports them
}

}  // namespace

Result<std::unique_ptr<Database>> Database::Open(const std::string& url_text, std::size_t pool_size) {
  auto url = ParseUrl(url_text);
  if (url && url->backend == Backend::kSqlite) {
    ConfigureSqliteOnce();
    CreateOwnerOnly(url->sqlite_path);
  }
  if (!url) return std::unexpected(url.error());
  if (pool_size == 0) pool_size = 1;
  std::unique_ptr<Database> db(new Database(*url));
  db->pool_size_ = pool_size;
  db->pool_ = std::make_unique<soci::connection_pool>(pool_size);
  db->checked_.assign(pool_size, 0);
  try {
    for (std::size_t i = 0; i < pool_size; ++i) {
      soci::session& s = db->pool_->at(i);
      if (url->backend == Backend::kSqlite) {
        s.open(*soci::factory_sqlite3(), url->soci_connect);
        s << "PRAGMA journal_mode=WAL";
        // FULL by default: with NORMAL a power loss could take back writes the API had already
        // acknowledged (and their audit rows). Cost measured in bench/README.md ("Crash and durability").
        s << (url->sqlite_sync == SqliteSync::kNormal ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=FULL");
        s << "PRAGMA foreign_keys=ON";
        s << "PRAGMA busy_timeout=10000";
        // Read pages straight from the OS page cache through a shared mapping instead of a read()
        // into each connection's own 2 MB cache: at province scale (a 4 GB file) that is one copy and
        // one system call less per page. Capped by SQLite's compile-time limit (2 GB on Debian).
        s << "PRAGMA mmap_size=2147418112";
        // A write transaction that touches many index pages (a chunk of a first evaluation: ~20,000
        // clocks into the alerts table and its three indexes) spills the default 2 MB cache to the
        // WAL and reads it back; 16 MB per connection holds it (reevaluate_bench, first pass at 50k
        // cases: 8.7 → 7.7 s). Pages are allocated as used, and reads go through the mapping above,
        // so most connections stay small.
        s << "PRAGMA cache_size=-16384";
      } else {
        s.open(*soci::factory_postgresql(), url->soci_connect);
        SetUpPostgres(s);
      }
    }
    for (std::size_t i = 0; i < pool_size; ++i) detail::RegisterPooledSession(db->pool_->at(i));
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kInternal, std::string("无法打开数据库 ") + url->display + "：" + e.what(), "db",
                "db_open_failed");
  }
  return db;
}

Database::~Database() {
  // Cached statements are finalised before their connections close.
  if (pool_)
    for (std::size_t i = 0; i < pool_size_; ++i) detail::UnregisterPooledSession(pool_->at(i));
}

std::size_t Database::Acquire() {
  const std::size_t pos = pool_->lease();
  if (url_.backend != Backend::kPostgres) return pos;
  try {
    soci::session& s = pool_->at(pos);
    const std::uint64_t epoch = epoch_.load();
    bool good = !PgBroken(s);
    if (good && checked_[pos] != epoch) {
      try {
        s << "SELECT 1";
      } catch (const std::exception&) {
        good = false;
      }
    }
    if (!good) Reconnect(pos);
    checked_[pos] = epoch;
  } catch (...) {
    pool_->give_back(pos);
    throw;
  }
  return pos;
}

void Database::Reconnect(std::size_t pos) {
  soci::session& s = pool_->at(pos);
  // Cached statements belong to the old connection: drop them first (their DEALLOCATE fails quietly).
  detail::UnregisterPooledSession(s);
  try {
    s.reconnect();
    SetUpPostgres(s);
  } catch (const std::exception& e) {
    spdlog::warn("database {}: connection {} cannot be reopened: {}", url_.display, pos, e.what());
    epoch_.fetch_add(1);
    throw;
  }
  detail::RegisterPooledSession(s);
  reconnects_.fetch_add(1);
  spdlog::info("database {}: connection {} reopened", url_.display, pos);
}

void Database::NoteFailure(std::size_t pos) noexcept {
  if (url_.backend != Backend::kPostgres) return;
  if (!PgBroken(pool_->at(pos))) return;  // an ordinary error (constraint, syntax): the connection is fine
  epoch_.fetch_add(1);
  spdlog::warn("database {}: connection {} broke; every connection is checked before its next use", url_.display, pos);
}

std::vector<std::pair<std::string, std::string>> ColumnsEndingWith(soci::session& sql, Backend backend,
                                                                   std::string_view suffix) {
  const std::string q =
      backend == Backend::kSqlite
          ? "SELECT m.name AS table_name, p.name AS column_name FROM sqlite_master m, pragma_table_info(m.name) p "
            "WHERE m.type = 'table' ORDER BY m.name, p.cid"
          : "SELECT table_name AS table_name, column_name AS column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position";
  std::vector<std::pair<std::string, std::string>> out;
  Each(sql, q, {}, [&](const Row& r) {
    std::string column = r.Str("column_name");
    if (column.size() > suffix.size() && column.ends_with(suffix)) out.emplace_back(r.Str("table_name"), column);
  });
  return out;
}

bool Database::Ping() noexcept {
  try {
    return Read([](soci::session& sql) {
      int one = 0;
      sql << "SELECT 1", soci::into(one);
      return one == 1;
    });
  } catch (const std::exception& e) {
    spdlog::warn("database {}: not reachable: {}", url_.display, e.what());
    return false;
  } catch (...) {
    return false;
  }
}

namespace {
thread_local int t_write_depth = 0;  // Writes of this thread now running (WriterTurn)
}

Database::WriterTurn::WriterTurn(Database& db) {
  if (t_write_depth++ > 0 || db.url_.backend != Backend::kSqlite) return;
  if (db.sqlite_writer_.try_lock_for(std::chrono::seconds(10)))
    held_ = &db.sqlite_writer_;
  else
    spdlog::warn("database {}: no write turn after 10 s; trying the file lock directly", db.url_.display);
}

Database::WriterTurn::~WriterTurn() {
  --t_write_depth;
  if (held_) held_->unlock();
}

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
  // PostgreSQL: SQLSTATE 23505 whatever the server's lc_messages. SQLite: its messages are never
  // translated, and its result code (SQLITE_CONSTRAINT, 19) is shared by NOT NULL, CHECK and foreign
  // keys, so the text tells which constraint failed.
  if (const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&e)) return pg->sqlstate() == "23505";
  if (const auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&e))
    return (lite->result() & 0xff) == SQLITE_CONSTRAINT &&
           std::strstr(lite->what(), "UNIQUE constraint failed") != nullptr;
  return false;
}

bool IsRetryableConflict(const std::exception& e) {
  const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&e);
  if (!pg) return false;
  const std::string state = pg->sqlstate();
  return state == "40P01" || state == "40001";
}

}  // namespace fazhi::db
