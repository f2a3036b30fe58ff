// Keys remembered for a while: Has(key) is true from Add(key) until `ttl` later. Thread-safe. It
// holds at most `capacity` keys; adding one more forgets all of them at once (a memo, not a store:
// forgetting costs only the work the memo saves).
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace fazhi {

class ExpiringSet {
 public:
  explicit ExpiringSet(std::chrono::steady_clock::duration ttl, std::size_t capacity = 4096)
      : ttl_(ttl), capacity_(capacity) {}

  bool Has(const std::string& key) const {
    std::lock_guard lock(mu_);
    auto it = until_.find(key);
    return it != until_.end() && it->second > std::chrono::steady_clock::now();
  }
  void Add(const std::string& key) {
    std::lock_guard lock(mu_);
    if (until_.size() >= capacity_) until_.clear();
    until_[key] = std::chrono::steady_clock::now() + ttl_;
  }

 private:
  const std::chrono::steady_clock::duration ttl_;
  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> until_;
};

}  // namespace fazhi
