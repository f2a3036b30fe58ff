// Editing one drawn 巡区 / 必到点 over real HTTP on both databases (issue 15 item 1): a polygon drawn on
// the map page is saved through /api/patrol/import, then renamed, reshaped and deleted; a reshaped
// polygon that crosses itself is refused with 400 self_intersecting and nothing changes; a 必到点 moved
// out of its 巡区 loses it; one with check-ins cannot be deleted (409); another 派出所's objects answer
// 404 like missing ids; the officer (patrol.do, not patrol.manage) gets 403.
#include <gtest/gtest.h>

#include "db/sql.h"
#include "http/http_fixture.h"

namespace fazhi::testing {
namespace {

using nlohmann::json;

json Ring(double lon, double lat, double d) {
  return json::array(
      {json::array({json::array({lon - d, lat - d}), json::array({lon + d, lat - d}), json::array({lon + d, lat + d}),
                    json::array({lon - d, lat + d}), json::array({lon - d, lat - d})})});
}
json AreaFeature(const std::string& name, json coords, bool in_town = true) {
  return {{"type", "Feature"},
          {"properties", {{"name", name}, {"in_town", in_town}}},
          {"geometry", {{"type", "Polygon"}, {"coordinates", std::move(coords)}}}};
}
json PointFeature(const std::string& name, double lon, double lat, int radius, int stay) {
  return {{"type", "Feature"},
          {"properties", {{"name", name}, {"radius", radius}, {"min_stay", stay}}},
          {"geometry", {{"type", "Point"}, {"coordinates", json::array({lon, lat})}}}};
}

class PatrolEditTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    AddUser("manager_a", "legal_officer", team_a_);
    AddUser("manager_b", "legal_officer", team_b_);
  }
  std::int64_t Count(const std::string& q) {
    return app_->db().Read([&](soci::session& sql) { return db::ScalarInt(sql, q).value_or(0); });
  }
};

TEST_F(PatrolEditTest, DrawnAreaAndPointAreEditedAndDeletedWithinScope) {
  auto m = SignedIn("manager_a");
  auto r = m.Post("/api/patrol/import",
                  json{{"geojson",
                        {{"type", "FeatureCollection"},
                         {"features", json::array({AreaFeature("画的巡区", Ring(108.9, 34.26, 0.004)),
                                                   PointFeature("画的必到点", 108.9, 34.26, 40, 120)})}}}});
  ASSERT_EQ(r.status, 201) << r.body;
  const std::int64_t area = r.json["areas"][0]["id"], point = r.json["points"][0]["id"];
  const std::string area_url = fmt::format("/api/patrol/areas/{}", area);
  const std::string point_url = fmt::format("/api/patrol/points/{}", point);

  // Renamed, made rural and enlarged.
  auto up = m.Put(area_url, json{{"feature", AreaFeature("改名巡区", Ring(108.9, 34.26, 0.006), false)}});
  ASSERT_EQ(up.status, 200) << up.body;
  EXPECT_EQ(up.json["name"], "改名巡区");
  EXPECT_FALSE(up.json["in_town"].get<bool>());
  EXPECT_EQ(up.json["ring"].size(), 4u);  // the closing vertex is not repeated
  // A bow-tie: refused, nothing changed.
  json bow = json::array({json::array({json::array({108.9, 34.26}), json::array({108.91, 34.27}),
                                       json::array({108.91, 34.26}), json::array({108.9, 34.27})})});
  auto bad = m.Put(area_url, json{{"feature", AreaFeature("改名巡区", bow)}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Code(), "self_intersecting");
  EXPECT_NE(bad.Message().find("自相交"), std::string::npos) << bad.body;
  EXPECT_EQ(m.Get("/api/patrol/map").json["areas"][0]["ring"][0][0].get<double>(), 108.894);
  // A point feature where a polygon is expected.
  EXPECT_EQ(m.Put(area_url, json{{"feature", PointFeature("x", 108.9, 34.26, 40, 60)}}).Code(), "invalid_geojson");

  // The point: new radius and stay, moved out of the area → no area.
  auto pu = m.Put(point_url, json{{"feature", PointFeature("改名必到点", 108.95, 34.26, 80, 600)}});
  ASSERT_EQ(pu.status, 200) << pu.body;
  EXPECT_EQ(pu.json["radius_m"], 80);
  EXPECT_EQ(pu.json["min_stay_s"], 600);
  EXPECT_TRUE(pu.json["area_id"].is_null());
  auto back = m.Put(point_url, json{{"feature", PointFeature("改名必到点", 108.9, 34.26, 80, 600)}});
  EXPECT_EQ(back.json["area_id"], area);
  EXPECT_EQ(m.Put(point_url, json{{"feature", PointFeature("改名必到点", 108.9, 34.26, 0, 600)}}).Code(),
            "invalid_radius");

  // Another 派出所 and the officer.
  auto b = SignedIn("manager_b");
  EXPECT_EQ(b.Put(area_url, json{{"feature", AreaFeature("越权", Ring(108.9, 34.26, 0.004))}}).status, 404);
  EXPECT_EQ(b.Delete(point_url).status, 404);
  EXPECT_EQ(b.Delete(area_url).status, 404);
  EXPECT_EQ(m.Delete("/api/patrol/areas/999999").status, 404);
  auto officer = SignedIn("officer_a");
  EXPECT_EQ(officer.Delete(area_url).status, 403);

  // Deleting the area keeps its point, detached.
  EXPECT_EQ(m.Delete(area_url).status, 200);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM patrol_areas"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM patrol_points WHERE area_id IS NULL"), 1);
  // A point with a check-in stays; one without goes.
  ASSERT_EQ(
      officer.Post("/api/patrol/checkins", json{{"point_id", point}, {"lon", 108.9}, {"lat", 34.26}, {"accuracy_m", 5}})
          .status,
      201);
  auto keep = m.Delete(point_url);
  EXPECT_EQ(keep.status, 409);
  EXPECT_EQ(keep.Code(), "has_checkins");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM patrol_points"), 1);
  auto r2 = m.Post(
      "/api/patrol/import",
      json{{"geojson",
            {{"type", "FeatureCollection"}, {"features", json::array({PointFeature("空点", 108.8, 34.2, 40, 60)})}}}});
  ASSERT_EQ(r2.status, 201);
  EXPECT_EQ(m.Delete(fmt::format("/api/patrol/points/{}", r2.json["points"][0]["id"].get<std::int64_t>())).status, 200);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM patrol_points"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'patrol.%_delete'"), 2);
}

}  // namespace
}  // namespace fazhi::testing
