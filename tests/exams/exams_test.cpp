// 考试 (issue 14 items 2 and 3) over real HTTP on SQLite and, with FAZHI_TEST_DB=postgresql://…, on
// PostgreSQL: the bank and its refusals, a paper rule asking for more questions than the bank holds
// (400 naming the rule, nothing stored), an exam taken against the server clock (resume after a
// reload, the older tab refused, answers after the end refused, idempotent saves), auto-marking,
// the short answer marked anonymously by a second person, results, analysis, 执法资格, and scope
// (out of reach answered like nonexistent).
#include <gtest/gtest.h>

#include "db/sql.h"
#include "exams/exams_module.h"
#include "exams/exams_reads.h"
#include "http/http_fixture.h"

namespace fazhi::testing {
namespace {

using nlohmann::json;

class ExamsTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    legal_ = seed::Unit(app_->db(), bureau_, "法制大队", "team", kStart, "法制大队");
    AddUser("fazhi", "legal_officer", legal_);
    marker_person_ = AddPerson(legal_, "阅卷人", "900001");
    seed::User(app_->db(), "yuejuan", auth::HashPassword(kPassword), legal_, "legal_officer", kStart, marker_person_);
    person_a_ = AddPerson(team_a_, "考生甲", "100001");
    seed::User(app_->db(), "kaosheng", auth::HashPassword(kPassword), team_a_, "case_officer", kStart, person_a_);
    person_b_ = AddPerson(team_b_, "考生乙", "100002");
    seed::User(app_->db(), "kaosheng_b", auth::HashPassword(kPassword), team_b_, "case_officer", kStart, person_b_);
    // A second bureau whose manager must not reach ours.
    other_ = AddUnit(city_, "郊区分局", "bureau");
    AddUser("other_mgr", "legal_officer", other_);
  }

  void Bank(Client& c) {
    for (int i = 0; i < 6; ++i) {
      auto r = c.Post("/api/exams/questions", json{{"topic", "《治安管理处罚法》"},
                                                   {"kind", "single"},
                                                   {"stem", fmt::format("单选题 {}", i)},
                                                   {"options", {"甲", "乙", "丙", "丁"}},
                                                   {"answer", "b"}});
      ASSERT_EQ(r.status, 201) << r.body;
    }
    auto j = c.Post("/api/exams/questions",
                    json{{"topic", "《治安管理处罚法》"}, {"kind", "judge"}, {"stem", "判断题"}, {"answer", "对"}});
    ASSERT_EQ(j.status, 201) << j.body;
    auto s = c.Post("/api/exams/questions",
                    json{{"topic", "《刑事诉讼法》"}, {"kind", "short"}, {"stem", "简答题"}, {"answer", "参考答案"}});
    ASSERT_EQ(s.status, 201) << s.body;
  }

  std::int64_t MakeExam(Client& c, int duration = 30) {
    auto p = c.Post("/api/exams/papers",
                    json{{"title", "测试卷"},
                         {"rules",
                          {{{"topic", "《治安管理处罚法》"}, {"kind", "single"}, {"count", 4}, {"score", 20}},
                           {{"topic", "《治安管理处罚法》"}, {"kind", "judge"}, {"count", 1}, {"score", 10}},
                           {{"topic", "《刑事诉讼法》"}, {"kind", "short"}, {"count", 1}, {"score", 10}}}}});
    EXPECT_EQ(p.status, 201) << p.body;
    EXPECT_EQ(p.json["total_score"], 100);
    auto e = c.Post("/api/exams", json{{"paper_id", p.json["id"]},
                                       {"title", "法制夜校测试"},
                                       {"category", "night_school"},
                                       {"opens_at", kStart},
                                       {"closes_at", kStart + 3600},
                                       {"duration_minutes", duration},
                                       {"pass_score", 60},
                                       {"retakes", 1},
                                       {"unit_ids", {team_a_}},
                                       {"person_ids", {marker_person_}}});
    EXPECT_EQ(e.status, 201) << e.body;
    EXPECT_EQ(e.json["examinees"], 2);
    return e.json["id"];
  }

  Response Save(Client& c, const json& attempt, int position, const std::string& answer,
                const std::string& token = "") {
    return c.Put(
        fmt::format("/api/exams/attempts/{}/answers/{}", attempt["id"].get<std::int64_t>(), position),
        json{{"tab_token", token.empty() ? attempt["tab_token"].get<std::string>() : token}, {"answer", answer}});
  }

