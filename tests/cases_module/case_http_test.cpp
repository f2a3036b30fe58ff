// The case routes over real HTTP (sessions, CSRF, permission and error mapping of the real server):
// case file, events, state machine, import, scope leaks, PII masking, export within scope.
#include <map>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "cases_module/cases_fixture.h"
#include "core/local_time.h"
#include "db/sql.h"
#include "files/spreadsheet.h"

namespace fazhi::testing {
namespace {

TEST_F(CaseHttpTest, CreateCaseAddPersonsAndEventsAndReadThePage) {
  Client a = SignedInCases("officer_a");
  const std::int64_t id = CreateCase(a, team_a_, person_a_, "A-HTTP-1");
  ASSERT_GT(id, 0);
  auto p = a.Post(
      "/api/cases/" + std::to_string(id) + "/persons",
      nlohmann::json{
          {"ref", "p1"}, {"name", "嫌疑人甲"}, {"role", "suspect"}, {"age", 16}, {"id_number", "11010519491231002X"}});
  ASSERT_EQ(p.status, 201) << p.body;
  EXPECT_EQ(p.json["id_number"], "1101**********002X");
  EXPECT_EQ(p.json["pii_masked"], true);
  for (const nlohmann::json& e :
       {nlohmann::json{{"type", "summon_arrive"}, {"time", "2023-05-25 09:00"}, {"person", "p1"}},
        nlohmann::json{{"type", "interrogate"},
                       {"time", "2023-05-25 09:30"},
                       {"person", "p1"},
                       {"officers", 1},
                       {"location", "interrogation_room"},
                       {"guardian_present", false}},
        nlohmann::json{{"type", "detain"}, {"time", "2023-05-25 15:00"}, {"person", "p1"}}}) {
    auto r = a.Post("/api/cases/" + std::to_string(id) + "/events", e);
    ASSERT_EQ(r.status, 201) << r.body;
  }
  auto events = a.Get("/api/cases/" + std::to_string(id) + "/events");
  ASSERT_EQ(events.status, 200);
  ASSERT_EQ(events.json["items"].size(), 4u);
  EXPECT_EQ(events.json["items"][3]["type_name"], "拘留执行");
  EXPECT_EQ(events.json["items"][3]["person_name"], "嫌疑人甲");
  EXPECT_EQ(events.json["items"][2]["attrs"]["officers"], 1);

  auto page = a.Get("/api/cases/" + std::to_string(id));
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.json["external_id"], "A-HTTP-1");
  EXPECT_EQ(page.json["status_name"], "受案");
  EXPECT_EQ(page.json["lead_officer"]["name"], "张明");
  EXPECT_EQ(page.json["persons"][0]["role_name"], "犯罪嫌疑人/违法行为人");
  EXPECT_EQ(page.json["event_count"], 4);
  // 办案民警 may only start the investigation-side moves; 立案 needs review.
  for (const auto& act : page.json["actions"]) EXPECT_NE(act["to"], "filed");

  auto list = a.Get("/api/cases?officer_id=me&q=HTTP");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.json["total"], 1);
  EXPECT_EQ(list.json["items"][0]["case_type_name"], "刑事");
  EXPECT_GE(hooks_.ChangedCount(), 5u);
}

