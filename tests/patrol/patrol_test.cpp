// 五化巡防 over real HTTP on SQLite and (FAZHI_TEST_DB=postgresql://…) PostgreSQL: importing 巡区 and
// 必到点 as GeoJSON with the refusal of a self-crossing polygon (nothing stored), check-ins flagged far /
// short stay / impossible speed with their reasons, 警情 stamps in order and the response report naming
// the slowest unit, 模拟测警 drawn from a recorded seed, the dispute and hazard registers with their
// refusals, 督办 of overdue items and the XLSX export; 403 without the permission and 404 for objects of
// another 派出所, answered exactly like ids that do not exist.
#include <gtest/gtest.h>

#include "db/sql.h"
#include "http/http_fixture.h"
#include "orders/orders_module.h"
#include "patrol/patrol_module.h"
#include "patrol/patrol_store.h"

namespace fazhi::testing {
namespace {

using nlohmann::json;

// A hexagon about 1 km across around (108.9, 34.26), with two points: one inside, one at its edge.
json AreaDoc(const std::string& name = "东街一号巡区") {
  return {
      {"type", "FeatureCollection"},
      {"features",
       json::array(
           {{{"type", "Feature"},
             {"properties", {{"name", name}, {"in_town", true}}},
             {"geometry",
              {{"type", "Polygon"},
               {"coordinates", json::array({json::array({json::array({108.894, 34.26}), json::array({108.897, 34.264}),
                                                         json::array({108.903, 34.264}), json::array({108.906, 34.26}),
                                                         json::array({108.903, 34.256}), json::array({108.897, 34.256}),
                                                         json::array({108.894, 34.26})})})}}}},
            {{"type", "Feature"},
             {"properties", {{"name", "幸福路地铁口"}, {"radius", 50}, {"min_stay", 300}}},
             {"geometry", {{"type", "Point"}, {"coordinates", json::array({108.9, 34.26})}}}},
            {{"type", "Feature"},
             {"properties", {{"name", "银行网点"}, {"radius", 30}, {"min_stay", 600}}},
             {"geometry", {{"type", "Point"}, {"coordinates", json::array({108.905, 34.26})}}}}})}};
}

json Bowtie() {
  return {
      {"type", "FeatureCollection"},
      {"features",
       json::array({{{"type", "Feature"},
                     {"properties", {{"name", "交叉巡区"}}},
                     {"geometry",
                      {{"type", "Polygon"},
                       {"coordinates",
                        json::array({json::array({json::array({108.9, 34.26}), json::array({108.91, 34.27}),
                                                  json::array({108.91, 34.26}), json::array({108.9, 34.27})})})}}}}})}};
}

class PatrolTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    AddUser("manager_a", "legal_officer", team_a_);
    AddUser("manager_b", "legal_officer", team_b_);
    AddUser("leader_a", "leader", team_a_);
    officer_person_ = AddPerson(team_a_, "包案民警甲", "100001");
  }
  std::int64_t Count(const std::string& q) {
    return app_->db().Read([&](soci::session& sql) { return db::ScalarInt(sql, q).value_or(0); });
  }
  std::string Text(const std::string& q) {
    return app_->db().Read([&](soci::session& sql) { return db::ScalarText(sql, q).value_or(""); });
  }
  void Exec(const std::string& q) {
    app_->db().Write([&](soci::session& sql) {
      db::Exec(sql, q);
      return true;
    });
  }
  json Import(Client& c, const json& doc) {
    auto r = c.Post("/api/patrol/import", json{{"geojson", doc}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json;
  }
  std::int64_t officer_person_ = 0;
};

TEST_F(PatrolTest, ImportsGeoJsonAndRefusesASelfCrossingPolygon) {
  auto m = SignedIn("manager_a");
  const json r = Import(m, AreaDoc());
  ASSERT_EQ(r["areas"].size(), 1u);
  ASSERT_EQ(r["points"].size(), 2u);
  EXPECT_EQ(r["points"][0]["area_name"], "东街一号巡区");  // the point inside the area is filed under it
  auto bad = m.Post("/api/patrol/import", json{{"geojson", Bowtie()}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Code(), "self_intersecting");
  EXPECT_NE(bad.Message().find("交叉巡区"), std::string::npos) << bad.body;
  EXPECT_NE(bad.Message().find("自相交"), std::string::npos);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM patrol_areas"), 1);
  // A mixed document with one bad polygon stores nothing of it.
  json mixed = AreaDoc("二号巡区");
  mixed["features"].push_back(Bowtie()["features"][0]);
  EXPECT_EQ(m.Post("/api/patrol/import", json{{"geojson", mixed}}).status, 400);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM patrol_points"), 2);
  EXPECT_EQ(m.Post("/api/patrol/import", json{{"geojson", {{"type", "Feature"}}}}).Code(), "invalid_geojson");
  // The officer reads the map but may not import; 西街's manager sees none of 东街's geometry.
  auto officer = SignedIn("officer_a");
  EXPECT_EQ(officer.Post("/api/patrol/import", json{{"geojson", AreaDoc()}}).status, 403);
  auto map = officer.Get("/api/patrol/map");
  ASSERT_EQ(map.status, 200);
  EXPECT_EQ(map.json["areas"].size(), 1u);
  EXPECT_EQ(SignedIn("manager_b").Get("/api/patrol/map").json["points"].size(), 0u);
  // Importing into another 派出所's unit is refused like a unit that does not exist.
  auto other = m.Post("/api/patrol/import", json{{"geojson", AreaDoc()}, {"unit_id", team_b_}});
  EXPECT_EQ(other.status, 404);
}

TEST_F(PatrolTest, CheckinsAreFlaggedWithReasonsNotRefused) {
  auto m = SignedIn("manager_a");
  const json r = Import(m, AreaDoc());
  const std::int64_t p1 = r["points"][0]["id"], p2 = r["points"][1]["id"];
  auto officer = SignedIn("officer_a");
  // On the point: no flag.
  auto ok =
      officer.Post("/api/patrol/checkins", json{{"point_id", p1}, {"lon", 108.9}, {"lat", 34.2601}, {"accuracy_m", 8}});
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_FALSE(ok.json["flagged"].get<bool>());
  EXPECT_EQ(ok.json["arrived_at"], kStart);  // server time, whatever the phone says
  // Leaves after 2 minutes of a 5-minute minimum: short_stay.
  clock_->Advance(120);
  auto left =
      officer.Post(fmt::format("/api/patrol/checkins/{}/leave", ok.json["id"].get<std::int64_t>()), json::object());
  ASSERT_EQ(left.status, 200) << left.body;
  EXPECT_EQ(left.json["flags"], json::array({"short_stay"}));
  EXPECT_EQ(
      officer.Post(fmt::format("/api/patrol/checkins/{}/leave", ok.json["id"].get<std::int64_t>()), json::object())
          .Code(),
      "already_left");
  // 1 km away from point 2 sixty seconds later, outside the area: far + outside_area (speed 17 m/s is
  // possible); stored, listed with the flag.
  clock_->Advance(60);
  auto far = officer.Post("/api/patrol/checkins",
                          json{{"point_id", p2}, {"lon", 108.915}, {"lat", 34.26}, {"accuracy_m", 20}});
  ASSERT_EQ(far.status, 201) << far.body;
  EXPECT_EQ(far.json["flags"], json::array({"far", "outside_area"}));
  EXPECT_NE(far.json["flag_reasons"][0].get<std::string>().find("超出签到半径"), std::string::npos);
  // Ten seconds later back at point 1, 1.4 km: impossible speed.
  clock_->Advance(10);
  auto jump =
      officer.Post("/api/patrol/checkins", json{{"point_id", p1}, {"lon", 108.9}, {"lat", 34.26}, {"accuracy_m", 5}});
  EXPECT_EQ(jump.json["flags"], json::array({"speed"}));
  auto flagged = m.Get("/api/patrol/checkins?flagged=true");
  ASSERT_EQ(flagged.status, 200);
  EXPECT_EQ(flagged.json["total"], 3);
  // Bad input: 400 with the field, nothing stored.
  const auto before = Count("SELECT COUNT(*) FROM patrol_checkins");
  EXPECT_EQ(
      officer.Post("/api/patrol/checkins", json{{"point_id", p1}, {"lon", "东"}, {"lat", 34.26}, {"accuracy_m", 5}})
          .status,
      400);
  EXPECT_EQ(
      officer.Post("/api/patrol/checkins", json{{"point_id", p1}, {"lon", 190.0}, {"lat", 34.26}, {"accuracy_m", 5}})
          .Code(),
      "invalid_coordinate");
  EXPECT_EQ(
      officer
          .Post("/api/patrol/checkins",
                json{{"point_id", p1}, {"lon", 108.9}, {"lat", 34.26}, {"accuracy_m", 5}, {"photo_sha256", "xyz"}})
          .Code(),
      "invalid_hash");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM patrol_checkins"), before);
  // 西街's officer: 东街's point answers like a nonexistent one.
  auto b = SignedIn("officer_b");
  auto hidden =
      b.Post("/api/patrol/checkins", json{{"point_id", p1}, {"lon", 108.9}, {"lat", 34.26}, {"accuracy_m", 5}});
  auto none =
      b.Post("/api/patrol/checkins", json{{"point_id", 999999}, {"lon", 108.9}, {"lat", 34.26}, {"accuracy_m", 5}});
  EXPECT_EQ(hidden.status, 404);
  EXPECT_EQ(hidden.status, none.status);
  EXPECT_EQ(hidden.Code(), none.Code());
  EXPECT_EQ(
      b.Post(fmt::format("/api/patrol/checkins/{}/leave", far.json["id"].get<std::int64_t>()), json::object()).status,
      404);
}

TEST_F(PatrolTest, StampsInOrderAndResponseReportNamesTheSlowestUnit) {
  auto officer_a = SignedIn("officer_a");
  auto officer_b = SignedIn("officer_b");
  auto stamp = [&](Client& c, std::int64_t id, const char* stage) {
    return c.Post(fmt::format("/api/patrol/calls/{}/stamp", id), json{{"stage", stage}});
  };
  auto ca = officer_a.Post("/api/patrol/calls", json{{"kind", "盗窃"}, {"place", "幸福路"}});
  auto cb = officer_b.Post("/api/patrol/calls", json{{"kind", "纠纷"}, {"place", "西大街"}});
  ASSERT_EQ(ca.status, 201) << ca.body;
  const std::int64_t a = ca.json["id"], b = cb.json["id"];
  EXPECT_EQ(stamp(officer_a, a, "signed").Code(), "stage_order");
  EXPECT_EQ(stamp(officer_a, a, "received").Code(), "invalid_stage");
  EXPECT_EQ(stamp(officer_b, a, "dispatched").status, 404);
  clock_->Advance(5);
  ASSERT_EQ(stamp(officer_a, a, "dispatched").status, 200);
  ASSERT_EQ(stamp(officer_b, b, "dispatched").status, 200);
  EXPECT_EQ(stamp(officer_a, a, "dispatched").Code(), "already_stamped");
  clock_->Advance(15);
  ASSERT_EQ(stamp(officer_a, a, "signed").status, 200);
  clock_->Advance(40);  // 西街 signs at 60 s: late
  ASSERT_EQ(stamp(officer_b, b, "signed").status, 200);
  ASSERT_EQ(stamp(officer_a, a, "departed").status, 200);
  clock_->Advance(120);
  ASSERT_EQ(stamp(officer_a, a, "arrived").status, 200);  // 180 s: on time
  ASSERT_EQ(stamp(officer_b, b, "departed").status, 200);
  clock_->Advance(400);
  ASSERT_EQ(stamp(officer_b, b, "arrived").status, 200);     // 580 s: late in town
  auto rep = SignedIn("admin").Get("/api/patrol/response");  // sys_admin has no patrol.read
  EXPECT_EQ(rep.status, 403);
  AddUser("leader_bureau", "leader", bureau_);
  rep = SignedIn("leader_bureau").Get("/api/patrol/response?from=2025-12-01&to=2026-01-01");
  ASSERT_EQ(rep.status, 200) << rep.body;
  ASSERT_EQ(rep.json["by_unit"].size(), 2u);
  EXPECT_EQ(rep.json["slowest"][0]["unit_name"], "西街派出所");
  EXPECT_EQ(rep.json["slowest"][0]["arrive_ok"], 0);
  EXPECT_EQ(rep.json["targets"]["sign_s"], 30);
  EXPECT_EQ(SignedIn("leader_bureau").Get("/api/patrol/response?from=2026-02-01&to=2026-01-01").Code(),
            "invalid_range");
  // Targets: the leader manages them; an officer may not.
  auto lead = SignedIn("leader_bureau");
  EXPECT_EQ(
      lead.Put("/api/patrol/targets", json{{"sign_s", 60}, {"arrive_town_s", 600}, {"arrive_rural_s", 900}}).status,
      200);
  EXPECT_EQ(officer_a.Put("/api/patrol/targets", json{{"sign_s", 60}, {"arrive_town_s", 600}, {"arrive_rural_s", 900}})
                .status,
            403);
  EXPECT_EQ(
      lead.Put("/api/patrol/targets", json{{"sign_s", 0}, {"arrive_town_s", 600}, {"arrive_rural_s", 900}}).status,
      400);
  rep = lead.Get("/api/patrol/response?from=2025-12-01&to=2026-01-01");
  EXPECT_EQ(rep.json["by_unit"][1]["arrive_ok"], 1);  // 580 s ≤ 600 s now
}

// The 警情 list: the unit's own calls only, open ones first (newest first within), paged, filtered
// by open / time / real-or-test; a call of another 派出所 is never listed.
TEST_F(PatrolTest, CallListShowsTheUnitsCallsOpenFirstAndPaged) {
  auto officer_a = SignedIn("officer_a");
  auto officer_b = SignedIn("officer_b");
  std::vector<std::int64_t> ids;
  for (const char* kind : {"盗窃", "纠纷", "求助"}) {
    auto r = officer_a.Post("/api/patrol/calls", json{{"kind", kind}});
    ASSERT_EQ(r.status, 201) << r.body;
    ids.push_back(r.json["id"]);
    clock_->Advance(60);
  }
  ASSERT_EQ(officer_b.Post("/api/patrol/calls", json{{"kind", "西街警情"}}).status, 201);
  // The oldest call is taken to 结案: it goes to the end of the list.
  for (const char* stage : {"dispatched", "signed", "departed", "arrived", "feedback", "closed"})
    ASSERT_EQ(officer_a.Post(fmt::format("/api/patrol/calls/{}/stamp", ids[0]), json{{"stage", stage}}).status, 200);
  auto all = officer_a.Get("/api/patrol/calls");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.json["total"], 3);
  ASSERT_EQ(all.json["items"].size(), 3u);
  EXPECT_EQ(all.json["items"][0]["id"], ids[2]);
  EXPECT_EQ(all.json["items"][1]["id"], ids[1]);
  EXPECT_EQ(all.json["items"][2]["id"], ids[0]);
  EXPECT_FALSE(all.json["items"][2]["closed_at"].is_null());
  EXPECT_FALSE(all.json["items"][2]["signed_at"].is_null());
  EXPECT_TRUE(all.json["items"][0]["dispatched_at"].is_null());
  for (const auto& c : all.json["items"]) EXPECT_EQ(c["unit_name"], "东街派出所");
  auto page2 = officer_a.Get("/api/patrol/calls?page=2&page_size=2");
  ASSERT_EQ(page2.status, 200) << page2.body;
  EXPECT_EQ(page2.json["total"], 3);
  ASSERT_EQ(page2.json["items"].size(), 1u);
  EXPECT_EQ(page2.json["items"][0]["id"], ids[0]);
  auto open = officer_a.Get("/api/patrol/calls?open=1");
  EXPECT_EQ(open.json["total"], 2);
  EXPECT_EQ(officer_a.Get("/api/patrol/calls?open=0").json["total"], 1);
  EXPECT_EQ(officer_a.Get("/api/patrol/calls?test=1").json["total"], 0);
  EXPECT_EQ(officer_a.Get("/api/patrol/calls?test=0").json["total"], 3);
  EXPECT_EQ(officer_a.Get("/api/patrol/calls?from=2030-01-01").json["total"], 0);
  EXPECT_EQ(officer_a.Get("/api/patrol/calls?open=maybe").status, 400);
  // 西街 sees only its own call; the 分局's leader sees all four.
  auto west = officer_b.Get("/api/patrol/calls");
  ASSERT_EQ(west.json["total"], 1);
  EXPECT_EQ(west.json["items"][0]["kind"], "西街警情");
  AddUser("leader_bureau", "leader", bureau_);
  EXPECT_EQ(SignedIn("leader_bureau").Get("/api/patrol/calls").json["total"], 4);
  EXPECT_EQ(SignedIn("admin").Get("/api/patrol/calls").status, 403);
}

// Editing a team: same checks as creating one, kept in its unit, 404 for another 派出所's team.
TEST_F(PatrolTest, TeamsAreEditedWithinScope) {
  auto manager_a = SignedIn("manager_a");
  auto created =
      manager_a.Post("/api/patrol/teams", json{{"name", "一组"}, {"mode", "car"}, {"equipment", {"执法记录仪"}}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::int64_t id = created.json["id"];
  const std::string path = fmt::format("/api/patrol/teams/{}", id);
  auto edited = manager_a.Put(path, json{{"name", "一组（夜）"},
                                         {"mode", "foot"},
                                         {"shift", "夜班"},
                                         {"members", {"张警官", "李警官"}},
                                         {"equipment", {"执法记录仪", "对讲机"}}});
  ASSERT_EQ(edited.status, 200) << edited.body;
  auto list = manager_a.Get("/api/patrol/teams");
  ASSERT_EQ(list.json["items"].size(), 1u);
  EXPECT_EQ(list.json["items"][0]["name"], "一组（夜）");
  EXPECT_EQ(list.json["items"][0]["mode"], "foot");
  EXPECT_EQ(list.json["items"][0]["shift"], "夜班");
  EXPECT_EQ(list.json["items"][0]["members"], json({"张警官", "李警官"}));
  EXPECT_EQ(list.json["items"][0]["equipment"], json({"执法记录仪", "对讲机"}));
  // Refusals change nothing.
  EXPECT_EQ(manager_a.Put(path, json{{"name", ""}, {"mode", "car"}}).status, 400);
  EXPECT_EQ(manager_a.Put(path, json{{"name", "x"}, {"mode", "boat"}}).status, 400);
  EXPECT_EQ(manager_a.Put(path, json{{"name", "x"}, {"mode", "car"}, {"unit_id", team_b_}}).Code(), "unit_change");
  EXPECT_EQ(manager_a.Put(path, json{{"name", "x"}, {"mode", "car"}, {"colour", "red"}}).status, 400);
  EXPECT_EQ(manager_a.Get("/api/patrol/teams").json["items"][0]["name"], "一组（夜）");
  // Another 派出所's manager: exactly like a team that does not exist; an officer may not edit.
  auto other = SignedIn("manager_b").Put(path, json{{"name", "x"}, {"mode", "car"}});
  auto none = SignedIn("manager_b").Put("/api/patrol/teams/999999", json{{"name", "x"}, {"mode", "car"}});
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(other.Code(), none.Code());
  EXPECT_EQ(SignedIn("officer_a").Put(path, json{{"name", "x"}, {"mode", "car"}}).status, 403);
  EXPECT_EQ(
      Count(fmt::format("SELECT COUNT(*) FROM audit_log WHERE action = 'patrol.team_edit' AND object_id = '{}'", id)),
      1);
}

// 巡组成员 from the directory (migration 111): member_ids of the team's unit, read back with names;
// a team from before keeps its text names (legacy_members) until the editor drops them; people of
// another unit, inactive people, unknown ids and wrong types are refused with nothing changed.
TEST_F(PatrolTest, TeamMembersArePeopleOfTheUnitAndOldNamesStayReadable) {
  auto manager_a = SignedIn("manager_a");
  const std::int64_t second = AddPerson(team_a_, "巡逻民警乙", "100002");
  const std::int64_t west = AddPerson(team_b_, "西街民警丙", "200001");
  const std::int64_t retired = AddPerson(team_a_, "已停用丁", "100003");
  Exec(fmt::format("UPDATE people SET active = 0 WHERE id = {}", retired));
  // A team stored before member_ids: text names only.
  auto old =
      manager_a.Post("/api/patrol/teams", json{{"name", "老巡组"}, {"mode", "foot"}, {"members", {"老张", "老李"}}});
  ASSERT_EQ(old.status, 201) << old.body;
  EXPECT_EQ(old.json["members"], json({"老张", "老李"}));
  EXPECT_EQ(old.json["legacy_members"], json({"老张", "老李"}));
  EXPECT_EQ(old.json["member_ids"], json::array());

  auto created = manager_a.Post(
      "/api/patrol/teams", json{{"name", "二组"}, {"mode", "car"}, {"member_ids", {second, officer_person_, second}}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json["member_ids"], json({second, officer_person_}));  // duplicates dropped, order kept
  ASSERT_EQ(created.json["member_people"].size(), 2u);
  EXPECT_EQ(created.json["member_people"][0]["name"], "巡逻民警乙");
  EXPECT_EQ(created.json["member_people"][0]["badge_no"], "100002");
  EXPECT_EQ(created.json["member_people"][0]["unit_name"], "东街派出所");
  EXPECT_EQ(created.json["members"], json({"巡逻民警乙", "包案民警甲"}));
  const std::int64_t id = created.json["id"];
  const std::string path = fmt::format("/api/patrol/teams/{}", id);
  EXPECT_EQ(Text(fmt::format("SELECT member_ids FROM patrol_teams WHERE id = {}", id)),
            fmt::format("[{},{}]", second, officer_person_));

  // Refused, nothing changed: another unit's person, an inactive one, an unknown id, wrong types.
  const auto refuse = [&](const json& ids, const char* code) {
    auto r = manager_a.Put(path, json{{"name", "改名"}, {"mode", "car"}, {"member_ids", ids}});
    EXPECT_EQ(r.status, 400) << ids.dump() << " " << r.body;
    EXPECT_EQ(r.Code(), code) << r.body;
  };
  refuse(json({second, west}), "unknown_member");
  refuse(json({999999}), "unknown_member");
  refuse(json({retired}), "inactive_member");
  refuse(json({"张三"}), "wrong_type");
  refuse(json(5), "wrong_type");
  auto kept = manager_a.Get("/api/patrol/teams").json["items"][1];
  EXPECT_EQ(kept["name"], "二组");
  EXPECT_EQ(kept["member_ids"], json({second, officer_person_}));
  // The message names no one from elsewhere.
  auto r = manager_a.Post("/api/patrol/teams", json{{"name", "x"}, {"mode", "car"}, {"member_ids", {west}}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body.find("西街民警丙"), std::string::npos) << r.body;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM patrol_teams"), 2);

  // The old team edited: a person chosen, one old name kept, the other dropped.
  const std::string old_path = fmt::format("/api/patrol/teams/{}", old.json["id"].get<std::int64_t>());
  auto edited = manager_a.Put(
      old_path, json{{"name", "老巡组"}, {"mode", "foot"}, {"member_ids", {second}}, {"members", {"老李"}}});
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_EQ(edited.json["members"], json({"巡逻民警乙", "老李"}));
  EXPECT_EQ(edited.json["legacy_members"], json({"老李"}));
  // A 分局 leader's team (unit: the 分局) may take people of any of its 派出所.
  AddUser("leader_bureau", "leader", bureau_);
  auto bureau_team =
      SignedIn("leader_bureau")
          .Post("/api/patrol/teams", json{{"name", "分局巡组"}, {"mode", "car"}, {"member_ids", {west, second}}});
  EXPECT_EQ(bureau_team.status, 201) << bureau_team.body;
}

TEST_F(PatrolTest, DrillsAreDrawnFromARecordedSeed) {
  auto m = SignedIn("manager_a");
  Import(m, AreaDoc());
  auto d1 = m.Post("/api/patrol/drills", json{{"name", "一月测警"}, {"seed", 7}, {"count", 1}});
  ASSERT_EQ(d1.status, 201) << d1.body;
  auto d2 = m.Post("/api/patrol/drills", json{{"name", "一月测警复核"}, {"seed", 7}, {"count", 1}});
  EXPECT_EQ(d1.json["drawn_points"], d2.json["drawn_points"]);
  EXPECT_EQ(d1.json["seed"], 7);
  EXPECT_EQ(d1.json["call_ids"].size(), 1u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM patrol_calls WHERE is_test = 1"), 2);
  EXPECT_EQ(m.Post("/api/patrol/drills", json{{"name", "x"}, {"count", 0}}).status, 400);
  EXPECT_EQ(SignedIn("officer_a").Post("/api/patrol/drills", json{{"name", "x"}, {"count", 1}}).status, 403);
  // The test calls are timed on the same stamps, apart from real calls.
  auto rep = m.Get(
      fmt::format("/api/patrol/response?drill_id={}&from=2025-12-01&to=2026-01-02", d1.json["id"].get<std::int64_t>()));
  ASSERT_EQ(rep.status, 200) << rep.body;
  EXPECT_EQ(rep.json["by_unit"][0]["calls"], 1);
  EXPECT_EQ(m.Get("/api/patrol/response?from=2025-12-01&to=2026-01-02").json["by_unit"].size(), 0u);
}

// The periodic sweep with the fixed test clock: 督办 of overdue items once per item, across a
// restart and a second instance (another service on the same database); one notification to the
// 包案 officer and the unit's leader per escalation (red, or three linked calls), told again only
// after the dispute stopped being escalate and escalated anew.
TEST_F(PatrolTest, SweepIssuesOverdueOrdersAndTellsEachEscalationOnce) {
  Exec(fmt::format("UPDATE users SET person_id = {} WHERE username = 'officer_a'", officer_person_));
  auto officer = SignedIn("officer_a");
  json d = {{"title", "宅基地边界争执"},           {"kind", "land"},
            {"parties", {"当事人甲", "当事人乙"}}, {"grade", "red"},
            {"grade_reasons", "扬言报复"},         {"officer_person_id", officer_person_}};
  auto red = officer.Post("/api/patrol/disputes", d);
  ASSERT_EQ(red.status, 201) << red.body;
  d["title"] = "工钱拖欠";
  d["kind"] = "labour";
  d["grade"] = "yellow";
  auto yellow = officer.Post("/api/patrol/disputes", d);
  ASSERT_EQ(yellow.status, 201) << yellow.body;
  const std::int64_t red_id = red.json["id"], yellow_id = yellow.json["id"];
  auto& service = app_->modules().Find<patrol::PatrolModule>()->service();
  patrol::PatrolService other(app_->db(), *clock_);  // a second instance (or the same after a restart)
  other.SetOrders(&app_->modules().Find<orders::OrdersModule>()->service());
  const auto escalate = [&] { return Count("SELECT COUNT(*) FROM notifications WHERE kind = 'patrol_escalate'"); };

  auto s = service.Sweep();
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->escalations, 1);    // the red one
  EXPECT_EQ(s->notifications, 2);  // officer_a (the 包案 officer's account) and leader_a
  EXPECT_EQ(s->orders, 0);         // nothing overdue yet
  EXPECT_EQ(Count(fmt::format("SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.kind = "
                              "'patrol_escalate' AND n.object_id = {} AND u.username IN ('officer_a', 'leader_a')",
                              red_id)),
            2);
  EXPECT_EQ(service.Sweep()->escalations, 0);
  EXPECT_EQ(other.Sweep()->escalations, 0);
  EXPECT_EQ(escalate(), 2);

  // Three linked calls make the yellow one escalate: told once.
  Exec(fmt::format("UPDATE patrol_disputes SET linked_calls = '[1,2,3]' WHERE id = {}", yellow_id));
  EXPECT_EQ(other.Sweep()->escalations, 1);
  EXPECT_EQ(service.Sweep()->escalations, 0);
  EXPECT_EQ(escalate(), 4);
  // The red one calms down to yellow (no notice), then turns red again: a new escalation, told.
  Exec(fmt::format("UPDATE patrol_disputes SET grade = 'yellow' WHERE id = {}", red_id));
  EXPECT_EQ(service.Sweep()->escalations, 0);
  Exec(fmt::format("UPDATE patrol_disputes SET grade = 'red' WHERE id = {}", red_id));
  EXPECT_EQ(service.Sweep()->escalations, 1);
  EXPECT_EQ(escalate(), 6);
  EXPECT_NE(Count(fmt::format("SELECT COUNT(*) FROM notifications WHERE dedup_key = 'patrol_escalate:{}:2'", red_id)),
            0);

  // 西街 has no leader of its own: the 分局's leader is told.
  AddUser("leader_bureau", "leader", bureau_);
  auto west = SignedIn("officer_b")
                  .Post("/api/patrol/disputes", json{{"title", "土地承包纠纷"},
                                                     {"kind", "land"},
                                                     {"parties", {"当事人丙"}},
                                                     {"grade", "red"},
                                                     {"grade_reasons", "多次冲突"}});
  ASSERT_EQ(west.status, 201) << west.body;
  EXPECT_EQ(service.Sweep()->notifications, 1);
  EXPECT_EQ(Count(fmt::format("SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.kind = "
                              "'patrol_escalate' AND n.object_id = {} AND u.username = 'leader_bureau'",
                              west.json["id"].get<std::int64_t>())),
            1);
  Exec(fmt::format("UPDATE patrol_disputes SET status = 'closed' WHERE id = {}", west.json["id"].get<std::int64_t>()));

  // Past the 回访 dates (red 1 day, yellow 7): one 督办 per item, whoever sweeps, however often.
  clock_->Advance(2 * 86400);
  EXPECT_EQ(service.Sweep()->orders, 1);
  EXPECT_EQ(other.Sweep()->orders, 0);
  clock_->Advance(6 * 86400);
  EXPECT_EQ(other.Sweep()->orders, 1);
  EXPECT_EQ(service.Sweep()->orders, 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM supervision_orders WHERE source = 'dispute'"), 2);
  EXPECT_EQ(Count(fmt::format("SELECT COUNT(*) FROM patrol_disputes WHERE id IN ({}, {}) AND (order_id IS NULL OR "
                              "order_id = 0)",
                              red_id, yellow_id)),
            0);
  // The manual route finds nothing left either.
  EXPECT_EQ(SignedIn("manager_a").Post("/api/patrol/overdue-orders", json{{"confirm", true}}).json["issued"], 0);
}

TEST_F(PatrolTest, DisputeAndHazardRegistersWithOrdersWhenOverdue) {
  auto officer = SignedIn("officer_a");
  json d = {{"title", "楼上漏水邻里争执"},
            {"kind", "neighbour"},
            {"parties", {"当事人甲", "当事人乙"}},
            {"grade", "orange"},
            {"grade_reasons", "一月内重复报警 3 次"},
            {"officer_person_id", officer_person_}};
  auto created = officer.Post("/api/patrol/disputes", d);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::int64_t id = created.json["id"];
  EXPECT_EQ(created.json["revisit_at"], kStart + 3 * 86400);  // orange: 回访 within three days
  json bad = d;
  bad["kind"] = "其他";
  EXPECT_EQ(officer.Post("/api/patrol/disputes", bad).status, 400);
  bad = d;
  bad["grade"] = "red";
  bad["grade_reasons"] = "";
  EXPECT_EQ(officer.Post("/api/patrol/disputes", bad).Code(), "reasons_required");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM patrol_disputes"), 1);
  auto list = officer.Get("/api/patrol/disputes");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json["total"], 1);
  // 西街 sees neither the dispute nor its id.
  auto b = SignedIn("officer_b");
  EXPECT_EQ(b.Get(fmt::format("/api/patrol/disputes/{}", id)).status, 404);
  EXPECT_EQ(b.Get(fmt::format("/api/patrol/disputes/{}", id)).Code(), b.Get("/api/patrol/disputes/999999").Code());
  EXPECT_EQ(b.Post(fmt::format("/api/patrol/disputes/{}/change", id), json{{"action", "x"}}).status, 404);
  // An action, then the 回访 date passes: overdue; the manager's sweep opens a 督办 order once.
  auto ch = officer.Post(fmt::format("/api/patrol/disputes/{}/change", id), json{{"action", "上门调解"}});
  ASSERT_EQ(ch.status, 200) << ch.body;
  EXPECT_EQ(ch.json["actions"].size(), 1u);
  clock_->Advance(4 * 86400);
  auto officer2 = SignedIn("officer_a");  // the sessions of four days ago have expired
  EXPECT_TRUE(officer2.Get(fmt::format("/api/patrol/disputes/{}", id)).json["overdue"].get<bool>());
  auto m = SignedIn("manager_a");
  auto issued = m.Post("/api/patrol/overdue-orders", json{{"confirm", true}});
  ASSERT_EQ(issued.status, 200) << issued.body;
  EXPECT_EQ(issued.json["issued"], 1);
  EXPECT_EQ(m.Post("/api/patrol/overdue-orders", json{{"confirm", true}}).json["issued"], 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM supervision_orders WHERE source = 'dispute'"), 1);
  auto closed = officer2.Post(fmt::format("/api/patrol/disputes/{}/change", id), json{{"closure", "达成调解协议"}});
  EXPECT_EQ(closed.json["status"], "closed");
  EXPECT_EQ(officer2.Post(fmt::format("/api/patrol/disputes/{}/change", id), json{{"action", "x"}}).Code(), "closed");
  // Hazards: 整改 then 复查; a failed 复查 needs a note and a new due date.
  auto h = officer2.Post("/api/patrol/hazards", json{{"place", "幸福小区"}, {"kind", "消防通道堵塞"}});
  ASSERT_EQ(h.status, 201) << h.body;
  const std::int64_t hid = h.json["id"];
  EXPECT_EQ(officer2.Post(fmt::format("/api/patrol/hazards/{}/change", hid), json{{"step", "recheck"}}).Code(),
            "invalid_transition");
  EXPECT_EQ(officer2.Post(fmt::format("/api/patrol/hazards/{}/change", hid), json{{"step", "fixed"}}).json["status"],
            "fixed");
  EXPECT_EQ(
      officer2.Post(fmt::format("/api/patrol/hazards/{}/change", hid), json{{"step", "recheck"}, {"passed", false}})
          .Code(),
      "note_required");
  EXPECT_EQ(
      officer2.Post(fmt::format("/api/patrol/hazards/{}/change", hid), json{{"step", "recheck"}, {"passed", true}})
          .json["status"],
      "closed");
  auto x = officer2.Get("/api/patrol/disputes.xlsx");
  EXPECT_EQ(x.status, 200);
  EXPECT_EQ(x.body.substr(0, 2), "PK");
}

TEST_F(PatrolTest, HotspotsRankCellsAndSuggestPlacesPerArea) {
  auto m = SignedIn("manager_a");
  Import(m, AreaDoc());
  // Twelve 警情 at the 地铁口 over twelve days at 21:xx Beijing time, three scattered elsewhere in the
  // area, one in 西街 (out of reach).
  app_->db().Write([&](soci::session& sql) {
    auto add = [&](std::int64_t unit, double lon, double lat, EpochSeconds at) {
      patrol::Call c;
      c.bureau_id = bureau_;
      c.unit_id = unit;
      c.kind = "盗窃";
      c.at = patrol::LonLat{lon, lat};
      c.stamps.assign(patrol::kStages.size(), std::nullopt);
      c.stamps[0] = at;
      patrol::InsertCall(sql, c);
    };
    for (int d = 0; d < 12; ++d) add(team_a_, 108.9, 34.26, kStart - (20 - d) * 86400 + 13 * 3600);
    add(team_a_, 108.896, 34.258, kStart - 5 * 86400);
    add(team_a_, 108.904, 34.262, kStart - 40 * 86400);
    add(team_a_, 108.898, 34.263, kStart - 60 * 86400);
    add(team_b_, 108.9, 34.26, kStart - 3 * 86400);
    return true;  // Write commits on a true result
  });
  auto r = m.Get("/api/patrol/hotspots?from=2025-10-01&to=2026-01-01");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["incidents"], 15);  // 西街's call is out of reach
  EXPECT_EQ(r.json["cells"][0]["count"], 12);
  EXPECT_EQ(r.json["cells"][0]["level"], 3);
  EXPECT_EQ(r.json["cells"][0]["peak_hour"], 21);
  // 12 in the neighbourhood over the 92 days predict λ = 11 × 7 / 92 = 0.84 a week; four priors
  // within 7 days are unlikely (P(X ≥ 4) = 0.011, P(X ≥ 3) = 0.053): the 5th to the 12th day.
  EXPECT_EQ(r.json["cells"][0]["near_repeats"], 8);
  ASSERT_EQ(r.json["suggestions"].size(), 1u);
  EXPECT_EQ(r.json["suggestions"][0]["area_name"], "东街一号巡区");
  // After the fact against matched cells: the suggested cells are there, the comparison with them.
  const json& matched = r.json["evaluation"]["matched"];
  EXPECT_GE(matched["suggested_cells"].get<int>(), 1) << matched.dump();
  EXPECT_EQ(matched["suggested_cells"].get<int>(),
            matched["matched_cells"].get<int>() + matched["unmatched_cells"].get<int>());
  EXPECT_TRUE(matched.contains("did"));
  EXPECT_EQ(r.json["suggestions"][0]["hours"][0], 21);
  EXPECT_GT(r.json["suggestions"][0]["stops_per_week"].get<int>(), 0);
  EXPECT_EQ(m.Get("/api/patrol/hotspots?from=2026-01-01&to=2025-01-01").Code(), "invalid_range");
  EXPECT_EQ(SignedIn("admin").Get("/api/patrol/hotspots").status, 403);
}

}  // namespace
}  // namespace fazhi::testing
