// 法制员 stage reviews and the review gates that CheckTransition enforces.
#include <tuple>

#include "oversight/oversight_fixture.h"

namespace fazhi::testing {
namespace {

using nlohmann::json;

class ReviewsTest : public OversightTest {
 protected:
  Result<void> Check(std::int64_t case_id, const std::string& from, const std::string& to) {
    return db().Write([&](soci::session& sql) { return service_->CheckTransition(sql, case_id, from, to); });
  }
};

TEST_F(ReviewsTest, GateBlocksFilingUntilAPassingReview) {
  const std::int64_t c = AddCase(team_a_, "criminal", officer_a_, kStart - 86400);
  const std::string base = "/api/cases/" + std::to_string(c) + "/reviews";

  auto blocked = Check(c, "accepted", "filed");
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().code, ErrorCode::kConflict);
  EXPECT_EQ(blocked.error().reason, "review_required");
  EXPECT_NE(blocked.error().message.find("立案"), std::string::npos) << blocked.error().message;
  // Moves without a gate pass; administrative cases have none by default.
  EXPECT_TRUE(Check(c, "filed", "investigating"));
  const std::int64_t adm = AddCase(team_a_, "administrative", officer_a_, kStart - 86400);
  EXPECT_TRUE(Check(adm, "investigating", "decided"));

  auto legal = SignedIn("legal");
  auto off = SignedIn("off_a");
  // Case officers may read but not review.
  EXPECT_EQ(off.Post(base, json{{"stage", "file"}, {"verdict", "pass"}}).status, 403);
  EXPECT_EQ(legal.Post(base, json{{"stage", "filing"}, {"verdict", "pass"}}).status, 400);
  auto r = legal.Post(
      base,
      json{{"stage", "file"},
           {"verdict", "pass"},
           {"findings",
            json::array({{{"category", "evidence"}, {"severity", "serious"}, {"description", "缺少被害人陈述"}}})}});
  EXPECT_EQ(r.status, 400) << "a serious finding cannot pass";
  r = legal.Post(base,
                 json{{"stage", "file"}, {"verdict", "pass"}, {"findings", json::array({{{"category", "money"}}})}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.json["error"]["field"].get<std::string>().find("findings[0]"), std::string::npos) << r.body;

  r = legal.Post(
      base, json{{"stage", "file"},
                 {"verdict", "fix_required"},
                 {"comment", "证据不足"},
                 {"findings", json::array({{{"category", "evidence"}, {"description", "缺少被害人陈述"}},
                                           {{"category", "characterization"}, {"description", "案由认定有误"}}})}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json["findings"].size(), 2u);
  EXPECT_EQ(r.json["reviewer_person_id"], legal_person_);
  const std::int64_t finding = r.json["findings"][0]["id"];
  blocked = Check(c, "accepted", "filed");
  ASSERT_FALSE(blocked);
  EXPECT_NE(blocked.error().message.find("需整改"), std::string::npos) << blocked.error().message;
  // The 主办民警 is told about a review that did not pass.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notifications WHERE kind = 'review' AND user_id = " +
                  std::to_string(officer_a_user_)),
            1);

  // A finding becomes a 督办 item.
  r = legal.Post(
      "/api/supervision-orders",
      json{{"source", "review"}, {"source_id", finding}, {"opinion", "补充被害人陈述"}, {"deadline", kStart + 86400}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json["problem_type"], "证据");
  EXPECT_EQ(r.json["responsible_person_id"], officer_a_);

  clock_->Advance(60);
  ASSERT_EQ(legal.Post(base, json{{"stage", "file"}, {"verdict", "pass"}, {"comment", "已补正"}}).status, 201);
  EXPECT_TRUE(Check(c, "accepted", "filed"));
  // 移送起诉 needs its own review.
  EXPECT_FALSE(Check(c, "investigating", "transferred"));
  ASSERT_EQ(legal.Post(base, json{{"stage", "prosecution"}, {"verdict", "pass"}}).status, 201);
  EXPECT_TRUE(Check(c, "investigating", "transferred"));
  // A later non-pass review closes the gate again.
  clock_->Advance(60);
  ASSERT_EQ(legal.Post(base, json{{"stage", "prosecution"}, {"verdict", "reject"}, {"comment", "定性错误"}}).status,
            201);
  EXPECT_FALSE(Check(c, "investigating", "transferred"));

  r = off.Get(base);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["items"].size(), 4u);
  EXPECT_EQ(r.json["items"][0]["findings"].size(), 2u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.review'"), 4);
  // Another unit cannot read or review the case.
  auto b = SignedIn("leader_b");
  EXPECT_EQ(b.Get(base).status, 404);
  EXPECT_EQ(b.Post(base, json{{"stage", "file"}, {"verdict", "pass"}}).status, 404);
}

// Issue 11: 移送起诉 is a step of criminal procedure only. A 移送起诉审核 on an administrative case, or
// a review gate that asks for one, is a 400 with a Chinese message and a machine code, and stores
// nothing; so is a gate whose target status is not a status of its case type.
TEST_F(ReviewsTest, ProsecutionReviewIsRefusedOnAnAdministrativeCase) {
  const std::int64_t adm = AddCase(team_a_, "administrative", officer_a_, kStart - 86400, "殴打他人案");
  const std::int64_t crim = AddCase(team_a_, "criminal", officer_a_, kStart - 86400, "盗窃案");
  auto legal = SignedIn("legal");
  auto r = legal.Post("/api/cases/" + std::to_string(adm) + "/reviews",
                      json{{"stage", "prosecution"}, {"verdict", "pass"}, {"comment", "同意移送"}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json["error"]["code"], "stage_not_applicable") << r.body;
  EXPECT_EQ(r.json["error"]["field"], "stage");
  EXPECT_NE(r.json["error"]["message"].get<std::string>().find("行政案件"), std::string::npos) << r.body;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM case_reviews"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.review'"), 0);
  // The stages an administrative case has are still reviewed; a criminal case is transferred as before.
  EXPECT_EQ(legal.Post("/api/cases/" + std::to_string(adm) + "/reviews", json{{"stage", "accept"}, {"verdict", "pass"}})
                .status,
            201);
  EXPECT_EQ(
      legal.Post("/api/cases/" + std::to_string(crim) + "/reviews", json{{"stage", "prosecution"}, {"verdict", "pass"}})
          .status,
      201);

