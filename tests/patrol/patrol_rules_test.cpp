// The patrol rules as data: check-in flags (tests/cases/patrol/checkin_flags.tsv), the self-
// intersection check of 巡区 boundaries (polygons.tsv), GeoJSON parsing and its Chinese refusals, the
// 模拟测警 draw, the response buckets and the hotspot method (kernel, percentiles, near repeats).
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "patrol/patrol_geo.h"
#include "patrol/patrol_service.h"

namespace fazhi::patrol {
namespace {

std::vector<std::vector<std::string>> ReadCases(const std::string& name) {
  std::ifstream in(std::string(FAZHI_SOURCE_DIR) + "/tests/cases/patrol/" + name);
  EXPECT_TRUE(in) << name;
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::vector<std::string> cells;
    for (std::string w; ls >> w;) cells.push_back(w);
    rows.push_back(cells);
  }
  return rows;
}

TEST(PatrolRules, CheckinFlagsFromData) {
  const auto rows = ReadCases("checkin_flags.tsv");
  ASSERT_GE(rows.size(), 10u);
  for (const auto& c : rows) {
    ASSERT_EQ(c.size(), 14u) << c[0];
    CheckinFacts f;
    f.point = {std::stod(c[1]), std::stod(c[2])};
    f.radius_m = std::stoi(c[3]);
    f.claimed = {std::stod(c[4]), std::stod(c[5])};
    f.accuracy_m = std::stoi(c[6]);
    f.has_area = c[7] != "-";
    f.inside_area = c[7] != "0";
    f.at = 1'700'000'000;
    if (c[8] != "-") {
      f.previous = LonLat{std::stod(c[8]), std::stod(c[9])};
      f.previous_at = f.at - std::stoll(c[10]);
    }
    Flags flags = EvaluateCheckin(f);
    EvaluateStay(flags, f.at, f.at + std::stoll(c[11]), std::stoi(c[12]));
    EXPECT_EQ(flags.Codes(), c[13] == "-" ? "" : c[13]) << c[0] << ": " << flags.Reasons();
    EXPECT_EQ(flags.codes.size(), flags.reasons.size()) << c[0];
  }
}

TEST(PatrolRules, SelfCrossingFromData) {
  for (const auto& c : ReadCases("polygons.tsv")) {
    std::vector<LonLat> ring;
    for (std::size_t i = 2; i < c.size(); ++i) {
      const auto comma = c[i].find(',');
      ring.push_back({std::stod(c[i].substr(0, comma)), std::stod(c[i].substr(comma + 1))});
    }
    if (ring.size() > 1 && ring.front().lon == ring.back().lon && ring.front().lat == ring.back().lat) ring.pop_back();
    const auto x = SelfCrossing(ring);
    EXPECT_EQ(x ? std::to_string(x->edge_a) + "-" + std::to_string(x->edge_b) : "ok", c[1]) << c[0];
  }
}

TEST(PatrolRules, GeoJsonRefusesSelfCrossingNamingTheFeature) {
  const auto doc = nlohmann::json::parse(R"({"type":"FeatureCollection","features":[
    {"type":"Feature","properties":{"name":"东街一号巡区"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}}]})");
  const auto r = ParseGeoJson(doc);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, "self_intersecting");
  EXPECT_NE(r.error().message.find("东街一号巡区"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("自相交"), std::string::npos);
  EXPECT_EQ(ParseGeoJson(nlohmann::json::parse(R"({"type":"Feature"})")).error().reason, "invalid_geojson");
  const auto bad_point = ParseGeoJson(nlohmann::json::parse(
      R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"P"},"geometry":{"type":"Point","coordinates":[200,0]}}]})"));
  EXPECT_EQ(bad_point.error().reason, "invalid_coordinate");
}

TEST(PatrolRules, DrawIsSeededAndOrderIndependent) {
  const std::vector<std::int64_t> ids = {5, 9, 2, 14, 7, 3, 11};
  auto a = DrawPoints(ids, 42, 3);
  auto reversed = ids;
  std::reverse(reversed.begin(), reversed.end());
  EXPECT_EQ(a, DrawPoints(reversed, 42, 3));
  EXPECT_EQ(a.size(), 3u);
  bool differs = false;
  for (std::int64_t seed = 1; seed < 20 && !differs; ++seed) differs = DrawPoints(ids, seed, 3) != a;
  EXPECT_TRUE(differs);
}