TEST_F(CaseHttpTest, BadEventsNameTheItemAndStoreNothing) {
  Client a = SignedInCases("officer_a");
  const std::int64_t id = CreateCase(a, team_a_, person_a_);
  const std::string path = "/api/cases/" + std::to_string(id) + "/events";
  ASSERT_EQ(a.Post("/api/cases/" + std::to_string(id) + "/persons", nlohmann::json{{"ref", "p1"}, {"role", "suspect"}})
                .status,
            201);
  struct Bad {
    nlohmann::json event;
    std::string needle;
  };
  const std::vector<Bad> bad = {
      {{{"type", "teleport"}, {"time", "2023-05-25 09:00"}}, "teleport"},
      {{{"type", "release"}, {"time", "2023-05-25 09:00"}, {"person", "p1"}}, "释放"},
      {{{"type", "detain"}, {"time", "2023-05-25 09:00"}, {"person", "p5"}}, "p5"},
      {{{"type", "detain"}, {"time", "25/05/2023"}, {"person", "p1"}}, "时间"},
      {{{"type", "detain"}, {"time", "2023-05-25 09:00"}, {"person", "p1"}, {"color", "red"}}, "color"},
      {{{"type", "detain"}, {"time", "2023-05-25 09:00"}, {"id", "x"}}, "external_id"},
  };
  for (const auto& b : bad) {
    auto r = a.Post(path, b.event);
    EXPECT_EQ(r.status, 400) << b.event.dump() << " → " << r.body;
    EXPECT_NE(r.Message().find(b.needle), std::string::npos) << r.Message();
  }
  auto not_json = a.Post(path, std::string("{not json"));
  EXPECT_EQ(not_json.status, 400);
  auto events = a.Get(path);
  EXPECT_EQ(events.json["items"].size(), 1u);  // only 受案
}

TEST_F(CaseHttpTest, StateMachineOverHttp) {
  Client a = SignedInCases("officer_a");
  Client legal = SignedInCases("legal");
  const std::int64_t id = CreateCase(a, team_a_, person_a_);
  const std::string path = "/api/cases/" + std::to_string(id) + "/transition";
  auto r = a.Post(path, nlohmann::json{{"to", "filed"}});
  EXPECT_EQ(r.status, 403) << r.body;
  r = legal.Post(path, nlohmann::json{{"to", "transferred"}});
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.Code(), "invalid_transition");
  r = legal.Post(path, nlohmann::json{{"to", "nowhere"}});
  EXPECT_EQ(r.status, 400) << r.body;
  r = legal.Post(path, nlohmann::json{{"to", "filed"}, {"at", "2023-05-21 10:00"}, {"note", "符合立案条件"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["status"], "filed");
  r = a.Post(path, nlohmann::json{{"to", "investigating"}});
  ASSERT_EQ(r.status, 200) << r.body;

  hooks_.refuse_to = "transferred";
  r = legal.Post(path, nlohmann::json{{"to", "transferred"}});
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.Code(), "review_required");
  auto page = a.Get("/api/cases/" + std::to_string(id));
  EXPECT_EQ(page.json["status"], "investigating");
  auto events = a.Get("/api/cases/" + std::to_string(id) + "/events");
  ASSERT_EQ(events.json["items"].size(), 2u);  // 受案, 立案
  EXPECT_EQ(events.json["items"][1]["type"], "file_case");
  EXPECT_EQ(events.json["items"][1]["attrs"]["note"], "符合立案条件");
  // Without CSRF a write is refused before anything happens.
  auto no_csrf = legal.Post(path, nlohmann::json{{"to", "withdrawn"}}, false);
  EXPECT_EQ(no_csrf.status, 403);
}

