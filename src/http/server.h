// The HTTP server: cpp-httplib tuned as STACK.md §4 measured (TCP_NODELAY, a thread pool larger
// than the number of keep-alive connections, long keep-alive, listen backlog 1024), the /api/
// dispatcher with its single error boundary, and the built web app with an SPA fallback.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "auth/principal.h"
#include "core/error.h"
#include "http/connection_guard.h"
#include "http/gate.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/static_files.h"

namespace fazhi::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;             // 0 = any free port (tests)
  int threads = 96;            // must exceed concurrent keep-alive connections
  std::size_t max_active = 0;  // API requests running at once, the rest queue FIFO (0 = no limit)
  // Addresses of reverse proxies (nginx) whose X-Forwarded-For is believed: the client address is
  // then the last one in that header that is not itself a trusted proxy. Empty = the header is ignored.
  std::vector<std::string> trusted_proxies;
  std::string web_root;                   // built SPA (web/dist); empty = none
  std::size_t max_body_bytes = 20 << 20;  // uploads (roster files) included
  std::string cookie_name = "fazhi_session";
  bool secure_cookie = false;  // set when served over HTTPS (behind nginx)
  // Stop(): how long requests already being handled may take to finish before the server closes.
  int drain_seconds = 25;
  // Slow clients (connection_guard.h): a complete request head within this many seconds of the
  // accept or of the previous answer; each read of a body within read_timeout_seconds; at most
  // max_connections_per_address open connections per client address (trusted proxies exempt;
  // 0 = no limit).
  int header_timeout_seconds = 10;
  int read_timeout_seconds = 15;
  std::size_t max_connections_per_address = 64;
  // Origins (scheme://host[:port]) from which pages may load images besides this server: the
  // intranet map-tile service of the patrol map. Empty = images from this server only.
  std::vector<std::string> image_origins;
  // Asked when a request fails with an exception: false means the database cannot be reached, and
  // the answer is 503 db_unavailable (retry later, another instance) instead of 500. May be empty.
  std::function<bool()> backend_available;
  // Where answered API requests are counted (GET /api/ops/metrics); may be null. Outlives the Server.
  Metrics* metrics = nullptr;
};

// Resolves a session token to the caller. Errors: Unauthenticated (missing/expired session).
using Authenticator = std::function<Result<auth::Principal>(std::string_view token)>;

// Whether `origin` is scheme://host[:port] with scheme http or https and nothing else (no path,
// no wildcard, no space or semicolon that could widen the Content-Security-Policy).
bool IsImageOrigin(std::string_view origin);
// The Content-Security-Policy every answer carries, with img-src widened by `image_origins`.
std::string ContentSecurityPolicy(const std::vector<std::string>& image_origins);

class Server {
 public:
  Server(const Router& router, Authenticator authenticator, ServerOptions options);
  ~Server();

  // Binds the listening socket; returns the bound port. Error if the address is in use.
  Result<int> Bind();
  // Serves until Stop(). Call Bind() first.
  void Run();
  // Thread-safe; makes Run() return. A graceful stop: the listening socket closes at once (a
  // proxy moves new requests to another instance), requests being handled finish (up to
  // drain_seconds), and idle keep-alive connections are closed at once instead of after their
  // keep-alive timeout. A request whose bytes are still arriving when the stop comes is cut.
  void Stop();

  // The client's address: `remote` itself, or, when `remote` is a trusted proxy, the right-most
  // address of `forwarded_for` that is not a trusted proxy (a malformed entry ends the search).
  static std::string ClientIp(const std::string& remote, const std::string& forwarded_for,
                              const std::vector<std::string>& trusted);

  // Requests inside a handler now, and API requests waiting for a slot (--max-active).
  int in_flight() const { return handling_.load(); }
  std::size_t queued() const { return gate_.waiting(); }

  // Cookie header value that sets (or, with empty token, clears) the session cookie.
  static std::string SessionCookie(const ServerOptions& o, std::string_view token, int max_age_seconds);

 private:
  void Dispatch(const httplib::Request& req, httplib::Response& res, Method method);
  // Bind()'s parts: /api/ handlers for every method (and the 405 answers), the web app's files.
  void AddApiHandlers(httplib::Server& s);
  void AddWebApp(httplib::Server& s);
  void ServeStatic(const httplib::Request& req, httplib::Response& res);
  // The answer to an unexpected failure: 503 db_unavailable when the database cannot be reached,
  // else 500 with the request id. The detail is logged by the caller, never sent.
  void WriteFailure(httplib::Response& res, const std::string& rid) const;
  // Shuts the reading side of every connection this server accepted: a connection idle between
  // keep-alive requests ends at once, a response being written still goes out.
  void EndIdleConnections() const;

  const Router& router_;
  Authenticator authenticator_;
  ServerOptions options_;
  std::string csp_;  // ContentSecurityPolicy(options_.image_origins)
  std::unique_ptr<httplib::Server> server_;
  // Stop() may come before Run() has entered httplib's accept loop (whose stop() then does
  // nothing): Run() skips the loop once a stop was requested, and Stop() repeats httplib's stop()
  // until Run() has returned.
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> running_{false};
  std::atomic<int> handling_{0};  // requests inside a handler now (Stop waits for them)
  int port_ = 0;                  // the bound port (finds the accepted connections)
  AdmissionGate gate_;
  StaticFiles static_;
  std::unique_ptr<ConnectionGuard> guard_;  // from Bind() until Stop()
};

}  // namespace fazhi::http
