#include "patrol/patrol_geo.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include <fmt/format.h>

namespace fazhi::patrol {

namespace {

constexpr double kEarthR = 6371008.8;
constexpr double kPi = 3.14159265358979323846;
constexpr double Rad(double d) { return d * kPi / 180.0; }

// Orientation of (a, b, c): > 0 counter-clockwise, < 0 clockwise, 0 collinear (within eps).
int Orient(LonLat a, LonLat b, LonLat c) {
  const double v = (b.lon - a.lon) * (c.lat - a.lat) - (b.lat - a.lat) * (c.lon - a.lon);
  constexpr double eps = 1e-18;
  return v > eps ? 1 : v < -eps ? -1 : 0;
}
bool OnSegment(LonLat a, LonLat b, LonLat p) {
  return std::min(a.lon, b.lon) <= p.lon && p.lon <= std::max(a.lon, b.lon) && std::min(a.lat, b.lat) <= p.lat &&
         p.lat <= std::max(a.lat, b.lat);
}
bool SegmentsMeet(LonLat p1, LonLat p2, LonLat q1, LonLat q2) {
  const int o1 = Orient(p1, p2, q1), o2 = Orient(p1, p2, q2), o3 = Orient(q1, q2, p1), o4 = Orient(q1, q2, p2);
  if (o1 != o2 && o3 != o4 && o1 != 0 && o2 != 0 && o3 != 0 && o4 != 0) return true;
  if (o1 == 0 && OnSegment(p1, p2, q1)) return true;
  if (o2 == 0 && OnSegment(p1, p2, q2)) return true;
  if (o3 == 0 && OnSegment(q1, q2, p1)) return true;
  if (o4 == 0 && OnSegment(q1, q2, p2)) return true;
  return o1 * o2 < 0 && o3 * o4 < 0;
}

std::string Join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

constexpr std::int64_t kBeijing = 8 * 3600;

std::int64_t Key(int x, int y) {
  return (static_cast<std::int64_t>(x) << 32) ^ static_cast<std::int64_t>(static_cast<std::uint32_t>(y));
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size()))) - 1;
  return v[std::min(i, v.size() - 1)];
}

}  // namespace

double DistanceM(LonLat a, LonLat b) {
  const double dlat = Rad(b.lat - a.lat), dlon = Rad(b.lon - a.lon);
  const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(Rad(a.lat)) * std::cos(Rad(b.lat)) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthR * std::asin(std::min(1.0, std::sqrt(h)));
}

bool Contains(const std::vector<LonLat>& ring, LonLat p) {
  bool in = false;
  for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
    const LonLat& a = ring[i];
    const LonLat& b = ring[j];
    if ((a.lat > p.lat) != (b.lat > p.lat) && p.lon < (b.lon - a.lon) * (p.lat - a.lat) / (b.lat - a.lat) + a.lon)
      in = !in;
  }
  return in;
}

std::optional<Crossing> SelfCrossing(const std::vector<LonLat>& ring) {
  const std::size_t n = ring.size();
  if (n < 4) return std::nullopt;  // a triangle cannot cross itself
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      if (j == i + 1 || (i == 0 && j == n - 1)) continue;  // neighbours share a vertex
      if (SegmentsMeet(ring[i], ring[(i + 1) % n], ring[j], ring[(j + 1) % n]))
        return Crossing{static_cast<int>(i + 1), static_cast<int>(j + 1)};
    }
  }
  return std::nullopt;
}

std::string Flags::Codes() const { return Join(codes, ","); }
std::string Flags::Reasons() const { return Join(reasons, "；"); }

Flags EvaluateCheckin(const CheckinFacts& f) {
  Flags out;
  const double d = DistanceM(f.point, f.claimed);
  out.distance_m = static_cast<int>(std::lround(d));
  const int grace = std::min(std::max(f.accuracy_m, 0), f.radius_m);
  if (d > f.radius_m + grace) {
    out.codes.emplace_back("far");
    out.reasons.push_back(fmt::format("签到位置距必到点 {} 米，超出签到半径 {} 米（定位精度 {} 米）", out.distance_m,
                                      f.radius_m, f.accuracy_m));
  }
  if (f.previous && f.previous_at) {
    const double moved = DistanceM(*f.previous, f.claimed);
    const std::int64_t dt = f.at - *f.previous_at;
    const bool impossible = dt <= 0 ? moved > 50 : moved / static_cast<double>(dt) > kMaxSpeedMps;
    if (impossible) {
      out.codes.emplace_back("speed");
      out.reasons.push_back(
          dt <= 0 ? fmt::format("与上一次签到同一时刻却相距 {} 米", std::lround(moved))
                  : fmt::format("与上一次签到相距 {} 米、间隔 {} 秒，折合时速 {} 公里，超出可能的巡逻速度",
                                std::lround(moved), dt, std::lround(moved / static_cast<double>(dt) * 3.6)));
    }
  }
  if (f.has_area && !f.inside_area) {
    out.codes.emplace_back("outside_area");
    out.reasons.emplace_back("签到位置不在该必到点所属巡区范围内");
  }
  return out;
}

