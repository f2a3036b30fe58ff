// Database access (STYLE §9): a pool of SOCI sessions over SQLite (default) or PostgreSQL, numbered
// migrations, and transactions. The few SQL differences between the two backends live here.
//
// Thread safety: Database is shared by all request threads. A soci::session borrowed from it is
// used by one thread at a time. Never borrow a second session while holding one (the pool is
// bounded, so nesting can deadlock): pass the session you hold down the call chain instead.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "db/soci.h"

namespace fazhi::db {

enum class Backend { kSqlite, kPostgres };

// SQLite's `PRAGMA synchronous` in WAL mode (issue 16, "Durability and crashes"; measured in
// bench/README.md, "Crash and durability"):
//   kFull   — the WAL is fsynced at every COMMIT: a write that was acknowledged survives a power loss
//             or an OS crash. The default.
//   kNormal — the WAL is fsynced only at checkpoints: a process crash (kill -9) loses nothing, but a
//             power loss or OS crash may lose the last commits (the database stays consistent).
enum class SqliteSync { kFull, kNormal };

struct Url {
  Backend backend = Backend::kSqlite;
  std::string soci_connect;                    // SOCI connection string
  std::string sqlite_path;                     // SQLite only
  SqliteSync sqlite_sync = SqliteSync::kFull;  // SQLite only: "?synchronous=normal" chooses kNormal
  std::string display;                         // safe to log (no password)
};

// Every (table, column) of the database whose column name ends with `suffix` (e.g. "_enc": the
// encrypted personal-data columns, found by name so that a module's new column is never missed).
// Runs on the caller's session; throws what SOCI throws.
std::vector<std::pair<std::string, std::string>> ColumnsEndingWith(soci::session& sql, Backend backend,
                                                                   std::string_view suffix);

// "sqlite:PATH" (or a bare path ending in .db), optionally "sqlite:PATH?synchronous=normal" (or
// "=full", the default; see SqliteSync; any other option or value is InvalidArgument, field "db") /
// "postgresql://user:pass@host:port/db", or with several hosts
// "postgresql://user@db1:5432,db2:5432/db?target_session_attrs=read-write" (a primary and its standbys; libpq connects
// to the one that accepts writes).
Result<Url> ParseUrl(std::string_view url);

class Database {
 public:
  // Opens `pool_size` connections. SQLite: WAL, synchronous=FULL (or NORMAL when the URL asks for it,
  // see SqliteSync), foreign keys on, 10 s busy timeout.
  static Result<std::unique_ptr<Database>> Open(const std::string& url, std::size_t pool_size);
  ~Database();

  Backend backend() const { return url_.backend; }
  const Url& url() const { return url_; }
  soci::connection_pool& pool() { return *pool_; }
  std::size_t pool_size() const { return pool_size_; }

  // Applies pending migrations in order, each in its own transaction. Returns how many were applied.
  // On PostgreSQL holds an advisory lock so concurrent instances don't race.
  Result<int> Migrate();
  // Highest applied migration version (0 for an empty database).
  int SchemaVersion();
  // Highest migration version compiled into this binary.
  static int LatestVersion();

  // Runs fn(session) in a write transaction (BEGIN IMMEDIATE on SQLite so writers queue instead of
  // deadlocking). Commits when fn returns a value, rolls back when it returns an error or throws.
  template <typename F>
  auto Write(F&& fn) -> decltype(fn(std::declval<soci::session&>())) {
    WriterTurn turn(*this);
    Lease lease(*this);
    soci::session& sql = lease.session();
    try {
      Begin(sql);
    } catch (...) {
      lease.Failed();
      throw;
    }
    try {
      auto result = fn(sql);
      if (result)
        sql << "COMMIT";
      else
        Rollback(sql);
      return result;
    } catch (...) {
      Rollback(sql);
      lease.Failed();
      throw;
    }
  }

