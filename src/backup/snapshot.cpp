#include "backup/snapshot.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>

#include <fmt/format.h>

#include "db/sql.h"

namespace fazhi::backup {

namespace {

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

// Whether values of this column are floating point, read as double and printed by std::to_chars.
// SQLite: the REAL affinity rules of https://www.sqlite.org/datatype3.html §3.1 (INT wins, then
// CHAR/CLOB/TEXT, then BLOB, then REAL/FLOA/DOUB).
bool IsFloatColumn(db::Backend backend, const std::string& type) {
  if (backend == db::Backend::kPostgres) return type == "double precision" || type == "real";
  const std::string t = Upper(type);
  const auto has = [&](const char* s) { return t.find(s) != std::string::npos; };
  if (has("INT") || has("CHAR") || has("CLOB") || has("TEXT") || has("BLOB")) return false;
  return has("REAL") || has("FLOA") || has("DOUB");
}

bool IsPgNumeric(const std::string& type) {
  return type == "smallint" || type == "integer" || type == "bigint" || type == "numeric" || type == "real" ||
         type == "double precision";
}

std::string FormatDouble(double d) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, r.ptr);
}

}  // namespace

std::string QuoteIdent(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::vector<std::string> ListTables(soci::session& sql, db::Backend backend) {
  std::string q;
  if (backend == db::Backend::kSqlite) {
    // pragma_table_list (SQLite ≥ 3.37) types virtual tables 'virtual' and their shadow tables
    // 'shadow'; sqlite_master's rowid gives creation order.
    q = "SELECT m.name AS name FROM sqlite_master m WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' "
        "AND m.name IN (SELECT l.name FROM pragma_table_list l WHERE l.schema = 'main' AND l.type = 'table') "
        "ORDER BY m.rowid";
  } else {
    q = "SELECT c.relname::text AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind = 'r' AND n.nspname = current_schema() ORDER BY c.oid";
  }
  std::vector<std::string> out;
  db::Each(sql, q, {}, [&](const db::Row& r) { out.push_back(r.Str("name")); });
  return out;
}

std::vector<ColumnInfo> ListColumns(soci::session& sql, db::Backend backend, const std::string& table) {
  db::SqlArgs a;
  std::string q;
  if (backend == db::Backend::kSqlite)
    q = "SELECT name, type FROM pragma_table_info(" + a.Str(table) + ") ORDER BY cid";
  else
    q = "SELECT column_name::text AS name, data_type::text AS type FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = " +
        a.Str(table) + " ORDER BY ordinal_position";
  std::vector<ColumnInfo> out;
  db::Each(sql, q, a, [&](const db::Row& r) { out.push_back({r.Str("name"), r.Str("type")}); });
  return out;
}

std::optional<int> ReadSchemaVersion(soci::session& sql, db::Backend backend) {
  const auto tables = ListTables(sql, backend);
  if (std::find(tables.begin(), tables.end(), "schema_migrations") == tables.end()) return std::nullopt;
  return static_cast<int>(db::ScalarInt(sql, "SELECT MAX(version) FROM schema_migrations").value_or(0));
}

namespace {

// The SELECT of ScanTable: every column as canonical text (floats as double), in canonical order.
std::string CanonicalSelect(db::Backend backend, const std::string& table, const std::vector<ColumnInfo>& columns,
                            const std::vector<bool>& is_float) {
  const bool pg = backend == db::Backend::kPostgres;
  std::string select = "SELECT ", order = " ORDER BY ";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const auto& c = columns[i];
    const std::string q = QuoteIdent(c.name);
    if (i > 0) {
      select += ", ";
      order += ", ";
    }
    if (is_float[i])
      select += q;
    else
      select += pg ? q + "::text" : "CAST(" + q + " AS TEXT)";
    // One order on both backends: numbers by value, everything else by its bytes (SQLite's BINARY
    // collation = PostgreSQL's "C"), NULLs first (PostgreSQL's default is last). The ORDER BY names
    // the table's column qualified: a bare "id" would be the SELECT list's "id"::text output column
    // on PostgreSQL (output names win in ORDER BY), which sorts 1, 10, 11, …, 2.
    const std::string col = QuoteIdent(table) + "." + q;
    if (!pg)
      order += col + " COLLATE BINARY NULLS FIRST";
    else if (IsPgNumeric(c.type))
      order += col + " NULLS FIRST";
    else
      order += col + "::text COLLATE \"C\" NULLS FIRST";
  }
  return select + " FROM " + QuoteIdent(table) + order;
}

}  // namespace

Result<TableSummary> ScanTable(soci::session& sql, db::Backend backend, const std::string& table,
                               const std::vector<ColumnInfo>& columns,
                               const std::function<Result<void>(const RowValues&)>& on_row) {
  const bool pg = backend == db::Backend::kPostgres;
  std::vector<bool> is_float;
  for (const auto& c : columns) is_float.push_back(IsFloatColumn(backend, c.type));
  const std::string select = CanonicalSelect(backend, table, columns, is_float);

  TableDigest digest;
  RowValues values(columns.size());
  std::optional<Error> stopped;
  // The column names of an arbitrary table are data here, so the row is read by position: the
  // SELECT list above has exactly `columns`, in order.
  const auto read_row = [&](const db::Row& r) {
    if (stopped) return;
    for (std::size_t i = 0; i < values.size(); ++i) {
      const int c = static_cast<int>(i);
      if (r.NullAt(c))
        values[i].reset();
      else
        values[i] = is_float[i] ? FormatDouble(r.RealAt(c)) : std::string(r.TextAt(c));
    }
    digest.Add(values);
    if (on_row)
      if (auto ok = on_row(values); !ok) stopped = std::move(ok.error());
  };

  if (!pg) {
    db::Each(sql, select, {}, read_row);
  } else {
    // PostgreSQL would otherwise send the whole table at once; a cursor keeps memory flat. The
    // cursor is named after the SELECT, so the cached FETCH statement of one table (db/sql.h caches
    // statements by text) never reads another table's columns.
    constexpr int kBatch = 2000;
    const std::string cursor = fmt::format("fazhi_scan_{:016x}", std::hash<std::string>{}(select));
    const std::string fetch = fmt::format("FETCH FORWARD {} FROM {}", kBatch, cursor);
    db::Exec(sql, "DECLARE " + cursor + " NO SCROLL CURSOR FOR " + select);
    for (;;) {
      int fetched = 0;
      db::Each(sql, fetch, {}, [&](const db::Row& r) {
        ++fetched;
        read_row(r);
      });
      if (stopped || fetched < kBatch) break;
    }
    db::Exec(sql, "CLOSE " + cursor);
  }
  if (stopped) return std::unexpected(std::move(*stopped));
  return TableSummary{table, digest.rows(), digest.Finish()};
}

}  // namespace fazhi::backup
