// 三级执法巡查 (issue 12 items 1–3): checklists as versioned data with their refusals, plans and the
// tasks they generate with a seeded sample of real records (re-drawn identically; a target without
// records says so), judging item by item, findings entering the 督办 loop and the points ledger,
// the bulletin section, overdue alerts, the roll-up and its XLSX — through the service and over real
// HTTP (400/403/404, out of scope answered like nonexistent). Runs on SQLite and, with
// FAZHI_TEST_DB=postgresql://…, on PostgreSQL.
#include <gtest/gtest.h>

#include "auth/roles.h"
#include "core/local_time.h"
#include "db/sql.h"
#include "http/http_fixture.h"
#include "inspections/inspections_module.h"
#include "inspections/inspections_sources.h"
#include "org/org_reads.h"

namespace fazhi::testing {
namespace {

using nlohmann::json;

EpochSeconds Local(int y, int m, int d, int hour = 10) { return LocalMidnight(CivilDate{y, m, d}) + hour * 3600; }

class InspectionsTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    legal_ = seed::Unit(app_->db(), bureau_, "法制大队", "team", kStart, "法制大队");
    AddUser("fazhi", "legal_officer", legal_);
    AddUser("xuncha", "inspector", bureau_);
    AddUser("leader", "leader", bureau_);
    other_bureau_ = AddUnit(city_, "郊区分局", "bureau");
    other_team_ = AddUnit(other_bureau_, "郊区派出所", "team");
    officer1_ = AddPerson(team_a_, "民警甲", "A001");
    officer2_ = AddPerson(team_a_, "民警乙", "A002");
    AddPerson(team_b_, "民警丙", "B001");
    // The responsible officer signs in to answer (整改).
    static const std::string hash = auth::HashPassword(kPassword);
    seed::User(app_->db(), "jia", hash, team_a_, "case_officer", kStart, officer1_);
    // 东街派出所 has December 2025 incidents and cases (the four weeks before the period of
    // 2025-12-29); 西街派出所 has none.
    for (int i = 0; i < 5; ++i) {
      Exec(
          fmt::format("INSERT INTO incidents (bureau_id, unit_id, external_id, received_at, category, officer_id, "
                      "created_at, updated_at) VALUES ({}, {}, 'J{}', {}, '纠纷', {}, {}, {})",
                      bureau_, team_a_, i, Local(2025, 12, 3 + i), officer1_, kStart, kStart));
      Exec(
          fmt::format("INSERT INTO cases (bureau_id, unit_id, external_id, case_type, cause, title, status, "
                      "lead_officer_id, accepted_at, created_at, updated_at) VALUES ({}, {}, 'A{}', 'criminal', "
                      "'盗窃', '盗窃案{}', 'open', {}, {}, {}, {})",
                      bureau_, team_a_, i, i, i % 2 ? officer1_ : officer2_, Local(2025, 12, 10 + i), kStart, kStart));
    }
    // An incident of the other bureau, which no task of this bureau may draw.
    Exec(
        fmt::format("INSERT INTO incidents (bureau_id, unit_id, external_id, received_at, category, created_at, "
                    "updated_at) VALUES ({}, {}, 'JX', {}, '纠纷', {}, {})",
                    other_bureau_, other_team_, Local(2025, 12, 5), kStart, kStart));
  }

  void Exec(const std::string& q) {
    ASSERT_TRUE(app_->db().Write([&](soci::session& sql) -> Result<void> {
      db::Exec(sql, q);
      return {};
    }));
  }
  std::int64_t Count(const std::string& q) {
    return app_->db().Read([&](soci::session& sql) { return db::ScalarInt(sql, q).value_or(0); });
  }
  inspections::InspectionService& Service() {
    return app_->modules().Find<inspections::InspectionsModule>()->service();
  }

