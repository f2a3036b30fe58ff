// 谁执法谁普法 (issue 14 item 5) over real HTTP: each unit's duty list (a law twice refused), the
// yearly cycle opened for every unit with its due dates, the due-soon and overdue alerts (once per
// stage, to the unit's accounts), submitting a stage (twice refused), the campaign calendar, events
// with their refusals (unknown campaign, a date away from the campaign, a negative audience), photos
// whose content is checked, the year summary generated from the records with its XLSX, and scope
// (out of reach answered like nonexistent). Runs on SQLite and, with FAZHI_TEST_DB, on PostgreSQL.
#include <gtest/gtest.h>

#include "core/local_time.h"
#include "db/sql.h"
#include "http/http_fixture.h"
#include "publicity/publicity_demo.h"
#include "publicity/publicity_module.h"
#include "publicity/publicity_types.h"

namespace fazhi::testing {
namespace {

using nlohmann::json;

std::string Png() {
  return std::string("\x89PNG\r\n\x1A\n\0\0\0\x0DIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1F\x15\xC4\x89", 33) +
         std::string("\0\0\0\0IEND\xAE\x42\x60\x82", 12);
}

class PublicityTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    legal_ = seed::Unit(app_->db(), bureau_, "法制大队", "team", kStart, "法制大队");
    AddUser("fazhi", "legal_officer", legal_);     // the whole bureau
    AddUser("fazhi_a", "legal_officer", team_a_);  // 东街派出所 only
    other_bureau_ = AddUnit(city_, "郊区分局", "bureau");
    other_team_ = AddUnit(other_bureau_, "郊区派出所", "team");
    AddUser("other", "legal_officer", other_team_);
  }
  std::int64_t Count(const std::string& q) {
    return app_->db().Read([&](soci::session& sql) { return db::ScalarInt(sql, q).value_or(0); });
  }
  publicity::PublicityService& Service() { return app_->modules().Find<publicity::PublicityModule>()->service(); }
  Response Upload(Client& c, std::int64_t event, const std::string& kind, const std::string& filename,
                  const std::string& bytes) {
    httplib::MultipartFormDataItems items = {{"kind", kind, "", ""},
                                             {"file", bytes, filename, "application/octet-stream"}};
    return c.Wrap(c.raw().Post(fmt::format("/api/publicity/events/{}/files", event).c_str(), c.Headers(true), items));
  }
  json Event(const std::string& campaign, const std::string& date, int audience) {
    return {{"title", "普法进社区"},
            {"campaign", campaign},
            {"held_at", date},
            {"audience", audience},
            {"place", "东街社区"}};
  }
  std::int64_t legal_ = 0, other_bureau_ = 0, other_team_ = 0;
};

TEST_F(PublicityTest, CalendarHoldsTheKeyDates) {
  const auto list = publicity::Campaigns(2023);
  ASSERT_EQ(list.size(), 6u);
  const auto date = [](EpochSeconds t) { return FormatDate(LocalDateOf(t)); };
  EXPECT_EQ(date(list[0].from), "2023-01-10");
  EXPECT_EQ(date(list[1].from), "2023-04-15");
  EXPECT_EQ(date(list[2].from), "2023-05-15");
  EXPECT_EQ(date(list[3].from), "2023-06-26");
  EXPECT_EQ(date(list[4].from), "2023-09-11");  // 2023 国家网络安全宣传周: 9.11–9.17
  EXPECT_EQ(date(list[4].to - 1), "2023-09-17");
  EXPECT_EQ(date(list[5].from), "2023-12-01");
  EXPECT_EQ(date(list[5].to - 1), "2023-12-07");
  EXPECT_EQ(date(publicity::Campaigns(2024)[4].from), "2024-09-09");
  auto c = SignedIn("fazhi").Get("/api/publicity/calendar?year=2023");
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(c.json["items"].size(), 6u);
  EXPECT_EQ(c.json["items"][5]["name"], "宪法宣传周");
  EXPECT_EQ(SignedIn("fazhi").Get("/api/publicity/calendar?year=abc").status, 400);
}