  r = legal.Put(
      "/api/oversight/review-gates",
      json{{"gates", json::array({{{"case_type", "administrative"}, {"to", "closed"}, {"stage", "prosecution"}}})}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json["error"]["code"], "stage_not_applicable") << r.body;
  r = legal.Put("/api/oversight/review-gates",
                json{{"gates", json::array({{{"case_type", "criminal"}, {"to", "decided"}, {"stage", "file"}}})}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json["error"]["field"], "gates[0].to") << r.body;
  EXPECT_EQ(legal.Get("/api/oversight/review-gates").json["gates"].size(), 2u) << "the defaults are unchanged";
}

// The 法制审核意见书 of a review: the case, the verdict, the opinion and each finding, as a print page
// and a DOCX; another unit's caller, or a review id of another case, gets 404.
TEST_F(ReviewsTest, OpinionIsTheReviewAsAnOfficialDocument) {
  const std::int64_t c = AddCase(team_a_, "criminal", officer_a_, kStart - 86400, "盗窃电动车案");
  const std::int64_t other = AddCase(team_a_, "criminal", officer_a_, kStart - 86400, "另一案件");
  auto legal = SignedIn("legal");
  auto r = legal.Post(
      "/api/cases/" + std::to_string(c) + "/reviews",
      json{{"stage", "file"},
           {"verdict", "fix_required"},
           {"comment", "现有证据不足以认定作案时间"},
           {"findings", json::array({{{"category", "evidence"}, {"description", "缺少监控录像提取笔录"}}})}});
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string base = fmt::format("/api/cases/{}/reviews/{}", c, r.json["id"].get<std::int64_t>());

  auto page = SignedIn("off_a").Get(base + "/print");
  ASSERT_EQ(page.status, 200) << page.body;
  for (const char* text : {"法制审核意见书", "盗窃电动车案", "立案审核", "需整改", "现有证据不足以认定作案时间",
                           "缺少监控录像提取笔录", "补正后重新提请审核"})
    EXPECT_NE(page.body.find(text), std::string::npos) << text;
  EXPECT_NE(page.body.find(fmt::format("审核编号：第 {} 号", r.json["id"].get<std::int64_t>())), std::string::npos);

  auto docx = legal.Get(base + "/docx");
  ASSERT_EQ(docx.status, 200) << docx.body;
  EXPECT_EQ(docx.body.substr(0, 2), "PK");

  EXPECT_EQ(SignedIn("leader_b").Get(base + "/print").status, 404);
  EXPECT_EQ(legal.Get(fmt::format("/api/cases/{}/reviews/{}/docx", other, r.json["id"].get<std::int64_t>())).status,
            404);
}

// 法制审核 as a work queue: cases awaiting a gated stage review first, by their nearest running
// deadline; a passing review takes a case off; the last verdict and its reviewer are shown.
TEST_F(ReviewsTest, QueueListsCasesAwaitingAReviewByDeadline) {
  const std::int64_t soon = AddCase(team_a_, "criminal", officer_a_, kStart - 3 * 86400, "盗窃案甲");
  const std::int64_t later = AddCase(team_a_, "criminal", officer_a_, kStart - 2 * 86400, "盗窃案乙");
  const std::int64_t prosecute = AddCase(team_a_, "criminal", officer_a_, kStart - 9 * 86400, "诈骗案");
  const std::int64_t adm = AddCase(team_a_, "administrative", officer_a_, kStart - 86400, "殴打他人");
  const std::int64_t closed = AddCase(team_a_, "criminal", officer_a_, kStart - 30 * 86400, "已结案件");
  const std::int64_t unbound = AddCase(team_a_, "criminal", officer_a_, kStart - 86400, "未捆绑案件");
  db().Write([&](soci::session& sql) -> Result<void> {
        auto set = [&](std::int64_t id, const std::string& column, const std::string& value) {
          db::SqlArgs a;
          db::Exec(sql, fmt::format("UPDATE cases SET {} = {} WHERE id = {}", column, a.Str(value), a.Int(id)), a);
        };
        set(prosecute, "status", "investigating");
        set(closed, "status", "closed");
        db::Exec(sql, "UPDATE cases SET legal_officer_id = NULL WHERE id = " + std::to_string(unbound));
        // Running clocks: `soon` is due before `later`; a finished clock does not count.
        for (auto [id, state, due] : {std::tuple{soon, "pre_warn", kStart + 3600},
                                      {later, "running", kStart + 86400},
                                      {later, "done", kStart + 60}}) {
          db::SqlArgs a;
          db::Exec(sql,
                   fmt::format("INSERT INTO alerts (bureau_id, case_id, unit_id, rule_id, clock_key, state, due_at, "
                               "updated_at) VALUES ({}, {}, {}, 'CRIM-FILE-01', {}, {}, {}, {})",
                               a.Int(bureau_), a.Int(id), a.Int(team_a_), a.Str(std::string("k") + state), a.Str(state),
                               a.Int(due), a.Int(kStart)),
                   a);
        }
        // What OversightService::ApplyPlan keeps beside the clocks it writes (最近期限).
        db::Exec(sql,
                 "UPDATE cases SET nearest_due_at = (SELECT MIN(a.due_at) FROM alerts a WHERE a.case_id = cases.id "
                 "AND a.state IN ('running', 'pre_warn', 'overdue'))");
        return {};
      })
      .value();

  auto legal = SignedIn("legal");
  auto ids = [](const json& items) {
    std::vector<std::int64_t> out;
    for (const auto& i : items) out.push_back(i["case_id"]);
    return out;
  };
  auto r = legal.Get("/api/reviews/queue?scope=mine");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(ids(r.json["items"]), (std::vector<std::int64_t>{soon, later, prosecute}));
  EXPECT_EQ(r.json["total"], 3);
  EXPECT_EQ(r.json["pending_total"], 3);
  EXPECT_EQ(r.json["items"][0]["pending_stage_name"], "立案审核");
  EXPECT_EQ(r.json["items"][0]["pending_to_name"], "立案");
  EXPECT_EQ(r.json["items"][0]["next_due_at"], kStart + 3600);
  EXPECT_EQ(r.json["items"][2]["pending_stage_name"], "移送起诉审核");
  EXPECT_TRUE(r.json["items"][2]["next_due_at"].is_null());
  EXPECT_TRUE(r.json["items"][0]["last_review"].is_null());
  // The whole unit: the unbound case is there too.
  r = legal.Get("/api/reviews/queue?scope=all");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["pending_total"], 4);

  // A pass takes a case off the queue; 需整改 keeps it on, showing the verdict and who gave it.
  ASSERT_EQ(legal.Post(fmt::format("/api/cases/{}/reviews", soon), json{{"stage", "file"}, {"verdict", "pass"}}).status,
            201);
  clock_->Advance(60);
  ASSERT_EQ(legal
                .Post(fmt::format("/api/cases/{}/reviews", later),
                      json{{"stage", "file"}, {"verdict", "fix_required"}, {"comment", "补充证据"}})
                .status,
            201);
  r = legal.Get("/api/reviews/queue?scope=mine");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(ids(r.json["items"]), (std::vector<std::int64_t>{later, prosecute}));
  EXPECT_EQ(r.json["items"][0]["last_review"]["verdict_name"], "需整改");
  EXPECT_EQ(r.json["items"][0]["last_review"]["reviewer_name"], "赵法制");
  // Open cases: the reviewed one follows the waiting ones; concluded cases only under 全部.
  r = legal.Get("/api/reviews/queue?scope=mine&state=open&page_size=50");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(ids(r.json["items"]), (std::vector<std::int64_t>{later, prosecute, soon, adm}));
  EXPECT_EQ(r.json["total"], 4);
  EXPECT_EQ(r.json["pending_total"], 2);
  EXPECT_EQ(r.json["items"][2]["last_review"]["verdict_name"], "通过");
  r = legal.Get("/api/reviews/queue?scope=mine&state=all&case_type=criminal&page_size=50");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["total"], 4) << "soon, later, prosecute and the closed case";

  // Export with the same filter, Chinese sheet.
  r = legal.Get("/api/reviews/queue/export?scope=mine");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.substr(0, 2), "PK");

  // Scope: another 派出所 sees none of it; bad input is refused with the field named.
  auto other = SignedIn("off_b");
  r = other.Get("/api/reviews/queue?scope=all&state=all");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["total"], 0);
  r = legal.Get("/api/reviews/queue?state=waiting");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json["error"]["field"], "state");
  r = SignedIn("leader_b").Get("/api/reviews/queue?scope=mine");
  EXPECT_EQ(r.status, 400) << "an account without a person has no bound cases";
  EXPECT_EQ(r.json["error"]["field"], "mine");
}

}  // namespace
}  // namespace fazhi::testing
