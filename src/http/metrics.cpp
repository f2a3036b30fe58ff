#include "http/metrics.h"

#include <fmt/format.h>

namespace fazhi::http {

void Metrics::Record(int status, double seconds) {
  const int cls = status / 100;
  if (cls >= 1 && cls <= 5) by_class_[static_cast<std::size_t>(cls - 1)].fetch_add(1, std::memory_order_relaxed);
  for (std::size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) {
      buckets_[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_us_.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

std::string Metrics::Text() const {
  std::string out =
      "# HELP fazhi_http_requests_total API requests answered, by status class.\n"
      "# TYPE fazhi_http_requests_total counter\n";
  for (std::size_t i = 0; i < by_class_.size(); ++i)
    out += fmt::format("fazhi_http_requests_total{{code=\"{}xx\"}} {}\n", i + 1,
                       by_class_[i].load(std::memory_order_relaxed));
  out +=
      "# HELP fazhi_http_request_duration_seconds Time from routing to the answer, API requests.\n"
      "# TYPE fazhi_http_request_duration_seconds histogram\n";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    out += fmt::format("fazhi_http_request_duration_seconds_bucket{{le=\"{}\"}} {}\n", kBuckets[i], cumulative);
  }
  const std::uint64_t n = count_.load(std::memory_order_relaxed);
  out += fmt::format("fazhi_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {}\n", n);
  out += fmt::format("fazhi_http_request_duration_seconds_sum {:.6f}\n",
                     static_cast<double>(sum_us_.load(std::memory_order_relaxed)) / 1e6);
  out += fmt::format("fazhi_http_request_duration_seconds_count {}\n", n);
  return out;
}

std::string Metrics::Gauge(std::string_view name, std::string_view help, double value) {
  return fmt::format("# HELP {0} {1}\n# TYPE {0} gauge\n{0} {2}\n", name, help, value);
}

}  // namespace fazhi::http
