#include "core/json_input.h"

#include <fmt/format.h>

#include "core/local_time.h"
#include "core/text.h"

namespace fazhi {

JsonInput::JsonInput(std::string_view body) {
  if (body.empty()) {
    error_ = Error{ErrorCode::kInvalidArgument, "请求内容为空，需要一个 JSON 对象", "", "malformed_json"};
    return;
  }
  doc_ = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc_.is_discarded()) {
    error_ = Error{ErrorCode::kInvalidArgument, "请求内容不是合法的 JSON", "", "malformed_json"};
  } else if (!doc_.is_object()) {
    error_ = Error{ErrorCode::kInvalidArgument, "请求内容必须是 JSON 对象", "", "malformed_json"};
  }
}

JsonInput JsonInput::FromJson(nlohmann::json object) {
  JsonInput in;
  in.doc_ = std::move(object);
  if (!in.doc_.is_object())
    in.error_ = Error{ErrorCode::kInvalidArgument, "数据必须是 JSON 对象", "", "malformed_json"};
  return in;
}

void JsonInput::Reject(Error e) {
  if (!error_) error_ = std::move(e);
}

const nlohmann::json* JsonInput::Lookup(const std::string& key, std::string_view label, bool required) {
  known_.insert(key);
  if (error_) return nullptr;
  auto it = doc_.find(key);
  if (it == doc_.end() || it->is_null()) {
    if (required) Reject({ErrorCode::kInvalidArgument, fmt::format("缺少必填字段“{}”", label), key, "missing_field"});
    return nullptr;
  }
  return &*it;
}

bool JsonInput::Has(const std::string& key) {
  known_.insert(key);
  if (error_) return false;
  auto it = doc_.find(key);
  return it != doc_.end() && !it->is_null();
}

std::optional<std::string> JsonInput::String(const std::string& key, std::string_view label, StringRule rule) {
  const nlohmann::json* v = Lookup(key, label, rule.required);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    Reject({ErrorCode::kInvalidArgument, fmt::format("“{}”必须是文本", label), key, "wrong_type"});
    return std::nullopt;
  }
  std::string s = v->get<std::string>();
  if (rule.trim) s = Trim(s);
  const auto len = Utf8Length(s);
  if (len < 0) {
    Reject({ErrorCode::kInvalidArgument, fmt::format("“{}”含有无效字符", label), key, "invalid_utf8"});
    return std::nullopt;
  }
  if (len > rule.max_chars) {
    Reject({ErrorCode::kInvalidArgument, fmt::format("“{}”不能超过 {} 个字", label, rule.max_chars), key, "too_long"});
    return std::nullopt;
  }
  if (len < rule.min_chars || (rule.required && len == 0)) {
    Reject({ErrorCode::kInvalidArgument,
            rule.min_chars > 1 ? fmt::format("“{}”至少需要 {} 个字", label, rule.min_chars)
                               : fmt::format("“{}”不能为空", label),
            key, rule.min_chars > 1 ? "too_short" : "missing_field"});
    return std::nullopt;
  }
  return s;
}

std::optional<std::int64_t> JsonInput::Int(const std::string& key, std::string_view label, IntRule rule) {
  const nlohmann::json* v = Lookup(key, label, rule.required);
  if (!v) return std::nullopt;
  if (!v->is_number_integer()) {
    Reject({ErrorCode::kInvalidArgument, fmt::format("“{}”必须是整数", label), key, "wrong_type"});
    return std::nullopt;
  }
  // Unsigned values above INT64_MAX cannot be represented.
  if (v->is_number_unsigned() && v->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
    Reject({ErrorCode::kInvalidArgument, fmt::format("“{}”超出范围", label), key, "out_of_range"});
    return std::nullopt;
  }
  const auto n = v->get<std::int64_t>();
  if (n < rule.min || n > rule.max) {
    Reject({ErrorCode::kInvalidArgument, fmt::format("“{}”必须在 {} 到 {} 之间", label, rule.min, rule.max), key,
            "out_of_range"});
    return std::nullopt;
  }
  return n;
}