  // A bureau_team plan of 城区分局 over incidents and 受立案, generated for the week of kStart.
  json PlanAndTasks(Client& c) {
    auto plan = c.Post("/api/inspections/plans",
                       json{{"unit_id", bureau_}, {"level", "bureau_team"}, {"domains", {"incident", "filing"}}});
    EXPECT_EQ(plan.status, 201) << plan.body;
    plan_id_ = plan.json["id"].get<std::int64_t>();
    auto gen = c.Post(fmt::format("/api/inspections/plans/{}/generate", plan_id_), json::object());
    EXPECT_EQ(gen.status, 201) << gen.body;
    return gen.json;
  }
  std::int64_t TaskOf(const json& generated, std::int64_t unit) {
    for (const auto& t : generated["items"])
      if (t["target_unit_id"] == unit) return t["id"].get<std::int64_t>();
    return 0;
  }
  // Every item of the task passed except incident/bodycam (failed on the first incident drawn).
  json AllResults(const json& task, bool fail_one) {
    json results = json::array();
    for (const auto& c : task["checklists"])
      for (const auto& item : c["items"]) {
        json r = {{"domain", c["domain"]}, {"item_key", item["key"]}, {"passed", true}};
        if (fail_one && c["domain"] == "incident" && item["key"] == "bodycam") {
          r["passed"] = false;
          r["note"] = "执法记录仪视频缺失约 5 分钟";
          for (const auto& s : task["samples"])
            if (s["domain"] == "incident") r["sample_id"] = s["id"];
        }
        results.push_back(r);
      }
    return results;
  }

  std::int64_t legal_ = 0, other_bureau_ = 0, other_team_ = 0, officer1_ = 0, officer2_ = 0, plan_id_ = 0;
};

TEST_F(InspectionsTest, ChecklistsAreVersionedDataAndBadOnesAreRefused) {
  Client fz = SignedIn("fazhi");
  auto lists = fz.Get("/api/inspections/checklists");
  ASSERT_EQ(lists.status, 200) << lists.body;
  ASSERT_EQ(lists.json["items"].size(), 4u);
  EXPECT_EQ(lists.json["items"][0]["domain_name"], "接处警");

  auto empty = fz.Put("/api/inspections/checklists/incident", json{{"items", json::array()}});
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(empty.Code(), "empty_checklist") << empty.body;
  auto negative = fz.Put("/api/inspections/checklists/incident",
                         json{{"items", {{{"text", "记录仪"}, {"weight", 2}}, {{"text", "反馈"}, {"weight", -1}}}}});
  EXPECT_EQ(negative.status, 400);
  EXPECT_EQ(negative.Code(), "negative_weight");
  EXPECT_NE(negative.Message().find("不能为负数"), std::string::npos);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM inspection_checklists"), 0);  // nothing changed
  EXPECT_EQ(fz.Put("/api/inspections/checklists/nosuch", json{{"items", {{{"text", "x"}, {"weight", 1}}}}}).status,
            400);

  auto saved = fz.Put("/api/inspections/checklists/incident",
                      json{{"items", {{{"text", "执法记录仪全程记录"}, {"method", "调阅视频"}, {"weight", 3}}}}});
  ASSERT_EQ(saved.status, 200) << saved.body;
  EXPECT_EQ(saved.json["version"], 2);  // the built-in list became version 1
  auto versions = fz.Get("/api/inspections/checklists/incident/versions");
  EXPECT_EQ(versions.json["items"].size(), 2u);

  // Only the 法制 role edits; a 巡查员 or 办案民警 is refused.
  EXPECT_EQ(SignedIn("xuncha").Put("/api/inspections/checklists/incident", json{{"items", json::array()}}).status, 403);
  EXPECT_EQ(SignedIn("officer_a").Get("/api/inspections/checklists").status, 403);
  // A 派出所's 法制员 holds inspection.manage for his unit's plans, not for the checklists every
  // inspection uses.
  AddUser("pcs_fazhi", "legal_officer", team_a_);
  auto team_level =
      SignedIn("pcs_fazhi")
          .Put("/api/inspections/checklists/incident", json{{"items", {{{"text", "记录仪"}, {"weight", 1}}}}});
  EXPECT_EQ(team_level.status, 403) << team_level.body;
  EXPECT_EQ(team_level.Code(), "bureau_level_required");
  EXPECT_EQ(fz.Get("/api/inspections/checklists/incident/versions").json["items"].size(), 2u);
}

