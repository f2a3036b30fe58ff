#include "http/server.h"

#include <dirent.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <chrono>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include <fmt/format.h>

namespace fazhi::http {

namespace {

// Counts a request as being handled while it lives (Server::Stop waits for the count to reach 0).
class Handling {
 public:
  explicit Handling(std::atomic<int>& n) : n_(n) { ++n_; }
  ~Handling() { --n_; }
  Handling(const Handling&) = delete;
  Handling& operator=(const Handling&) = delete;

 private:
  std::atomic<int>& n_;
};

// The local port of a connected TCP socket; 0 for anything else (a file, a listening socket, a
// socket of another family).
int AcceptedPort(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) return 0;
  int listening = 0;
  socklen_t len = sizeof listening;
  if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || listening) return 0;
  sockaddr_storage local{};
  len = sizeof local;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0) return 0;
  if (local.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(local).sin_port);
  if (local.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(local).sin6_port);
  return 0;
}

std::string NewRequestId() {
  static const std::string prefix = [] {
    std::random_device rd;
    return fmt::format("{:08x}", rd());
  }();
  static std::atomic<std::uint64_t> counter{0};
  return fmt::format("{}-{}", prefix, ++counter);
}

std::string CookieValue(const httplib::Request& req, const std::string& name) {
  const std::string header = req.get_header_value("Cookie");
  size_t pos = 0;
  while (pos < header.size()) {
    while (pos < header.size() && (header[pos] == ' ' || header[pos] == ';')) ++pos;
    size_t eq = header.find('=', pos);
    if (eq == std::string::npos) break;
    size_t end = header.find(';', eq);
    if (end == std::string::npos) end = header.size();
    if (header.compare(pos, eq - pos, name) == 0) return header.substr(eq + 1, end - eq - 1);
    pos = end + 1;
  }
  return {};
}

std::string PercentEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

void SecurityHeaders(httplib::Response& res, const std::string& csp) {
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Content-Security-Policy", csp);
}

void WriteError(httplib::Response& res, const Error& e) {
  res.status = StatusFor(e.code);
  // A message may quote the request (a path parameter, an unknown path): bytes that are not UTF-8
  // become U+FFFD instead of making the error itself fail to serialise (found by fuzzing).
  res.set_content(ErrorJson(e).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json; charset=utf-8");
}

bool IsWrite(Method m) { return m != Method::kGet; }

// 405 for a method no route of `path` has (or one the server does not know at all): JSON body and
// the Allow header of the methods that do exist there (all of ours when the path is unknown).
void WriteMethodNotAllowed(httplib::Response& res, const std::vector<Method>& allowed) {
  WriteError(res, Error{ErrorCode::kInvalidArgument, "该接口不支持此请求方法", "", "method_not_allowed"});
  res.status = 405;
  std::string allow;
  for (Method m : allowed) allow += (allow.empty() ? "" : ", ") + std::string(MethodName(m));
  res.set_header("Allow", allow.empty() ? "GET, POST, PUT, PATCH, DELETE" : allow);
}

// The methods some route has for `path`.
std::vector<Method> AllowedMethods(const Router& router, const std::string& path) {
  std::vector<Method> out;
  for (Method m : {Method::kGet, Method::kPost, Method::kPut, Method::kPatch, Method::kDelete})
    if (router.Find(m, path).route) out.push_back(m);
  return out;
}

// What a client learns of an unexpected failure: that it happened, and the id to quote.
Error InternalError(const std::string& rid) {
  return Error{ErrorCode::kInternal, "服务器内部错误，请联系管理员（请求编号 " + rid + "）", "", "internal"};
}

}  // namespace

