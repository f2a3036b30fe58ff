#include "db/sql.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <charconv>
#include <list>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>
#include <unordered_map>

namespace fazhi::db {

std::string PathUnder(SqlArgs& args, std::string_view column, std::string_view path) {
  if (path.empty() || static_cast<unsigned char>(path.back()) == 0xFF)
    return fmt::format("{} LIKE {} ESCAPE '\\'", column, args.Str(std::string(path) + "%"));
  std::string upper(path);
  upper.back() = static_cast<char>(static_cast<unsigned char>(upper.back()) + 1);
  const std::string lo = args.Str(std::string(path));
  const std::string hi = args.Str(std::move(upper));
  return fmt::format("({0} >= {1} AND {0} < {2})", column, lo, hi);
}

std::string ContainsPattern(std::string_view text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  out += '%';
  return out;
}

std::string SqlArgs::IntList(const std::vector<std::int64_t>& values) {
  if (values.empty()) return "(NULL)";
  std::string out = "(";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ", ";
    out += Int(values[i]);
  }
  return out + ")";
}

std::string SqlArgs::StrList(const std::vector<std::string>& values) {
  if (values.empty()) return "(NULL)";
  std::string out = "(";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ", ";
    out += Str(values[i]);
  }
  return out + ")";
}

namespace detail {

// What a Row reads from: a stepped sqlite3 statement or a fetched SOCI row.
class RowSource {
 public:
  virtual ~RowSource() = default;
  virtual int Size() const = 0;
  virtual bool Null(int c) const = 0;
  virtual std::int64_t Int(int c) const = 0;
  virtual std::string_view Text(int c) const = 0;
  virtual double Real(int c) const = 0;
  const std::vector<std::string>& names() const { return *names_; }

 protected:
  const std::vector<std::string>* names_ = nullptr;
};

namespace {

using namespace sqlite_api;

[[noreturn]] void ThrowSqlite(sqlite3* db, const char* what) {
  // The SQLite error type with its result code, like SOCI's own, so callers can tell a constraint.
  throw soci::sqlite3_soci_error(fmt::format("sqlite3 {}: {}", what, sqlite3_errmsg(db)), sqlite3_extended_errcode(db));
}

class SqliteSource final : public RowSource {
 public:
  SqliteSource(sqlite3_stmt* st, const std::vector<std::string>& names) : st_(st) { names_ = &names; }
  int Size() const override { return static_cast<int>(names_->size()); }
  bool Null(int c) const override { return sqlite3_column_type(st_, c) == SQLITE_NULL; }
  std::int64_t Int(int c) const override {
    if (sqlite3_column_type(st_, c) == SQLITE_TEXT) {
      // A number stored as text (e.g. a CAST in a UNION): parse it like PostgreSQL would.
      std::int64_t v = 0;
      const auto t = Text(c);
      std::from_chars(t.data(), t.data() + t.size(), v);
      return v;
    }
    return sqlite3_column_int64(st_, c);
  }
  std::string_view Text(int c) const override {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, c));
    if (!p) return {};
    return {p, static_cast<std::size_t>(sqlite3_column_bytes(st_, c))};
  }
  double Real(int c) const override { return sqlite3_column_double(st_, c); }

 private:
  sqlite3_stmt* st_;
};

class SociSource final : public RowSource {
 public:
  SociSource(const soci::row& row, std::vector<std::string>& names) : row_(row) {
    if (names.empty())
      for (std::size_t i = 0; i < row.size(); ++i) names.push_back(row.get_properties(i).get_name());
    names_ = &names;
    scratch_.resize(names.size());
  }
  int Size() const override { return static_cast<int>(row_.size()); }
  bool Null(int c) const override { return row_.get_indicator(static_cast<std::size_t>(c)) == soci::i_null; }
  std::int64_t Int(int c) const override { return GetInt64(row_, static_cast<std::size_t>(c)); }
  std::string_view Text(int c) const override {
    auto& s = scratch_[static_cast<std::size_t>(c)];
    s = GetText(row_, static_cast<std::size_t>(c));
    return s;
  }
  double Real(int c) const override {
    const auto i = static_cast<std::size_t>(c);
    if (row_.get_indicator(i) == soci::i_null) return 0;
    switch (row_.get_properties(i).get_data_type()) {
      case soci::dt_double: return row_.get<double>(i);
      case soci::dt_string: return std::stod(row_.get<std::string>(i));
      default: return static_cast<double>(GetInt64(row_, i));
    }
  }