  // Runs fn(session) without an explicit transaction (single statements, reads).
  template <typename F>
  auto Read(F&& fn) -> decltype(fn(std::declval<soci::session&>())) {
    Lease lease(*this);
    try {
      return fn(lease.session());
    } catch (...) {
      lease.Failed();
      throw;
    }
  }

  // Whether the database answers a trivial query now (GET /api/ready). Never throws.
  bool Ping() noexcept;

  // How many pooled connections were replaced after they broke (PostgreSQL restart, failover).
  std::uint64_t reconnects() const { return reconnects_.load(); }

 private:
  // One pooled connection, borrowed for one Read / Write. On PostgreSQL a connection is checked
  // before it is handed out: one that libpq knows is broken, or any connection after another one
  // was found broken (a server restart breaks them all, but each learns it only on its next
  // query), is pinged and, if dead, replaced by a new connection. When the server cannot be
  // reached the constructor throws, like any failed query.
  class Lease {
   public:
    explicit Lease(Database& db) : db_(db), pos_(db.Acquire()) {}
    ~Lease() { db_.pool_->give_back(pos_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    soci::session& session() { return db_.pool_->at(pos_); }
    // The work on this connection threw: if the connection itself broke, have every pooled
    // connection checked before its next use.
    void Failed() noexcept { db_.NoteFailure(pos_); }

   private:
    Database& db_;
    std::size_t pos_;
  };

  // SQLite has one writer at a time. This process's writers take their turn on a mutex before
  // BEGIN IMMEDIATE, so they wait in line (and hold no pooled connection meanwhile) instead of
  // polling in SQLite's busy handler, whose sleeps grow to 100 ms each: under a burst of writes the
  // unlucky ones waited several times longer than the work ahead of them. Another process on the
  // same file (a CLI command) still meets the busy timeout. No turn on PostgreSQL, nor for a Write
  // nested in another on the same thread; after the busy timeout without a turn the write goes on
  // to BEGIN IMMEDIATE as before (and fails there if the file stays locked).
  class WriterTurn {
   public:
    explicit WriterTurn(Database& db);
    ~WriterTurn();
    WriterTurn(const WriterTurn&) = delete;
    WriterTurn& operator=(const WriterTurn&) = delete;

   private:
    std::timed_mutex* held_ = nullptr;
  };

  explicit Database(Url url) : url_(std::move(url)) {}
  void Begin(soci::session& sql);
  static void Rollback(soci::session& sql) noexcept;
  // Leases a connection, replacing it first when it is (or may be) broken; see Lease.
  std::size_t Acquire();
  void NoteFailure(std::size_t pos) noexcept;
  // Opens connection `pos` afresh (PostgreSQL); throws when the server cannot be reached.
  void Reconnect(std::size_t pos);

  Url url_;
  std::size_t pool_size_ = 0;
  std::unique_ptr<soci::connection_pool> pool_;
  // PostgreSQL: bumped whenever a connection is found broken; checked_[i] is the epoch at which
  // connection i was last known good (read and written only by the thread holding its lease).
  std::atomic<std::uint64_t> epoch_{0};
  std::vector<std::uint64_t> checked_;
  std::atomic<std::uint64_t> reconnects_{0};
  std::timed_mutex sqlite_writer_;
};

// True when a SOCI error is a unique-constraint violation (both backends).
bool IsUniqueViolation(const std::exception& e);

// True when PostgreSQL ended the transaction to break a deadlock (SQLSTATE 40P01) or a
// serialization failure (40001): the transaction did nothing and may be run again. Never true on
// SQLite, whose writers queue (BEGIN IMMEDIATE).
bool IsRetryableConflict(const std::exception& e);

// Integer as a SOCI-bindable value that is NULL when absent.
struct NullableInt {
  std::int64_t value = 0;
  soci::indicator ind = soci::i_null;
  NullableInt() = default;
  NullableInt(std::optional<std::int64_t> v) : value(v.value_or(0)), ind(v ? soci::i_ok : soci::i_null) {}
};

}  // namespace fazhi::db