bool IsImageOrigin(std::string_view origin) {
  std::string_view rest;
  if (origin.starts_with("http://"))
    rest = origin.substr(7);
  else if (origin.starts_with("https://"))
    rest = origin.substr(8);
  else
    return false;
  const auto colon = rest.find(':');
  const std::string_view host = rest.substr(0, colon);
  if (host.empty() || host.size() > 253 || host.front() == '.' || host.front() == '-') return false;
  for (char c : host)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') return false;
  if (colon == std::string_view::npos) return true;
  const std::string_view port = rest.substr(colon + 1);
  int n = 0;
  const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
  return !port.empty() && ec == std::errc() && ptr == port.data() + port.size() && n >= 1 && n <= 65535;
}

std::string ContentSecurityPolicy(const std::vector<std::string>& image_origins) {
  std::string img = "'self' data:";
  for (const auto& o : image_origins)
    if (IsImageOrigin(o)) img += " " + o;
  return "default-src 'self'; img-src " + img +
         "; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
}

Server::Server(const Router& router, Authenticator authenticator, ServerOptions options)
    : router_(router),
      authenticator_(std::move(authenticator)),
      options_(std::move(options)),
      csp_(ContentSecurityPolicy(options_.image_origins)),
      gate_(options_.max_active) {}

Server::~Server() = default;

std::string Server::ClientIp(const std::string& remote, const std::string& forwarded_for,
                             const std::vector<std::string>& trusted) {
  auto is_trusted = [&](std::string_view ip) { return std::find(trusted.begin(), trusted.end(), ip) != trusted.end(); };
  if (forwarded_for.empty() || !is_trusted(remote)) return remote;
  std::string client = remote;
  std::string_view rest = forwarded_for;
  while (!rest.empty()) {
    const auto comma = rest.rfind(',');
    std::string_view entry = comma == std::string_view::npos ? rest : rest.substr(comma + 1);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    while (!entry.empty() && entry.front() == ' ') entry.remove_prefix(1);
    while (!entry.empty() && entry.back() == ' ') entry.remove_suffix(1);
    const bool looks_like_ip =
        !entry.empty() && entry.size() <= 45 && std::all_of(entry.begin(), entry.end(), [](char ch) {
          return std::isxdigit(static_cast<unsigned char>(ch)) || ch == '.' || ch == ':';
        });
    if (!looks_like_ip) break;
    client = std::string(entry);
    if (!is_trusted(entry)) break;
  }
  return client;
}

std::string Server::SessionCookie(const ServerOptions& o, std::string_view token, int max_age_seconds) {
  std::string c = o.cookie_name + "=" + std::string(token) + "; Path=/; HttpOnly; SameSite=Strict";
  c += "; Max-Age=" + std::to_string(token.empty() ? 0 : max_age_seconds);
  if (o.secure_cookie) c += "; Secure";
  return c;
}

void Server::WriteFailure(httplib::Response& res, const std::string& rid) const {
  if (options_.backend_available && !options_.backend_available()) {
    // The database is down (restart, failover): say so, and when to retry, instead of a bare 500.
    WriteError(res, Error{ErrorCode::kInternal, "数据库暂时无法访问，请稍后重试（请求编号 " + rid + "）", "db",
                          "db_unavailable"});
    res.status = 503;
    res.set_header("Retry-After", "5");
    return;
  }
  WriteError(res, InternalError(rid));
}