 private:
  static std::int64_t GetInt64(const soci::row& row, std::size_t i) {
    if (row.get_indicator(i) == soci::i_null) return 0;
    switch (row.get_properties(i).get_data_type()) {
      case soci::dt_integer: return row.get<int>(i);
      case soci::dt_long_long: return row.get<long long>(i);
      case soci::dt_unsigned_long_long: return static_cast<std::int64_t>(row.get<unsigned long long>(i));
      case soci::dt_double: return static_cast<std::int64_t>(row.get<double>(i));
      case soci::dt_string: {
        const std::string s = row.get<std::string>(i);
        std::int64_t v = 0;
        std::from_chars(s.data(), s.data() + s.size(), v);
        return v;
      }
      default: return 0;
    }
  }
  static std::string GetText(const soci::row& row, std::size_t i) {
    if (row.get_indicator(i) == soci::i_null) return {};
    switch (row.get_properties(i).get_data_type()) {
      case soci::dt_string: return row.get<std::string>(i);
      case soci::dt_integer: return std::to_string(row.get<int>(i));
      case soci::dt_long_long: return std::to_string(row.get<long long>(i));
      case soci::dt_unsigned_long_long: return std::to_string(row.get<unsigned long long>(i));
      case soci::dt_double: return fmt::format("{}", row.get<double>(i));
      default: return {};
    }
  }

  const soci::row& row_;
  mutable std::vector<std::string> scratch_;
};

}  // namespace

// ---------------------------------------------------------------- SOCI statements (PostgreSQL)

// A prepared statement with the storage its bound values and its result row live in. The values
// are copied in before each execution; the vectors are sized once, so SOCI's references hold.
struct CachedStatement {
  CachedStatement(soci::session& session, const std::string& query, const SqlArgs& args, bool returns_rows)
      : st(session) {
    for (std::size_t i = 0; i < args.size(); ++i) {
      if (args.kind(i) == SqlArgs::Kind::kStr || args.kind(i) == SqlArgs::Kind::kOptStr)
        slot.push_back(strs_count++);
      else
        slot.push_back(ints_count++);
    }
    strs.resize(strs_count);
    ints.resize(ints_count);
    inds.resize(args.size(), soci::i_ok);
    st.alloc();
    st.prepare(query);
    if (returns_rows) st.exchange(soci::into(row));
    for (std::size_t i = 0; i < args.size(); ++i) {
      const std::string name = "p" + std::to_string(i + 1);
      switch (args.kind(i)) {
        case SqlArgs::Kind::kStr: st.exchange(soci::use(strs[slot[i]], name)); break;
        case SqlArgs::Kind::kInt: st.exchange(soci::use(ints[slot[i]], name)); break;
        case SqlArgs::Kind::kOptStr: st.exchange(soci::use(strs[slot[i]], inds[i], name)); break;
        case SqlArgs::Kind::kOptInt: st.exchange(soci::use(ints[slot[i]], inds[i], name)); break;
      }
    }
    st.define_and_bind();
  }

