// The facts and acts of issue 10 recorded through the HTTP API of the real App (cases + oversight
// wired as in production) and the engine's verdict read back from GET /api/cases/{id}/alerts:
// 涉案人数众多 / 身份不明 (ADM-SUMMON-01, 12 h by law from 2026), the facts of a CRIM-DETAIN-04 30-day
// extension, 离开方式 and 候问室 of ADM-CQ-01's special persons, and 提请延长 with its own clock
// (CRIM-ARREST-02-request). The expected verdicts mirror tests/cases/supervision/
// (adm_summon01_psal2025_many_people_12h, crim_detain04_30_days_facts, adm_cq01_special_persons,
// crim_arrest02_extension_request_clock). Bad values are a 400 with a Chinese message and a machine
// code, and store nothing.
#include <gtest/gtest.h>

#include <optional>

#include "cases_module/cases_fixture.h"
#include "core/local_time.h"
#include "oversight/oversight_service.h"

namespace fazhi::testing {
namespace {

class CaseFactsHttpTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    Seeder s{app_->db(), kStart};
    lead_ = s.Person(team_a_, "张明", "140001");
    s.LinkUser(officer_a_id_, lead_);
  }

  // Moves the clock; the officer signs in again (a jump of days ends the idle session).
  void At(const std::string& local) {
    const auto t = ParseLocalDateTime(local);
    ASSERT_TRUE(t) << local;
    clock_->Set(*t);
    if (client_) {
      ASSERT_EQ(client_->Login("officer_a", kPassword).status, 200);
    }
  }

  // 办案民警 张明 of 东街派出所, signed in.
  Client& Officer() {
    client_.emplace(port_);
    EXPECT_EQ(client_->Login("officer_a", kPassword).status, 200);
    return *client_;
  }

