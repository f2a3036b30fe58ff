// Fuzz target: a request body read by core::JsonInput the way a route reads one — strings (trimmed,
// length rules, enums), integers with ranges, booleans, times and dates (北京时间 text or epoch
// seconds), string arrays, a raw nested value, then Finish() for unknown fields. The same bytes are
// also read one field per JsonInput, so that every reader sees the value even when an earlier
// field of the body is already wrong.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/json_input.h"
#include "core/local_time.h"
#include "fuzz_check.h"

namespace fazhi::fuzz {
namespace {

// A value read successfully must satisfy its rule; a time must format back to text.
void ReadAll(JsonInput& in) {
  if (auto s = in.String("name", "名称", {.required = false, .min_chars = 2, .max_chars = 20}))
    FZ_FUZZ_CHECK(IsValidUtf8(*s) && Utf8Length(*s) >= 2 && Utf8Length(*s) <= 20);
  if (auto s = in.String("note", "备注", {.max_chars = 200, .trim = false})) FZ_FUZZ_CHECK(IsValidUtf8(*s));
  if (auto n = in.Int("count", "数量", {.min = 0, .max = 1000})) FZ_FUZZ_CHECK(*n >= 0 && *n <= 1000);
  in.Int("id", "编号");
  in.Bool("urgent", "紧急");
  if (auto e = in.Enum("kind", "类型", {"criminal", "administrative"}))
    FZ_FUZZ_CHECK(*e == "criminal" || *e == "administrative");
  if (auto roles = in.StringArray("roles", "角色", {.max_chars = 32}, false, 10)) {
    FZ_FUZZ_CHECK(roles->size() <= 10);
    for (const auto& r : *roles) FZ_FUZZ_CHECK(!r.empty() && IsValidUtf8(r));
  }
  if (auto t = in.Time("at", "时间")) FZ_FUZZ_CHECK(IsValidUtf8(FormatLocalDateTime(*t)));
  if (auto t = in.Time("due", "期限", {.required = false})) FZ_FUZZ_CHECK(!FormatLocalIso(*t).empty());
  if (auto t = in.Time("day", "日期", {.form = TimeForm::kDate})) FZ_FUZZ_CHECK(!FormatDate(LocalDateOf(*t)).empty());
  in.Raw("extra", "附加");
  in.Has("flag");
}

}  // namespace
}  // namespace fazhi::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fazhi;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  JsonInput in(body);
  fuzz::ReadAll(in);
  if (auto err = in.Finish()) fuzz::CheckRefusal(*err);

  // Field by field on the parsed object (as JSON-lines imports use FromJson).
  const auto doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return 0;
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    JsonInput one = JsonInput::FromJson(nlohmann::json::object({{it.key(), it.value()}}));
    fuzz::ReadAll(one);
    if (auto err = one.Finish()) fuzz::CheckRefusal(*err);
  }
  return 0;
}
