// The deterministic random numbers of the demo generators (splitmix64): every installation gets
// the same demo people, cases and events from the same seed. Not for anything secret.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace fazhi {

class DemoRandom {
 public:
  // `state` is the generator's raw starting state.
  explicit DemoRandom(std::uint64_t state) : state_(state) {}

  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n).
  int Below(int n) { return static_cast<int>(Next() % static_cast<std::uint64_t>(n)); }
  // Uniform in [lo, hi].
  std::int64_t Range(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(Next() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  // True with probability p (to a millionth).
  bool Chance(double p) { return static_cast<double>(Next() % 1000000) < p * 1000000.0; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(Below(static_cast<int>(v.size())))];
  }

 private:
  std::uint64_t state_;
};

}  // namespace fazhi