  std::int64_t Count(const std::string& q) {
    return app_->db().Read([&](soci::session& sql) { return db::ScalarInt(sql, q).value_or(0); });
  }

  std::int64_t legal_ = 0, other_ = 0, person_a_ = 0, person_b_ = 0, marker_person_ = 0;
};

TEST_F(ExamsTest, BankRefusesBadQuestionsAndPaperRuleAskingTooMuch) {
  auto mgr = SignedIn("fazhi");
  Bank(mgr);
  auto bad = mgr.Post(
      "/api/exams/questions",
      json{{"topic", "《刑法》"}, {"kind", "single"}, {"stem", "x"}, {"options", {"甲", "乙"}}, {"answer", "C"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Code(), "invalid_answer");
  auto list = mgr.Get("/api/exams/questions?kind=single");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json["total"], 6);
  EXPECT_EQ(list.json["items"][0]["answer"], "B");  // normalised
  const std::int64_t papers = Count("SELECT COUNT(*) FROM exam_papers");
  auto p = mgr.Post("/api/exams/papers",
                    json{{"title", "过多"},
                         {"rules",
                          {{{"topic", "《治安管理处罚法》"}, {"kind", "single"}, {"count", 2}, {"score", 5}},
                           {{"topic", "《治安管理处罚法》"}, {"kind", "judge"}, {"count", 3}, {"score", 5}}}}});
  EXPECT_EQ(p.status, 400) << p.body;
  EXPECT_EQ(p.Code(), "not_enough_questions");
  EXPECT_NE(p.Message().find("第 2 条规则"), std::string::npos) << p.Message();
  EXPECT_NE(p.Message().find("只有 1 道"), std::string::npos) << p.Message();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM exam_papers"), papers);
  // Permissions and scope: an officer may not manage; another bureau's manager sees an empty bank.
  auto officer = SignedIn("kaosheng");
  EXPECT_EQ(officer.Get("/api/exams/questions").status, 403);
  auto other = SignedIn("other_mgr");
  EXPECT_EQ(other.Get("/api/exams/questions").json["total"], 0);
  const std::int64_t qid = list.json["items"][0]["id"];
  EXPECT_EQ(other.Get(fmt::format("/api/exams/questions/{}", qid)).status, 404);
  EXPECT_EQ(mgr.Get(fmt::format("/api/exams/questions/{}", qid)).status, 200);
}

TEST_F(ExamsTest, TakeResumeTwoTabsEndTimeMarkingAndResults) {
  auto mgr = SignedIn("fazhi");
  Bank(mgr);
  const std::int64_t exam = MakeExam(mgr, 10);
  auto taker = SignedIn("kaosheng");
  auto mine = taker.Get("/api/exams/mine");
  ASSERT_EQ(mine.status, 200) << mine.body;
  ASSERT_EQ(mine.json["items"].size(), 1u);
  EXPECT_EQ(mine.json["items"][0]["state"], "available");
  auto open = taker.Post(fmt::format("/api/exams/{}/open", exam), json::object());
  ASSERT_EQ(open.status, 200) << open.body;
  json a = open.json;
  EXPECT_EQ(a["ends_at"], kStart + 10 * 60);
  ASSERT_EQ(a["items"].size(), 6u);
  EXPECT_FALSE(a["items"][0].contains("reference"));  // no right answers while open
  // Answer every objective question right (looked up in the bank by the displayed options).
  int short_pos = 0;
  for (const auto& it : a["items"]) {
    const int pos = it["position"];
    std::string ans;
    if (it["kind"] == "single")
      for (std::size_t k = 0; k < it["options"].size(); ++k)
        if (it["options"][k] == "乙") ans = std::string(1, static_cast<char>('A' + k));
    if (it["kind"] == "judge") ans = "T";
    if (it["kind"] == "short") {
      short_pos = pos;
      ans = "我的简答";
    }
    auto r = Save(taker, a, pos, ans);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json["version"], 1);
  }
  // The same answer again changes nothing (idempotent).
  auto again = Save(taker, a, short_pos, "我的简答");
  EXPECT_EQ(again.json["version"], 1);
  // A bad answer: 400, nothing changed.
  EXPECT_EQ(Save(taker, a, 1, "Z").status, 400);
  // A reload (second tab) resumes with the answers and takes the attempt over; the first tab is refused.
  auto reload = taker.Post(fmt::format("/api/exams/{}/open", exam), json::object());
  ASSERT_EQ(reload.status, 200);
  EXPECT_EQ(reload.json["id"], a["id"]);
  EXPECT_NE(reload.json["tab_token"], a["tab_token"]);
  for (const auto& it : reload.json["items"]) EXPECT_NE(it["answer"], "") << it.dump();
  auto stale = Save(taker, a, 1, "A");
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(stale.Code(), "tab_replaced");
  // Another officer cannot see or write this attempt (404).
  auto other = SignedIn("kaosheng_b");
  EXPECT_EQ(other.Get(fmt::format("/api/exams/attempts/{}", a["id"].get<std::int64_t>())).status, 404);
  EXPECT_EQ(other.Post(fmt::format("/api/exams/{}/open", exam), json::object()).status, 404);
  // Unusual behaviour is logged, never scored.
  EXPECT_EQ(taker
                .Post(fmt::format("/api/exams/attempts/{}/events", a["id"].get<std::int64_t>()),
                      json{{"kind", "blur"}, {"detail", "切换窗口"}})
                .status,
            201);
  // After the server-side end the answer is refused and the attempt is handed in by the sweep.
  clock_->Set(kStart + 10 * 60 + 1);
  auto late = Save(taker, reload.json, 1, "A");
  EXPECT_EQ(late.status, 409);
  EXPECT_EQ(late.Code(), "time_over");
  EXPECT_NE(late.Message().find("服务器时间"), std::string::npos);
  // 我的考试 is a pure read: the attempt shows as over from its end time, its row stays as it was
  // until the sweep hands it in.
  const std::int64_t attempt_id = a["id"];
  const std::string row_open = fmt::format(
      "SELECT COUNT(*) FROM exam_attempts WHERE id = {} AND status = 'open' AND submitted_at IS NULL", attempt_id);
  auto listed = taker.Get("/api/exams/mine");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.json["items"][0]["state"], "time_over");
  EXPECT_TRUE(listed.json["items"][0]["open_attempt_id"].is_null());
  EXPECT_EQ(Count(row_open), 1);
  auto swept = app_->modules().Find<exams::ExamsModule>()->service().SubmitExpired();
  ASSERT_TRUE(swept) << swept.error().message;
  EXPECT_EQ(*swept, 1);
  EXPECT_EQ(Count(row_open), 0);
  EXPECT_EQ(taker.Get("/api/exams/mine").json["items"][0]["state"], "marking");
  auto done = taker.Get(fmt::format("/api/exams/attempts/{}", a["id"].get<std::int64_t>()));
  ASSERT_EQ(done.status, 200);
  EXPECT_EQ(done.json["status"], "marking");
  EXPECT_EQ(done.json["objective_score"], 90);
  EXPECT_EQ(done.json["submit_kind"], "timeout");
  // Marking: no name in the task; the examinee's own attempt is not his to mark.
  auto marker = SignedIn("yuejuan");
  auto tasks = marker.Get("/api/exams/marking");
  ASSERT_EQ(tasks.status, 200);
  ASSERT_EQ(tasks.json["items"].size(), 1u);
  EXPECT_EQ(tasks.body.find("考生甲"), std::string::npos);
  EXPECT_EQ(tasks.json["items"][0]["answer"], "我的简答");
  const std::string mark_path = fmt::format("/api/exams/attempts/{}/marks/{}", a["id"].get<std::int64_t>(), short_pos);
  EXPECT_EQ(marker.Put(mark_path, json{{"score", 11}}).status, 400);
  EXPECT_EQ(taker.Put(mark_path, json{{"score", 5}}).status, 403);
  ASSERT_EQ(marker.Put(mark_path, json{{"score", 6}}).status, 200);
  EXPECT_EQ(marker.Put(mark_path, json{{"score", 6}}).status, 409);  // not counted twice
  auto result = taker.Get(fmt::format("/api/exams/attempts/{}", a["id"].get<std::int64_t>()));
  EXPECT_EQ(result.json["status"], "done");
  EXPECT_EQ(result.json["score"], 96);
  EXPECT_EQ(result.json["passed"], true);
  // Passed: no retake.
  EXPECT_EQ(taker.Post(fmt::format("/api/exams/{}/open", exam), json::object()).Code(), "already_passed");
  // Results within scope, the review with the events, the analysis, the XLSX.
  auto res = mgr.Get(fmt::format("/api/exams/{}/results", exam));
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.json["total"], 2);
  bool seen = false;
  for (const auto& r : res.json["items"])
    if (r["name"] == "考生甲") {
      seen = true;
      EXPECT_EQ(r["status"], "passed");
      EXPECT_EQ(r["best_score"], 96);
      EXPECT_EQ(r["events"], 1);
    }
  EXPECT_TRUE(seen);
  auto review = mgr.Get(fmt::format("/api/exams/attempts/{}/review", a["id"].get<std::int64_t>()));
  ASSERT_EQ(review.status, 200);
  EXPECT_EQ(review.json["person_name"], "考生甲");
  EXPECT_EQ(review.json["events"].size(), 1u);
  auto an = mgr.Get(fmt::format("/api/exams/{}/analysis", exam));
  ASSERT_EQ(an.status, 200) << an.body;
  EXPECT_EQ(an.json["graded"], 1);
  EXPECT_EQ(an.json["questions"].size(), 6u);
  auto xlsx = mgr.Get(fmt::format("/api/exams/{}/results.xlsx", exam));
  EXPECT_EQ(xlsx.status, 200);
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK");
  // Another bureau's manager: the exam does not exist for him.
  auto outsider = SignedIn("other_mgr");
  EXPECT_EQ(outsider.Get(fmt::format("/api/exams/{}", exam)).status, 404);
  EXPECT_EQ(outsider.Get(fmt::format("/api/exams/{}/results", exam)).status, 404);
  EXPECT_EQ(mgr.Get("/api/exams/999999").status, 404);
  EXPECT_EQ(mgr.Get("/api/exams/abc/results").status, 400);
}

