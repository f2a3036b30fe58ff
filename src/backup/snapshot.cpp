#include "backup/snapshot.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <deque>

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
    q = "SELECT m.name FROM sqlite_master m WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' "
        "AND m.name IN (SELECT l.name FROM pragma_table_list l WHERE l.schema = 'main' AND l.type = 'table') "
        "ORDER BY m.rowid";
  } else {
    q = "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind = 'r' AND n.nspname = current_schema() ORDER BY c.oid";
  }
  std::vector<std::string> out;
  soci::rowset<std::string> rs = (sql.prepare << q);
  for (const auto& name : rs) out.push_back(name);
  return out;
}

std::vector<ColumnInfo> ListColumns(soci::session& sql, db::Backend backend, const std::string& table) {
  std::string q;
  if (backend == db::Backend::kSqlite)
    q = "SELECT name, type FROM pragma_table_info(:t) ORDER BY cid";
  else
    q = "SELECT column_name::text, data_type::text FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = :t ORDER BY ordinal_position";
  std::vector<ColumnInfo> out;
  soci::rowset<soci::row> rs = (sql.prepare << q, soci::use(table));
  for (const auto& row : rs) out.push_back({db::GetText(row, 0), db::GetText(row, 1)});
  return out;
}

std::optional<int> ReadSchemaVersion(soci::session& sql, db::Backend backend) {
  const auto tables = ListTables(sql, backend);
  if (std::find(tables.begin(), tables.end(), "schema_migrations") == tables.end()) return std::nullopt;
  int version = 0;
  soci::indicator ind = soci::i_ok;
  sql << "SELECT MAX(version) FROM schema_migrations", soci::into(version, ind);
  return ind == soci::i_null ? 0 : version;
}

Result<TableSummary> ScanTable(soci::session& sql, db::Backend backend, const std::string& table,
                               const std::vector<ColumnInfo>& columns,
                               const std::function<Result<void>(const RowValues&)>& on_row) {
  const bool pg = backend == db::Backend::kPostgres;
  std::string select = "SELECT ", order = " ORDER BY ";
  std::vector<bool> is_float;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const auto& c = columns[i];
    const std::string q = QuoteIdent(c.name);
    is_float.push_back(IsFloatColumn(backend, c.type));
    if (i > 0) {
      select += ", ";
      order += ", ";
    }
    if (is_float.back())
      select += q;
    else
      select += pg ? q + "::text" : "CAST(" + q + " AS TEXT)";
    // One order on both backends: numbers by value, everything else by its bytes (SQLite's BINARY
    // collation = PostgreSQL's "C"), NULLs first (PostgreSQL's default is last).
    if (!pg)
      order += q + " COLLATE BINARY NULLS FIRST";
    else if (IsPgNumeric(c.type))
      order += q + " NULLS FIRST";
    else
      order += q + "::text COLLATE \"C\" NULLS FIRST";
  }
  select += " FROM " + QuoteIdent(table) + order;

  // Values are bound by reference: the containers are sized once and never reallocate.
  const std::size_t n = columns.size();
  std::deque<std::string> texts(n);
  std::deque<double> doubles(n);
  std::vector<soci::indicator> inds(n, soci::i_ok);
  TableDigest digest;
  RowValues values(n);

  // PostgreSQL would otherwise send the whole table at once; a cursor keeps memory flat.
  constexpr int kBatch = 2000;
  const std::string cursor = "fazhi_backup_scan";
  const std::string query = pg ? "FETCH FORWARD " + std::to_string(kBatch) + " FROM " + cursor : select;
  if (pg) sql << "DECLARE " + cursor + " NO SCROLL CURSOR FOR " + select;

  soci::statement st(sql);
  for (std::size_t i = 0; i < n; ++i) {
    if (is_float[i])
      st.exchange(soci::into(doubles[i], inds[i]));
    else
      st.exchange(soci::into(texts[i], inds[i]));
  }
  st.alloc();
  st.prepare(query);
  st.define_and_bind();
  for (;;) {
    int fetched = 0;
    st.execute(false);
    while (st.fetch()) {
      ++fetched;
      for (std::size_t i = 0; i < n; ++i) {
        if (inds[i] == soci::i_null)
          values[i].reset();
        else
          values[i] = is_float[i] ? FormatDouble(doubles[i]) : texts[i];
      }
      digest.Add(values);
      if (on_row) {
        auto r = on_row(values);
        if (!r) return std::unexpected(r.error());
      }
    }
    if (!pg || fetched < kBatch) break;
  }
  if (pg) sql << "CLOSE " + cursor;
  return TableSummary{table, digest.rows(), digest.Finish()};
}

}  // namespace fazhi::backup
