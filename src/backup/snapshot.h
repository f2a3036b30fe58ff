// The database side of a backup: which tables and columns exist, and each table's rows as
// canonical text in canonical order — the same on SQLite and PostgreSQL, so digests computed from
// either backend compare equal. Internal to src/backup.
//
// Every function runs on the caller's session (inside the caller's transaction) and throws what
// SOCI throws; the public functions in backup.cpp turn exceptions into Error values.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backup/backup_file.h"
#include "db/database.h"

namespace fazhi::backup {

struct ColumnInfo {
  std::string name;
  std::string type;  // SQLite: declared type; PostgreSQL: information_schema data_type
};

// Identifier quoted for both backends: "name" with inner quotes doubled.
std::string QuoteIdent(std::string_view name);

// Every ordinary table in creation order, schema_migrations included (callers filter it). SQLite
// virtual tables (FTS5 …) and their shadow tables are left out: they are derived data.
std::vector<std::string> ListTables(soci::session& sql, db::Backend backend);

// Columns of `table` in declaration order.
std::vector<ColumnInfo> ListColumns(soci::session& sql, db::Backend backend, const std::string& table);

// Highest applied migration, or nullopt when schema_migrations does not exist.
std::optional<int> ReadSchemaVersion(soci::session& sql, db::Backend backend);

// Reads `table`'s rows, restricted to `columns` in that order, in canonical order (ascending by
// every column, NULLs first, text by bytes), calls on_row for each with the values as canonical
// text, and returns the row count and digest.
//
// Canonical text: what the database prints for the value as text (integers in decimal, text as
// is), except floating-point columns, which are read as double and printed in the shortest form
// that reads back to the same double (std::to_chars), since SQLite and PostgreSQL print them
// differently. on_row returning an error stops the scan and returns that error.
Result<TableSummary> ScanTable(soci::session& sql, db::Backend backend, const std::string& table,
                               const std::vector<ColumnInfo>& columns,
                               const std::function<Result<void>(const RowValues&)>& on_row);

}  // namespace fazhi::backup