void Server::Dispatch(const httplib::Request& req, httplib::Response& res, Method method) {
  const Handling handling(handling_);
  const auto started = std::chrono::steady_clock::now();
  const std::string rid = NewRequestId();
  res.set_header("X-Request-Id", rid);
  res.set_header("Cache-Control", "no-store");
  SecurityHeaders(res, csp_);
  std::string who = "-";
  const std::string client_ip =
      ClientIp(req.remote_addr, req.get_header_value("X-Forwarded-For"), options_.trusted_proxies);
  auto match = router_.Find(method, req.path);
  try {
    if (!match.route) {
      if (!match.allowed.empty())
        WriteMethodNotAllowed(res, match.allowed);
      else
        WriteError(res, Error{ErrorCode::kNotFound, "接口不存在：" + req.path, "", "no_such_endpoint"});
    } else {
      std::optional<AdmissionGate::Pass> pass;
      if (!match.route->access.ungated) pass.emplace(gate_);
      Ctx ctx(req, rid, std::move(match.params));
      ctx.set_ip(client_ip);
      const Access& access = match.route->access;
      std::optional<Error> denied;
      if (!access.public_route) {
        const std::string token = CookieValue(req, options_.cookie_name);
        if (token.empty()) {
          denied = Error{ErrorCode::kUnauthenticated, "请先登录", "", "not_signed_in"};
        } else if (auto p = authenticator_(token); !p) {
          denied = p.error();
        } else {
          ctx.set_principal(std::move(*p));
          const auto& user = ctx.user();
          who = user.username;
          if (IsWrite(method)) {
            const std::string csrf = req.get_header_value("X-CSRF-Token");
            if (csrf.empty())
              denied = Error{ErrorCode::kForbidden, "缺少 CSRF 令牌，请刷新页面后重试", "", "csrf_missing"};
            else if (csrf != user.csrf_token)
              denied = Error{ErrorCode::kForbidden, "CSRF 令牌无效，请刷新页面后重试", "", "csrf_invalid"};
          }
          if (!denied && !access.allowed_before_setup) {
            if (user.must_change_password)
              denied =
                  Error{ErrorCode::kForbidden, "首次登录或密码已被重置，请先修改密码", "", "password_change_required"};
            else if (user.totp_setup_required)
              denied = Error{ErrorCode::kForbidden, "安全策略要求先启用两步验证", "", "totp_setup_required"};
          }
          if (!denied && !access.permission.empty() && !user.Has(access.permission))
            denied = Error{ErrorCode::kForbidden, "没有权限执行此操作", "", "permission_denied"};
        }
      }
      if (denied) {
        WriteError(res, *denied);
      } else {
        Result<Reply> reply = (*match.handler)(ctx);
        if (!reply) {
          if (reply.error().code == ErrorCode::kInternal) {
            // The detail (database text, a file path) goes to the log only (STYLE §7).
            spdlog::error("rid={} {} {}: {}", rid, MethodName(method), req.path, reply.error().message);
            WriteFailure(res, rid);
          } else {
            WriteError(res, reply.error());
          }
        } else {
          res.status = reply->status;
          for (const auto& [k, v] : reply->headers) res.set_header(k, v);
          if (!reply->content_type.empty()) {
            if (!reply->download_name.empty())
              res.set_header("Content-Disposition",
                             "attachment; filename*=UTF-8''" + PercentEncode(reply->download_name));
            res.set_content(std::move(reply->body), reply->content_type);
          } else {
            res.set_content(reply->json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                            "application/json; charset=utf-8");
          }
        }
      }
    }
  } catch (const std::exception& e) {
    spdlog::error("rid={} {} {} unhandled: {}", rid, MethodName(method), req.path, e.what());
    WriteFailure(res, rid);
  } catch (...) {
    spdlog::error("rid={} {} {} unhandled non-std exception", rid, MethodName(method), req.path);
    WriteError(res, InternalError(rid));
  }
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (options_.metrics) options_.metrics->Record(res.status, ms / 1000.0);
  if (req.path != "/api/health" || res.status >= 400)
    spdlog::info(R"({{"rid":"{}","method":"{}","path":"{}","status":{},"ms":{:.2f},"user":"{}","ip":"{}"}})", rid,
                 MethodName(method), req.path, res.status, ms, who, client_ip);
}