TEST_F(PublicityTest, DutiesPerUnitWithinReach) {
  auto c = SignedIn("fazhi");
  auto a = c.Post("/api/publicity/duties", json{{"unit_id", team_a_}, {"law", "《中华人民共和国禁毒法》"}});
  ASSERT_EQ(a.status, 201) << a.body;
  auto again = c.Post("/api/publicity/duties", json{{"unit_id", team_a_}, {"law", "《中华人民共和国禁毒法》"}});
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.Code(), "duplicate_duty");
  EXPECT_EQ(c.Post("/api/publicity/duties", json{{"unit_id", other_team_}, {"law", "《宪法》"}}).status, 404);
  EXPECT_EQ(c.Post("/api/publicity/duties", json{{"unit_id", team_a_}, {"law", ""}}).status, 400);
  EXPECT_EQ(SignedIn("officer_a").Post("/api/publicity/duties", json{{"law", "《宪法》"}}).status, 403);
  ASSERT_EQ(c.Post("/api/publicity/duties", json{{"unit_id", team_b_}, {"law", "《宪法》"}}).status, 201);
  // 东街's legal officer sees 东街's list only; another bureau's sees nothing and cannot delete.
  EXPECT_EQ(SignedIn("fazhi_a").Get("/api/publicity/duties").json["items"].size(), 1u);
  EXPECT_EQ(SignedIn("other").Get("/api/publicity/duties").json["items"].size(), 0u);
  const std::int64_t id = a.json["id"];
  EXPECT_EQ(SignedIn("other").Delete(fmt::format("/api/publicity/duties/{}", id)).status, 404);
  EXPECT_EQ(c.Delete(fmt::format("/api/publicity/duties/{}", id)).status, 200);
  EXPECT_EQ(c.Get("/api/publicity/duties").json["items"].size(), 1u);
}