  // A case of 东街派出所 led by 张明 through the API; `extra` is merged into the body.
  std::int64_t NewCase(Client& c, const std::string& type, const std::string& accepted,
                       const nlohmann::json& extra = nlohmann::json::object()) {
    nlohmann::json body = {{"case_type", type},
                           {"cause", type == "criminal" ? "盗窃罪" : "殴打他人"},
                           {"unit_id", team_a_},
                           {"lead_officer_id", lead_},
                           {"accepted_at", accepted}};
    for (auto it = extra.begin(); it != extra.end(); ++it) body[it.key()] = *it;
    auto r = c.Post("/api/cases", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json.value("id", std::int64_t{0});
  }

  void Person(Client& c, std::int64_t id, const std::string& ref, int age,
              const nlohmann::json& extra = nlohmann::json::object()) {
    nlohmann::json body = {{"ref", ref}, {"role", "suspect"}, {"age", age}};
    for (auto it = extra.begin(); it != extra.end(); ++it) body[it.key()] = *it;
    auto r = c.Post("/api/cases/" + std::to_string(id) + "/persons", body);
    ASSERT_EQ(r.status, 201) << r.body;
  }

  void Events(Client& c, std::int64_t id, const std::vector<nlohmann::json>& events) {
    for (const auto& e : events) {
      auto r = c.Post("/api/cases/" + std::to_string(id) + "/events", e);
      ASSERT_EQ(r.status, 201) << e.dump() << " → " << r.body;
    }
  }

  static nlohmann::json Ev(const std::string& type, const std::string& time, const std::string& person,
                           const nlohmann::json& attrs = nlohmann::json::object()) {
    nlohmann::json e = {{"type", type}, {"time", time}, {"person", person}};
    for (auto it = attrs.begin(); it != attrs.end(); ++it) e[it.key()] = *it;
    return e;
  }

  nlohmann::json Alerts(Client& c, std::int64_t id) {
    auto r = c.Get("/api/cases/" + std::to_string(id) + "/alerts");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json["items"];
  }

  // The clock of `rule` for `person` (null when the engine has none).
  static nlohmann::json Clock(const nlohmann::json& items, const std::string& rule, const std::string& person) {
    for (const auto& a : items)
      if (a["rule_id"] == rule && a["person_ref"] == person) return a;
    return nullptr;
  }

  std::size_t EventCount(Client& c, std::int64_t id) {
    return c.Get("/api/cases/" + std::to_string(id) + "/events").json["items"].size();
  }

  // Posts a bad event: 400, a machine code, a message naming `needle`, nothing stored.
  void Refused(Client& c, std::int64_t id, const nlohmann::json& event, const std::string& needle) {
    const std::size_t before = EventCount(c, id);
    auto r = c.Post("/api/cases/" + std::to_string(id) + "/events", event);
    EXPECT_EQ(r.status, 400) << event.dump() << " → " << r.body;
    EXPECT_FALSE(r.Code().empty()) << r.body;
    EXPECT_NE(r.Message().find(needle), std::string::npos) << r.Message();
    EXPECT_EQ(EventCount(c, id), before);
  }

  std::int64_t lead_ = 0;
  std::optional<Client> client_;
};

// ADM-SUMMON-01 under the 2025 law (PSAL25 §97): 12 hours by law when the case is marked 涉案人数众多
// or the person is 身份不明 — no 告警 at 9 hours; an ordinary person keeps 8 hours.
TEST_F(CaseFactsHttpTest, ManyPeopleAndIdentityUnknownGiveTheSummonTwelveHours) {
  At("2026-01-10 08:30");
  Client& a = Officer();
  const std::int64_t many = NewCase(a, "administrative", "2026-01-10 07:00", {{"many_people", true}});
  const std::int64_t plain = NewCase(a, "administrative", "2026-01-10 07:00");
  ASSERT_GT(many, 0);
  ASSERT_GT(plain, 0);
  auto page = a.Get("/api/cases/" + std::to_string(many));
  EXPECT_EQ(page.json["many_people"], true) << page.body;
  EXPECT_EQ(a.Get("/api/cases/" + std::to_string(plain)).json["many_people"], false);
  Person(a, many, "p1", 25);
  Person(a, plain, "p1", 25);
  Person(a, plain, "p2", 26, {{"identity_unknown", true}});
  for (std::int64_t id : {many, plain})
    for (const std::string p : {"p1", "p2"}) {
      if (id == many && p == "p2") continue;
      Events(a, id,
             {Ev("summon_arrive", "2026-01-10 08:00", p), Ev("area_enter", "2026-01-10 08:05", p),
              Ev("notify_family", "2026-01-10 08:20", p)});
    }
  EXPECT_EQ(Clock(Alerts(a, many), "ADM-SUMMON-01-psal2025", "p1")["due_local"], "2026-01-10 20:00:00");
  auto items = Alerts(a, plain);
  EXPECT_EQ(Clock(items, "ADM-SUMMON-01-psal2025", "p1")["due_local"], "2026-01-10 16:00:00");
  EXPECT_EQ(Clock(items, "ADM-SUMMON-01-psal2025", "p2")["due_local"], "2026-01-10 20:00:00");

  // Nine hours after 到案: the ordinary person is overdue, the others are not.
  At("2026-01-10 17:00");
  ASSERT_TRUE(app_->oversight().Sweep());
  EXPECT_NE(Clock(Alerts(a, many), "ADM-SUMMON-01-psal2025", "p1")["state"], "overdue");
  items = Alerts(a, plain);
  EXPECT_EQ(Clock(items, "ADM-SUMMON-01-psal2025", "p1")["state"], "overdue");
  EXPECT_NE(Clock(items, "ADM-SUMMON-01-psal2025", "p2")["state"], "overdue");

  // Marking the case 涉案人数众多 afterwards (case form → PUT) gives p1 the 12 hours too.
  auto put = a.Put("/api/cases/" + std::to_string(plain), {{"many_people", true}});
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.json["many_people"], true);
  items = Alerts(a, plain);
  EXPECT_EQ(Clock(items, "ADM-SUMMON-01-psal2025", "p1")["due_local"], "2026-01-10 20:00:00");
  EXPECT_NE(Clock(items, "ADM-SUMMON-01-psal2025", "p1")["state"], "overdue");