TEST_F(CaseHttpTest, ScopeLeaksAreNotFound) {
  Client a = SignedInCases("officer_a");
  Client b = SignedInCases("officer_b");
  const std::int64_t id = CreateCase(a, team_a_, person_a_, "A-SECRET-1");
  const std::string base = "/api/cases/" + std::to_string(id);
  EXPECT_EQ(b.Get(base).status, 404);
  EXPECT_EQ(b.Get(base + "/events").status, 404);
  EXPECT_EQ(b.Post(base + "/events", nlohmann::json{{"type", "file_case"}, {"time", "2023-05-21 10:00"}}).status, 404);
  EXPECT_EQ(b.Post(base + "/persons", nlohmann::json{{"role", "victim"}}).status, 404);
  EXPECT_EQ(b.Post(base + "/transition", nlohmann::json{{"to", "investigating"}}).status, 404);
  EXPECT_EQ(b.Put(base, nlohmann::json{{"cause", "改了"}}).status, 404);
  auto list = b.Get("/api/cases?q=SECRET");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json["total"], 0);
  auto csv = b.Get("/api/cases/export?format=csv");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.body.find("A-SECRET-1"), std::string::npos);
  // Officer B's own export holds his own cases only; A's holds A's.
  CreateCase(b, team_b_, person_b_, "B-OWN-1");
  csv = b.Get("/api/cases/export?format=csv");
  EXPECT_NE(csv.body.find("B-OWN-1"), std::string::npos);
  EXPECT_EQ(csv.body.find("A-SECRET-1"), std::string::npos);
  auto xlsx = a.Get("/api/cases/export");
  ASSERT_EQ(xlsx.status, 200);
  EXPECT_TRUE(xlsx.body.starts_with("PK"));
  auto sheet = files::ReadXlsx(xlsx.body);
  ASSERT_TRUE(sheet);
  ASSERT_EQ(sheet->rows.size(), 2u);  // header + A's case
  EXPECT_EQ(sheet->rows[1].cells[0], "A-SECRET-1");
  // Filtering by a unit of another 分局's scope is also not found; unknown units likewise.
  EXPECT_EQ(b.Get("/api/cases?unit_id=999999").status, 404);
  // Incidents are scoped too.
  auto inc = a.Post("/api/incidents",
                    nlohmann::json{{"unit_id", team_a_}, {"received_at", "2023-05-20 08:00"}, {"category", "求助"}});
  ASSERT_EQ(inc.status, 201) << inc.body;
  EXPECT_EQ(b.Get("/api/incidents/" + std::to_string(inc.json["id"].get<std::int64_t>())).status, 404);
  EXPECT_EQ(b.Get("/api/incidents").json["total"], 0);
  // Roles without case.read see nothing at all.
  Client admin = SignedInCases("admin");
  EXPECT_EQ(admin.Get("/api/cases").status, 403);
}

