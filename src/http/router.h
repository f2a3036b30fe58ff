// HTTP routing for /api/ (STYLE §2, §7). Route handlers only parse, validate, call one service
// function and serialise. Every handler runs inside one wrapper that: assigns a request id, looks up
// the session, enforces authentication, permission, CSRF (on writes), a forced password change and
// the TOTP setup requirement, catches every exception, maps Error → HTTP status (only here), adds
// security headers and logs one structured line.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "auth/principal.h"
#include "core/error.h"
#include "core/paging.h"

namespace fazhi::http {

enum class Method { kGet, kPost, kPut, kPatch, kDelete };
const char* MethodName(Method m);

// Who may call a route.
struct Access {
  bool public_route = false;  // no session needed (health, login)
  std::string permission;     // required permission; empty = any signed-in user
  // Allowed even while the user must change the password or set up TOTP (me, password, totp, logout).
  bool allowed_before_setup = false;
  // Outside the admission gate (http/gate.h): for routes that answer from memory in microseconds
  // (health, me), where waiting for a slot costs more than the work.
  bool ungated = false;
};

// A response. Either JSON (`json`) or raw bytes (`body` + `content_type`, e.g. an XLSX download).
struct Reply {
  int status = 200;
  nlohmann::json json;
  std::string body;
  std::string content_type;
  std::string download_name;  // sets Content-Disposition: attachment; filename*=UTF-8''…
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers, e.g. Set-Cookie

  static Reply Json(nlohmann::json j, int status = 200) {
    Reply r;
    r.status = status;
    r.json = std::move(j);
    return r;
  }
  // JSON already serialised (a streaming writer for large lists).
  static Reply RawJson(std::string text, int status = 200) {
    Reply r;
    r.status = status;
    r.body = std::move(text);
    r.content_type = "application/json; charset=utf-8";
    return r;
  }
  static Reply File(std::string bytes, std::string content_type, std::string download_name) {
    Reply r;
    r.body = std::move(bytes);
    r.content_type = std::move(content_type);
    r.download_name = std::move(download_name);
    return r;
  }
};

// Per-request context handed to handlers.
class Ctx {
 public:
  Ctx(const httplib::Request& req, std::string request_id, std::map<std::string, std::string> params)
      : req_(req), request_id_(std::move(request_id)), params_(std::move(params)) {}

  const httplib::Request& req() const { return req_; }
  const std::string& request_id() const { return request_id_; }
  // The client's address (X-Forwarded-For of a trusted proxy resolved by the server).
  const std::string& ip() const { return ip_.empty() ? req_.remote_addr : ip_; }
  void set_ip(std::string ip) { ip_ = std::move(ip); }
  // The signed-in caller. Only valid on non-public routes (the wrapper guarantees it is set).
  const auth::Principal& user() const { return *principal_; }
  bool signed_in() const { return principal_.has_value(); }
  void set_principal(auth::Principal p) { principal_ = std::move(p); }

  // Path parameter "{id}" as a positive integer; InvalidArgument otherwise.
  Result<std::int64_t> PathId(const std::string& name = "id") const;
  std::string PathParam(const std::string& name) const;
  // Query parameter; nullopt if absent or empty.
  std::optional<std::string> Query(const std::string& name) const;
  // Integer query parameter; nullopt if absent; InvalidArgument if not an integer.
  Result<std::optional<std::int64_t>> QueryInt(const std::string& name) const;
  // page/page_size/sort/order; `sortable` whitelists sort fields (first = default).
  Result<PageRequest> Page(const std::vector<std::string>& sortable) const;
  // The body; InvalidArgument if empty when required by the caller.
  const std::string& body() const { return req_.body; }

  // Actor for audit rows written by this request.
  audit::Actor Actor() const;

