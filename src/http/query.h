// Reading query parameters (?unit_id=3&from=2023-07-01&state=overdue,pre_warn), the way JsonInput
// reads bodies: every value is checked, the first error is kept, later reads return empty values.
//
//   http::QueryReader q(ctx);
//   filter.unit_id = q.Id("unit_id");
//   filter.from = q.Time("from");
//   filter.states = q.List("state", {"pre_warn", "overdue"});
//   auto page = q.Page({"due_at", "case"});
//   FZ_CHECK(q.Finish());
//
// Numbers go through one checked parser (no std::stoll: out-of-range input is a 400, never a 500);
// times are epoch seconds or Beijing-time text ("2024-03-04", "2024-03-04 08:00", ISO 8601 with a
// real offset). Not thread-safe (one per request).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "core/paging.h"

namespace httplib {
struct Request;
}

namespace fazhi::http {

class Ctx;

// Checked integer parse of the whole text (optional leading '-'); nullopt when not an integer or
// outside int64.
std::optional<std::int64_t> ParseInt64(std::string_view text);
// Epoch seconds (digits only) or local text; nullopt when neither.
std::optional<EpochSeconds> ParseTimeParam(std::string_view text);

class QueryReader {
 public:
  explicit QueryReader(const Ctx& ctx);
  explicit QueryReader(const httplib::Request& req);

  // Text, trimmed; absent or empty → nullopt. Longer than max_chars (Unicode) → error.
  std::optional<std::string> Str(const std::string& name, int max_chars = 200);
  // Integer within [min, max].
  std::optional<std::int64_t> Int(const std::string& name, std::int64_t min = INT64_MIN, std::int64_t max = INT64_MAX);
  // A positive id.
  std::optional<std::int64_t> Id(const std::string& name) { return Int(name, 1, INT64_MAX, "编号"); }
  // A time (see ParseTimeParam).
  std::optional<EpochSeconds> Time(const std::string& name);
  // A time that ends a range (`to`, exclusive): as Time, except that a bare date ("2024-03-04")
  // means the whole of that day, i.e. the next midnight (Beijing time).
  std::optional<EpochSeconds> TimeEnd(const std::string& name);
  // "true"/"false"/"1"/"0".
  std::optional<bool> Bool(const std::string& name);
  // One of `allowed`.
  std::optional<std::string> OneOf(const std::string& name, const std::vector<std::string>& allowed);
  // Comma-separated values, each one of `allowed` (empty `allowed` = any non-empty text).
  std::vector<std::string> List(const std::string& name, const std::vector<std::string>& allowed = {});
  // Comma-separated positive ids ("3,17,42"), at most `max_items` (reason too_many_ids), none twice
  // (reason duplicate_ids); absent → empty.
  std::vector<std::int64_t> Ids(const std::string& name, std::size_t max_items);
  // "YYYY-MM".
  std::optional<std::string> Month(const std::string& name);
  // page/page_size/sort/order; `sortable` whitelists sort fields (first = default). On error the
  // error is kept and the default page is returned.
  PageRequest Page(const std::vector<std::string>& sortable);

  // The first error, if any.
  const std::optional<Error>& error() const { return error_; }
  // Result<void>: the first error, or success.
  Result<void> Finish() const;

 private:
  std::optional<std::int64_t> Int(const std::string& name, std::int64_t min, std::int64_t max, std::string_view what);
  std::optional<std::string> Raw(const std::string& name);
  void Reject(std::string message, const std::string& field, std::string reason);

  const httplib::Request& req_;
  std::optional<Error> error_;
};

}  // namespace fazhi::http
