// Slow and greedy clients (issue 16 defect 9). httplib gives every connection a worker thread and
// bounds single reads only (ServerOptions::read_timeout_seconds), so a client that trickles one
// header line every few seconds holds a thread for as long as it likes, and about a hundred such
// clients leave none for anybody else. The guard watches the server's accepted sockets from one
// thread (it finds them through /proc/self/fd, as Server::EndIdleConnections does) and enforces:
//  - a complete request head within `header_timeout` of the connection's accept, or of its
//    previous answer (the keep-alive wait included); otherwise the connection is shut down;
//  - at most `per_address` open connections per client address: the newest extra ones are answered
//    429 and closed. Trusted proxies are exempt (behind nginx every connection comes from it; nginx
//    limits each real client with limit_conn, docs/operations.md §7).
// The server tells it when a request head has arrived (HeadReceived, from httplib's pre-routing
// handler, which runs before the body is read) and when an answer has been written (Answered).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace fazhi::http {

class ConnectionGuard {
 public:
  struct Options {
    int port = 0;  // the server's bound port: its accepted sockets are the ones watched
    std::chrono::milliseconds header_timeout{10'000};
    std::size_t per_address = 0;      // 0 = no limit
    std::vector<std::string> exempt;  // addresses without a limit (trusted proxies)
    std::chrono::milliseconds interval{100};
  };

  explicit ConnectionGuard(Options options);  // starts watching
  ~ConnectionGuard();                         // stops watching
  ConnectionGuard(const ConnectionGuard&) = delete;
  ConnectionGuard& operator=(const ConnectionGuard&) = delete;

  void HeadReceived(const std::string& ip, int port);
  void Answered(const std::string& ip, int port);
  // Connections whose request head has arrived and whose answer is not written yet (a closed
  // connection leaves the count at the next scan). Server::Stop waits for these, not only for the
  // handlers: httplib writes the answer after the handler has returned.
  std::size_t Busy();

  // Connections shut down so far for a late request head / for too many from one address.
  std::size_t timed_out() const { return timed_out_.load(); }
  std::size_t refused() const { return refused_.load(); }

 private:
  using Clock = std::chrono::steady_clock;
  struct Conn {
    int fd = -1;
    std::string ip;
    Clock::time_point opened;  // first seen (≈ accepted)
    Clock::time_point since;   // accepted, or the previous answer written
    bool busy = false;         // a request head has arrived and its answer is not written yet
    bool seen = false;         // found by the current scan
    bool shut = false;         // shut down by the guard (httplib has not closed it yet)
  };

  void Loop();
  void Scan();

  Options options_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::unordered_map<std::string, Conn> conns_;  // by "ip port" of the client
  std::atomic<std::size_t> timed_out_{0}, refused_{0};
  std::thread thread_;
};

}  // namespace fazhi::http