TEST_F(InspectionsTest, PlansGenerateTasksWithASeededSampleOfRealRecords) {
  Client fz = SignedIn("fazhi");
  const json gen = PlanAndTasks(fz);
  ASSERT_EQ(gen["created"], 2);  // 东街, 西街; the 法制大队 inspects, it is not inspected
  const std::int64_t east = TaskOf(gen, team_a_), west = TaskOf(gen, team_b_);
  ASSERT_GT(east, 0);
  auto task = fz.Get(fmt::format("/api/inspections/tasks/{}", east)).json;
  EXPECT_EQ(task["samples"].size(), 4u);  // two incidents, two cases
  for (const auto& s : task["samples"])
    EXPECT_NE(s["label"].get<std::string>().find(s["domain"] == "incident" ? "J" : "A"), std::string::npos);
  auto redraw = fz.Get(fmt::format("/api/inspections/tasks/{}/redraw", east));
  ASSERT_EQ(redraw.status, 200);
  EXPECT_TRUE(redraw.json["identical"].get<bool>());
  // 西街 has no records: the task says so plainly.
  auto wtask = fz.Get(fmt::format("/api/inspections/tasks/{}", west)).json;
  EXPECT_EQ(wtask["samples"].size(), 0u);
  ASSERT_EQ(wtask["empty_notes"].size(), 2u);
  EXPECT_NE(wtask["empty_notes"][0].get<std::string>().find("西街派出所在"), std::string::npos);
  EXPECT_NE(wtask["empty_notes"][0].get<std::string>().find("没有接处警记录"), std::string::npos);
  // Generating again adds nothing.
  EXPECT_EQ(fz.Post(fmt::format("/api/inspections/plans/{}/generate", plan_id_), json::object()).json["created"], 0);

  // Out of scope is answered exactly like nonexistent.
  auto foreign = fz.Post("/api/inspections/tasks", json{{"plan_id", plan_id_}, {"target_unit_id", other_team_}});
  auto missing = fz.Post("/api/inspections/tasks", json{{"plan_id", plan_id_}, {"target_unit_id", 999999}});
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(foreign.Message(), missing.Message());
  auto foreign_plan = fz.Post("/api/inspections/plans",
                              json{{"unit_id", other_bureau_}, {"level", "bureau_team"}, {"domains", {"incident"}}});
  EXPECT_EQ(foreign_plan.status, 404);
  auto mismatch =
      fz.Post("/api/inspections/plans", json{{"unit_id", team_a_}, {"level", "bureau_team"}, {"domains", {"area"}}});
  EXPECT_EQ(mismatch.status, 400);
  EXPECT_EQ(mismatch.Code(), "level_mismatch");
  EXPECT_EQ(SignedIn("officer_b").Get(fmt::format("/api/inspections/tasks/{}", east)).status, 403);
  EXPECT_EQ(SignedIn("xuncha").Post("/api/inspections/plans", json{{"unit_id", bureau_}}).status, 403);
  EXPECT_EQ(fz.Get("/api/inspections/tasks/abc").status, 400);

  // The sample is the same whatever order the records come in.
  std::vector<cases::RecordRef> recs;
  for (int i = 1; i <= 30; ++i) recs.push_back({.kind = "case", .id = i, .label = {}, .at = 0, .officer_id = {}});
  auto a = inspections::Draw(recs, 12345, 3);
  std::reverse(recs.begin(), recs.end());
  auto b = inspections::Draw(recs, 12345, 3);
  ASSERT_EQ(a.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(a[i].id, b[i].id);
}

TEST_F(InspectionsTest, AnInspectorJudgesAndAFailedItemEntersTheSupervisionLoop) {
  Client fz = SignedIn("fazhi");
  const std::int64_t east = TaskOf(PlanAndTasks(fz), team_a_);
  Client xc = SignedIn("xuncha");
  const json task = xc.Get(fmt::format("/api/inspections/tasks/{}", east)).json;
  auto mine = xc.Get("/api/inspections/tasks?mine=true&status=open");
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(mine.json["total"], 2);

  const std::string url = fmt::format("/api/inspections/tasks/{}/results", east);
  // A failed item needs a note; a submission needs every item; nothing is stored on an error.
  json bad = AllResults(task, true);
  for (auto& r : bad)
    if (!r["passed"].get<bool>()) r.erase("note");
  EXPECT_EQ(xc.Put(url, json{{"results", bad}, {"submit", true}}).Code(), "note_required");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM inspection_results"), 0);
  json partial = json::array({AllResults(task, false)[0]});
  auto incomplete = xc.Put(url, json{{"results", partial}, {"submit", true}});
  EXPECT_EQ(incomplete.status, 400);
  EXPECT_EQ(incomplete.Code(), "incomplete");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM inspection_results"), 0);
  EXPECT_EQ(xc.Put(url, json{{"results", {{{"domain", "incident"}, {"item_key", "nosuch"}, {"passed", true}}}}}).Code(),
            "unknown_item");
  // Someone of the inspected unit may not judge it.
  EXPECT_EQ(SignedIn("jia").Put(url, json{{"results", partial}}).status, 403);

  // Save a draft, attach evidence, then submit.
  auto draft = xc.Put(url, json{{"results", AllResults(task, true)}});
  ASSERT_EQ(draft.status, 200) << draft.body;
  std::int64_t failed_result = 0;
  for (const auto& r : draft.json["results"])
    if (!r["passed"].get<bool>()) failed_result = r["id"].get<std::int64_t>();
  ASSERT_GT(failed_result, 0);
  auth::Principal inspector;
  inspector.user_id = 1;
  inspector.username = "xuncha";
  inspector.permissions = auth::PermissionsOf({"inspector"});
  inspector.unit_id = bureau_;
  inspector.unit_path = app_->db().Read([&](soci::session& sql) { return org::ReadUnit(sql, bureau_)->path; });
  const auto files = Service().AttachFiles(inspector, {}, east, failed_result,
                                           {{"截图.txt", "text/plain", "记录仪视频 10:02 至 10:07 缺失"}});
  ASSERT_TRUE(files) << files.error().message;
  ASSERT_EQ(files->size(), 1u);
  auto file = xc.Get(fmt::format("/api/inspections/files/{}", files->front().id));
  EXPECT_EQ(file.status, 200);
  EXPECT_EQ(file.body, "记录仪视频 10:02 至 10:07 缺失");
  EXPECT_EQ(SignedIn("officer_b").Get(fmt::format("/api/inspections/files/{}", files->front().id)).status, 403);
  auto done = xc.Put(url, json{{"results", AllResults(task, true)}, {"submit", true}});
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.json["status"], "done");
  EXPECT_EQ(done.json["findings"], 1);
  EXPECT_EQ(xc.Put(url, json{{"results", partial}}).status, 409);

  auto findings = fz.Get("/api/inspections/findings");
  ASSERT_EQ(findings.json["total"], 1);
  const json f = findings.json["items"][0];
  EXPECT_EQ(f["domain_name"], "接处警");
  EXPECT_EQ(f["person_id"], officer1_);  // the officer of the sampled incident
  ASSERT_TRUE(f["order_id"].is_number());
  const std::int64_t order = f["order_id"].get<std::int64_t>();
  // The 督办 is the shared loop's: the officer answers (整改); the inspecting side re-inspects (复查).
  Client ld = SignedIn("leader");
  auto o = ld.Get(fmt::format("/api/supervision-orders/{}", order));
  ASSERT_EQ(o.status, 200) << o.body;
  EXPECT_EQ(o.json["source"], "inspection");
  EXPECT_TRUE(o.json["title"].get<std::string>().starts_with("巡查问题：接处警·执法记录仪全程记录并按规定上传"));
  EXPECT_FALSE(o.json["reviewed_by"].get<std::string>().empty());
  const std::string recheck = fmt::format("/api/inspections/findings/{}/recheck", f["id"].get<std::int64_t>());
  // Nothing to re-inspect before the officer has answered.
  EXPECT_EQ(xc.Post(recheck, json{{"passed", true}}).Code(), "invalid_transition");
  Client jia = SignedIn("jia");
  const std::string answer = fmt::format("/api/supervision-orders/{}/answer", order);
  ASSERT_EQ(jia.Post(answer, json{{"text", "已补传视频"}}).status, 200);
  // A re-inspection confirms it: the 督办 page's close is not the way, even for a 局领导.
  auto page_close = ld.Post(fmt::format("/api/supervision-orders/{}/close", order), json{{"note", "复查通过"}});
  EXPECT_EQ(page_close.status, 409);
  EXPECT_EQ(page_close.Code(), "reviewed_by_source");
  // The officer himself, and an inspector outside the inspecting bureau, may not re-inspect.
  EXPECT_EQ(jia.Post(recheck, json{{"passed", true}}).status, 403);
  seed::User(app_->db(), "other_inspector", auth::HashPassword(kPassword), other_bureau_, "inspector", kStart);
  EXPECT_EQ(SignedIn("other_inspector").Post(recheck, json{{"passed", true}}).status, 404);
  // Not passed: a note is required; then the 督办 goes back to the officer with a new deadline.
  EXPECT_EQ(xc.Post(recheck, json{{"passed", false}}).Code(), "note_required");
  auto again = xc.Post(recheck, json{{"passed", false}, {"note", "补传视频仍缺 10:05 一段"}});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json["order_status"], "returned");
  EXPECT_EQ(again.json["rechecks"], 1);
  EXPECT_EQ(again.json["last_recheck_passed"], false);
  EXPECT_TRUE(again.json["closed_at"].is_null());
  EXPECT_EQ(Count(fmt::format("SELECT deadline FROM supervision_orders WHERE id = {}", order)),
            again.json["recheck_history"][0]["new_deadline"].get<std::int64_t>());
  ASSERT_EQ(jia.Post(answer, json{{"text", "已补传 10:05 一段"}}).status, 200);
  auto passed = xc.Post(recheck, json{{"passed", true}, {"note", "整改到位"}});
  ASSERT_EQ(passed.status, 200) << passed.body;
  EXPECT_EQ(passed.json["order_status"], "closed");
  EXPECT_EQ(passed.json["on_time"], true);
  EXPECT_EQ(passed.json["recheck_history"].size(), 2u);
  EXPECT_FALSE(passed.json["recheck_history"][1]["checked_by_name"].get<std::string>().empty());
  EXPECT_EQ(Count(fmt::format("SELECT on_time FROM inspection_findings WHERE order_id = {}", order)), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'inspection.recheck'"), 2);
  auto steps = ld.Get(fmt::format("/api/supervision-orders/{}", order)).json["steps"];
  EXPECT_EQ(steps.back()["action"], "close");
  EXPECT_EQ(steps.back()["note"], "复查通过：整改到位");
  EXPECT_EQ(xc.Post(recheck, json{{"passed", true}}).Code(), "invalid_transition");
  // The findings list filters the ones awaiting 复查, and opens one by id.
  EXPECT_EQ(xc.Get("/api/inspections/findings?awaiting_recheck=true").json["total"], 0);
  EXPECT_EQ(xc.Get(fmt::format("/api/inspections/findings?id={}", f["id"].get<std::int64_t>())).json["total"], 1);
  // Another station's officer sees neither the task nor the finding.
  seed::User(app_->db(), "west_inspector", auth::HashPassword(kPassword), team_b_, "inspector", kStart);
  Client west = SignedIn("west_inspector");
  EXPECT_EQ(west.Get(fmt::format("/api/inspections/tasks/{}", east)).status, 404);
  EXPECT_EQ(west.Get("/api/inspections/findings").json["total"], 0);

  // Points: one deduction fact for the officer, in the month it was found.
  auto source = inspections::MakeLedgerSource();
  std::vector<points::RawFact> facts;
  const auto month = points::MakeMonthScope(bureau_, {2026, 1}, kStart + 40 * 86400);
  ASSERT_TRUE(app_->db().Read([&](soci::session& sql) { return source->Collect(sql, month, facts); }));
  ASSERT_EQ(facts.size(), 1u);
  EXPECT_EQ(facts[0].act, "inspection_finding");
  EXPECT_EQ(facts[0].officers[0].person_id, officer1_);
  EXPECT_EQ(facts[0].units, 3);  // the bodycam item's 分值
  // Bulletins: the section of the period.
  auto section = inspections::MakeBulletinSection();
  const auto period = kit::MakeBulletinPeriod(2026, 1, false);
  auto s = app_->db().Read([&](soci::session& sql) {
    return section->Compute(sql, kit::MakeBulletinPeriod(2025, 12, false),
                            {.bureau_id = bureau_, .unit_path = "/", .unit_name = "城区分局", .anonymise = true});
  });
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->has_data);  // the tasks' period started 2025-12-29
  EXPECT_EQ(s->figures[0].value, 2);
  auto jan = app_->db().Read([&](soci::session& sql) {
    return section->Compute(sql, period, {.bureau_id = bureau_, .unit_path = "/", .unit_name = "x", .anonymise = true});
  });
  ASSERT_TRUE(jan);
  EXPECT_EQ(jan->figures[2].value, 1);  // the finding, found in January
}

