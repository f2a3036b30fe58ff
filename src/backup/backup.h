// Logical backup and restore of the whole database (`fazhi backup` / `fazhi restore`), portable
// between SQLite and PostgreSQL, with a verified round trip. File format and guarantees:
// docs/backup.md.
//
// A backup file is gzip-compressed JSON lines:
//   line 1     header  {"fazhi_backup":1,"schema_version":N,"source_backend":"sqlite",
//                       "created_at":T,"tables":[{"name":"units","columns":["id",…]},…]}
//   then       one line per row, grouped by table in header order, rows in canonical order:
//              {"t":"units","r":["1",null,"城区分局",…]}  (every value is text or null)
//   last line  footer  {"manifest":{…Manifest…}}
// Each table's digest is the SHA-256 of its canonical rows (see TableDigest in snapshot.h), so the
// same data gives the same digest whichever backend it is read from.
//
// Thread safety: the functions are independent; each borrows one session from `db` for its whole
// run (so never call them while the calling thread holds a session of the same Database).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"

namespace fazhi::db {
class Database;
}

namespace fazhi::backup {

// One table of a backup.
struct TableSummary {
  std::string table;
  std::int64_t rows = 0;
  std::string digest;  // lower-case SHA-256 hex over the table's canonical rows
};

// What a backup holds; written as the file's footer and returned by every function below.
struct Manifest {
  int format_version = 1;            // version of the file format (kFormatVersion)
  int schema_version = 0;            // highest migration applied to the source database
  std::string source_backend;        // "sqlite" or "postgresql"
  EpochSeconds created_at = 0;       // UTC seconds, from the Clock passed to WriteBackup
  std::vector<TableSummary> tables;  // every application table, in creation order
};

// The file format this build writes and reads.
inline constexpr int kFormatVersion = 1;

// Writes a consistent snapshot of every application table (all tables except schema_migrations;
// SQLite virtual tables such as FTS indexes and their shadow tables are skipped) to `path`.
// Everything is read inside one read transaction (SQLite: BEGIN; PostgreSQL: BEGIN ISOLATION LEVEL
// REPEATABLE READ READ ONLY), so the snapshot is consistent while the server keeps running.
// The file is written to `path`.partial and renamed to `path` only when complete; an existing file
// at `path` is replaced. Returns the manifest (also stored in the footer).
// Errors: InvalidArgument when the database is not migrated or a value cannot be represented
// (non-UTF-8 text, an unsupported column type — message names table and column); Internal when the
// file cannot be written (message names the file) or the database fails.
[[nodiscard]] Result<Manifest> WriteBackup(db::Database& db, const std::string& path, const Clock& clock);

// Reads a backup file completely without a database and checks it: gzip stream intact, line
// format, header/footer agreement, and every table's row count and digest against the footer.
// Returns the footer's manifest.
// Errors: NotFound when the file does not exist; InvalidArgument when it is not a fazhi backup, is
// truncated or corrupted, or a table's rows do not match the footer (message names the file, the
// line and/or the table).
[[nodiscard]] Result<Manifest> InspectBackup(const std::string& path);

// Restores the backup at `path` into `db`. The file is first checked completely (InspectBackup).
// `db` must be migrated to exactly the backup's schema_version and hold no application data: every
// table empty except rows seeded by the migrations (audit_head's row, which is replaced by UPDATE).
// Runs in one write transaction: tables in creation order so parents come first (SQLite defers
// foreign-key checks to the end; PostgreSQL fills nullable references to the same or a later table
// after all rows are in), then on PostgreSQL every serial sequence is moved past max(id), then
// every table's digest is recomputed from the database and compared with the manifest. Any error
// rolls the whole restore back, leaving `db` as it was.
// Values are bound as text with a null indicator, so a backup from either backend restores into
// either backend. The audit chain is restored row for row; callers should run audit::Verify after.
// Returns the manifest.
// Errors: as InspectBackup for the file; Conflict "目标数据库不是空库…" when a table holds data,
// Conflict when the schema version or the set of tables/columns differs; Internal naming the table
// when a row cannot be inserted or the digest after restore differs.
[[nodiscard]] Result<Manifest> RestoreBackup(db::Database& db, const std::string& path);

// The round-trip check run by `fazhi backup` after writing: restores `path` into a fresh temporary
// SQLite database (migrated by this binary), which recomputes and compares every table's digest,
// then verifies the audit chain there (audit::Verify), and deletes the temporary database.
// Returns the manifest.
// Errors: those of RestoreBackup (Conflict when this binary's latest schema version differs from
// the backup's), InvalidArgument when the restored audit chain is broken (message from Verify),
// Internal when the temporary database cannot be created.
[[nodiscard]] Result<Manifest> VerifyRoundTrip(const std::string& path);

}  // namespace fazhi::backup
