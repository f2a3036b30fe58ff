// 法制员 stage reviews and the review gates that CheckTransition enforces.
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

}  // namespace
}  // namespace fazhi::testing
