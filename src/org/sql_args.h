// Small helpers for SQL built at run time (optional filters): bind parameters collected in order,
// and a row loop. Internal to the org module.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "db/soci.h"

namespace fazhi::org::detail {

// Collects bind values; each call returns the placeholder (":pN") to splice into the SQL text.
// Values are bound by name, so the order in which the calls are evaluated (e.g. as arguments of
// one fmt::format call, whose evaluation order is unspecified) does not matter. Values live in
// deques, so the references SOCI keeps stay valid while more are added.
class SqlArgs {
 public:
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

  void Bind(soci::statement& st) {
    for (std::size_t i = 0; i < order_.size(); ++i) {
      const Binding& b = order_[i];
      const std::string name = "p" + std::to_string(i + 1);
      switch (b.kind) {
        case Kind::kStr: st.exchange(soci::use(strs_[b.index], name)); break;
        case Kind::kInt: st.exchange(soci::use(ints_[b.index], name)); break;
        case Kind::kOptStr: st.exchange(soci::use(strs_[b.index], inds_[b.ind], name)); break;
        case Kind::kOptInt: st.exchange(soci::use(ints_[b.index], inds_[b.ind], name)); break;
      }
    }
  }

 private:
  enum class Kind { kStr, kInt, kOptStr, kOptInt };
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

// Runs a query and calls fn(const soci::row&) for each result row.
template <typename F>
void ForEachRow(soci::session& sql, const std::string& query, SqlArgs& args, F&& fn) {
  soci::row row;
  soci::statement st(sql);
  st.alloc();
  st.prepare(query);
  st.exchange(soci::into(row));
  args.Bind(st);
  st.define_and_bind();
  if (st.execute(true)) {
    do {
      fn(static_cast<const soci::row&>(row));
    } while (st.fetch());
  }
}

// Runs a statement that returns no rows (INSERT/UPDATE/DELETE).
inline void Exec(soci::session& sql, const std::string& query, SqlArgs& args) {
  soci::statement st(sql);
  st.alloc();
  st.prepare(query);
  args.Bind(st);
  st.define_and_bind();
  st.execute(true);
}

}  // namespace fazhi::org::detail
