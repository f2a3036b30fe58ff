#include "http/query.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <httplib.h>

#include "core/local_time.h"
#include "core/text.h"
#include "http/router.h"

namespace fazhi::http {

std::optional<std::int64_t> ParseInt64(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<EpochSeconds> ParseTimeParam(std::string_view s) {
  if (s.empty()) return std::nullopt;
  if (s.find_first_not_of("0123456789") == std::string_view::npos) {
    auto v = ParseInt64(s);
    // Epoch seconds between 1900 and 2200: anything else is not a time anybody means.
    if (!v || *v < -2208988800LL || *v > 7258118400LL) return std::nullopt;
    return v;
  }
  return ParseLocalDateTime(s);
}

QueryReader::QueryReader(const Ctx& ctx) : req_(ctx.req()) {}
QueryReader::QueryReader(const httplib::Request& req) : req_(req) {}

void QueryReader::Reject(std::string message, const std::string& field, std::string reason) {
  if (!error_) error_ = Error{ErrorCode::kInvalidArgument, std::move(message), field, std::move(reason)};
}

std::optional<std::string> QueryReader::Raw(const std::string& name) {
  if (error_ || !req_.has_param(name)) return std::nullopt;
  std::string v = req_.get_param_value(name);
  if (v.empty()) return std::nullopt;
  return v;
}

std::optional<std::string> QueryReader::Str(const std::string& name, int max_chars) {
  auto v = Raw(name);
  if (!v) return std::nullopt;
  if (!IsValidUtf8(*v)) {
    Reject(fmt::format("参数 {} 不是有效的 UTF-8 文本", name), name, "not_utf8");
    return std::nullopt;
  }
  std::string t = Trim(*v);
  if (t.empty()) return std::nullopt;
  if (static_cast<int>(Utf8Length(t)) > max_chars) {
    Reject(fmt::format("参数 {} 过长（最多 {} 个字）", name, max_chars), name, "too_long");
    return std::nullopt;
  }
  return t;
}

std::optional<std::int64_t> QueryReader::Int(const std::string& name, std::int64_t min, std::int64_t max) {
  return Int(name, min, max, "");
}

std::optional<std::int64_t> QueryReader::Int(const std::string& name, std::int64_t min, std::int64_t max,
                                             std::string_view what) {
  auto v = Raw(name);
  if (!v) return std::nullopt;
  auto n = ParseInt64(*v);
  if (!n) {
    Reject(fmt::format("参数 {} 必须是整数{}", name, what.empty() ? "" : fmt::format("（{}）", what)), name,
           "wrong_type");
    return std::nullopt;
  }
  if (*n < min || *n > max) {
    if (min == 1 && max == INT64_MAX)
      Reject(fmt::format("参数 {} 应为正整数", name), name, "out_of_range");
    else
      Reject(fmt::format("参数 {} 超出范围（{} 到 {}）", name, min, max), name, "out_of_range");
    return std::nullopt;
  }
  return n;
}

std::optional<EpochSeconds> QueryReader::Time(const std::string& name) {
  auto v = Raw(name);
  if (!v) return std::nullopt;
  auto t = ParseTimeParam(*v);
  if (!t)
    Reject(fmt::format("时间参数 {} 格式不对，应为 2024-03-04、2024-03-04 08:00 或带时区的 ISO 时间", name), name,
           "invalid_time");
  return t;
}

std::optional<EpochSeconds> QueryReader::TimeEnd(const std::string& name) {
  auto t = Time(name);
  if (!t) return t;
  const std::string v = req_.get_param_value(name);
  const bool bare_date = v.size() == 10 && v[4] == '-' && v[7] == '-';
  return bare_date ? *t + 86400 : *t;
}

std::optional<bool> QueryReader::Bool(const std::string& name) {
  auto v = Raw(name);
  if (!v) return std::nullopt;
  if (*v == "true" || *v == "1") return true;
  if (*v == "false" || *v == "0") return false;
  Reject(fmt::format("参数 {} 只能是 true 或 false", name), name, "wrong_type");
  return std::nullopt;
}

std::optional<std::string> QueryReader::OneOf(const std::string& name, const std::vector<std::string>& allowed) {
  auto v = Raw(name);
  if (!v) return std::nullopt;
  for (const auto& a : allowed)
    if (a == *v) return v;
  Reject(fmt::format("参数 {} 的值“{}”无效", name, Utf8Prefix(*v, 40)), name, "invalid_value");
  return std::nullopt;
}

std::vector<std::string> QueryReader::List(const std::string& name, const std::vector<std::string>& allowed) {
  std::vector<std::string> out;
  auto v = Raw(name);
  if (!v) return out;
  std::size_t pos = 0;
  while (pos <= v->size()) {
    auto comma = v->find(',', pos);
    if (comma == std::string::npos) comma = v->size();
    std::string item = Trim(v->substr(pos, comma - pos));
    pos = comma + 1;
    if (item.empty()) continue;
    bool ok = allowed.empty();
    for (const auto& a : allowed) ok = ok || a == item;
    if (!ok) {
      Reject(fmt::format("参数 {} 的值“{}”无效", name, Utf8Prefix(item, 40)), name, "invalid_value");
      return {};
    }
    out.push_back(std::move(item));
  }
  return out;
}

std::vector<std::int64_t> QueryReader::Ids(const std::string& name, std::size_t max_items) {
  std::vector<std::int64_t> out;
  for (const std::string& item : List(name)) {
    const auto id = ParseInt64(item);
    if (!id || *id < 1) {
      Reject(fmt::format("参数 {} 应为逗号分隔的编号，“{}”不是编号", name, Utf8Prefix(item, 40)), name,
             "invalid_value");
      return {};
    }
    if (std::find(out.begin(), out.end(), *id) != out.end()) {
      Reject(fmt::format("参数 {} 中编号 {} 重复", name, *id), name, "duplicate_ids");
      return {};
    }
    out.push_back(*id);
  }
  if (out.size() > max_items) {
    Reject(fmt::format("参数 {} 最多 {} 个编号，收到 {} 个", name, max_items, out.size()), name, "too_many_ids");
    return {};
  }
  return out;
}

std::optional<std::string> QueryReader::Month(const std::string& name) {
  auto v = Raw(name);
  if (!v) return std::nullopt;
  if (v->size() != 7 || (*v)[4] != '-' || !ParseDate(*v + "-01")) {
    Reject(fmt::format("参数 {} 应为年月，如 2023-07", name), name, "invalid_month");
    return std::nullopt;
  }
  return v;
}

PageRequest QueryReader::Page(const std::vector<std::string>& sortable) {
  PageRequest p;
  if (!sortable.empty()) p.sort = sortable.front();
  if (auto page = Int("page", 1, 1000000)) p.page = static_cast<int>(*page);
  if (auto size = Int("page_size", 1, 200)) p.page_size = static_cast<int>(*size);
  if (auto s = Raw("sort")) {
    bool ok = false;
    for (const auto& f : sortable) ok = ok || f == *s;
    if (ok)
      p.sort = *s;
    else
      Reject(fmt::format("不支持按“{}”排序", Utf8Prefix(*s, 40)), "sort", "invalid_value");
  }
  if (auto o = OneOf("order", {"asc", "desc"})) p.descending = *o == "desc";
  return p;
}

Result<void> QueryReader::Finish() const {
  if (error_) return std::unexpected(*error_);
  return {};
}

}  // namespace fazhi::http