  void Load(const SqlArgs& args) {
    for (std::size_t i = 0; i < args.size(); ++i) {
      switch (args.kind(i)) {
        case SqlArgs::Kind::kStr: strs[slot[i]] = args.str(i); break;
        case SqlArgs::Kind::kInt: ints[slot[i]] = args.integer(i); break;
        case SqlArgs::Kind::kOptStr:
          strs[slot[i]] = args.str(i);
          inds[i] = args.indicator(i);
          break;
        case SqlArgs::Kind::kOptInt:
          ints[slot[i]] = args.integer(i);
          inds[i] = args.indicator(i);
          break;
      }
    }
  }

  // Declared before `st`, so they outlive it.
  std::vector<std::size_t> slot;
  std::size_t strs_count = 0, ints_count = 0;
  std::vector<std::string> strs;
  std::vector<long long> ints;
  std::vector<soci::indicator> inds;
  std::vector<std::string> names;  // column names, filled at the first row
  soci::row row;
  soci::statement st;
  bool busy = false;
  std::string key;
};

// ---------------------------------------------------------------- sqlite3 statements

struct SqliteStatement {
  SqliteStatement(sqlite3* db, const std::string& query, bool persistent) : db(db) {
    const unsigned flags = persistent ? SQLITE_PREPARE_PERSISTENT : 0;
    if (sqlite3_prepare_v3(db, query.c_str(), static_cast<int>(query.size() + 1), flags, &st, nullptr) != SQLITE_OK) {
      const std::string msg = sqlite3_errmsg(db);
      const int code = sqlite3_extended_errcode(db);
      sqlite3_finalize(st);
      st = nullptr;
      throw soci::sqlite3_soci_error("sqlite3 prepare: " + msg, code);
    }
    const int n = sqlite3_column_count(st);
    for (int i = 0; i < n; ++i) names.emplace_back(sqlite3_column_name(st, i));
  }
  ~SqliteStatement() {
    if (st) sqlite3_finalize(st);
  }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  // Binds args by their names (:p1 …); the name → index map is computed once per arg count.
  void Bind(const SqlArgs& args) {
    if (param_index.size() != args.size()) {
      param_index.clear();
      for (std::size_t i = 0; i < args.size(); ++i)
        param_index.push_back(sqlite3_bind_parameter_index(st, (":p" + std::to_string(i + 1)).c_str()));
    }
    for (std::size_t i = 0; i < args.size(); ++i) {
      const int at = param_index[i];
      if (at == 0) continue;  // a value the text does not use
      int rc = SQLITE_OK;
      if (args.is_null(i)) {
        rc = sqlite3_bind_null(st, at);
      } else if (args.kind(i) == SqlArgs::Kind::kStr || args.kind(i) == SqlArgs::Kind::kOptStr) {
        const std::string& s = args.str(i);
        rc = sqlite3_bind_text(st, at, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
      } else {
        rc = sqlite3_bind_int64(st, at, args.integer(i));
      }
      if (rc != SQLITE_OK) ThrowSqlite(db, "bind");
    }
  }
  // After each use: ready for the next, values released.
  void Reset() {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
  }

  sqlite3* db;
  sqlite3_stmt* st = nullptr;
  std::vector<int> param_index;
  std::vector<std::string> names;
  bool busy = false;
  std::string key;
};

// The statements of one pooled connection, least recently used first out. Used only by the thread
// that holds the connection's lease, so it needs no lock of its own.
class StatementCache {
 public:
  static constexpr std::size_t kCapacity = 128;

  explicit StatementCache(soci::session& pooled) : pooled_(pooled) {
    if (pooled.get_backend_name() == "sqlite3")
      if (auto* be = static_cast<soci::sqlite3_session_backend*>(pooled.get_backend()); be && be->conn_)
        sqlite_ = be->conn_;
  }

  sqlite3* sqlite() const { return sqlite_; }

  CachedStatement* Take(const std::string& query, const SqlArgs& args, bool returns_rows) {
    std::string key;
    key.reserve(query.size() + args.size() + 2);
    key += returns_rows ? 'r' : 'x';
    for (std::size_t i = 0; i < args.size(); ++i) key += static_cast<char>(args.kind(i));
    key += '\x1f';
    key += query;
    return soci_.Take(std::move(key),
                      [&] { return std::make_unique<CachedStatement>(pooled_, query, args, returns_rows); });
  }
  void Return(CachedStatement* s, bool reusable) { soci_.Return(s, reusable); }