void Server::AddApiHandlers(httplib::Server& s) {
  for (auto [m, reg] : std::initializer_list<std::pair<Method, int>>{
           {Method::kGet, 0}, {Method::kPost, 1}, {Method::kPut, 2}, {Method::kPatch, 3}, {Method::kDelete, 4}}) {
    auto handler = [this, m](const httplib::Request& req, httplib::Response& res) { Dispatch(req, res, m); };
    switch (reg) {
      case 0: s.Get(R"(/api/.*)", handler); break;
      case 1: s.Post(R"(/api/.*)", handler); break;
      case 2: s.Put(R"(/api/.*)", handler); break;
      case 3: s.Patch(R"(/api/.*)", handler); break;
      case 4: s.Delete(R"(/api/.*)", handler); break;
    }
  }

  // OPTIONS (no CORS here: the web app is same-origin) and methods httplib has no handlers for
  // (TRACE, PROPFIND, FOO …) answer 405 with Allow and the JSON error body like any other.
  s.Options(R"(/api/.*)", [this](const httplib::Request& req, httplib::Response& res) {
    res.set_header("X-Request-Id", NewRequestId());
    res.set_header("Cache-Control", "no-store");
    SecurityHeaders(res, csp_);
    WriteMethodNotAllowed(res, AllowedMethods(router_, req.path));
  });
  s.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    static const std::set<std::string> kServed = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};
    if (!kServed.contains(req.method) && (req.path.empty() || req.path.starts_with("/api/"))) {
      SecurityHeaders(res, csp_);
      WriteMethodNotAllowed(res, AllowedMethods(router_, req.path));
    } else if (res.status == 413)
      WriteError(res, Error{ErrorCode::kPayloadTooLarge, "上传内容过大", "", "payload_too_large"});
    else if (req.path.starts_with("/api/") && res.status >= 400)
      WriteError(res, Error{ErrorCode::kInvalidArgument, "请求无法处理", "", "bad_request"}), res.status = 400;
  });
}

void Server::AddWebApp(httplib::Server& s) {
  // The web app: the files of web_root from memory, precompressed (static_files.h), and
  // index.html for every other non-API path (SPA routes).
  if (!options_.web_root.empty()) {
    static_.Load(options_.web_root);
    if (!static_.Find("/index.html", "")) {
      static_ = StaticFiles{};
      spdlog::warn("web root {} has no index.html; the web app is not served (run scripts/setup.sh to build it)",
                   options_.web_root);
    }
  }
  s.Get(R"(/(?!api/).*)", [this](const httplib::Request& req, httplib::Response& res) { ServeStatic(req, res); });
}

void Server::ServeStatic(const httplib::Request& req, httplib::Response& res) {
  const Handling handling(handling_);
  SecurityHeaders(res, csp_);
  const std::string accept = req.get_header_value("Accept-Encoding");
  auto file = static_.Find(req.path, accept);
  if (!file && req.path.starts_with("/assets/")) {
    // A missing build asset (e.g. an old tab after a redeploy) is a real 404, not the app page.
    res.status = 404;
    res.set_content("not found", "text/plain; charset=utf-8");
    return;
  }
  if (!file) file = static_.Find("/index.html", accept);
  if (!file) {
    res.set_content(
        "<!doctype html><meta charset=utf-8><title>法治</title><p>网页端尚未构建：请运行 scripts/setup.sh。接口位于 "
        "/api/。",
        "text/html; charset=utf-8");
    return;
  }
  res.set_header("Cache-Control", file->cache_control);
  res.set_header("ETag", file->etag);
  if (file->vary) res.set_header("Vary", "Accept-Encoding");
  if (req.get_header_value("If-None-Match") == file->etag) {
    res.status = 304;
    return;
  }
  if (!file->content_encoding.empty()) res.set_header("Content-Encoding", file->content_encoding);
  // Sent through a content provider of known length: httplib then sends the bytes as they are
  // instead of compressing them again on every request.
  if (file->body->empty()) {
    res.set_content("", file->content_type);
    return;
  }
  auto body = file->body;
  res.set_content_provider(body->size(), file->content_type,
                           [body](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                             return sink.write(body->data() + offset, length);
                           });
}