TEST_F(ExamsTest, RetakeAfterFailAndQualifications) {
  auto mgr = SignedIn("fazhi");
  Bank(mgr);
  const std::int64_t exam = MakeExam(mgr);
  auto taker = SignedIn("kaosheng");
  auto open = taker.Post(fmt::format("/api/exams/{}/open", exam), json::object());
  ASSERT_EQ(open.status, 200);
  auto sub = taker.Post(fmt::format("/api/exams/attempts/{}/submit", open.json["id"].get<std::int64_t>()),
                        json{{"tab_token", open.json["tab_token"]}});
  ASSERT_EQ(sub.status, 200) << sub.body;
  EXPECT_EQ(sub.json["status"], "marking");
  auto marker = SignedIn("yuejuan");
  auto tasks = marker.Get("/api/exams/marking");
  ASSERT_EQ(tasks.json["items"].size(), 1u);
  ASSERT_EQ(
      marker
          .Put(fmt::format("/api/exams/attempts/{}/marks/{}", tasks.json["items"][0]["attempt_id"].get<std::int64_t>(),
                           tasks.json["items"][0]["position"].get<int>()),
               json{{"score", 0}})
          .status,
      200);
  auto second = taker.Post(fmt::format("/api/exams/{}/open", exam), json::object());
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.json["attempt_no"], 2);
  taker.Post(fmt::format("/api/exams/attempts/{}/submit", second.json["id"].get<std::int64_t>()),
             json{{"tab_token", second.json["tab_token"]}});
  auto third = taker.Post(fmt::format("/api/exams/{}/open", exam), json::object());
  EXPECT_EQ(third.status, 409);
  // 执法资格: add, list, the read other modules use; a bad window refused.
  auto q = mgr.Post("/api/exams/qualifications", json{{"person_id", person_a_},
                                                      {"level", "basic"},
                                                      {"obtained_at", "2025-06-01"},
                                                      {"score", 88},
                                                      {"valid_until", "2028-06-01"}});
  ASSERT_EQ(q.status, 201) << q.body;
  EXPECT_EQ(q.json["valid"], true);
  EXPECT_EQ(mgr.Post("/api/exams/qualifications", json{{"person_id", person_a_},
                                                       {"level", "basic"},
                                                       {"obtained_at", "2025-06-01"},
                                                       {"valid_until", "2024-06-01"}})
                .status,
            400);
  EXPECT_EQ(mgr.Post("/api/exams/qualifications", json{{"person_id", person_a_},
                                                       {"level", "顶级"},
                                                       {"obtained_at", "2025-06-01"},
                                                       {"valid_until", "2028-06-01"}})
                .status,
            400);
  auto mine = taker.Get("/api/exams/qualifications");
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(mine.json["total"], 1);
  EXPECT_EQ(SignedIn("kaosheng_b").Get("/api/exams/qualifications").json["total"], 0);
  app_->db().Read([&](soci::session& sql) {
    EXPECT_TRUE(exams::HasValidQualification(sql, person_a_, kStart));
    EXPECT_FALSE(exams::HasValidQualification(sql, person_b_, kStart));
    return 0;
  });
}

}  // namespace
}  // namespace fazhi::testing