  SqliteStatement* TakeSqlite(const std::string& query) {
    return lite_.Take(std::string(query), [&] { return std::make_unique<SqliteStatement>(sqlite_, query, true); });
  }
  void Return(SqliteStatement* s, bool reusable) { lite_.Return(s, reusable); }

  std::size_t size() const { return soci_.size() + lite_.size(); }

 private:
  template <typename S>
  class Lru {
   public:
    template <typename Make>
    S* Take(std::string key, Make&& make) {
      if (auto it = index_.find(key); it != index_.end()) {
        if ((*it->second)->busy) return nullptr;  // the same query further up the stack
        lru_.splice(lru_.end(), lru_, it->second);
        S* s = it->second->get();
        s->busy = true;
        return s;
      }
      auto s = make();
      s->key = std::move(key);
      s->busy = true;
      S* raw = s.get();
      lru_.push_back(std::move(s));
      index_.emplace(raw->key, std::prev(lru_.end()));
      while (lru_.size() > kCapacity && !lru_.front()->busy) {
        index_.erase(lru_.front()->key);
        lru_.pop_front();
      }
      return raw;
    }
    void Return(S* s, bool reusable) {
      s->busy = false;
      if (reusable) return;
      // An exception left it mid-way (a constraint failed, a callback threw): prepare afresh next time.
      auto it = index_.find(s->key);
      if (it == index_.end()) return;
      auto node = it->second;
      index_.erase(it);
      lru_.erase(node);
    }
    std::size_t size() const { return lru_.size(); }

   private:
    std::list<std::unique_ptr<S>> lru_;
    std::unordered_map<std::string, typename std::list<std::unique_ptr<S>>::iterator> index_;
  };

  soci::session& pooled_;
  sqlite3* sqlite_ = nullptr;
  Lru<CachedStatement> soci_;
  Lru<SqliteStatement> lite_;
};

namespace {

struct Registry {
  std::shared_mutex mu;
  std::unordered_map<const soci::details::session_backend*, std::unique_ptr<StatementCache>> caches;
};

Registry& TheRegistry() {
  static Registry r;
  return r;
}

StatementCache* CacheOf(soci::session& sql) {
  Registry& r = TheRegistry();
  std::shared_lock lock(r.mu);
  auto it = r.caches.find(sql.get_backend());
  return it == r.caches.end() ? nullptr : it->second.get();
}

sqlite3* SqliteOf(soci::session& sql) {
  if (sql.get_backend_name() != "sqlite3") return nullptr;
  auto* be = static_cast<soci::sqlite3_session_backend*>(sql.get_backend());
  return be ? be->conn_ : nullptr;
}

// Leases a sqlite3 statement for one execution: cached when the connection is pooled and the
// query is not already running further up the stack, one-off otherwise.
class SqliteLease {
 public:
  SqliteLease(soci::session& sql, sqlite3* db, const std::string& query) {
    cache_ = CacheOf(sql);
    if (cache_) stmt_ = cache_->TakeSqlite(query);
    if (!stmt_) {
      cache_ = nullptr;
      one_off_ = std::make_unique<SqliteStatement>(db, query, false);
      stmt_ = one_off_.get();
    }
  }
  ~SqliteLease() {
    stmt_->Reset();
    if (cache_) cache_->Return(stmt_, true);
  }
  SqliteStatement& operator*() { return *stmt_; }
  SqliteStatement* operator->() { return stmt_; }

