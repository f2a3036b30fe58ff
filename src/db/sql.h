// SQL assembled at run time (optional filters) with bound values, and the row loop every module
// uses. Statements run through a per-connection cache: each distinct SQL text is prepared once per
// pooled connection and executed again with new values (SOCI 4 keeps no such cache itself, and on
// SQLite preparing was 15 % of a case-list request; on PostgreSQL it was a PREPARE and a
// DEALLOCATE round trip around every query).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/soci.h"

namespace fazhi::db {

// Collects bind values; each call returns the placeholder (":pN") to splice into the SQL text.
// Values are bound by name, so the order in which the calls are evaluated (e.g. as arguments of
// one fmt::format call, whose evaluation order is unspecified) does not matter. Values live in
// deques, so references stay valid while more are added.
class SqlArgs {
 public:
  enum class Kind : char { kStr = 's', kInt = 'i', kOptStr = 'S', kOptInt = 'I' };

  std::string Str(std::string v) {
    strs_.push_back(std::move(v));
    return Push(Kind::kStr, strs_.size() - 1);
  }
  std::string Int(std::int64_t v) {
    ints_.push_back(v);
    return Push(Kind::kInt, ints_.size() - 1);
  }
  // NULL when absent.
  std::string OptStr(const std::optional<std::string>& v) {
    strs_.push_back(v.value_or(""));
    inds_.push_back(v ? soci::i_ok : soci::i_null);
    return Push(Kind::kOptStr, strs_.size() - 1, inds_.size() - 1);
  }
  std::string OptInt(const std::optional<std::int64_t>& v) {
    ints_.push_back(v.value_or(0));
    inds_.push_back(v ? soci::i_ok : soci::i_null);
    return Push(Kind::kOptInt, ints_.size() - 1, inds_.size() - 1);
  }

  std::size_t size() const { return order_.size(); }
  Kind kind(std::size_t i) const { return order_[i].kind; }
  const std::string& str(std::size_t i) const { return strs_[order_[i].index]; }
  long long integer(std::size_t i) const { return ints_[order_[i].index]; }
  soci::indicator indicator(std::size_t i) const {
    return order_[i].kind == Kind::kOptStr || order_[i].kind == Kind::kOptInt ? inds_[order_[i].ind] : soci::i_ok;
  }

 private:
  struct Binding {
    Kind kind;
    std::size_t index;
    std::size_t ind;
  };
  std::string Push(Kind kind, std::size_t index, std::size_t ind = 0) {
    order_.push_back({kind, index, ind});
    return ":p" + std::to_string(order_.size());
  }

  std::deque<std::string> strs_;
  std::deque<long long> ints_;
  std::deque<soci::indicator> inds_;
  std::vector<Binding> order_;
};

// `column` lies in the subtree of the unit with `path` (units.path prefix, e.g. "/1/1001/"): a range
// on the column, which both backends answer from an index (units.path compares bytes on both,
// migration 002). Binds two values.
std::string PathUnder(SqlArgs& args, std::string_view column, std::string_view path);

namespace detail {
struct CachedStatement;
class StatementCache;
}  // namespace detail

// One execution of `query` with `args`: a cached prepared statement of the session's pooled
// connection when there is one free, a one-off statement otherwise (a session not from a Database
// pool, or the same query already running further up the stack). Use through ForEachRow / Exec.
class Statement {
 public:
  Statement(soci::session& sql, const std::string& query, const SqlArgs& args, bool returns_rows);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool Execute();  // true when there is a first row
  bool Fetch();    // true when there is a next row
  const soci::row& row() const;
  // Every row was read without an exception: the statement may be reused.
  void Finish() { finished_ = true; }

 private:
  detail::CachedStatement* stmt_ = nullptr;
  std::unique_ptr<detail::CachedStatement> one_off_;
  detail::StatementCache* cache_ = nullptr;
  bool finished_ = false;
};

// Runs a query and calls fn(const soci::row&) for each result row.
template <typename F>
void ForEachRow(soci::session& sql, const std::string& query, const SqlArgs& args, F&& fn) {
  Statement st(sql, query, args, true);
  if (st.Execute()) {
    do {
      fn(st.row());
    } while (st.Fetch());
  }
  st.Finish();
}

// Runs a statement that returns no rows (INSERT/UPDATE/DELETE).
void Exec(soci::session& sql, const std::string& query, const SqlArgs& args);

// The statement caches of a Database's pooled connections (db/database.cpp registers them).
namespace detail {
void RegisterPooledSession(soci::session& pooled);
void UnregisterPooledSession(soci::session& pooled);
// Statements cached for the pooled connection behind `sql` (0 when it has no cache).
std::size_t CachedStatementCount(soci::session& sql);
}  // namespace detail

}  // namespace fazhi::db