TEST(PatrolRules, ResponseBucketsAndSlowestUnit) {
  auto call = [](std::int64_t unit, std::string name, std::int64_t sign, std::int64_t arrive, bool town) {
    Call c;
    c.unit_id = unit;
    c.unit_name = std::move(name);
    c.shift = "早班";
    c.in_town = town;
    c.stamps.assign(kStages.size(), std::nullopt);
    c.stamps[0] = 1000;
    c.stamps[2] = 1000 + sign;
    c.stamps[4] = 1000 + arrive;
    return c;
  };
  const std::vector<Call> calls = {call(1, "甲所", 20, 200, true), call(1, "甲所", 25, 280, true),
                                   call(2, "乙所", 40, 400, true), call(2, "乙所", 20, 500, false),
                                   call(3, "丙所", 10, 700, false)};
  const auto r = BuildResponse(calls, Targets{});
  ASSERT_EQ(r.by_unit.size(), 3u);
  EXPECT_EQ(r.by_unit_shift.size(), 3u);
  const auto& b2 = r.by_unit[1];
  EXPECT_EQ(b2.unit_name, "乙所");
  EXPECT_EQ(b2.sign_ok, 1);    // 40 s > 30 s
  EXPECT_EQ(b2.arrive_ok, 1);  // 400 s > 300 s in town; 500 s ≤ 600 s outside
  ASSERT_FALSE(r.slowest.empty());
  EXPECT_EQ(r.slowest[0].unit_name, "丙所");  // 0 % on time
}

