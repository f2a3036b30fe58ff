// Strict reading of JSON request bodies: unknown fields, wrong types, over-long strings and
// missing required fields all become InvalidArgument errors naming the field, in Chinese.
//
//   JsonInput in(body);                       // parse error → in.error()
//   auto name = in.String("name", "名称", {.required = true, .max_chars = 64});
//   auto parent = in.OptionalInt("parent_id", "上级单位");
//   if (auto err = in.Finish()) return std::unexpected(*err);   // also rejects unknown fields
//
// The first error wins; later calls return empty values. Not thread-safe (one per request).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace fazhi {

struct StringRule {
  bool required = false;
  int min_chars = 0;    // after trimming; 0 = may be empty
  int max_chars = 200;  // Unicode characters
  bool trim = true;
};

struct IntRule {
  bool required = false;
  std::int64_t min = INT64_MIN;
  std::int64_t max = INT64_MAX;
};

// What a time field accepts besides UTC epoch seconds (JsonInput::Time).
enum class TimeForm {
  kDateOrDateTime,  // "2023-07-03 18:00[:ss]" (ParseLocalDateTime's forms), or "2023-07-03" for its 00:00 (北京时间)
  kDate,            // "2023-07-03" only, as that day's 00:00 (北京时间): a day, e.g. a week's first day
};

struct TimeRule {
  bool required = false;
  TimeForm form = TimeForm::kDateOrDateTime;
};

class JsonInput {
 public:
  // Parses `body`; an empty body or one that is not a JSON object is an error.
  explicit JsonInput(std::string_view body);
  // Wraps an already parsed object (e.g. one line of a JSON-lines import).
  static JsonInput FromJson(nlohmann::json object);

  // Absent (and not required) → nullopt. Present but null → nullopt too.
  std::optional<std::string> String(const std::string& key, std::string_view label, StringRule rule = {});
  std::optional<std::int64_t> Int(const std::string& key, std::string_view label, IntRule rule = {});
  std::optional<bool> Bool(const std::string& key, std::string_view label, bool required = false);
  // String that must be one of `allowed`.
  std::optional<std::string> Enum(const std::string& key, std::string_view label,
                                  const std::vector<std::string>& allowed, bool required = false);
  // Array of strings (each checked with `rule`), e.g. role lists.
  std::optional<std::vector<std::string>> StringArray(const std::string& key, std::string_view label,
                                                      StringRule rule = {}, bool required = false,
                                                      size_t max_items = 100);
  // A time: UTC epoch seconds, or 北京时间 text in the forms `rule.form` allows. Anything else is an
  // `invalid_time` error (`invalid_date` for TimeForm::kDate) naming the field and the form expected.
  std::optional<std::int64_t> Time(const std::string& key, std::string_view label, TimeRule rule = {});
  // Raw sub-value (object or array) for nested documents; marks the key as known.
  std::optional<nlohmann::json> Raw(const std::string& key, std::string_view label, bool required = false);
  // Whether the key is present (and not null). Marks it known.
  bool Has(const std::string& key);

  // Records an error found by the caller's own checks (only the first one is kept).
  void Reject(Error e);
  bool ok() const { return !error_.has_value(); }
  const std::optional<Error>& error() const { return error_; }
  // Checks for unknown fields; returns the first error if any.
  std::optional<Error> Finish();

 private:
  JsonInput() = default;
  const nlohmann::json* Lookup(const std::string& key, std::string_view label, bool required);

  nlohmann::json doc_;
  std::set<std::string> known_;
  std::optional<Error> error_;
};

}  // namespace fazhi
