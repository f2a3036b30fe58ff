// The one way fazhi modules write SQL (docs/module-template.md §SQL):
//
//   db::SqlArgs a;
//   const std::string q = fmt::format("SELECT p.id, p.name, u.path AS unit_path FROM people p "
//                                     "JOIN units u ON u.id = p.unit_id WHERE p.id = {} AND {}",
//                                     a.Int(id), db::PathUnder(a, "u.path", who.unit_path));
//   std::optional<Person> found;
//   db::First(sql, q, a, [&](const db::Row& r) {
//     found = Person{.id = r.Int("id"), .name = r.Str("name"), .unit_path = r.Str("unit_path")};
//   });
//
// Values are always bound (SqlArgs hands out the placeholders); columns are read by the name or
// alias the SELECT list gives them (lower case: PostgreSQL folds unquoted names), so a column list
// and its reads cannot drift apart. Hot loops that read millions of rows may resolve a name once
// (Row::Column) and read by position.
//
// Statements run through a per-connection cache: each distinct SQL text is prepared once per
// pooled connection and executed again with new values. On SQLite the rows are stepped straight
// from sqlite3 (no per-value copies); on PostgreSQL they come through a cached SOCI statement.
// Errors throw soci::soci_error (IsUniqueViolation recognises constraint failures); let them reach
// the request boundary unless the module can say something better.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/for_each.h"
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
  std::string Bool(bool v) { return Int(v ? 1 : 0); }
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
  // "(:p1, :p2, …)" for an IN list; "(NULL)" when empty (matches nothing).
  std::string IntList(const std::vector<std::int64_t>& values);
  std::string StrList(const std::vector<std::string>& values);

  std::size_t size() const { return order_.size(); }
  Kind kind(std::size_t i) const { return order_[i].kind; }
  const std::string& str(std::size_t i) const { return strs_[order_[i].index]; }
  long long integer(std::size_t i) const { return ints_[order_[i].index]; }
  bool is_null(std::size_t i) const { return indicator(i) == soci::i_null; }
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

// "%text%" for a LIKE with ESCAPE '\': the user's % _ and \ match themselves.
std::string ContainsPattern(std::string_view text);

namespace detail {
class RowSource;
}  // namespace detail

// One result row, valid only inside the callback of Each / First.
class Row {
 public:
  explicit Row(const detail::RowSource& src) : src_(src) {}

  // By name (as the SELECT list names the column; lower case). A name the query does not select
  // throws std::logic_error naming it: a programming error, caught by the request boundary.
  std::int64_t Int(std::string_view name) const { return IntAt(Column(name)); }  // NULL → 0
  std::optional<std::int64_t> OptInt(std::string_view name) const;
  std::string Str(std::string_view name) const { return std::string(TextAt(Column(name))); }  // NULL → ""
  std::optional<std::string> OptStr(std::string_view name) const;
  // Valid until the callback returns.
  std::string_view Text(std::string_view name) const { return TextAt(Column(name)); }
  double Real(std::string_view name) const { return RealAt(Column(name)); }
  bool Bool(std::string_view name) const { return IntAt(Column(name)) != 0; }
  bool IsNull(std::string_view name) const { return NullAt(Column(name)); }

  // Position of a named column (resolve once, then read by position in hot loops).
  int Column(std::string_view name) const;
  int size() const;
  std::int64_t IntAt(int column) const;
  std::string_view TextAt(int column) const;
  double RealAt(int column) const;
  bool NullAt(int column) const;

 private:
  const detail::RowSource& src_;
};

// The columns of one INSERT and their bound values, named side by side, so the column list and its
// placeholders cannot drift apart:
//   db::Values v;
//   FZ_VALUES(v, p, bureau_id, unit_id, name);  // members under the columns of their names
//   v.Int("created_at", now).Sql("status", "'open'");
//   return db::InsertRow(sql, "patrol_points", v);  // … RETURNING id
class Values {
 public:
  Values& Int(std::string_view column, std::int64_t v) { return Add(column, args_.Int(v)); }
  Values& Str(std::string_view column, std::string v) { return Add(column, args_.Str(std::move(v))); }
  Values& Bool(std::string_view column, bool v) { return Add(column, args_.Bool(v)); }
  Values& OptInt(std::string_view column, const std::optional<std::int64_t>& v) { return Add(column, args_.OptInt(v)); }
  Values& OptStr(std::string_view column, const std::optional<std::string>& v) { return Add(column, args_.OptStr(v)); }
  // A constant written into the statement as it is ('open', NULL, 0): never a value from outside.
  Values& Sql(std::string_view column, std::string_view constant) { return Add(column, std::string(constant)); }