void EvaluateStay(Flags& flags, std::int64_t arrived_at, std::int64_t left_at, int min_stay_s) {
  const std::int64_t stay = left_at - arrived_at;
  if (stay < min_stay_s) {
    flags.codes.emplace_back("short_stay");
    flags.reasons.push_back(fmt::format("停留 {} 秒，少于最短停留 {} 秒", stay, min_stay_s));
  }
}

std::pair<int, int> Grid::CellOf(LonLat p) const {
  const double mx = Rad(p.lon - origin.lon) * kEarthR * std::cos(Rad(origin.lat));
  const double my = Rad(p.lat - origin.lat) * kEarthR;
  return {static_cast<int>(std::floor(mx / cell_m)), static_cast<int>(std::floor(my / cell_m))};
}

LonLat Grid::CentreOf(int x, int y) const {
  const double mx = (x + 0.5) * cell_m, my = (y + 0.5) * cell_m;
  return {origin.lon + mx / (kEarthR * std::cos(Rad(origin.lat))) * 180.0 / kPi,
          origin.lat + my / kEarthR * 180.0 / kPi};
}

int LocalHour(std::int64_t t) { return static_cast<int>((((t + kBeijing) % 86400) + 86400) % 86400 / 3600); }
int LocalWeekday(std::int64_t t) {
  const std::int64_t days = (t + kBeijing) >= 0 ? (t + kBeijing) / 86400 : ((t + kBeijing) - 86399) / 86400;
  return static_cast<int>(((days + 3) % 7 + 7) % 7) + 1;  // 1970-01-01 was a Thursday (4)
}

// The smallest k ≥ 1 with P(X ≥ k) < alpha for X ~ Poisson(lambda): a count of prior incidents at
// or above it is unlikely under the neighbourhood's own base rate. Terms in log space (large lambda).
int PoissonThreshold(double lambda, double alpha) {
  if (lambda <= 0) return 1;
  double cdf = 0;
  const double log_l = std::log(lambda);
  for (int k = 1;; ++k) {
    cdf += std::exp(-lambda + (k - 1) * log_l - std::lgamma(static_cast<double>(k)));  // P(X = k-1)
    if (1.0 - cdf < alpha) return k;
    if (k > 1'000'000) return k;  // unreachable for any real density; keeps the loop finite
  }
}

namespace {

// Per cell while counting near repeats: the times of its incidents still inside the window (a vector
// with a moving head, compacted when half of it is stale) and the flag threshold.
struct Window {
  std::vector<std::int64_t> times;
  std::size_t head = 0;
  int threshold = 1;
  std::int64_t InWindow(std::int64_t since) {
    while (head < times.size() && times[head] < since) ++head;
    if (head > 64 && head * 2 > times.size()) {
      times.erase(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(head));
      head = 0;
    }
    return static_cast<std::int64_t>(times.size() - head);
  }
};

// Near repeats: an incident is one when the incidents before it within kNearRepeatWindow in its 3×3
// neighbourhood are at least the Poisson threshold of that neighbourhood's base rate (its incidents
// over the period, less this one, × window / period).
void CountNearRepeats(HotspotResult& r, const std::vector<Incident>& sorted, const std::vector<std::uint32_t>& cell_of,
                      const std::unordered_map<std::int64_t, std::size_t>& index, std::int64_t span_s) {
  if (sorted.empty()) return;
  const std::int64_t span = std::max(span_s > 0 ? span_s : sorted.back().time - sorted.front().time, kNearRepeatWindow);
  std::vector<Window> win(r.cells.size());
  std::vector<std::array<std::int64_t, 9>> nb(r.cells.size());  // neighbour cell positions (-1 none)
  for (std::size_t i = 0; i < r.cells.size(); ++i) {
    const HotCell& c = r.cells[i];
    std::int64_t total = 0;
    int j = 0;
    for (int dx = -1; dx <= 1; ++dx)
      for (int dy = -1; dy <= 1; ++dy, ++j) {
        const auto it = index.find(Key(c.x + dx, c.y + dy));
        nb[i][static_cast<std::size_t>(j)] = it == index.end() ? -1 : static_cast<std::int64_t>(it->second);
        if (it != index.end()) total += r.cells[it->second].count;
      }
    const double lambda =
        static_cast<double>(total - 1) * static_cast<double>(kNearRepeatWindow) / static_cast<double>(span);
    win[i].threshold = PoissonThreshold(lambda, kNearRepeatAlpha);
  }
  for (std::size_t n = 0; n < sorted.size(); ++n) {
    const std::size_t ci = cell_of[n];
    const std::int64_t since = sorted[n].time - kNearRepeatWindow;
    std::int64_t prior = 0;
    for (const std::int64_t j : nb[ci])
      if (j >= 0) prior += win[static_cast<std::size_t>(j)].InWindow(since);
    if (prior >= win[ci].threshold) {
      ++r.cells[ci].near_repeats;
      ++r.near_repeats;
    }
    win[ci].times.push_back(sorted[n].time);
  }
}

}  // namespace