// 执法资格 on the case page: each 主办/协办 民警's standing on the day of 受案 (2023-05-20) by the
// register — 有效 / 未登记 / 已过期 / 尚未取得 with the dates; 辅警 and a bureau without a register
// are not judged (null); another unit's officer still gets 404 for the case.
TEST_F(CaseHttpTest, CasePageShowsTheOfficersQualificationOnTheDayOfAcceptance) {
  Client a = SignedInCases("officer_a");
  const std::int64_t bare = CreateCase(a, team_a_, person_a_, "A-QUAL-0");
  auto page = a.Get("/api/cases/" + std::to_string(bare));
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_TRUE(page.json["lead_officer"]["qualification"].is_null()) << page.body;  // no register yet

  Seeder s{app_->db(), kStart};
  const std::int64_t expired = s.Person(team_a_, "钱过期", "140003");
  const std::int64_t later = s.Person(team_a_, "孙新训", "140004");
  const std::int64_t aux = s.Person(team_a_, "周辅警", "140005", false, "辅警");
  auto qualify = [&](std::int64_t person, const char* level, CivilDate from, CivilDate until) {
    ASSERT_TRUE(app_->db().Write([&](soci::session& sql) -> Result<void> {
      db::SqlArgs q;
      db::Exec(sql,
               fmt::format("INSERT INTO exam_qualifications (bureau_id, person_id, level, obtained_at, valid_until, "
                           "created_at) VALUES ({}, {}, {}, {}, {}, {})",
                           q.Int(bureau_), q.Int(person), q.Str(level), q.Int(LocalMidnight(from)),
                           q.Int(LocalMidnight(until)), q.Int(kStart)),
               q);
      return {};
    }));
  };
  qualify(person_a2_, "basic", {2020, 1, 1}, {2022, 12, 31});
  qualify(person_a2_, "intermediate", {2021, 3, 1}, {2026, 6, 30});
  qualify(expired, "basic", {2020, 1, 1}, {2023, 5, 19});  // 有效期至 the day before 受案
  qualify(later, "basic", {2023, 5, 21}, {2026, 5, 20});   // obtained the day after
  qualify(aux, "basic", {2020, 1, 1}, {2026, 1, 1});

  auto created = a.Post("/api/cases", nlohmann::json{{"case_type", "criminal"},
                                                     {"cause", "盗窃罪"},
                                                     {"unit_id", team_a_},
                                                     {"lead_officer_id", person_a_},
                                                     {"assist_officer_ids", {person_a2_, expired, later, aux}},
                                                     {"accepted_at", "2023-05-20 23:30"},
                                                     {"external_id", "A-QUAL-1"}});
  ASSERT_EQ(created.status, 201) << created.body;
  // The create answer carries it too.
  EXPECT_EQ(created.json["lead_officer"]["qualification"]["status"], "none") << created.body;
  page = a.Get("/api/cases/" + created.json["id"].dump());
  ASSERT_EQ(page.status, 200) << page.body;
  const auto& lead = page.json["lead_officer"]["qualification"];
  EXPECT_EQ(lead["status"], "none");
  EXPECT_EQ(lead["status_name"], "未登记");
  EXPECT_EQ(lead["day"], "2023-05-20");
  EXPECT_TRUE(lead["valid_until"].is_null());
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& o : page.json["assist_officers"]) by_name[o["name"].get<std::string>()] = o["qualification"];
  ASSERT_EQ(by_name.size(), 4u) << page.body;
  EXPECT_EQ(by_name["李强"]["status"], "valid");
  EXPECT_EQ(by_name["李强"]["status_name"], "有效");
  EXPECT_EQ(by_name["李强"]["level_name"], "中级");  // the highest held that day
  EXPECT_EQ(by_name["李强"]["obtained_on"], "2021-03-01");
  EXPECT_EQ(by_name["李强"]["valid_until"], "2026-06-30");
  EXPECT_EQ(by_name["李强"]["text"], "中级，2021-03-01 取得，有效期至 2026-06-30");
  EXPECT_EQ(by_name["钱过期"]["status"], "expired");
  EXPECT_EQ(by_name["钱过期"]["status_name"], "已过期");
  EXPECT_EQ(by_name["钱过期"]["text"], "已于 2023-05-19 到期");
  EXPECT_EQ(by_name["孙新训"]["status"], "not_yet");
  EXPECT_EQ(by_name["孙新训"]["status_name"], "尚未取得");
  EXPECT_EQ(by_name["孙新训"]["text"], "2023-05-21 方取得");
  EXPECT_TRUE(by_name["周辅警"].is_null()) << by_name["周辅警"].dump();  // 辅警 are not judged

  // Another unit's officer: the case (and so the qualifications) is not found.
  Client b = SignedInCases("officer_b");
  auto other = b.Get("/api/cases/" + created.json["id"].dump());
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(other.body.find("qualification"), std::string::npos);
}

TEST_F(CaseHttpTest, PiiIsMaskedUnlessThePermissionAllows) {
  Client a = SignedInCases("officer_a");
  const std::int64_t id = CreateCase(a, team_a_, person_a_);
  ASSERT_EQ(a.Post("/api/cases/" + std::to_string(id) + "/persons",
                   nlohmann::json{{"role", "victim"}, {"name", "乙"}, {"id_number", "11010519491231002X"}})
                .status,
            201);
  auto masked = a.Get("/api/cases/" + std::to_string(id));
  EXPECT_EQ(masked.json["persons"][0]["id_number"], "1101**********002X");
  Client leader = SignedInCases("leader");
  auto plain = leader.Get("/api/cases/" + std::to_string(id));
  ASSERT_EQ(plain.status, 200) << plain.body;
  EXPECT_EQ(plain.json["persons"][0]["id_number"], "11010519491231002X");
  EXPECT_EQ(plain.json["persons"][0]["pii_masked"], false);
}