  // "a, b, c" and ":p1, :p2, 'open'", in the order the columns were added.
  std::string Columns() const;
  std::string Placeholders() const;
  const SqlArgs& args() const { return args_; }

 private:
  Values& Add(std::string_view column, std::string value) {
    columns_.emplace_back(column);
    values_.push_back(std::move(value));
    return *this;
  }
  SqlArgs args_;
  std::vector<std::string> columns_;
  std::vector<std::string> values_;
};

// One member bound under the column of its name, by the member's type (FZ_VALUES).
inline void BindColumn(Values& v, std::string_view column, std::int64_t x) { v.Int(column, x); }
inline void BindColumn(Values& v, std::string_view column, int x) { v.Int(column, x); }
inline void BindColumn(Values& v, std::string_view column, bool x) { v.Bool(column, x); }
inline void BindColumn(Values& v, std::string_view column, const std::string& x) { v.Str(column, x); }
// A pointer would bind as a bool.
void BindColumn(Values& v, std::string_view column, const char* x) = delete;
inline void BindColumn(Values& v, std::string_view column, const std::optional<std::int64_t>& x) {
  v.OptInt(column, x);
}
inline void BindColumn(Values& v, std::string_view column, const std::optional<int>& x) {
  v.OptInt(column, x ? std::optional<std::int64_t>(*x) : std::nullopt);
}
inline void BindColumn(Values& v, std::string_view column, const std::optional<std::string>& x) { v.OptStr(column, x); }

// INSERT INTO table (the columns) VALUES (their values) RETURNING id; the new row's id.
std::int64_t InsertRow(soci::session& sql, std::string_view table, const Values& v);
// The same without RETURNING id (a table keyed otherwise); the rows written.
std::int64_t InsertValues(soci::session& sql, std::string_view table, const Values& v);

// One member read from the column of the same name, by the member's type: an integer or bool from
// Int, a string from Str, a double from Real, an optional from OptInt / OptStr (NULL → nullopt).
inline void ReadColumn(const Row& r, std::string_view name, std::int64_t& out) { out = r.Int(name); }
inline void ReadColumn(const Row& r, std::string_view name, int& out) { out = static_cast<int>(r.Int(name)); }
inline void ReadColumn(const Row& r, std::string_view name, bool& out) { out = r.Bool(name); }
inline void ReadColumn(const Row& r, std::string_view name, double& out) { out = r.Real(name); }
inline void ReadColumn(const Row& r, std::string_view name, std::string& out) { out = r.Str(name); }
inline void ReadColumn(const Row& r, std::string_view name, std::optional<std::int64_t>& out) { out = r.OptInt(name); }
inline void ReadColumn(const Row& r, std::string_view name, std::optional<int>& out) {
  const auto v = r.OptInt(name);
  out = v ? std::optional<int>(static_cast<int>(*v)) : std::nullopt;
}
inline void ReadColumn(const Row& r, std::string_view name, std::optional<std::string>& out) { out = r.OptStr(name); }

using RowFn = std::function<void(const Row&)>;

// Runs `query` with `args` and calls fn(row) for each result row.
void Each(soci::session& sql, const std::string& query, const SqlArgs& args, const RowFn& fn);
// Calls fn for the first row only; false when there is none.
bool First(soci::session& sql, const std::string& query, const SqlArgs& args, const RowFn& fn);
// The rows read into values by `from` (a function `T From(const db::Row&)` beside the column list
// it reads), so a store's reader is one line:
//   return db::AllOf(sql, fmt::format("{}WHERE unit_id = {}", kColumns, a.Int(id)), a, TaskFrom);
template <typename From>
auto AllOf(soci::session& sql, const std::string& query, const SqlArgs& args, From&& from)
    -> std::vector<std::invoke_result_t<From&, const Row&>> {
  std::vector<std::invoke_result_t<From&, const Row&>> out;
  Each(sql, query, args, [&](const Row& r) { out.push_back(from(r)); });
  return out;
}
// The first row read by `from`; nullopt when there is none.
template <typename From>
auto FirstOf(soci::session& sql, const std::string& query, const SqlArgs& args, From&& from)
    -> std::optional<std::invoke_result_t<From&, const Row&>> {
  std::optional<std::invoke_result_t<From&, const Row&>> out;
  First(sql, query, args, [&](const Row& r) { out = from(r); });
  return out;
}
// One integer column of every row, by name (ids).
std::vector<std::int64_t> IntColumn(soci::session& sql, const std::string& query, const SqlArgs& args,
                                    std::string_view column);