 private:
  StatementCache* cache_ = nullptr;
  SqliteStatement* stmt_ = nullptr;
  std::unique_ptr<SqliteStatement> one_off_;
};

// Runs the query; calls fn for rows while it returns true. Returns the rows changed (writes).
template <typename F>
std::int64_t RunSqlite(soci::session& sql, sqlite3* db, const std::string& query, const SqlArgs& args, F&& fn) {
  SqliteLease st(sql, db, query);
  st->Bind(args);
  SqliteSource src(st->st, st->names);
  const Row row(src);
  for (;;) {
    const int rc = sqlite3_step(st->st);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) ThrowSqlite(db, "step");
    if (!fn(row)) break;
  }
  return sqlite3_changes(db);
}

template <typename F>
std::int64_t RunSoci(soci::session& sql, const std::string& query, const SqlArgs& args, bool returns_rows, F&& fn) {
  Statement st(sql, query, args, returns_rows);
  const bool any = st.Execute();
  if (returns_rows && any) {
    std::vector<std::string> names;
    do {
      SociSource src(st.row(), names);
      const Row row(src);
      if (!fn(row)) break;
    } while (st.Fetch());
  }
  const std::int64_t changed = returns_rows ? 0 : st.affected_rows();
  st.Finish();
  return changed;
}

template <typename F>
std::int64_t Run(soci::session& sql, const std::string& query, const SqlArgs& args, bool returns_rows, F&& fn) {
  if (sqlite3* db = SqliteOf(sql)) return RunSqlite(sql, db, query, args, fn);
  return RunSoci(sql, query, args, returns_rows, fn);
}

}  // namespace

void RegisterPooledSession(soci::session& pooled) {
  Registry& r = TheRegistry();
  std::unique_lock lock(r.mu);
  r.caches[pooled.get_backend()] = std::make_unique<StatementCache>(pooled);
}

void UnregisterPooledSession(soci::session& pooled) {
  std::unique_ptr<StatementCache> gone;
  Registry& r = TheRegistry();
  {
    std::unique_lock lock(r.mu);
    auto it = r.caches.find(pooled.get_backend());
    if (it == r.caches.end()) return;
    gone = std::move(it->second);
    r.caches.erase(it);
  }
  // The statements are finalised here, while their connection is still open.
}

std::size_t CachedStatementCount(soci::session& sql) {
  StatementCache* c = CacheOf(sql);
  return c ? c->size() : 0;
}

}  // namespace detail

// ---------------------------------------------------------------- Row

int Row::Column(std::string_view name) const {
  const auto& names = src_.names();
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<int>(i);
  throw std::logic_error(fmt::format("SQL result has no column \"{}\"", name));
}
int Row::size() const { return src_.Size(); }
std::int64_t Row::IntAt(int c) const { return src_.Int(c); }
std::string_view Row::TextAt(int c) const { return src_.Text(c); }
double Row::RealAt(int c) const { return src_.Real(c); }
bool Row::NullAt(int c) const { return src_.Null(c); }

std::optional<std::int64_t> Row::OptInt(std::string_view name) const {
  const int c = Column(name);
  if (NullAt(c)) return std::nullopt;
  return IntAt(c);
}

std::optional<std::string> Row::OptStr(std::string_view name) const {
  const int c = Column(name);
  if (NullAt(c)) return std::nullopt;
  return std::string(TextAt(c));
}

// ---------------------------------------------------------------- queries

void Each(soci::session& sql, const std::string& query, const SqlArgs& args, const RowFn& fn) {
  detail::Run(sql, query, args, true, [&](const Row& r) {
    fn(r);
    return true;
  });
}

bool First(soci::session& sql, const std::string& query, const SqlArgs& args, const RowFn& fn) {
  bool found = false;
  detail::Run(sql, query, args, true, [&](const Row& r) {
    fn(r);
    found = true;
    return false;
  });
  return found;
}

std::optional<std::int64_t> ScalarInt(soci::session& sql, const std::string& query, const SqlArgs& args) {
  std::optional<std::int64_t> v;
  First(sql, query, args, [&](const Row& r) {
    if (!r.NullAt(0)) v = r.IntAt(0);
  });
  return v;
}