std::optional<bool> JsonInput::Bool(const std::string& key, std::string_view label, bool required) {
  const nlohmann::json* v = Lookup(key, label, required);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) {
    Reject({ErrorCode::kInvalidArgument, fmt::format("“{}”必须是 true 或 false", label), key, "wrong_type"});
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<std::string> JsonInput::Enum(const std::string& key, std::string_view label,
                                           const std::vector<std::string>& allowed, bool required) {
  auto s = String(key, label, {.required = required, .max_chars = 64});
  if (!s) return std::nullopt;
  for (const auto& a : allowed)
    if (a == *s) return s;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : "、") + a;
  Reject({ErrorCode::kInvalidArgument, fmt::format("“{}”的取值“{}”无效，可选：{}", label, *s, list), key,
          "invalid_value"});
  return std::nullopt;
}

std::optional<std::vector<std::string>> JsonInput::StringArray(const std::string& key, std::string_view label,
                                                               StringRule rule, bool required, size_t max_items) {
  const nlohmann::json* v = Lookup(key, label, required);
  if (!v) return std::nullopt;
  if (!v->is_array()) {
    Reject({ErrorCode::kInvalidArgument, fmt::format("“{}”必须是数组", label), key, "wrong_type"});
    return std::nullopt;
  }
  if (v->size() > max_items) {
    Reject({ErrorCode::kInvalidArgument, fmt::format("“{}”最多 {} 项", label, max_items), key, "too_long"});
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& item : *v) {
    if (!item.is_string()) {
      Reject({ErrorCode::kInvalidArgument, fmt::format("“{}”的每一项必须是文本", label), key, "wrong_type"});
      return std::nullopt;
    }
    std::string s = rule.trim ? Trim(item.get<std::string>()) : item.get<std::string>();
    const auto len = Utf8Length(s);
    if (len < 0 || len > rule.max_chars || len < std::max(rule.min_chars, 1)) {
      Reject({ErrorCode::kInvalidArgument, fmt::format("“{}”中有无效的项", label), key, "invalid_value"});
      return std::nullopt;
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::optional<nlohmann::json> JsonInput::Raw(const std::string& key, std::string_view label, bool required) {
  const nlohmann::json* v = Lookup(key, label, required);
  if (!v) return std::nullopt;
  return *v;
}

std::optional<std::int64_t> JsonInput::Time(const std::string& key, std::string_view label, TimeRule rule) {
  const nlohmann::json* v = Lookup(key, label, rule.required);
  if (!v) return std::nullopt;
  if (v->is_number_integer()) return v->get<std::int64_t>();
  if (v->is_string()) {
    const auto& text = v->get_ref<const std::string&>();
    if (auto d = ParseDate(text)) return LocalMidnight(*d);
    if (rule.form != TimeForm::kDate)
      if (auto t = ParseLocalDateTime(text)) return *t;
  }
  const bool day = rule.form == TimeForm::kDate;
  Reject(Error{
      ErrorCode::kInvalidArgument,
      fmt::format("{}格式不对，应为 “{}” 或 UTC 秒数", label, day ? "2023-07-03" : "2023-07-03” 或 “2023-07-03 18:00"),
      key, day ? "invalid_date" : "invalid_time"});
  return std::nullopt;
}

std::optional<Error> JsonInput::Finish() {
  if (!error_ && doc_.is_object()) {
    for (auto it = doc_.begin(); it != doc_.end(); ++it) {
      if (!known_.contains(it.key())) {
        error_ =
            Error{ErrorCode::kInvalidArgument, fmt::format("不认识的字段“{}”", it.key()), it.key(), "unknown_field"};
        break;
      }
    }
  }
  return error_;
}

}  // namespace fazhi
