#include "db/bulk_insert.h"

#include <fmt/format.h>

#include <stdexcept>

namespace fazhi::db {

BulkInsert::BulkInsert(std::string table, std::vector<std::pair<std::string, Kind>> columns, std::size_t batch_rows)
    : table_(std::move(table)),
      cols_(std::move(columns)),
      batch_rows_(batch_rows == 0 ? 1 : batch_rows),
      ints_(cols_.size()),
      texts_(cols_.size()),
      inds_(cols_.size()) {}

BulkInsert& BulkInsert::Int(std::int64_t v) {
  if (col_ >= cols_.size()) throw std::logic_error(table_ + ": more values than columns");
  ints_[col_].push_back(v);
  inds_[col_++].push_back(soci::i_ok);
  return *this;
}

BulkInsert& BulkInsert::Text(std::string v) {
  if (col_ >= cols_.size()) throw std::logic_error(table_ + ": more values than columns");
  texts_[col_].push_back(std::move(v));
  inds_[col_++].push_back(soci::i_ok);
  return *this;
}

BulkInsert& BulkInsert::Null() {
  if (col_ >= cols_.size()) throw std::logic_error(table_ + ": more values than columns");
  if (cols_[col_].second == kInt)
    ints_[col_].push_back(0);
  else
    texts_[col_].emplace_back();
  inds_[col_++].push_back(soci::i_null);
  return *this;
}

void BulkInsert::End() {
  if (col_ != cols_.size())
    throw std::logic_error(fmt::format("{}: a row with {} of {} columns", table_, col_, cols_.size()));
  col_ = 0;
  ++rows_;
}

void BulkInsert::End(soci::session& sql) {
  End();
  if (rows_ >= batch_rows_) Flush(sql);
}

void BulkInsert::Flush(soci::session& sql) {
  if (col_ != 0) throw std::logic_error(table_ + ": flush in the middle of a row");
  if (rows_ == 0) return;
  if (sql.get_backend_name() == "postgresql")
    FlushPostgres(sql);
  else
    FlushSqlite(sql);
  written_ += rows_;
  for (auto& v : ints_) v.clear();
  for (auto& v : texts_) v.clear();
  for (auto& v : inds_) v.clear();
  rows_ = 0;
}

std::string BulkInsert::ColumnList() const {
  std::string s;
  for (const auto& c : cols_) s += (s.empty() ? "" : ", ") + c.first;
  return s;
}

std::string BulkInsert::SetList(const std::string& value_prefix, bool numbered) const {
  std::string s;
  for (std::size_t i = 1; i < cols_.size(); ++i)
    s += fmt::format("{}{} = {}{}", i > 1 ? ", " : "", cols_[i].first, value_prefix,
                     numbered ? "c" + std::to_string(i) : cols_[i].first);
  return s;
}

void BulkInsert::FlushSqlite(soci::session& sql) {
  std::string values;
  for (std::size_t i = 0; i < cols_.size(); ++i) values += fmt::format("{}:c{}", i ? ", " : "", i);
  soci::statement st(sql);
  st.alloc();
  st.prepare(update_ ? fmt::format("UPDATE {} SET {} WHERE {} = :c0", table_, SetList(":", true), cols_[0].first)
                     : fmt::format("INSERT INTO {} ({}) VALUES ({}) {}", table_, ColumnList(), values, conflict_));
  // Bound in the order the placeholders stand in the text: for an UPDATE the key comes last.
  for (std::size_t n = 0; n < cols_.size(); ++n) {
    const std::size_t i = update_ ? (n + 1) % cols_.size() : n;
    if (cols_[i].second == kInt)
      st.exchange(soci::use(ints_[i], inds_[i]));
    else
      st.exchange(soci::use(texts_[i], inds_[i]));
  }
  st.define_and_bind();
  st.execute(true);
}

void BulkInsert::FlushPostgres(soci::session& sql) {
  std::vector<std::string> arrays(cols_.size());
  std::string selects;
  for (std::size_t i = 0; i < cols_.size(); ++i) {
    std::string& a = arrays[i];
    a.reserve(rows_ * 8);
    a += '{';
    for (std::size_t r = 0; r < rows_; ++r) {
      if (r) a += ',';
      if (inds_[i][r] == soci::i_null) {
        a += "NULL";
      } else if (cols_[i].second == kInt) {
        a += std::to_string(ints_[i][r]);
      } else {
        // An array element in double quotes: only " and \ need a backslash.
        a += '"';
        for (char ch : texts_[i][r]) {
          if (ch == '"' || ch == '\\') a += '\\';
          a += ch;
        }
        a += '"';
      }
    }
    a += '}';
    selects += fmt::format("{}CAST(:c{} AS {}[])", i ? ", " : "", i, cols_[i].second == kInt ? "bigint" : "text");
  }
  soci::statement st(sql);
  st.alloc();
  if (update_)
    st.prepare(fmt::format("UPDATE {} SET {} FROM unnest({}) AS v({}) WHERE {}.{} = v.{}", table_, SetList("v.", false),
                           selects, ColumnList(), table_, cols_[0].first, cols_[0].first));
  else
    st.prepare(
        fmt::format("INSERT INTO {} ({}) SELECT * FROM unnest({}) {}", table_, ColumnList(), selects, conflict_));
  for (auto& a : arrays) st.exchange(soci::use(a));
  st.define_and_bind();
  st.execute(true);
}

}  // namespace fazhi::db
