// The server's own figures for monitoring (GET /api/ops/metrics, Prometheus text format 0.0.4):
// requests answered by status class, their latency as a histogram, and gauges the App adds (requests
// in flight and queued, database pool, reconnects, background jobs, memory). Recording is a few
// relaxed atomic increments per request; reading formats the current values.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace fazhi::http {

class Metrics {
 public:
  // Upper bounds (seconds) of the latency histogram's buckets; +Inf is implied.
  static constexpr std::array<double, 12> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1,  0.25,
                                                      0.5,   1.0,  2.5,   5.0,  10.0, 30.0};

  // One answered request of the API (not the web app's files).
  void Record(int status, double seconds);

  // The counters and histogram in the text format, each with HELP and TYPE lines.
  std::string Text() const;
  // One gauge in the same format (for the App's figures).
  static std::string Gauge(std::string_view name, std::string_view help, double value);

  std::uint64_t requests() const { return count_.load(std::memory_order_relaxed); }

 private:
  std::array<std::atomic<std::uint64_t>, 5> by_class_{};               // 1xx … 5xx
  std::array<std::atomic<std::uint64_t>, kBuckets.size()> buckets_{};  // non-cumulative
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_us_{0};
};

}  // namespace fazhi::http
