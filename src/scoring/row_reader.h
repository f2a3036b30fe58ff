// Fast reading of one SELECT's rows for the ledger sources. A generic helper that belongs in src/db
// (it knows both backends); it lives here until the database module takes it over.
//
// Why: SOCI's SQLite backend copies every fetched value into a heap buffer and then again into the
// bound vector — about a quarter of the time of the ledger sources' queries on a city month. On
// SQLite, ForEachRow steps the sqlite3 statement itself and hands out the values in place; on
// PostgreSQL it fetches through SOCI's bulk vectors as before. Both give the same values.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "db/soci.h"

namespace fazhi::scoring {

// The type a column is read as.
enum class ColumnType : std::uint8_t { kInt, kText };

// One fetched row; valid only inside the ForEachRow callback.
class RowView {
 public:
  virtual bool IsNull(int column) const = 0;
  // The column as an integer (0 when NULL).
  virtual std::int64_t Int(int column) const = 0;
  // The column as text ("" when NULL); the view lasts until the callback returns.
  virtual std::string_view Text(int column) const = 0;

 protected:
  ~RowView() = default;
};

// A named integer parameter (":b" in the query → {"b", value}).
using IntParam = std::pair<const char*, long long>;

// Runs `query` on `sql` (inside the caller's transaction or read session) with `params` bound by
// name and calls `row` for each result row; `columns` gives the type of each selected column in
// order. Errors: throws soci::soci_error (SQLite: with the SQLite message) like a SOCI statement.
void ForEachRow(soci::session& sql, const std::string& query, std::initializer_list<IntParam> params,
                std::span<const ColumnType> columns, const std::function<void(const RowView&)>& row);

}  // namespace fazhi::scoring