// The first column of the first row; nullopt when there is no row or it is NULL.
std::optional<std::int64_t> ScalarInt(soci::session& sql, const std::string& query, const SqlArgs& args = {});
std::optional<std::string> ScalarText(soci::session& sql, const std::string& query, const SqlArgs& args = {});
// ScalarInt, 0 when absent (COUNT(*), EXISTS).
std::int64_t Count(soci::session& sql, const std::string& query, const SqlArgs& args = {});
// Runs a statement that returns no rows (INSERT/UPDATE/DELETE); returns the rows it changed.
std::int64_t Exec(soci::session& sql, const std::string& query, const SqlArgs& args = {});
// Runs "INSERT … RETURNING id" and returns the id.
std::int64_t Insert(soci::session& sql, const std::string& query, const SqlArgs& args);

// Locks row `id` of `table` until the transaction ends, so that two writers of the same object
// (e.g. two events on one case) run one after the other. PostgreSQL: SELECT … FOR UPDATE. SQLite
// needs nothing: a write transaction (Database::Write, BEGIN IMMEDIATE) already holds the
// database's write lock. `table` is a constant of the caller, never user input.
void LockRowForUpdate(soci::session& sql, std::string_view table, std::int64_t id);
// The same for every row a SELECT returns: " FOR UPDATE OF alias" to append to it on PostgreSQL
// (rows of the table named `alias` in the FROM list), "" on SQLite.
std::string ForUpdateOf(soci::session& sql, std::string_view alias);

// `column IN (subquery)` where the column only filters the rows an index walk returns (it does not
// drive the query). PostgreSQL may plan that IN as a probe of the subquery's table for every walked
// row; `column = ANY(ARRAY(subquery))` runs the subquery once and checks each row against the array
// (a city's overdue cases, page 3, at 1M cases: 1,024 probes of units_pkey, 1.45 → 0.70 ms).
// SQLite keeps IN: it builds a temporary index of the subquery's rows once anyway.
std::string InFilter(soci::session& sql, std::string_view column, std::string_view subquery);

// ---- transitional (the SOCI row loop the modules used before db::Row) ----

namespace detail {
struct CachedStatement;
class StatementCache;
}  // namespace detail

// One execution of `query` with `args` over SOCI (both backends); detail::Run drives it.
class Statement {
 public:
  Statement(soci::session& sql, const std::string& query, const SqlArgs& args, bool returns_rows);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool Execute();  // true when there is a first row
  bool Fetch();    // true when there is a next row
  const soci::row& row() const;
  std::int64_t affected_rows();
  // Every row was read without an exception: the statement may be reused.
  void Finish() { finished_ = true; }

 private:
  detail::CachedStatement* stmt_ = nullptr;
  std::unique_ptr<detail::CachedStatement> one_off_;
  detail::StatementCache* cache_ = nullptr;
  bool finished_ = false;
};

// The statement caches of a Database's pooled connections (db/database.cpp registers them).
namespace detail {
void RegisterPooledSession(soci::session& pooled);
void UnregisterPooledSession(soci::session& pooled);
// Statements cached for the pooled connection behind `sql` (0 when it has no cache).
std::size_t CachedStatementCount(soci::session& sql);
}  // namespace detail

}  // namespace fazhi::db

// Members read from the columns of the same names (db::ReadColumn, by each member's type):
//   Plan p;
//   FZ_READ(r, p, id, unit_id, name, active);
// is p.id = r.Int("id"); p.unit_id = r.Int("unit_id"); p.name = r.Str("name"); p.active = r.Bool("active").
#define FZ_READ(row, obj, ...)                          \
  do {                                                  \
    FZ_FOR_EACH(FZ_READ_MEMBER_, row, obj, __VA_ARGS__) \
  } while (0)
#define FZ_READ_MEMBER_(row, obj, name) ::fazhi::db::ReadColumn(row, #name, (obj).name);

// Members bound under the columns of their names (db::BindColumn, by each member's type), the
// mirror of FZ_READ:  FZ_VALUES(v, p, bureau_id, unit_id, name);
#define FZ_VALUES(values, obj, ...)                          \
  do {                                                       \
    FZ_FOR_EACH(FZ_VALUES_MEMBER_, values, obj, __VA_ARGS__) \
  } while (0)
#define FZ_VALUES_MEMBER_(values, obj, name) ::fazhi::db::BindColumn(values, #name, (obj).name);