TEST(PatrolRules, HotspotKernelPercentilesAndNearRepeats) {
  Grid g;
  g.origin = {108.9, 34.26};
  std::vector<Incident> in;
  const auto at = [&](int x, int y) { return g.CentreOf(x, y); };
  for (int i = 0; i < 10; ++i) in.push_back({at(5, 5), 1'700'000'000 + i * 86400LL});  // daily: near repeats
  for (int i = 0; i < 3; ++i) in.push_back({at(5, 6), 1'690'000'000 + i * 30 * 86400LL});
  for (int x = 20; x < 40; ++x) in.push_back({at(x, 0), 1'600'000'000 + x * 30 * 86400LL});
  const auto r = ComputeHotspots(g, in);
  ASSERT_FALSE(r.cells.empty());
  EXPECT_EQ(r.cells[0].x, 5);
  EXPECT_EQ(r.cells[0].y, 5);
  EXPECT_DOUBLE_EQ(r.cells[0].score, 10 + 0.5 * 3);
  EXPECT_EQ(r.cells[0].level, 3);
  // 13 incidents in the neighbourhood over 566 days predict 0.15 per week: two priors within a week
  // (P = 0.01) flag, one does not — the 3rd to the 10th daily incident.
  EXPECT_EQ(r.cells[0].near_repeats, 8);
  EXPECT_EQ(r.incidents, 33);
  std::int64_t total = 0;
  for (const auto& row : r.by_hour_weekday)
    for (auto n : row) total += n;
  EXPECT_EQ(total, 33);
  EXPECT_EQ(r.cells.back().level, 0);
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t a = 0;
  for (std::size_t b; (b = s.find(sep, a)) != std::string::npos; a = b + 1) out.push_back(s.substr(a, b - a));
  out.push_back(s.substr(a));
  return out;
}

TEST(PatrolRules, NearRepeatAgainstTheBaseRateFromData) {
  const auto rows = ReadCases("near_repeat.tsv");
  ASSERT_GE(rows.size(), 6u);
  for (const auto& c : rows) {
    ASSERT_EQ(c.size(), 4u) << c[0];
    Grid g;
    g.origin = {108.9, 34.26};
    std::vector<Incident> in;
    std::uint64_t seed = 42;
    const std::int64_t t0 = 1'672'502'400;  // 2023-01-01 00:00 Beijing
    for (const auto& grp : Split(c[2], ';')) {
      const auto f = Split(grp, ':');
      ASSERT_EQ(f.size(), 6u) << c[0] << " " << grp;
      const int x = std::stoi(f[0]), y = std::stoi(f[1]), n = std::stoi(f[2]);
      const double start = std::stod(f[3]) * 3600, step = std::stod(f[4]) * 3600;
      for (int i = 0; i < n; ++i) {
        double t = start + i * step;
        if (f[5] == "r") {
          seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
          t = start + static_cast<double>(seed >> 11) / 9007199254740992.0 * n * step;
        }
        in.push_back({g.CentreOf(x, y), t0 + static_cast<std::int64_t>(t)});
      }
    }
    const auto r = ComputeHotspots(g, in, std::stoll(c[1]) * 86400);
    for (const auto& chk : Split(c[3], ';')) {
      const auto f = Split(chk, ':');
      ASSERT_EQ(f.size(), 4u) << c[0];
      std::int64_t flagged = -1;
      for (const auto& cell : r.cells)
        if (cell.x == std::stoi(f[0]) && cell.y == std::stoi(f[1])) flagged = cell.near_repeats;
      EXPECT_GE(flagged, std::stoll(f[2])) << c[0] << " cell " << chk;
      EXPECT_LE(flagged, std::stoll(f[3])) << c[0] << " cell " << chk;
    }
  }
}

TEST(PatrolRules, PoissonThreshold) {
  EXPECT_EQ(PoissonThreshold(0, 0.05), 1);
  EXPECT_EQ(PoissonThreshold(0.04, 0.05), 1);   // P(X ≥ 1) = 0.039
  EXPECT_EQ(PoissonThreshold(0.173, 0.05), 2);  // P(X ≥ 1) = 0.159, P(X ≥ 2) = 0.013
  EXPECT_EQ(PoissonThreshold(1, 0.05), 4);      // P(X ≥ 3) = 0.080, P(X ≥ 4) = 0.019
  EXPECT_EQ(PoissonThreshold(28, 0.05), 38);    // P(X ≥ 37) = 0.058, P(X ≥ 38) = 0.041
  EXPECT_GT(PoissonThreshold(2000, 0.05), 2000);
}

TEST(PatrolRules, AfterTheFactAgainstMatchedCells) {
  EXPECT_EQ(CountBand(0), 0);
  EXPECT_EQ(CountBand(2), 2);
  EXPECT_EQ(CountBand(3), 3);
  EXPECT_EQ(CountBand(4), 3);
  EXPECT_EQ(CountBand(5), 4);
  EXPECT_EQ(CountBand(16), 5);
  EXPECT_EQ(CountBand(17), 6);
  // Two busy suggested cells fall from 20 to 14 and 10 to 8. Busy unsuggested cells fell just as
  // much on their own (regression to the mean: 20 → 15, 18 → 13; 10 → 7); the quiet majority rose
  // by one. Against every other cell the suggestion looks like −4 − (+0.x); against matched cells
  // the difference in differences is (−6 − 2)/2 − (−5 − 3)/2 = 0: no effect.
  std::vector<CellCounts> cells = {{0, 0, 20, 14, true},  {1, 0, 10, 8, true},  {2, 0, 20, 15, false},
                                   {3, 0, 18, 13, false}, {4, 0, 10, 7, false}, {9, 9, 7, 7, true}};
  for (int i = 0; i < 30; ++i) cells.push_back({10 + i, 5, 1, 2, false});
  const MatchedDid m = CompareMatched(cells);
  EXPECT_EQ(m.suggested, 3);
  EXPECT_EQ(m.matched_suggested, 2);
  EXPECT_EQ(m.unmatched, 1);  // 7 before: band 5–8 has no control cell
  EXPECT_EQ(m.controls, 33);
  EXPECT_DOUBLE_EQ(m.suggested_change, -4);
  EXPECT_DOUBLE_EQ(m.control_change, -4);
  EXPECT_DOUBLE_EQ(m.did, 0);
  // A real effect: the same suggested cells fall to 5 and 3 instead.
  cells[0].after = 5;
  cells[1].after = 3;
  const MatchedDid e = CompareMatched(cells);
  EXPECT_DOUBLE_EQ(e.suggested_change, (-15 - 7) / 2.0);
  EXPECT_DOUBLE_EQ(e.did, (-15 - 7) / 2.0 - (-5 - 3) / 2.0);  // −7 per cell beyond the matched trend
  EXPECT_EQ(CompareMatched({}).matched_suggested, 0);
}

TEST(PatrolRules, LocalHourAndWeekday) {
  EXPECT_EQ(LocalWeekday(0), 4);  // 1970-01-01 08:00 Beijing, a Thursday
  EXPECT_EQ(LocalHour(0), 8);
  EXPECT_EQ(LocalWeekday(1672502400), 7);  // 2022-12-31 16:00 UTC = 2023-01-01 00:00 Beijing, a Sunday
  EXPECT_EQ(LocalHour(1672502400), 0);
  EXPECT_EQ(ShiftOf(1672502400), "夜班");
}

}  // namespace
}  // namespace fazhi::patrol
