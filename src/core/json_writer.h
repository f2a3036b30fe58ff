// Streaming JSON output for the hot list endpoints (RapidJSON's Writer behind a small interface).
//
// nlohmann::json builds a std::map node per member before it serialises anything: for a page of 20
// case summaries that was a fifth of the request's CPU (bench/README.md, case list). This writer
// appends straight to one buffer. Keys are written in the order given: callers write them sorted,
// as nlohmann::json does, so both produce the same text.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace fazhi {

class JsonWriter {
 public:
  JsonWriter();
  ~JsonWriter();
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view k);
  JsonWriter& String(std::string_view v);
  JsonWriter& Int(std::int64_t v);
  JsonWriter& Bool(bool v);
  JsonWriter& Null();
  JsonWriter& OptInt(const std::optional<std::int64_t>& v) { return v ? Int(*v) : Null(); }
  // A value that is already JSON text (written by another JsonWriter), inserted as it is.
  JsonWriter& Raw(std::string_view json);

  // The text written so far (a complete value once every object and array is closed).
  std::string Take();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fazhi
