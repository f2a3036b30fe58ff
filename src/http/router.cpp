#include "http/router.h"

#include <stdexcept>

#include "http/query.h"

#include <algorithm>
#include <charconv>

namespace fazhi::http {

namespace {

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) out.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

const char* MethodName(Method m) {
  switch (m) {
    case Method::kGet: return "GET";
    case Method::kPost: return "POST";
    case Method::kPut: return "PUT";
    case Method::kPatch: return "PATCH";
    case Method::kDelete: return "DELETE";
  }
  return "GET";
}

int StatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kForbidden: return 403;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kConflict: return 409;
    case ErrorCode::kPayloadTooLarge: return 413;
    case ErrorCode::kTooManyRequests: return 429;
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

nlohmann::json ErrorJson(const Error& e) {
  nlohmann::json err = {{"code", e.MachineCode()},
                        {"message", e.message},
                        {"field", e.field.empty() ? nlohmann::json() : nlohmann::json(e.field)}};
  return {{"error", err}};
}

nlohmann::json PagedJson(nlohmann::json items, std::int64_t total, const PageRequest& page) {
  return {{"items", std::move(items)}, {"total", total}, {"page", page.page}, {"page_size", page.page_size}};
}

Result<std::int64_t> Ctx::PathId(const std::string& name) const {
  auto it = params_.find(name);
  if (it == params_.end()) return Invalid("缺少路径参数 " + name, name);
  auto v = ParseInt64(it->second);
  if (!v || *v <= 0) return Invalid("编号“" + it->second + "”无效，应为正整数", name, "invalid_id");
  return *v;
}

std::string Ctx::PathParam(const std::string& name) const {
  auto it = params_.find(name);
  return it == params_.end() ? std::string() : it->second;
}

std::optional<std::string> Ctx::Query(const std::string& name) const {
  if (!req_.has_param(name)) return std::nullopt;
  std::string v = req_.get_param_value(name);
  if (v.empty()) return std::nullopt;
  return v;
}

Result<std::optional<std::int64_t>> Ctx::QueryInt(const std::string& name) const {
  auto s = Query(name);
  if (!s) return std::optional<std::int64_t>();
  auto v = ParseInt64(*s);
  if (!v) return Invalid("参数 " + name + " 必须是整数", name, "wrong_type");
  return std::optional<std::int64_t>(*v);
}

Result<PageRequest> Ctx::Page(const std::vector<std::string>& sortable) const {
  QueryReader q(*this);
  PageRequest p = q.Page(sortable);
  FZ_CHECK(q.Finish());
  return p;
}

audit::Actor Ctx::Actor() const {
  audit::Actor a;
  if (principal_) {
    a.user_id = principal_->user_id;
    a.username = principal_->username;
    a.bureau_id = principal_->bureau_id;
  } else {
    a.username = "anonymous";
  }
  a.ip = ip();
  a.request_id = request_id_;
  return a;
}

void Router::Add(Method method, std::string pattern, Access access, Handler handler) {
  // Two modules registering the same route would silently shadow one another (the first wins):
  // a programming error, caught the first time the program starts.
  for (const auto& other : entries_)
    if (other.info.method == method && other.info.pattern == pattern)
      throw std::logic_error("route registered twice: " + std::string(MethodName(method)) + " " + pattern);
  Entry e;
  e.segments = SplitPath(pattern);
  e.info = RouteInfo{method, std::move(pattern), std::move(access)};
  e.handler = std::move(handler);
  entries_.push_back(std::move(e));
}

Router::Match Router::Find(Method method, std::string_view path) const {
  Match m;
  const auto segs = SplitPath(path);
  for (const auto& e : entries_) {
    if (e.segments.size() != segs.size()) continue;
    std::map<std::string, std::string> params;
    bool ok = true;
    for (size_t i = 0; i < segs.size() && ok; ++i) {
      const auto& s = e.segments[i];
      if (s.size() > 2 && s.front() == '{' && s.back() == '}')
        params[s.substr(1, s.size() - 2)] = segs[i];
      else
        ok = s == segs[i];
    }
    if (!ok) continue;
    if (e.info.method != method) {
      if (std::find(m.allowed.begin(), m.allowed.end(), e.info.method) == m.allowed.end())
        m.allowed.push_back(e.info.method);
      continue;
    }
    // Prefer literal segments over parameters: the first registered exact match wins, so register
    // literal routes (e.g. /api/people/export) before parameterised ones (/api/people/{id}) —
    // or rely on this check that skips a param match when a literal match exists later.
    if (m.route && m.params.size() <= params.size()) continue;
    m.route = &e.info;
    m.handler = &e.handler;
    m.params = std::move(params);
  }
  if (m.route) m.allowed.clear();
  return m;
}

std::vector<RouteInfo> Router::Routes() const {
  std::vector<RouteInfo> out;
  for (const auto& e : entries_) out.push_back(e.info);
  return out;
}

}  // namespace fazhi::http
