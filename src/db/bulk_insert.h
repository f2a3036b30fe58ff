// Many rows of one shape into one table, fast on both backends: the way to store a month's ledger
// (scoring), a generated province (bench/province_gen) or any write of thousands of rows.
//
//   db::BulkInsert ins("score_entries", {{"bureau_id", db::BulkInsert::kInt}, {"month", db::BulkInsert::kText}, …});
//   for (const auto& e : entries) ins.Int(bureau).Text(month)…End();
//   ins.Flush(sql);   // also done every `batch_rows` rows by End(sql)
//
// SQLite: one prepared single-row INSERT executed for the whole batch by SOCI vector binding.
// PostgreSQL: one INSERT … SELECT * FROM unnest(…) per batch, each column bound as ONE text
// parameter holding an array literal (SOCI's PostgreSQL backend would otherwise make one round trip
// per row, and a multi-row VALUES list binds 16 parameters per row). Values are always bound, never
// spliced into the SQL text; table and column names are constants of the caller.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "db/soci.h"

namespace fazhi::db {

class BulkInsert {
 public:
  enum Kind { kInt, kText };
  // `batch_rows`: End(sql) flushes when this many rows are buffered.
  BulkInsert(std::string table, std::vector<std::pair<std::string, Kind>> columns, std::size_t batch_rows = 10000);

  // A conflict clause appended to every INSERT ("ON CONFLICT (a, b) DO NOTHING", or DO UPDATE SET
  // … = excluded.…): a constant of the caller. On PostgreSQL one batch must not hold two rows with
  // the same conflict key when the clause updates.
  BulkInsert& OnConflict(std::string clause) {
    conflict_ = std::move(clause);
    return *this;
  }
  // Updates existing rows instead of inserting: the first column is the key (`WHERE first = value`),
  // the others are set. SQLite: one prepared UPDATE run for the batch; PostgreSQL: one
  // UPDATE … FROM unnest(…) per batch. One batch must not hold the same key twice.
  BulkInsert& UpdateByFirstColumn() {
    update_ = true;
    return *this;
  }

  // Row building: one call per column, in the order of the columns, then End().
  BulkInsert& Int(std::int64_t v);
  BulkInsert& Text(std::string v);
  BulkInsert& Null();
  BulkInsert& OptInt(std::optional<std::int64_t> v) { return v ? Int(*v) : Null(); }
  BulkInsert& OptText(std::optional<std::string> v) { return v ? Text(std::move(*v)) : Null(); }
  // Ends the row (a row with too few or too many values throws std::logic_error).
  void End();
  // Ends the row and flushes when the batch is full.
  void End(soci::session& sql);
  // Writes the buffered rows (nothing when there are none).
  void Flush(soci::session& sql);

  std::size_t buffered() const { return rows_; }
  std::size_t written() const { return written_; }

 private:
  std::string ColumnList() const;
  // "c1 = <prefix>c1, c2 = <prefix>c2, …" over the columns after the key.
  std::string SetList(const std::string& value_prefix, bool numbered) const;
  void FlushSqlite(soci::session& sql);
  void FlushPostgres(soci::session& sql);

  std::string table_;
  std::vector<std::pair<std::string, Kind>> cols_;
  std::string conflict_;
  bool update_ = false;
  std::size_t batch_rows_;
  std::vector<std::vector<long long>> ints_;
  std::vector<std::vector<std::string>> texts_;
  std::vector<std::vector<soci::indicator>> inds_;
  std::size_t col_ = 0, rows_ = 0, written_ = 0;
};

}  // namespace fazhi::db