TEST_F(InspectionsTest, OverdueTasksAlertOnceAndTheRollUpExports) {
  Client fz = SignedIn("fazhi");
  const json gen = PlanAndTasks(fz);
  EXPECT_EQ(Service().NotifyOverdue(), 0);
  clock_->Set(kStart + 10 * 86400);
  EXPECT_EQ(Service().NotifyOverdue(), 2);
  EXPECT_EQ(Service().NotifyOverdue(), 0);
  EXPECT_GE(Count("SELECT COUNT(*) FROM notifications WHERE kind = 'inspection_overdue'"), 2);
  Client again = SignedIn("fazhi");  // ten days later: a new session
  EXPECT_EQ(again.Get("/api/inspections/tasks?status=overdue").json["total"], 2);

  auto r = again.Get(fmt::format("/api/inspections/rollup?unit_id={}&from=2025-12-01&to=2026-01-31", bureau_));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["total"]["tasks"], 2);
  EXPECT_EQ(r.json["rows"].size(), 2u);
  EXPECT_EQ(r.json["weeks"][0]["week"], "2025-12-29");
  auto x = again.Get(fmt::format("/api/inspections/rollup.xlsx?unit_id={}&from=2025-12-01&to=2026-01-31", bureau_));
  ASSERT_EQ(x.status, 200);
  EXPECT_NE(x.headers.find("Content-Type")->second.find("spreadsheetml"), std::string::npos);
  EXPECT_EQ(again.Get(fmt::format("/api/inspections/rollup?unit_id={}", other_bureau_)).status, 404);
  EXPECT_EQ(again.Get("/api/inspections/rollup?from=2026-02-01&to=2026-01-01").status, 400);
  EXPECT_EQ(SignedIn("officer_a").Get("/api/inspections/rollup").status, 403);
}

}  // namespace
}  // namespace fazhi::testing
