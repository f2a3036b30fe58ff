// Hotspot computation for a city year (issue 15): 1,000,000 incidents on 200 m cells. Three modes,
// each run as its own process so that /usr/bin/time -v gives each its own peak RSS
// (bench/hotspot_bench.sh runs them and prints medians and ratios):
//   hotspot_bench gen  FILE [N]   writes N generated incidents (default 1,000,000) as CSV lon,lat,time
//   hotspot_bench read FILE       the baseline: parses the file into memory, nothing else
//   hotspot_bench full FILE       parses the file, then patrol::ComputeHotspots (cells × hour × weekday,
//                                 3×3 kernel, percentile levels, near repeats)
// Each run prints one line "mode=… incidents=… parse_s=… compute_s=… cells=…".
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "patrol/patrol_geo.h"

using fazhi::patrol::Grid;
using fazhi::patrol::Incident;

namespace {

double Seconds(std::chrono::steady_clock::time_point a) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count();
}

// A city of 40 km × 40 km: 60 % of incidents around 400 clustered places (a few hundred metres
// across), 40 % spread evenly; times through 2023 with more in the evening.
int Generate(const char* path, long n) {
  std::FILE* f = std::fopen(path, "w");
  if (!f) return 1;
  std::mt19937_64 rng(2023);
  std::uniform_real_distribution<double> u(0, 1);
  std::normal_distribution<double> near(0, 0.002);
  std::vector<std::pair<double, double>> centres;
  for (int i = 0; i < 400; ++i) centres.push_back({108.7 + 0.44 * u(rng), 34.1 + 0.36 * u(rng)});
  const long start = 1672502400;  // 2023-01-01 00:00 Beijing
  for (long i = 0; i < n; ++i) {
    double lon, lat;
    if (u(rng) < 0.6) {
      const auto& c = centres[static_cast<std::size_t>(std::pow(u(rng), 2.0) * 400)];
      lon = c.first + near(rng);
      lat = c.second + near(rng);
    } else {
      lon = 108.7 + 0.44 * u(rng);
      lat = 34.1 + 0.36 * u(rng);
    }
    const long day = static_cast<long>(u(rng) * 365);
    const double h =
        std::fmod(18 + 7 * std::sqrt(-2 * std::log(u(rng) + 1e-12)) * std::cos(6.2831853 * u(rng)) + 48, 24);
    std::fprintf(f, "%.6f,%.6f,%ld\n", lon, lat, start + day * 86400 + static_cast<long>(h * 3600));
  }
  return std::fclose(f) == 0 ? 0 : 1;
}

std::vector<Incident> Parse(const char* path) {
  std::vector<Incident> out;
  std::FILE* f = std::fopen(path, "r");
  if (!f) return out;
  out.reserve(1 << 20);
  char line[128];
  while (std::fgets(line, sizeof line, f)) {
    char* end = nullptr;
    Incident in;
    in.at.lon = std::strtod(line, &end);
    in.at.lat = std::strtod(end + 1, &end);
    in.time = std::strtoll(end + 1, &end, 10);
    out.push_back(in);
  }
  std::fclose(f);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: hotspot_bench gen|read|full FILE [N]\n");
    return 2;
  }
  const std::string mode = argv[1];
  if (mode == "gen") return Generate(argv[2], argc > 3 ? std::atol(argv[3]) : 1'000'000);
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<Incident> incidents = Parse(argv[2]);
  const double parse_s = Seconds(t0);
  if (incidents.empty()) return 1;
  if (mode == "read") {
    std::printf("mode=read incidents=%zu parse_s=%.4f compute_s=0 cells=0\n", incidents.size(), parse_s);
    return 0;
  }
  Grid g;
  g.origin = {108.7, 34.1};
  const std::size_t n = incidents.size();
  const auto t1 = std::chrono::steady_clock::now();
  const auto r = fazhi::patrol::ComputeHotspots(g, std::move(incidents));
  const double compute_s = Seconds(t1);
  long high = 0;
  for (const auto& c : r.cells) high += c.level == 3 ? 1 : 0;
  std::printf("mode=full incidents=%zu parse_s=%.4f compute_s=%.4f cells=%zu high=%ld near_repeats=%lld\n", n, parse_s,
              compute_s, r.cells.size(), high, static_cast<long long>(r.near_repeats));
  return 0;
}