 private:
  const httplib::Request& req_;
  std::string request_id_;
  std::string ip_;
  std::map<std::string, std::string> params_;
  std::optional<auth::Principal> principal_;
};

using Handler = std::function<Result<Reply>(Ctx&)>;

// Access shorthands for route tables.
inline Access Perm(std::string_view permission) { return Access{.permission = std::string(permission)}; }
inline const Access kPublic{.public_route = true};
// The health check: public, and answered even when every slot of the admission gate is busy.
inline const Access kHealth{.public_route = true, .ungated = true};
inline const Access kSignedIn{};
// Any signed-in user, also while a password change or TOTP setup is pending (me, logout, …).
inline const Access kBeforeSetup{.allowed_before_setup = true};

// Paged JSON: {"items": items, "total": total, "page": p, "page_size": s}.
nlohmann::json PagedJson(nlohmann::json items, std::int64_t total, const PageRequest& page);

struct RouteInfo {
  Method method;
  std::string pattern;  // e.g. "/api/units/{id}"
  Access access;
};

class Router {
 public:
  // Registers a route. Pattern segments in braces are parameters matching [^/]+.
  void Add(Method method, std::string pattern, Access access, Handler handler);
  void Get(std::string p, Access a, Handler h) { Add(Method::kGet, std::move(p), std::move(a), std::move(h)); }
  void Post(std::string p, Access a, Handler h) { Add(Method::kPost, std::move(p), std::move(a), std::move(h)); }
  void Put(std::string p, Access a, Handler h) { Add(Method::kPut, std::move(p), std::move(a), std::move(h)); }
  void Delete(std::string p, Access a, Handler h) { Add(Method::kDelete, std::move(p), std::move(a), std::move(h)); }

  struct Match {
    const RouteInfo* route = nullptr;
    const Handler* handler = nullptr;
    std::map<std::string, std::string> params;
    std::vector<Method> allowed;  // methods some route has for this path when `route` is null (→ 405)
  };
  Match Find(Method method, std::string_view path) const;
  std::vector<RouteInfo> Routes() const;

 private:
  struct Entry {
    RouteInfo info;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Entry> entries_;
};

// A module's route table: named handler functions that take the request and the module's service,
// one line per route (docs/module-template.md §Routes):
//
//   Result<Reply> ListAlerts(Ctx& ctx, OversightService& s) {
//     http::QueryReader q(ctx);
//     AlertFilter f;
//     f.unit_id = q.Id("unit_id");
//     const PageRequest page = q.Page(kAlertSort);
//     FZ_CHECK(q.Finish());
//     return Reply::Json(AlertsJson(FZ_TRY(s.ListAlerts(ctx.user(), f, page)), page));
//   }
//   void RegisterRoutes(http::Router& router, OversightService& s) {
//     http::Routes<OversightService> r(router, s);
//     r.Get("/api/alerts", http::Perm("case.read"), ListAlerts);
//   }
template <typename S>
class Routes {
 public:
  using Fn = Result<Reply> (*)(Ctx&, S&);
  // `service` must outlive the router.
  Routes(Router& router, S& service) : router_(router), service_(service) {}
  void Get(std::string pattern, Access access, Fn fn) { Add(Method::kGet, std::move(pattern), std::move(access), fn); }
  void Post(std::string pattern, Access access, Fn fn) {
    Add(Method::kPost, std::move(pattern), std::move(access), fn);
  }
  void Put(std::string pattern, Access access, Fn fn) { Add(Method::kPut, std::move(pattern), std::move(access), fn); }
  void Delete(std::string pattern, Access access, Fn fn) {
    Add(Method::kDelete, std::move(pattern), std::move(access), fn);
  }

 private:
  void Add(Method method, std::string pattern, Access access, Fn fn) {
    S* service = &service_;
    router_.Add(method, std::move(pattern), std::move(access), [service, fn](Ctx& ctx) { return fn(ctx, *service); });
  }
  Router& router_;
  S& service_;
};

// The HTTP status for an error code (the only place this mapping lives).
int StatusFor(ErrorCode code);
// {"error":{"code":…,"message":…,"field":…|null}}
nlohmann::json ErrorJson(const Error& e);

}  // namespace fazhi::http