TEST_F(PublicityTest, CycleAlertsOnceAndSubmitsOnce) {
  clock_->Set(LocalMidnight(CivilDate{2026, 1, 2}));
  auto c = SignedIn("fazhi");
  auto open = c.Post("/api/publicity/cycle", json{{"year", 2026}});
  ASSERT_EQ(open.status, 201) << open.body;
  EXPECT_EQ(open.json["added"], 9);  // 3 teams × 3 stages
  EXPECT_EQ(c.Post("/api/publicity/cycle", json{{"year", 2026}}).json["added"], 0);
  // On 1.26 the plan (due 1.31) is due soon: one warning per team account; again: none.
  clock_->Set(LocalMidnight(CivilDate{2026, 1, 26}));
  const int warned = Service().NotifyDue().value();
  EXPECT_GT(warned, 0);
  EXPECT_EQ(Service().NotifyDue().value(), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notifications WHERE kind = 'publicity' AND title LIKE '%即将到期%'"), warned);
  // 东街 submits; after 1.31 the others are overdue and alerted once, 东街 is not.
  auto cycle = SignedIn("fazhi_a").Get("/api/publicity/cycle?year=2026");
  ASSERT_EQ(cycle.json["items"].size(), 3u);
  const std::int64_t plan = cycle.json["items"][0]["id"];
  EXPECT_EQ(cycle.json["items"][0]["status"], "due_soon");
  auto sub = SignedIn("fazhi_a").Put(fmt::format("/api/publicity/cycle/{}", plan), json{{"content", "东街所普法计划"}});
  ASSERT_EQ(sub.status, 200) << sub.body;
  EXPECT_EQ(sub.json["status"], "submitted");
  EXPECT_EQ(SignedIn("fazhi_a").Put(fmt::format("/api/publicity/cycle/{}", plan), json{{"content", "x"}}).Code(),
            "already_submitted");
  EXPECT_EQ(SignedIn("other").Put(fmt::format("/api/publicity/cycle/{}", plan), json{{"content", "x"}}).status, 404);
  clock_->Set(LocalMidnight(CivilDate{2026, 2, 1}));
  EXPECT_GT(Service().NotifyDue().value(), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.kind = 'publicity' "
                  "AND n.title LIKE '%已逾期%' AND u.username = 'fazhi_a'"),
            0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM pub_cycle_items WHERE overdue_at IS NOT NULL"), 2);
  int overdue = 0;
  const auto after = SignedIn("fazhi").Get("/api/publicity/cycle?year=2026");  // (the earlier session expired)
  for (const auto& it : after.json["items"]) overdue += it["status"] == "overdue";
  EXPECT_EQ(overdue, 2);
}

// Issue 14 item 5: a stage left overdue is tracked to closure in the shared 督办 loop — the sweep opens
// one order (source publicity_stage) per overdue stage on behalf of the 法制大队, to the unit's 法制员;
// never a second one; none for a stage submitted on time or a unit with no one to answer.
TEST_F(PublicityTest, OverdueStageOpensOneOrderInTheLoop) {
  const auto legal_person = [&](std::int64_t unit, const std::string& name, const std::string& badge) {
    const std::int64_t id = AddPerson(unit, name, badge);
    app_->db()
        .Write([&](soci::session& sql) -> Result<void> {
          db::Exec(sql, fmt::format("UPDATE people SET is_legal_officer = 1 WHERE id = {}", id));
          return {};
        })
        .value();
    return id;
  };
  const std::int64_t pa = legal_person(team_a_, "甲某", "T001"), pb = legal_person(team_b_, "乙某", "T002");
  AddPerson(team_b_, "丙某", "T003");  // an ordinary officer of 西街: not the one to answer
  static const std::string hash = auth::HashPassword(kPassword);
  seed::User(app_->db(), "fzy_a", hash, team_a_, "legal_officer", kStart, pa);
  seed::User(app_->db(), "fzy_b", hash, team_b_, "legal_officer", kStart, pb);
  clock_->Set(LocalMidnight(CivilDate{2026, 1, 2}));
  ASSERT_EQ(SignedIn("fazhi").Post("/api/publicity/cycle", json{{"year", 2026}}).status, 201);
  EXPECT_EQ(Service().OpenOverdueOrders().value(), 0);  // nothing is overdue yet
  // 东街 submits its plan on time; 西街 and the 法制大队 (no one on its roster) do not.
  const auto mine = SignedIn("fzy_a").Get("/api/publicity/cycle?year=2026");
  const std::int64_t plan_a = mine.json["items"][0]["id"];
  ASSERT_EQ(SignedIn("fzy_a").Put(fmt::format("/api/publicity/cycle/{}", plan_a), json{{"content", "计划"}}).status,
            200);
  clock_->Set(LocalMidnight(CivilDate{2026, 2, 1}));
  EXPECT_EQ(Service().OpenOverdueOrders().value(), 1);
  EXPECT_EQ(Service().OpenOverdueOrders().value(), 0);  // a second sweep (or another instance) opens none
  EXPECT_EQ(Count("SELECT COUNT(*) FROM supervision_orders WHERE source = 'publicity_stage'"), 1);
  const auto theirs = SignedIn("fzy_b").Get("/api/publicity/cycle?year=2026");
  const json plan_b = theirs.json["items"][0];
  ASSERT_TRUE(plan_b["order_id"].is_number()) << theirs.body;
  EXPECT_TRUE(SignedIn("fzy_a").Get("/api/publicity/cycle?year=2026").json["items"][0]["order_id"].is_null());
  const std::int64_t order = plan_b["order_id"];
  // The 督办 page links to /publicity?stage=ID: the list of that stage's year, within reach only.
  const std::string by_stage = fmt::format("/api/publicity/cycle?stage={}", plan_b["id"].get<std::int64_t>());
  EXPECT_EQ(SignedIn("fzy_b").Get(by_stage).json["year"], 2026);
  EXPECT_EQ(SignedIn("other").Get(by_stage).status, 404);
  const std::string path = fmt::format("/api/supervision-orders/{}", order);
  // The order: 西街's, to its 法制员, issued by the 法制大队's account; listed for them, not for 东街 or another
  // bureau.
  auto o = SignedIn("fzy_b").Get(path);
  ASSERT_EQ(o.status, 200) << o.body;
  EXPECT_EQ(o.json["source"], "publicity_stage");
  EXPECT_EQ(o.json["unit_id"], team_b_);
  EXPECT_EQ(o.json["responsible_person_id"], pb);
  EXPECT_EQ(o.json["problem_type"], "逾期未报送");
  EXPECT_NE(o.json["title"].get<std::string>().find("西街派出所 2026 年年初普法计划"), std::string::npos);
  const auto listed = [&](const std::string& user) {
    return SignedIn(user).Get("/api/supervision-orders?source=publicity_stage").json["total"].get<int>();
  };
  EXPECT_EQ(listed("fzy_b"), 1);
  EXPECT_EQ(listed("fazhi"), 1);
  EXPECT_EQ(listed("officer_b"), 1);  // 西街's accounts see their unit's order
  EXPECT_EQ(listed("fzy_a"), 0);
  EXPECT_EQ(listed("other"), 0);
  EXPECT_EQ(SignedIn("fzy_a").Get(path).status, 404);
  EXPECT_EQ(SignedIn("other").Get(path).status, 404);
  EXPECT_EQ(SignedIn("fzy_a").Post(path + "/answer", json{{"text", "已报送"}}).status, 404);
  EXPECT_EQ(SignedIn("other").Post(path + "/close", json{{"note", "办结"}}).status, 404);
  // Answered before the stage is submitted: the 法制大队 cannot close it yet.
  ASSERT_EQ(SignedIn("fzy_b").Post(path + "/answer", json{{"text", "马上报送"}}).status, 200);
  auto early = SignedIn("fazhi").Post(path + "/close", json{{"note", "办结"}});
  EXPECT_EQ(early.status, 409);
  EXPECT_EQ(early.Code(), "stage_not_submitted");
  EXPECT_NE(early.json["error"]["message"].get<std::string>().find("尚未报送"), std::string::npos) << early.body;
  const std::int64_t plan_b_id = plan_b["id"];
  ASSERT_EQ(
      SignedIn("fzy_b").Put(fmt::format("/api/publicity/cycle/{}", plan_b_id), json{{"content", "补报计划"}}).status,
      200);
  auto closed = SignedIn("fazhi").Post(path + "/close", json{{"note", "已补报"}});
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(closed.json["status"], "closed");
  // Closed is closed: the sweep does not reopen the stage; the audit names the system.
  EXPECT_EQ(Service().OpenOverdueOrders().value(), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'supervision_order.create' AND username = 'system'"),
            1);
}

TEST_F(PublicityTest, EventsRefusalsFilesSummaryAndScope) {
  auto c = SignedIn("fazhi_a");
  EXPECT_EQ(c.Post("/api/publicity/events", Event("bogus", "2025-12-04", 10)).Code(), "unknown_campaign");
  EXPECT_EQ(c.Post("/api/publicity/events", Event("drug_day", "2025-03-01", 10)).Code(), "campaign_date");
  EXPECT_EQ(c.Post("/api/publicity/events", Event("", "2025-03-01", -1)).status, 400);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM pub_events"), 0);
  auto e1 = c.Post("/api/publicity/events", Event("constitution_week", "2025-12-04", 120));
  ASSERT_EQ(e1.status, 201) << e1.body;
  EXPECT_EQ(e1.json["campaign_name"], "宪法宣传周");
  ASSERT_EQ(c.Post("/api/publicity/events", Event("drug_day", "2025-06-26", 80)).status, 201);
  ASSERT_EQ(c.Post("/api/publicity/events", Event("", "2025-03-01", 30)).status, 201);
  const std::int64_t id = e1.json["id"];
  // A "photo" that is a PDF by name but PNG by content is refused; a PNG photo is kept.
  EXPECT_EQ(Upload(c, id, "photo", "现场.pdf", Png()).Code(), "attachment_type");
  auto up = Upload(c, id, "photo", "现场.png", Png());
  ASSERT_EQ(up.status, 201) << up.body;
  ASSERT_EQ(up.json["files"].size(), 1u);
  const std::int64_t file = up.json["files"][0]["id"];
  EXPECT_EQ(c.Get(fmt::format("/api/publicity/files/{}", file)).body, Png());
  EXPECT_EQ(SignedIn("other").Get(fmt::format("/api/publicity/files/{}", file)).status, 404);
  EXPECT_EQ(SignedIn("other").Get(fmt::format("/api/publicity/events/{}", id)).status, 404);
  auto other = SignedIn("other");
  EXPECT_EQ(Upload(other, id, "photo", "现场.png", Png()).status, 404);
  // Lists and the summary.
  EXPECT_EQ(c.Get("/api/publicity/events?year=2025").json["total"], 3);
  EXPECT_EQ(c.Get("/api/publicity/events?campaign=drug_day").json["total"], 1);
  EXPECT_EQ(c.Get("/api/publicity/events?campaign=nope").status, 400);
  auto s = SignedIn("fazhi").Get("/api/publicity/summary?year=2025");
  ASSERT_EQ(s.status, 200) << s.body;
  EXPECT_EQ(s.json["events"], 3);
  EXPECT_EQ(s.json["audience"], 230);
  EXPECT_EQ(s.json["by_campaign"][5]["events"], 1);  // 宪法宣传周
  EXPECT_EQ(s.json["by_campaign"][6]["events"], 1);  // 其他
  EXPECT_EQ(s.json["by_unit"][0]["name"], "东街派出所");
  EXPECT_NE(s.json["text"].get<std::string>().find("2025 年共开展普法活动 3 场，受众 230 人次"), std::string::npos)
      << s.body;
  EXPECT_EQ(SignedIn("other").Get("/api/publicity/summary?year=2025").json["events"], 0);
  auto x = SignedIn("fazhi").Get("/api/publicity/summary.xlsx?year=2025");
  EXPECT_EQ(x.status, 200);
  EXPECT_EQ(x.body.substr(0, 2), "PK");
  EXPECT_EQ(NewClient().Get("/api/publicity/events").status, 401);
}

// Demo photos: the demo year's campaign events of the first units carry small PNG pictures drawn in
// code, stored through the attachment store as photos (checked as images by content), listed with
// the events and served; the same bytes every run.
TEST_F(PublicityTest, DemoEventsCarryGeneratedPhotos) {
  auto lines = publicity::GeneratePublicityDemo(app_->db(), 2023);
  ASSERT_TRUE(lines) << lines.error().message;
  EXPECT_NE(lines->front().find("活动照片 12 张"), std::string::npos) << lines->front();  // 法制大队: 6 events × 2
  auto c = SignedIn("fazhi");
  auto list = c.Get("/api/publicity/events?year=2023&campaign=drug_day");
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.json["items"].size(), 1u);
  const json files = list.json["items"][0]["files"];
  ASSERT_EQ(files.size(), 2u) << list.body;
  EXPECT_EQ(files[0]["kind"], "photo");
  EXPECT_EQ(files[0]["content_type"], "image/png");
  auto png = c.Get(fmt::format("/api/publicity/files/{}", files[0]["id"].get<std::int64_t>()));
  ASSERT_EQ(png.status, 200);
  ASSERT_GT(png.body.size(), 24u);
  EXPECT_EQ(png.body.substr(0, 8), std::string("\x89PNG\r\n\x1A\n", 8));
  EXPECT_EQ(png.body.substr(16, 8), std::string("\0\0\0\x78\0\0\0\x50", 8));  // 120 × 80
  EXPECT_EQ(png.body.substr(png.body.size() - 8, 4), "IEND");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM attachments WHERE owner_type = 'publicity_photo'"), 12);
  // Everyday events have none; a second run changes nothing.
  EXPECT_EQ(c.Get("/api/publicity/events?year=2023&campaign=none").json["items"][0]["files"].size(), 0u);
  EXPECT_NE(publicity::GeneratePublicityDemo(app_->db(), 2023)->front().find("已存在"), std::string::npos);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM attachments WHERE owner_type = 'publicity_photo'"), 12);
}

}  // namespace
}  // namespace fazhi::testing