Result<int> Server::Bind() {
  server_ = std::make_unique<httplib::Server>();
  auto& s = *server_;
  const int threads = options_.threads;
  s.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  s.set_tcp_nodelay(true);  // Nagle + delayed ACK costs ~40 ms per response (STACK.md §4)
  s.set_keep_alive_max_count(1000);
  s.set_keep_alive_timeout(10);
  s.set_read_timeout(options_.read_timeout_seconds);
  s.set_payload_max_length(options_.max_body_bytes);
  int listen_fd = -1;
  s.set_socket_options([&listen_fd](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listen_fd = sock;
  });

  AddApiHandlers(s);
  AddWebApp(s);

  int port = options_.port;
  if (port == 0) {
    port = s.bind_to_any_port(options_.host);
    if (port < 0) return Fail(ErrorCode::kInternal, "无法监听 " + options_.host, "listen", "bind_failed");
  } else if (!s.bind_to_port(options_.host, port)) {
    return Fail(ErrorCode::kInternal, fmt::format("无法监听 {}:{}（端口被占用或地址无效）", options_.host, port),
                "listen", "bind_failed");
  }
  port_ = port;
  // Slow and greedy clients: httplib's pre-routing handler runs once a request head is read (before
  // the body), its logger once the answer is written.
  guard_ = std::make_unique<ConnectionGuard>(
      ConnectionGuard::Options{.port = port,
                               .header_timeout = std::chrono::seconds(options_.header_timeout_seconds),
                               .per_address = options_.max_connections_per_address,
                               .exempt = options_.trusted_proxies});
  s.set_pre_routing_handler([guard = guard_.get()](const httplib::Request& req, httplib::Response&) {
    guard->HeadReceived(req.remote_addr, req.remote_port);
    return httplib::Server::HandlerResponse::Unhandled;
  });
  s.set_logger([guard = guard_.get()](const httplib::Request& req, const httplib::Response&) {
    guard->Answered(req.remote_addr, req.remote_port);
  });
  // httplib listens with a backlog of 5, which drops SYNs under load (STACK.md §4): re-listen deeper.
  if (listen_fd >= 0) ::listen(listen_fd, 1024);
  return port;
}

void Server::Run() {
  if (!server_) return;
  running_ = true;
  if (!stop_requested_) server_->listen_after_bind();
  running_ = false;
}

void Server::Stop() {
  if (stop_requested_.exchange(true) || !server_) {
    // A second Stop (signal, then the destructor) only waits for the first to end.
    while (running_) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return;
  }
  using Clock = std::chrono::steady_clock;
  // 1. No new connections: httplib's stop() closes the listening socket (repeated until Run() is
  //    inside the accept loop, where it takes effect).
  server_->stop();
  // 2. Requests already inside a handler finish and write their answers. The handler count drops
  //    when a handler returns, before httplib writes the answer; the guard's busy count drops once
  //    the answer is written (httplib's logger), so both are waited for: ending the connection in
  //    between would lose the answer.
  const auto drain_until = Clock::now() + std::chrono::seconds(options_.drain_seconds);
  const auto in_flight = [this] { return handling_ > 0 || (guard_ && guard_->Busy() > 0); };
  while (in_flight() && Clock::now() < drain_until) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (in_flight())
    spdlog::warn("停止服务：{} 个请求超过 {} 秒仍未处理完；空闲连接先行关闭，这些请求处理完后退出", handling_.load(),
                 options_.drain_seconds);
  // 3. Keep-alive connections waiting for a next request would hold their threads until the
  //    keep-alive timeout: end them now, so the process exits in milliseconds, not seconds.
  while (running_) {
    server_->stop();
    EndIdleConnections();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  guard_.reset();  // httplib's workers have ended with its accept loop
}

void Server::EndIdleConnections() const {
  if (port_ <= 0) return;
  DIR* dir = ::opendir("/proc/self/fd");
  if (!dir) return;
  std::vector<int> fds;
  while (const dirent* e = ::readdir(dir)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    const int fd = std::atoi(e->d_name);
    if (fd != ::dirfd(dir)) fds.push_back(fd);
  }
  ::closedir(dir);
  for (int fd : fds)
    if (AcceptedPort(fd) == port_) ::shutdown(fd, SHUT_RD);
}

}  // namespace fazhi::http
