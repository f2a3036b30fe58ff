#include "http/connection_guard.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <utility>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace fazhi::http {

namespace {

struct Peer {
  std::string ip;
  int port = 0;
};

std::optional<int> LocalPort(int fd) {
  sockaddr_storage local{};
  socklen_t len = sizeof local;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0) return std::nullopt;
  if (local.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(local).sin_port);
  if (local.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(local).sin6_port);
  return std::nullopt;
}

// The client of a connected socket accepted on `port`; nullopt for anything else.
std::optional<Peer> AcceptedPeer(int fd, int port) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) return std::nullopt;
  int listening = 0;
  socklen_t len = sizeof listening;
  if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || listening) return std::nullopt;
  if (LocalPort(fd) != port) return std::nullopt;
  sockaddr_storage peer{};
  len = sizeof peer;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) return std::nullopt;
  char text[INET6_ADDRSTRLEN] = {};
  if (peer.ss_family == AF_INET) {
    const auto& a = reinterpret_cast<const sockaddr_in&>(peer);
    ::inet_ntop(AF_INET, &a.sin_addr, text, sizeof text);
    return Peer{text, ntohs(a.sin_port)};
  }
  if (peer.ss_family == AF_INET6) {
    const auto& a = reinterpret_cast<const sockaddr_in6&>(peer);
    ::inet_ntop(AF_INET6, &a.sin6_addr, text, sizeof text);
    return Peer{text, ntohs(a.sin6_port)};
  }
  return std::nullopt;
}

std::string Key(const std::string& ip, int port) { return fmt::format("{} {}", ip, port); }

// Shuts `fd` down if it is still the connection of `ip`/`port` (the number may have been reused).
bool ShutDown(int fd, int server_port, const std::string& ip, int port, const char* answer) {
  const auto peer = AcceptedPeer(fd, server_port);
  if (!peer || peer->ip != ip || peer->port != port) return false;
  if (answer) (void)::send(fd, answer, std::char_traits<char>::length(answer), MSG_NOSIGNAL | MSG_DONTWAIT);
  ::shutdown(fd, SHUT_RDWR);
  return true;
}

constexpr const char* kTooMany =
    "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n"
    "Retry-After: 5\r\nContent-Length: 112\r\n\r\n"
    R"({"error":{"code":"too_many_connections","message":"同一地址的连接过多，请稍后再试","field":null}})";

}  // namespace

ConnectionGuard::ConnectionGuard(Options options) : options_(std::move(options)) {
  thread_ = std::thread([this] { Loop(); });
}

ConnectionGuard::~ConnectionGuard() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void ConnectionGuard::HeadReceived(const std::string& ip, int port) {
  std::lock_guard lock(mu_);
  auto& c = conns_[Key(ip, port)];
  if (c.ip.empty()) {  // before the first scan found it
    c.ip = ip;
    c.opened = c.since = Clock::now();
    c.seen = true;
  }
  c.busy = true;
}

void ConnectionGuard::Answered(const std::string& ip, int port) {
  std::lock_guard lock(mu_);
  auto it = conns_.find(Key(ip, port));
  if (it == conns_.end()) return;
  it->second.busy = false;
  it->second.since = Clock::now();
}

std::size_t ConnectionGuard::Busy() {
  std::lock_guard lock(mu_);
  return static_cast<std::size_t>(
      std::count_if(conns_.begin(), conns_.end(), [](const auto& kv) { return kv.second.busy && !kv.second.shut; }));
}

void ConnectionGuard::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    lock.unlock();
    Scan();
    lock.lock();
    wake_.wait_for(lock, options_.interval, [this] { return stop_; });
  }
}

void ConnectionGuard::Scan() {
  // 1. The accepted sockets now open (outside the lock: a few system calls per descriptor).
  const auto started = Clock::now();
  std::vector<std::pair<int, Peer>> open;
  if (DIR* dir = ::opendir("/proc/self/fd")) {
    while (const dirent* e = ::readdir(dir)) {
      if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
      const int fd = std::atoi(e->d_name);
      if (fd == ::dirfd(dir)) continue;
      if (auto peer = AcceptedPeer(fd, options_.port)) open.emplace_back(fd, std::move(*peer));
    }
    ::closedir(dir);
  }
  const auto now = Clock::now();
  struct Action {
    int fd;
    std::string ip;
    int port;
    bool late;
  };
  std::vector<Action> actions;
  {
    std::lock_guard lock(mu_);
    for (auto& [key, c] : conns_) c.seen = false;
    for (const auto& [fd, peer] : open) {
      auto& c = conns_[Key(peer.ip, peer.port)];
      if (c.ip.empty()) {
        c.ip = peer.ip;
        c.opened = c.since = now;
      }
      c.fd = fd;
      c.seen = true;
    }
    // Gone, unless HeadReceived added it while the descriptors were being listed.
    std::erase_if(conns_, [&](const auto& kv) { return !kv.second.seen && kv.second.opened < started; });
    // 2. A request head that is late.
    std::map<std::string, std::vector<std::pair<Clock::time_point, const std::string*>>> by_address;
    for (auto& [key, c] : conns_) {
      if (c.fd < 0 || c.shut) continue;
      const int port = std::atoi(key.c_str() + c.ip.size() + 1);
      if (!c.busy && now - c.since > options_.header_timeout) {
        c.shut = true;
        actions.push_back({c.fd, c.ip, port, true});
        continue;
      }
      if (options_.per_address > 0 &&
          std::find(options_.exempt.begin(), options_.exempt.end(), c.ip) == options_.exempt.end())
        by_address[c.ip].emplace_back(c.opened, &key);
    }
    // 3. Too many from one address: the newest idle ones beyond the limit.
    for (auto& [ip, list] : by_address) {
      if (list.size() <= options_.per_address) continue;
      std::sort(list.begin(), list.end());
      for (std::size_t i = options_.per_address; i < list.size(); ++i) {
        Conn& c = conns_.at(*list[i].second);
        if (c.busy) continue;
        c.shut = true;
        actions.push_back({c.fd, c.ip, std::atoi(list[i].second->c_str() + c.ip.size() + 1), false});
      }
    }
  }
  std::size_t late = 0, extra = 0;
  std::string where;
  for (const auto& a : actions) {
    if (!ShutDown(a.fd, options_.port, a.ip, a.port, a.late ? nullptr : kTooMany)) continue;
    ++(a.late ? late : extra);
    if (where.size() < 200) where += fmt::format(" {}:{}", a.ip, a.port);
  }
  timed_out_ += late;
  refused_ += extra;
  if (late + extra > 0)
    spdlog::warn("断开连接：{} 个在 {} 毫秒内未发来完整的请求头，{} 个超过同一地址 {} 个连接的上限；{}", late,
                 options_.header_timeout.count(), extra, options_.per_address, where);
}

}  // namespace fazhi::http