  // A value that is not a boolean: 400, nothing changed.
  const auto total = a.Get("/api/cases").json["total"];
  auto bad = a.Post("/api/cases", nlohmann::json{{"case_type", "administrative"},
                                                 {"cause", "殴打他人"},
                                                 {"unit_id", team_a_},
                                                 {"lead_officer_id", lead_},
                                                 {"many_people", "是"}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_FALSE(bad.Code().empty());
  EXPECT_EQ(bad.Code(), "wrong_type");
  EXPECT_NE(bad.Message().find("涉案人数众多"), std::string::npos) << bad.Message();
  EXPECT_EQ(a.Get("/api/cases").json["total"], total);
  bad = a.Put("/api/cases/" + std::to_string(many), {{"many_people", 0}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(a.Get("/api/cases/" + std::to_string(many)).json["many_people"], true);
}

// CRIM-DETAIN-04's 30 days (CPL §91(2); 程序规定 §129): an extension whose recorded facts do not meet
// 流窜/多次（三次以上）/结伙（二人以上）的重大嫌疑分子 is not recognised — the 3 days stay and are flagged.
TEST_F(CaseFactsHttpTest, ExtensionFactsDecideCrimDetain04ThirtyDays) {
  At("2025-12-02 12:00");
  Client& a = Officer();
  const std::int64_t id = NewCase(a, "criminal", "2025-12-01 08:00");
  Person(a, id, "p1", 30);
  Person(a, id, "p2", 31);
  Events(a, id,
         {Ev("detain", "2025-12-01 09:00", "p1"), Ev("detain", "2025-12-01 09:00", "p2"),
          Ev("extension_approved", "2025-12-02 10:00", "p1",
             {{"rule", "CRIM-DETAIN-04"},
              {"approver_level", "county_head"},
              {"basis", "gang"},
              {"offences", 1},
              {"gang_size", 1},
              {"roving", false},
              {"major_suspect", false},
              {"requested_at", "2025-12-02 09:00"}}),
          Ev("extension_approved", "2025-12-02 10:00", "p2",
             {{"rule", "CRIM-DETAIN-04"},
              {"approver_level", "county_head"},
              {"basis", "repeated"},
              {"offences", 3},
              {"major_suspect", true}})});
  auto items = Alerts(a, id);
  EXPECT_EQ(Clock(items, "CRIM-DETAIN-04", "p1")["due_local"], "2025-12-04 23:59:59");
  EXPECT_EQ(Clock(items, "CRIM-DETAIN-04", "p2")["due_local"], "2025-12-31 23:59:59");
  // The facts are stored with the act and listed with it.
  auto events = a.Get("/api/cases/" + std::to_string(id) + "/events");
  const auto& ext = events.json["items"][3];
  EXPECT_EQ(ext["type"], "extension_approved");
  EXPECT_EQ(ext["attrs"]["offences"], 1);
  EXPECT_EQ(ext["attrs"]["gang_size"], 1);
  EXPECT_EQ(ext["attrs"]["roving"], false);
  EXPECT_EQ(ext["attrs"]["major_suspect"], false);
  EXPECT_EQ(ext["attrs"]["requested_at"], "2025-12-02 09:00");

  At("2025-12-05 12:00");
  ASSERT_TRUE(app_->oversight().Sweep());
  items = Alerts(a, id);
  const auto p1 = Clock(items, "CRIM-DETAIN-04", "p1");
  EXPECT_EQ(p1["state"], "overdue");
  EXPECT_NE(p1["message"].get<std::string>().find("须为流窜作案、多次作案（三次以上）或结伙作案（二人以上）"),
            std::string::npos)
      << p1.dump();
  EXPECT_EQ(Clock(items, "CRIM-DETAIN-04", "p2")["state"], "running");

  const nlohmann::json base = {{"rule", "CRIM-DETAIN-04"}, {"approver_level", "county_head"}, {"basis", "gang"}};
  nlohmann::json negative = Ev("extension_approved", "2025-12-03 10:00", "p2", base);
  negative["offences"] = -1;
  Refused(a, id, negative, "offences");
  nlohmann::json words = Ev("extension_approved", "2025-12-03 10:00", "p2", base);
  words["gang_size"] = "两人";
  Refused(a, id, words, "gang_size");
  nlohmann::json not_bool = Ev("extension_approved", "2025-12-03 10:00", "p2", base);
  not_bool["roving"] = "是";
  Refused(a, id, not_bool, "roving");
  nlohmann::json late_request = Ev("extension_approved", "2025-12-03 10:00", "p2", base);
  late_request["requested_at"] = "2025-12-03 11:00";
  Refused(a, id, late_request, "申请时间晚于批准时间");
}

// ADM-CQ-01's special persons (继续盘问规定 §10): no 候问室, and a release between 21:00 and 07:00 must
// be to family (or escorted home). A 15-year-old leaving alone at 22:00 is flagged, a 72-year-old
// picked up by family is not, a 40-year-old in the 候问室 is not a special person.
TEST_F(CaseFactsHttpTest, ReleaseModeAndWaitingRoomOfSpecialPersons) {
  At("2025-07-02 08:00");
  Client& a = Officer();
  const std::int64_t id = NewCase(a, "administrative", "2025-07-01 18:00");
  Person(a, id, "p1", 15);
  Person(a, id, "p2", 72);
  Person(a, id, "p4", 40);
  for (const std::string p : {"p1", "p2", "p4"})
    Events(a, id,
           {Ev("cq_start", "2025-07-01 19:00", p), Ev("area_enter", "2025-07-01 19:05", p),
            Ev("notify_family", "2025-07-01 19:10", p)});
  Events(a, id,
         {Ev("waiting_room_enter", "2025-07-01 19:30", "p1"), Ev("waiting_room_exit", "2025-07-01 20:00", "p1"),
          Ev("release", "2025-07-01 22:00", "p1", {{"release_mode", "self"}}),
          Ev("release", "2025-07-01 22:00", "p2", {{"release_mode", "family_pickup"}}),
          Ev("waiting_room_enter", "2025-07-01 20:00", "p4"), Ev("waiting_room_exit", "2025-07-01 21:00", "p4"),
          Ev("release", "2025-07-01 23:00", "p4", {{"release_mode", "self"}})});
  auto items = Alerts(a, id);
  const auto room = Clock(items, "ADM-CQ-01-special-room", "p1");
  EXPECT_EQ(room["state"], "missing") << items.dump();
  EXPECT_NE(room["message"].get<std::string>().find("不得送入候问室"), std::string::npos) << room.dump();
  const auto night = Clock(items, "ADM-CQ-01-special-release", "p1");
  EXPECT_EQ(night["state"], "missing") << items.dump();
  EXPECT_NE(night["message"].get<std::string>().find("通知其家属或者监护人领回"), std::string::npos) << night.dump();
  EXPECT_EQ(Clock(items, "ADM-CQ-01-special-release", "p2")["state"], "done");
  EXPECT_TRUE(Clock(items, "ADM-CQ-01-special-room", "p4").is_null() ||
              Clock(items, "ADM-CQ-01-special-room", "p4")["state"] != "missing");
  EXPECT_TRUE(Clock(items, "ADM-CQ-01-special-release", "p4").is_null() ||
              Clock(items, "ADM-CQ-01-special-release", "p4")["state"] != "missing");
  auto events = a.Get("/api/cases/" + std::to_string(id) + "/events").json["items"];
  bool listed = false;
  for (const auto& e : events)
    if (e["type"] == "release" && e["person"] == "p2") {
      listed = e["attrs"].value("release_mode", "") == "family_pickup";
      EXPECT_EQ(e["type_name"], "释放");
    }
  EXPECT_TRUE(listed) << events.dump();

  // Bad acts: an unknown 离开方式, leaving a 候问室 never entered, a 候问室 outside the 办案区.
  Person(a, id, "p5", 30);
  Events(a, id, {Ev("cq_start", "2025-07-02 06:00", "p5")});
  Refused(a, id, Ev("release", "2025-07-02 07:00", "p5", {{"release_mode", "walked"}}), "release_mode");
  Refused(a, id, Ev("waiting_room_exit", "2025-07-02 06:30", "p5"), "离开候问室");
  Refused(a, id, Ev("waiting_room_enter", "2025-07-02 06:30", "p5"), "进入候问室");
}

// 提请延长 as its own act with its own clock (CRIM-ARREST-02-request, 程序规定 §148: 期限届满七日前):
// running before, 预警 (已过) when the day passes without it, 超期办结 when sent late.
TEST_F(CaseFactsHttpTest, ExtensionRequestHasItsOwnClock) {
  At("2024-04-20 12:00");
  Client& a = Officer();
  const std::int64_t id = NewCase(a, "criminal", "2024-03-09 08:00");
  Person(a, id, "p1", 35);
  Events(a, id,
         {Ev("arrest", "2024-03-10 10:00", "p1"), Ev("custody_admit", "2024-03-10 12:00", "p1"),
          Ev("notify_family", "2024-03-10 20:00", "p1"),
          Ev("interrogate", "2024-03-11 09:00", "p1",
             {{"end", "2024-03-11 10:00"}, {"officers", 2}, {"location", "detention_center"}}),
          Ev("arrest_receipt", "2024-03-12 10:00", "p1")});
  auto request = Clock(Alerts(a, id), "CRIM-ARREST-02-request", "p1");
  EXPECT_EQ(request["state"], "running") << request.dump();
  EXPECT_EQ(request["due_local"], "2024-05-03 23:59:59");
  EXPECT_EQ(request["pre_warn_local"], "2024-05-03 00:00:00");
  EXPECT_EQ(Clock(Alerts(a, id), "CRIM-ARREST-02", "p1")["due_local"], "2024-05-10 23:59:59");

  At("2024-05-04 09:00");
  ASSERT_TRUE(app_->oversight().Sweep());
  request = Clock(Alerts(a, id), "CRIM-ARREST-02-request", "p1");
  EXPECT_EQ(request["state"], "pre_warn") << request.dump();
  EXPECT_NE(request["message"].get<std::string>().find("已过"), std::string::npos) << request.dump();

  Refused(a, id, Ev("extension_request", "2024-05-04 08:00", "p1"), "rule");
  Refused(a, id, Ev("extension_request", "2024-05-04 08:00", "p1", {{"rule", "CRIM-NOPE"}}), "CRIM-NOPE");
  Events(a, id, {Ev("extension_request", "2024-05-04 08:00", "p1", {{"rule", "CRIM-ARREST-02"}})});
  request = Clock(Alerts(a, id), "CRIM-ARREST-02-request", "p1");
  EXPECT_EQ(request["state"], "done_late") << request.dump();
  auto events = a.Get("/api/cases/" + std::to_string(id) + "/events").json["items"];
  EXPECT_EQ(events.back()["type_name"], "提请延长");
  EXPECT_EQ(events.back()["attrs"]["rule"], "CRIM-ARREST-02");
}

}  // namespace
}  // namespace fazhi::testing