TEST_F(CaseHttpTest, ImportCheckCommitAndIdempotentReimport) {
  Client legal = SignedInCases("legal");
  const std::string cases_csv =
      "案件编号,案件类型,案由,办案单位,主办民警警号,法制员警号,受案时间\n"
      "A-IMP-1,刑事,盗窃罪,东街派出所,140001,140201,2023-05-01 10:00\n"
      "A-IMP-2,刑事,诈骗罪,东街派出所,999999,,2023-05-01 10:00\n";
  auto check = Upload(legal, "/api/import/cases?mode=check", "cases.csv", cases_csv);
  ASSERT_EQ(check.status, 200) << check.body;
  EXPECT_EQ(check.json["committed"], false);
  ASSERT_EQ(check.json["errors"].size(), 1u);
  EXPECT_EQ(check.json["errors"][0]["row"], 3);
  EXPECT_EQ(check.json["errors"][0]["column"], "主办民警警号");
  auto commit = Upload(legal, "/api/import/cases?mode=commit", "cases.csv", cases_csv);
  ASSERT_EQ(commit.status, 200);
  EXPECT_EQ(commit.json["committed"], false);
  EXPECT_EQ(legal.Get("/api/cases").json["total"], 0);

  const std::string good = cases_csv.substr(0, cases_csv.rfind("A-IMP-2"));
  commit = Upload(legal, "/api/import/cases?mode=commit", "cases.csv", good);
  ASSERT_EQ(commit.status, 200) << commit.body;
  EXPECT_EQ(commit.json["committed"], true);
  EXPECT_EQ(commit.json["created"], 1);
  auto again = Upload(legal, "/api/import/cases?mode=commit", "cases.csv", good);
  EXPECT_EQ(again.json["created"], 0);
  EXPECT_EQ(again.json["unchanged"], 1);
  EXPECT_EQ(legal.Get("/api/cases").json["total"], 1);

  // Events for an unknown case are row errors; good events commit; the async path reports progress.
  const std::string events =
      "{\"case\":\"A-IMP-1\",\"external_id\":\"1\",\"type\":\"file_case\",\"time\":\"2023-05-02 09:00\"}\n"
      "{\"case\":\"A-NONE\",\"external_id\":\"2\",\"type\":\"file_case\",\"time\":\"2023-05-02 09:00\"}\n";
  auto bad = Upload(legal, "/api/import/events?mode=commit", "e.jsonl", events);
  ASSERT_EQ(bad.status, 200) << bad.body;
  ASSERT_EQ(bad.json["errors"].size(), 1u);
  EXPECT_EQ(bad.json["errors"][0]["row"], 2);
  auto job =
      Upload(legal, "/api/import/events?mode=commit&async=1", "e.jsonl", events.substr(0, events.find('\n') + 1));
  ASSERT_EQ(job.status, 202) << job.body;
  const std::string job_path = "/api/import/jobs/" + job.json["id"].get<std::string>();
  Response state;
  for (int i = 0; i < 200; ++i) {
    state = legal.Get(job_path);
    if (state.json.value("state", "") == "done" || state.json.value("state", "") == "failed") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(state.json["state"], "done") << state.body;
  EXPECT_EQ(state.json["report"]["created"], 1);
  EXPECT_EQ(state.json["processed"], state.json["total"]);
  Client other = SignedInCases("officer_a");
  EXPECT_EQ(other.Get(job_path).status, 404);

  auto bad_kind = Upload(legal, "/api/import/spaceships?mode=check", "x.csv", "a\n");
  EXPECT_EQ(bad_kind.status, 400);
  auto tmpl = legal.Get("/api/import/events/template?format=csv");
  ASSERT_EQ(tmpl.status, 200);
  EXPECT_NE(tmpl.body.find("事件类型"), std::string::npos);
}

TEST_F(CaseHttpTest, MetaListsTheVocabulary) {
  Client a = SignedInCases("officer_a");
  auto meta = a.Get("/api/cases/meta");
  ASSERT_EQ(meta.status, 200) << meta.body;
  EXPECT_EQ(meta.json["event_types"].size(), static_cast<std::size_t>(supervision::kEventTypeCount));
  EXPECT_FALSE(meta.json["transitions"].empty());
  EXPECT_EQ(meta.json["statuses"]["criminal"][0]["name"], "受案");
}

}  // namespace
}  // namespace fazhi::testing