std::optional<std::string> ScalarText(soci::session& sql, const std::string& query, const SqlArgs& args) {
  std::optional<std::string> v;
  First(sql, query, args, [&](const Row& r) {
    if (!r.NullAt(0)) v = std::string(r.TextAt(0));
  });
  return v;
}

std::vector<std::int64_t> IntColumn(soci::session& sql, const std::string& query, const SqlArgs& args,
                                    std::string_view column) {
  std::vector<std::int64_t> out;
  std::optional<int> at;  // resolved at the first row
  Each(sql, query, args, [&](const Row& r) {
    if (!at) at = r.Column(column);
    out.push_back(r.IntAt(*at));
  });
  return out;
}

std::int64_t Count(soci::session& sql, const std::string& query, const SqlArgs& args) {
  return ScalarInt(sql, query, args).value_or(0);
}

std::int64_t Exec(soci::session& sql, const std::string& query, const SqlArgs& args) {
  return detail::Run(sql, query, args, false, [](const Row&) { return true; });
}

std::int64_t Insert(soci::session& sql, const std::string& query, const SqlArgs& args) {
  auto id = ScalarInt(sql, query, args);
  if (!id) throw soci::soci_error("INSERT … RETURNING id returned no id");
  return *id;
}

std::string Values::Columns() const { return fmt::format("{}", fmt::join(columns_, ", ")); }
std::string Values::Placeholders() const { return fmt::format("{}", fmt::join(values_, ", ")); }

std::int64_t InsertRow(soci::session& sql, std::string_view table, const Values& v) {
  return Insert(sql, fmt::format("INSERT INTO {} ({}) VALUES ({}) RETURNING id", table, v.Columns(), v.Placeholders()),
                v.args());
}

std::int64_t InsertValues(soci::session& sql, std::string_view table, const Values& v) {
  return Exec(sql, fmt::format("INSERT INTO {} ({}) VALUES ({})", table, v.Columns(), v.Placeholders()), v.args());
}

void LockRowForUpdate(soci::session& sql, std::string_view table, std::int64_t id) {
  if (sql.get_backend_name() != "postgresql") return;
  SqlArgs a;
  First(sql, fmt::format("SELECT id FROM {} WHERE id = {} FOR UPDATE", table, a.Int(id)), a, [](const Row&) {});
}

std::string ForUpdateOf(soci::session& sql, std::string_view alias) {
  if (sql.get_backend_name() != "postgresql") return "";
  return fmt::format(" FOR UPDATE OF {}", alias);
}

std::string InFilter(soci::session& sql, std::string_view column, std::string_view subquery) {
  if (sql.get_backend_name() == "postgresql") return fmt::format("{} = ANY(ARRAY({}))", column, subquery);
  return fmt::format("{} IN ({})", column, subquery);
}

// ---------------------------------------------------------------- Statement (SOCI)

Statement::Statement(soci::session& sql, const std::string& query, const SqlArgs& args, bool returns_rows) {
  cache_ = detail::CacheOf(sql);
  if (cache_) stmt_ = cache_->Take(query, args, returns_rows);
  if (stmt_) {
    stmt_->Load(args);
  } else {
    cache_ = nullptr;
    one_off_ = std::make_unique<detail::CachedStatement>(sql, query, args, returns_rows);
    one_off_->Load(args);
    stmt_ = one_off_.get();
  }
}

Statement::~Statement() {
  if (cache_) cache_->Return(stmt_, finished_);
}

bool Statement::Execute() { return stmt_->st.execute(true); }
bool Statement::Fetch() { return stmt_->st.fetch(); }
const soci::row& Statement::row() const { return stmt_->row; }
std::int64_t Statement::affected_rows() { return stmt_->st.get_affected_rows(); }

}  // namespace fazhi::db
