#include "scoring/row_reader.h"

#include <soci/sqlite3/soci-sqlite3.h>

#include <memory>
#include <vector>

namespace fazhi::scoring {

namespace {

using namespace sqlite_api;

constexpr std::size_t kBatch = 4096;

// SQLite: the values straight from the statement.
class SqliteRow final : public RowView {
 public:
  explicit SqliteRow(sqlite3_stmt* st) : st_(st) {}
  bool IsNull(int c) const override { return sqlite3_column_type(st_, c) == SQLITE_NULL; }
  std::int64_t Int(int c) const override { return sqlite3_column_int64(st_, c); }
  std::string_view Text(int c) const override {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, c));
    if (!p) return {};
    return {p, static_cast<std::size_t>(sqlite3_column_bytes(st_, c))};
  }

 private:
  sqlite3_stmt* st_;
};

void SqliteRows(sqlite3* db, const std::string& query, std::initializer_list<IntParam> params,
                const std::function<void(const RowView&)>& row) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, query.c_str(), static_cast<int>(query.size() + 1), &raw, nullptr) != SQLITE_OK)
    throw soci::soci_error(std::string("sqlite3_prepare_v2: ") + sqlite3_errmsg(db));
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> st(raw, &sqlite3_finalize);
  for (const auto& [name, value] : params) {
    const int at = sqlite3_bind_parameter_index(st.get(), (std::string(":") + name).c_str());
    if (at == 0) throw soci::soci_error(std::string("no parameter :") + name);
    sqlite3_bind_int64(st.get(), at, value);
  }
  const SqliteRow view(st.get());
  for (;;) {
    const int rc = sqlite3_step(st.get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) throw soci::soci_error(std::string("sqlite3_step: ") + sqlite3_errmsg(db));
    row(view);
  }
}

// Other backends: SOCI's bulk vectors, one per column.
class VectorRow final : public RowView {
 public:
  VectorRow(std::span<const ColumnType> types) : types_(types) {
    slot_.resize(types.size());
    ind_.resize(types.size(), std::vector<soci::indicator>(kBatch));
    for (std::size_t c = 0; c < types.size(); ++c) {
      if (types[c] == ColumnType::kInt) {
        slot_[c] = ints_.size();
        ints_.emplace_back(kBatch);
      } else {
        slot_[c] = texts_.size();
        texts_.emplace_back(kBatch);
      }
    }
  }
  void Exchange(soci::statement& st) {
    for (std::size_t c = 0; c < types_.size(); ++c) {
      if (types_[c] == ColumnType::kInt)
        st.exchange(soci::into(ints_[slot_[c]], ind_[c]));
      else
        st.exchange(soci::into(texts_[slot_[c]], ind_[c]));
    }
  }
  std::size_t Fetched() const { return ind_.empty() ? 0 : ind_[0].size(); }
  void Reset() {
    for (auto& v : ints_) v.resize(kBatch);
    for (auto& v : texts_) v.resize(kBatch);
    for (auto& v : ind_) v.resize(kBatch);
  }
  void At(std::size_t i) { i_ = i; }

  bool IsNull(int c) const override { return ind_[static_cast<std::size_t>(c)][i_] == soci::i_null; }
  std::int64_t Int(int c) const override {
    return IsNull(c) ? 0 : ints_[slot_[static_cast<std::size_t>(c)]][i_];
  }
  std::string_view Text(int c) const override {
    return IsNull(c) ? std::string_view() : std::string_view(texts_[slot_[static_cast<std::size_t>(c)]][i_]);
  }

 private:
  std::span<const ColumnType> types_;
  std::vector<std::size_t> slot_;
  std::vector<std::vector<long long>> ints_;
  std::vector<std::vector<std::string>> texts_;
  std::vector<std::vector<soci::indicator>> ind_;
  std::size_t i_ = 0;
};

void SociRows(soci::session& sql, const std::string& query, std::initializer_list<IntParam> params,
              std::span<const ColumnType> columns, const std::function<void(const RowView&)>& row) {
  std::vector<long long> values;
  values.reserve(params.size());  // no reallocation: SOCI keeps pointers to the bound values
  for (const auto& p : params) values.push_back(p.second);
  VectorRow view(columns);
  soci::statement st(sql);
  st.alloc();
  st.prepare(query);
  view.Exchange(st);
  std::size_t k = 0;
  for (const auto& p : params) st.exchange(soci::use(values[k++], p.first));
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) {
    for (std::size_t i = 0; i < view.Fetched(); ++i) {
      view.At(i);
      row(view);
    }
    view.Reset();
  }
}

}  // namespace

void ForEachRow(soci::session& sql, const std::string& query, std::initializer_list<IntParam> params,
                std::span<const ColumnType> columns, const std::function<void(const RowView&)>& row) {
  // By name: the SOCI library exports no type information for a dynamic_cast.
  if (sql.get_backend_name() == "sqlite3") {
    if (auto* be = static_cast<soci::sqlite3_session_backend*>(sql.get_backend()); be && be->conn_) {
      SqliteRows(be->conn_, query, params, row);
      return;
    }
  }
  SociRows(sql, query, params, columns, row);
}

}  // namespace fazhi::scoring
