#include "db/sql.h"

#include <fmt/format.h>

#include <list>
#include <mutex>
#include <shared_mutex>
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

namespace detail {

// A prepared statement with the storage its bound values and its result row live in. The values
// are copied in before each execution; the vectors are sized once, so SOCI's references hold.
struct CachedStatement {
  CachedStatement(soci::session& session, const std::string& query, const SqlArgs& args, bool returns_rows)
      : st(session) {
    for (std::size_t i = 0; i < args.size(); ++i) {
      signature += static_cast<char>(args.kind(i));
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
  std::string signature;
  std::vector<std::size_t> slot;
  std::size_t strs_count = 0, ints_count = 0;
  std::vector<std::string> strs;
  std::vector<long long> ints;
  std::vector<soci::indicator> inds;
  soci::row row;
  soci::statement st;
  bool busy = false;
  std::string key;
};

// The statements of one pooled connection, least recently used first out. Used only by the thread
// that holds the connection's lease, so it needs no lock of its own.
class StatementCache {
 public:
  static constexpr std::size_t kCapacity = 96;

  explicit StatementCache(soci::session& pooled) : pooled_(pooled) {}

  CachedStatement* Take(const std::string& query, const SqlArgs& args, bool returns_rows) {
    std::string key;
    key.reserve(query.size() + args.size() + 2);
    key += returns_rows ? 'r' : 'x';
    for (std::size_t i = 0; i < args.size(); ++i) key += static_cast<char>(args.kind(i));
    key += '\x1f';
    key += query;
    if (auto it = index_.find(key); it != index_.end()) {
      if ((*it->second)->busy) return nullptr;  // the same query further up the stack
      lru_.splice(lru_.end(), lru_, it->second);
      CachedStatement* s = it->second->get();
      s->busy = true;
      return s;
    }
    auto s = std::make_unique<CachedStatement>(pooled_, query, args, returns_rows);
    s->key = std::move(key);
    s->busy = true;
    CachedStatement* raw = s.get();
    lru_.push_back(std::move(s));
    index_.emplace(raw->key, std::prev(lru_.end()));
    while (lru_.size() > kCapacity && !lru_.front()->busy) {
      index_.erase(lru_.front()->key);
      lru_.pop_front();
    }
    return raw;
  }

  void Return(CachedStatement* s, bool reusable) {
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
  soci::session& pooled_;
  std::list<std::unique_ptr<CachedStatement>> lru_;
  std::unordered_map<std::string, std::list<std::unique_ptr<CachedStatement>>::iterator> index_;
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

void Exec(soci::session& sql, const std::string& query, const SqlArgs& args) {
  Statement st(sql, query, args, false);
  st.Execute();
  st.Finish();
}

}  // namespace fazhi::db