HotspotResult ComputeHotspots(const Grid& grid, std::vector<Incident> incidents, std::int64_t span_s) {
  HotspotResult r;
  r.incidents = static_cast<std::int64_t>(incidents.size());
  std::sort(incidents.begin(), incidents.end(), [](const Incident& a, const Incident& b) { return a.time < b.time; });
  std::unordered_map<std::int64_t, std::size_t> index;  // cell → position in r.cells
  index.reserve(1 << 16);
  std::vector<std::uint32_t> cell_of(incidents.size());
  for (std::size_t n = 0; n < incidents.size(); ++n) {
    const Incident& in = incidents[n];
    const auto [x, y] = grid.CellOf(in.at);
    auto [it, fresh] = index.try_emplace(Key(x, y), r.cells.size());
    if (fresh) r.cells.push_back(HotCell{.x = x, .y = y});
    cell_of[n] = static_cast<std::uint32_t>(it->second);
    HotCell& c = r.cells[it->second];
    ++c.count;
    const int h = LocalHour(in.time), wd = LocalWeekday(in.time);
    ++c.by_hour[h];
    ++r.by_hour_weekday[wd - 1][h];
  }
  CountNearRepeats(r, incidents, cell_of, index, span_s);
  std::vector<double> scores;
  scores.reserve(r.cells.size());
  for (HotCell& c : r.cells) {
    double s = static_cast<double>(c.count);
    for (int dx = -1; dx <= 1; ++dx)
      for (int dy = -1; dy <= 1; ++dy) {
        if (dx == 0 && dy == 0) continue;
        if (auto it = index.find(Key(c.x + dx, c.y + dy)); it != index.end())
          s += (dx == 0 || dy == 0 ? 0.5 : 0.25) * static_cast<double>(r.cells[it->second].count);
      }
    c.score = s;
    c.peak_hour =
        static_cast<int>(std::max_element(std::begin(c.by_hour), std::end(c.by_hour)) - std::begin(c.by_hour));
    scores.push_back(s);
  }
  r.p80 = Percentile(scores, 0.80);
  r.p90 = Percentile(scores, 0.90);
  r.p97 = Percentile(scores, 0.97);
  for (HotCell& c : r.cells) c.level = c.score >= r.p97 ? 3 : c.score >= r.p90 ? 2 : c.score >= r.p80 ? 1 : 0;
  std::sort(r.cells.begin(), r.cells.end(), [](const HotCell& a, const HotCell& b) {
    return a.score != b.score ? a.score > b.score : std::pair(a.x, a.y) < std::pair(b.x, b.y);
  });
  return r;
}

int CountBand(std::int64_t before) {
  if (before <= 2) return static_cast<int>(std::max<std::int64_t>(before, 0));
  int band = 2;  // 3–4 → 3, 5–8 → 4, 9–16 → 5 …
  for (std::int64_t hi = 2; hi < before; hi *= 2) ++band;
  return band;
}

MatchedDid CompareMatched(const std::vector<CellCounts>& cells) {
  MatchedDid out;
  std::unordered_map<int, std::pair<double, int>> control;  // band → (sum of changes, cells)
  for (const auto& c : cells) {
    if (c.suggested) continue;
    auto& [sum, n] = control[CountBand(c.before)];
    sum += static_cast<double>(c.after - c.before);
    ++n;
    ++out.controls;
  }
  double own = 0, expected = 0;
  for (const auto& c : cells) {
    if (!c.suggested) continue;
    ++out.suggested;
    const auto it = control.find(CountBand(c.before));
    if (it == control.end()) {
      ++out.unmatched;
      continue;
    }
    ++out.matched_suggested;
    own += static_cast<double>(c.after - c.before);
    expected += it->second.first / it->second.second;
  }
  if (out.matched_suggested > 0) {
    out.suggested_change = own / out.matched_suggested;
    out.control_change = expected / out.matched_suggested;
    out.did = out.suggested_change - out.control_change;
  }
  return out;
}

}  // namespace fazhi::patrol
