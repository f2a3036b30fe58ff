// Pure geometry and rules of 五化巡防, no database: distances on the WGS-84 sphere, point in polygon,
// the self-intersection check of a 巡区 boundary, the check-in flags (far from the point, impossible
// speed, stay shorter than the minimum, outside the area) and the hotspot computation (200 m cells ×
// hour × weekday, a 3×3 kernel, percentile thresholds, near-repeat flags). Everything here is
// deterministic and thread-safe; tests/cases/patrol holds the flag cases as data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fazhi::patrol {

struct LonLat {
  double lon = 0, lat = 0;
};

// Great-circle distance in metres (haversine, R = 6,371,008.8 m).
double DistanceM(LonLat a, LonLat b);
// Ray casting; a point on the boundary may count either way.
bool Contains(const std::vector<LonLat>& ring, LonLat p);

// The first pair of edges of `ring` (closed implicitly: last → first) that cross or touch, apart
// from neighbouring edges meeting at their shared vertex. Edges are numbered from 1.
struct Crossing {
  int edge_a = 0, edge_b = 0;
};
std::optional<Crossing> SelfCrossing(const std::vector<LonLat>& ring);

// ---- check-in flags ----
struct CheckinFacts {
  LonLat point;                             // the 必到点
  int radius_m = 0;                         // its radius
  LonLat claimed;                           // the phone's position
  int accuracy_m = 0;                       // its claimed accuracy
  bool has_area = false;                    // whether the point lies in a 巡区 …
  bool inside_area = true;                  // … and whether the claimed position is inside it
  std::optional<LonLat> previous;           // the officer's previous check-in position
  std::optional<std::int64_t> previous_at;  // and its server time
  std::int64_t at = 0;                      // this check-in's server time
};
// Speeds above this (m/s, 150 km/h) are impossible for a patrol on the road.
inline constexpr double kMaxSpeedMps = 150.0 / 3.6;

struct Flags {
  int distance_m = 0;
  std::vector<std::string> codes;    // far, speed, outside_area, short_stay
  std::vector<std::string> reasons;  // 中文, one per code
  std::string Codes() const;         // joined by ','
  std::string Reasons() const;       // joined by '；'
};
// far: distance > radius + min(accuracy, radius) (a claimed accuracy gives at most one radius of
// grace); speed: distance from the previous check-in over the server-time gap above kMaxSpeedMps
// (a gap of 0 s with any move above 50 m counts); outside_area: the point has an area and the
// position is outside it.
Flags EvaluateCheckin(const CheckinFacts& f);
// short_stay: left - arrived < min_stay (appended to `flags`).
void EvaluateStay(Flags& flags, std::int64_t arrived_at, std::int64_t left_at, int min_stay_s);

// ---- hotspots ----
struct Incident {
  LonLat at;
  std::int64_t time = 0;  // epoch seconds (UTC); hours and weekdays are Beijing time
};

// A 200 m grid anchored at an origin: cell (x, y) covers [x·size, (x+1)·size) metres east and north of
// the origin (equirectangular projection at the origin's latitude — good to well under 1 % inside a
// city).
struct Grid {
  LonLat origin;
  double cell_m = 200;
  std::pair<int, int> CellOf(LonLat p) const;
  LonLat CentreOf(int x, int y) const;
};

struct HotCell {
  int x = 0, y = 0;
  std::int64_t count = 0;  // incidents in the cell
  double score = 0;        // kernel-weighted: own count + 0.5 × each edge neighbour + 0.25 × each corner
  int level = 0;           // 0 none, 1 低 (≥ P80), 2 中 (≥ P90), 3 高 (≥ P97) of the non-empty cells' scores
  std::int64_t near_repeats = 0;  // incidents flagged near-repeat (see ComputeHotspots)
  int peak_hour = 0;              // hour of day (0–23) with most incidents
  std::int64_t by_hour[24] = {};
};

struct HotspotResult {
  std::vector<HotCell> cells;  // every non-empty cell, by score descending
  std::int64_t by_hour_weekday[7][24] = {};
  double p80 = 0, p90 = 0, p97 = 0;  // the thresholds used
  std::int64_t incidents = 0, near_repeats = 0;
};

// Near repeats: an incident is flagged when the incidents before it within kNearRepeatWindow in its
// 3×3 neighbourhood of cells number at least PoissonThreshold(λ, kNearRepeatAlpha), where λ is what
// the neighbourhood's own base rate predicts for one window: (its incidents in the period − 1) ×
// window / period. A busy place is expected to be busy; only a count unlikely (p < 0.05) for that
// place counts. `span_s` is the period's length (0: the incidents' own first-to-last span); periods
// shorter than the window give no base rate and flag nothing beyond λ itself.
inline constexpr std::int64_t kNearRepeatWindow = 7 * 86400;
inline constexpr double kNearRepeatAlpha = 0.05;
// The smallest k ≥ 1 with P(X ≥ k) < alpha for X ~ Poisson(lambda).
int PoissonThreshold(double lambda, double alpha);

// `incidents` need not be sorted. Memory: one entry per non-empty cell, the sorted incidents, one
// cell index per incident and, per cell, the times inside the sliding window.
HotspotResult ComputeHotspots(const Grid& grid, std::vector<Incident> incidents, std::int64_t span_s = 0);

// ---- after the fact: suggested cells against matched cells ----
// Per cell the incidents in the 28 days before the suggestion and the 28 days after. Each suggested
// cell is matched with the non-suggested cells of the same band of its "before" count (bands 0, 1,
// 2, 3–4, 5–8, 9–16 … — doubling, so a busy suggested cell is compared with busy cells, not with the
// quiet majority); difference-in-differences = mean change (after − before) of the suggested cells
// − mean over them of their band's mean change among the matched cells. Suggested cells whose band
// has no other cell are left out (`unmatched`).
struct CellCounts {
  int x = 0, y = 0;
  std::int64_t before = 0, after = 0;
  bool suggested = false;
};
struct MatchedDid {
  int suggested = 0, matched_suggested = 0, unmatched = 0, controls = 0;
  double suggested_change = 0;  // mean after − before over the matched suggested cells
  double control_change = 0;    // mean over them of their band's control change
  double did = 0;               // suggested_change − control_change (negative: fewer incidents than expected)
};
int CountBand(std::int64_t before);
MatchedDid CompareMatched(const std::vector<CellCounts>& cells);

// Beijing-time hour (0–23) and ISO weekday (1–7) of an epoch second.
int LocalHour(std::int64_t t);
int LocalWeekday(std::int64_t t);

}  // namespace fazhi::patrol
