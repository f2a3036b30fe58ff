// 学法用法 (issue 14 items 1 and 4) over real HTTP: sessions with their refusals, visibility by
// organiser and target units (out of reach answered like nonexistent), attendance by roster and by
// QR check-in with the server's time (window, expiry, a forged token, counted once), photos checked
// by content, monthly plans (done / 未落实 / wrong month), the materials library (numbers, versions,
// Chinese search, subscribers told), 述法 ratings on their scale, court records with the 负责人出庭率,
// the year's counts and their XLSX read back, the 未落实 sweep on a fixed clock, the internal speaker
// as a person of the bureau, and the demo year reproducing the seed's counts. Runs on SQLite and, with
// FAZHI_TEST_DB=postgresql://…, on PostgreSQL.
#include <gtest/gtest.h>

#include "app/app.h"
#include "core/local_time.h"
#include "db/sql.h"
#include "files/spreadsheet.h"
#include "http/http_fixture.h"
#include "org/org_demo.h"
#include "support/test_db.h"
#include "training/training_demo.h"
#include "training/training_module.h"
#include "training/training_reads.h"

namespace fazhi::testing {
namespace {

using nlohmann::json;

const std::string kPng("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89", 33);

// Percent-encoding of a query value.
std::string Q(const std::string& s) {
  std::string out;
  for (unsigned char ch : s) out += fmt::format("%{:02X}", ch);
  return out;
}

class TrainingTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    legal_ = AddUnit(bureau_, "法制大队", "team");
    AddUser("fazhi", "legal_officer", legal_);     // the bureau's legal unit: whole bureau
    AddUser("fazhi_a", "legal_officer", team_a_);  // 东街派出所's part-time 法制员
    person_a_ = AddPerson(team_a_, "甲民警", "100001");
    person_a2_ = AddPerson(team_a_, "乙民警", "100002");
    person_b_ = AddPerson(team_b_, "丙民警", "200001");
    Exec(fmt::format("UPDATE users SET person_id = {} WHERE id = {}", person_a_, officer_a_id_));
    Exec(fmt::format("UPDATE users SET person_id = {} WHERE id = {}", person_b_, officer_b_id_));
  }
  void Exec(const std::string& q) {
    auto r = app_->db().Write([&](soci::session& sql) -> Result<void> {
      db::Exec(sql, q);
      return {};
    });
    ASSERT_TRUE(r);
  }
  std::int64_t Count(const std::string& q) {
    return app_->db().Read([&](soci::session& sql) { return db::ScalarInt(sql, q).value_or(0); });
  }
  json Session(std::vector<std::int64_t> targets, EpochSeconds start = kStart + 3600) {
    return {{"kind", "night_school"},     {"topic", "以案说法：证据收集与固定"},
            {"start_at", start},          {"end_at", start + 7200},
            {"place", "分局培训中心"},    {"speaker_kind", "invited"},
            {"speaker_name", "特邀专家"}, {"speaker_title", "执业律师"},
            {"format", "case_study"},     {"target_unit_ids", targets}};
  }
  std::int64_t Create(Client& c, const json& body) {
    auto r = c.Post("/api/training/sessions", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json.value("id", std::int64_t{0});
  }
  std::string Token(Client& c, std::int64_t id) {
    auto r = c.Get(fmt::format("/api/training/sessions/{}/qr", id));
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(r.json["png"].get<std::string>().starts_with("data:image/png;base64,"));
    EXPECT_NE(r.json["url"].get<std::string>().find("/training/checkin?t="), std::string::npos);
    return r.json["token"];
  }
  Response Upload(Client& c, std::int64_t id, const std::string& role, const std::string& name,
                  const std::string& bytes) {
    httplib::MultipartFormDataItems items = {{"role", role, "", ""}, {"file", bytes, name, "application/octet-stream"}};
    return c.Wrap(c.raw().Post(fmt::format("/api/training/sessions/{}/files", id).c_str(), c.Headers(true), items));
  }

  std::int64_t legal_ = 0, person_a_ = 0, person_a2_ = 0, person_b_ = 0;
};

TEST_F(TrainingTest, SessionRefusalsChangeNothing) {
  auto c = SignedIn("fazhi");
  struct Bad {
    json patch;
    std::string field, reason;
  };
  const std::vector<Bad> bad = {
      {{{"kind", "party"}}, "kind", "invalid_kind"},
      {{{"topic", "  "}}, "topic", "required"},
      {{{"end_at", kStart}}, "end_at", "end_before_start"},
      {{{"kind", "lecture"}, {"format", ""}, {"place", ""}}, "online_url", "required"},
      {{{"kind", "weekly"}}, "format", "invalid_format"},
      {{{"speaker_name", ""}}, "speaker_name", "required"},
      {{{"online_url", "ftp://x"}}, "online_url", "invalid_url"},
  };
  for (const auto& b : bad) {
    json body = Session({team_a_});
    body.update(b.patch);
    auto r = c.Post("/api/training/sessions", body);
    EXPECT_EQ(r.status, 400) << b.field << " " << r.body;
    EXPECT_EQ(r.json["error"].value("field", ""), b.field) << r.body;
    EXPECT_EQ(r.Code(), b.reason) << r.body;
    EXPECT_FALSE(r.Message().empty());
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM training_sessions"), 0);
  // 东街派出所's 法制员 cannot aim a session at 西街派出所 (out of reach: 404), nor may a case officer create one.
  auto ca = SignedIn("fazhi_a");
  auto r = ca.Post("/api/training/sessions", Session({team_b_}));
  EXPECT_EQ(r.status, 404) << r.body;
  auto officer = SignedIn("officer_a");
  EXPECT_EQ(officer.Post("/api/training/sessions", Session({team_a_})).status, 403);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM training_sessions"), 0);
}

// 内聘能手: a person of the bureau picked by id, his name taken from the register (not the text sent);
// without the id 400, a person of another bureau 404 like a nonexistent one; nothing stored.
TEST_F(TrainingTest, InternalSpeakerIsAPersonOfTheBureau) {
  auto c = SignedIn("fazhi");
  const std::int64_t other = AddUnit(city_, "郊区分局", "bureau");
  const std::int64_t stranger = seed::Person(app_->db(), other, other, "丁民警", "300001", kStart);
  json body = Session({team_a_});
  body.update({{"speaker_kind", "internal"}, {"speaker_name", "随便写的名字"}, {"speaker_title", ""}});
  auto missing = c.Post("/api/training/sessions", body);
  EXPECT_EQ(missing.status, 400) << missing.body;
  EXPECT_EQ(missing.json["error"].value("field", ""), "speaker_person_id");
  body["speaker_person_id"] = stranger;
  auto foreign = c.Post("/api/training/sessions", body);
  EXPECT_EQ(foreign.status, 404) << foreign.body;
  body["speaker_person_id"] = 999999;
  EXPECT_EQ(c.Post("/api/training/sessions", body).Code(), foreign.Code());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM training_sessions"), 0);
  body["speaker_person_id"] = person_b_;
  auto ok = c.Post("/api/training/sessions", body);
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(ok.json["speaker_person_id"], person_b_);
  EXPECT_EQ(ok.json["speaker_name"], "丙民警");
  EXPECT_EQ(Count(fmt::format("SELECT COUNT(*) FROM training_sessions WHERE speaker_person_id = {}", person_b_)), 1);
}

TEST_F(TrainingTest, VisibilityFollowsOrganiserAndTargets) {
  auto c = SignedIn("fazhi");
  const std::int64_t id = Create(c, Session({team_a_}));
  auto a = SignedIn("officer_a");
  auto b = SignedIn("officer_b");
  EXPECT_EQ(a.Get(fmt::format("/api/training/sessions/{}", id)).status, 200);
  auto hidden = b.Get(fmt::format("/api/training/sessions/{}", id));
  auto missing = b.Get("/api/training/sessions/999999");
  EXPECT_EQ(hidden.status, 404);
  EXPECT_EQ(hidden.Code(), missing.Code());
  EXPECT_EQ(hidden.Message(), missing.Message());
  EXPECT_EQ(a.Get("/api/training/sessions").json["total"], 1);
  EXPECT_EQ(b.Get("/api/training/sessions").json["total"], 0);
  // A target may read, only the organiser's reach may change it.
  auto ca = SignedIn("fazhi_a");
  EXPECT_EQ(ca.Get(fmt::format("/api/training/sessions/{}", id)).status, 200);
  EXPECT_EQ(ca.Put(fmt::format("/api/training/sessions/{}", id), Session({team_a_})).status, 404);
  EXPECT_EQ(ca.Get(fmt::format("/api/training/sessions/{}/qr", id)).status, 404);
  auto x = c.Get("/api/training/sessions.xlsx?kind=night_school");
  EXPECT_EQ(x.status, 200);
  EXPECT_TRUE(x.body.starts_with("PK"));
  EXPECT_EQ(c.Get("/api/training/sessions?kind=bogus").status, 400);
}

TEST_F(TrainingTest, QrCheckInUsesServerTimeWindowAndCountsOnce) {
  const EpochSeconds start = kStart + 3 * 3600;
  std::int64_t id = 0;
  {
    auto c = SignedIn("fazhi");
    id = Create(c, Session({team_a_, team_b_}, start));
    // Too early: more than 30 minutes before the start.
    auto early = SignedIn("officer_a").Post("/api/training/checkin", json{{"token", Token(c, id)}});
    EXPECT_EQ(early.status, 409) << early.body;
    EXPECT_EQ(early.Code(), "checkin_not_open");
    EXPECT_NE(early.Message().find("签到尚未开始"), std::string::npos);
  }
  clock_->Set(start + 600);
  auto c = SignedIn("fazhi");
  auto a = SignedIn("officer_a");
  const std::string token = Token(c, id);
  auto forged = a.Post("/api/training/checkin", json{{"token", token.substr(0, token.size() - 1) + "x"}});
  EXPECT_EQ(forged.status, 400);
  EXPECT_EQ(forged.Code(), "invalid_token");
  auto first = a.Post("/api/training/checkin", json{{"token", token}});
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.json["checked_at"], start + 600);  // the server's time
  EXPECT_FALSE(first.json["already"]);
  clock_->Advance(30);
  auto again = a.Post("/api/training/checkin", json{{"token", token}});
  EXPECT_EQ(again.status, 200);
  EXPECT_TRUE(again.json["already"]);
  EXPECT_EQ(again.json["checked_at"], start + 600);
  EXPECT_EQ(Count(fmt::format("SELECT COUNT(*) FROM training_attendance WHERE session_id = {}", id)), 1);
  // A token older than its lifetime is refused; a fresh one works.
  clock_->Advance(200);
  auto b = SignedIn("officer_b");
  auto expired = b.Post("/api/training/checkin", json{{"token", token}});
  EXPECT_EQ(expired.status, 400);
  EXPECT_EQ(expired.Code(), "token_expired");
  EXPECT_EQ(b.Post("/api/training/checkin", json{{"token", Token(c, id)}}).status, 201);
  // After the end and its 30 minutes of grace: refused in Chinese, nothing counted.
  const std::string late_token = Token(c, id);
  clock_->Set(start + 7200 + 1801);
  Exec(fmt::format("UPDATE users SET person_id = {} WHERE id = {}", person_a2_, officer_a_id_));
  auto late = SignedIn("officer_a").Post("/api/training/checkin", json{{"token", late_token}});
  EXPECT_EQ(late.status, 409) << late.body;
  EXPECT_EQ(late.Code(), "checkin_closed");
  EXPECT_NE(late.Message().find("签到已截止"), std::string::npos);
  auto organiser = SignedIn("fazhi");
  auto att = organiser.Get(fmt::format("/api/training/sessions/{}/attendance", id));
  ASSERT_EQ(att.status, 200);
  EXPECT_EQ(att.json["attended"], 2);
  EXPECT_EQ(att.json["expected"], 3);
  ASSERT_EQ(att.json["units"].size(), 2u);
  EXPECT_EQ(att.json["units"][0]["attended"], 1);
  EXPECT_EQ(att.json["units"][0]["expected"], 2);
  // An account without a person cannot check in.
  EXPECT_EQ(organiser.Post("/api/training/checkin", json{{"token", late_token}}).status, 403);
}

TEST_F(TrainingTest, RosterAndPhotosCheckedByContent) {
  auto c = SignedIn("fazhi");
  const std::int64_t id = Create(c, Session({team_a_}));
  auto r =
      c.Put(fmt::format("/api/training/sessions/{}/attendance", id), json{{"person_ids", {person_a_, person_a2_}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["attended"], 2);
  r = c.Put(fmt::format("/api/training/sessions/{}/attendance", id), json{{"person_ids", {person_a_}}});
  EXPECT_EQ(r.json["attended"], 1);
  EXPECT_EQ(c.Put(fmt::format("/api/training/sessions/{}/attendance", id), json{{"person_ids", {999999}}}).status, 404);
  EXPECT_EQ(r.json["attended"], 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM training_attendance"), 1);
  auto ok = Upload(c, id, "photo", "现场.png", kPng);
  EXPECT_EQ(ok.status, 201) << ok.body;
  auto fake = Upload(c, id, "photo", "现场.jpg", "这不是图片，只是文字");
  EXPECT_EQ(fake.status, 400) << fake.body;
  EXPECT_EQ(fake.Code(), "attachment_type");
  auto pdf_as_png = Upload(c, id, "material", "讲义.pdf", kPng);
  EXPECT_EQ(pdf_as_png.status, 400);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM attachments WHERE owner_type LIKE 'training_%'"), 1);
  auto detail = c.Get(fmt::format("/api/training/sessions/{}", id));
  ASSERT_EQ(detail.json["files"].size(), 1u);
  const std::int64_t file = detail.json["files"][0]["id"];
  EXPECT_EQ(SignedIn("officer_a").Get(fmt::format("/api/training/files/{}", file)).status, 200);
  EXPECT_EQ(SignedIn("officer_b").Get(fmt::format("/api/training/files/{}", file)).status, 404);
}

TEST_F(TrainingTest, PlansShowDoneMissedAndRefuseAnotherMonth) {
  auto c = SignedIn("fazhi");
  const std::int64_t id = Create(c, Session({team_a_}));  // 2026-01-01
  auto p = c.Post("/api/training/plans",
                  json{{"unit_id", team_a_}, {"month", "2026-01"}, {"kind", "night_school"}, {"topic", "证据规则"}});
  ASSERT_EQ(p.status, 201) << p.body;
  EXPECT_EQ(p.json["state"], "pending");
  auto old = c.Post("/api/training/plans",
                    json{{"unit_id", team_a_}, {"month", "2025-12"}, {"kind", "weekly"}, {"topic", "强制措施"}});
  EXPECT_EQ(old.json["state"], "missed");
  EXPECT_EQ(c.Post("/api/training/plans",
                   json{{"unit_id", team_a_}, {"month", "2025-13"}, {"kind", "weekly"}, {"topic", "x"}})
                .status,
            400);
  auto wrong = c.Put(fmt::format("/api/training/plans/{}/session", old.json["id"].get<std::int64_t>()),
                     json{{"session_id", id}});
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(wrong.Code(), "wrong_month");
  auto done =
      c.Put(fmt::format("/api/training/plans/{}/session", p.json["id"].get<std::int64_t>()), json{{"session_id", id}});
  EXPECT_EQ(done.json["state"], "done");
  auto list = SignedIn("fazhi_a").Get("/api/training/plans?from=2025-12&to=2026-01");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json["items"].size(), 2u);
  EXPECT_EQ(SignedIn("officer_b").Get("/api/training/plans?from=2025-12&to=2026-01").json["items"].size(), 0u);
  EXPECT_EQ(SignedIn("fazhi_a")
                .Post("/api/training/plans",
                      json{{"unit_id", team_b_}, {"month", "2026-01"}, {"kind", "weekly"}, {"topic", "x"}})
                .status,
            404);
}

// The 未落实 sweep with a fixed clock: nothing before the 3rd of the next month (Beijing time), then
// one notification per unit-month to the unit's 法制员 and leader, none for a carried-out plan, none
// on a second run nor after the mark is lost (the dedup key), and a stale month only marked.
TEST_F(TrainingTest, MissedPlanSweepNotifiesOnceFromTheThirdOfNextMonth) {
  const std::int64_t leader_a = AddUser("leader_a", "leader", team_a_);
  const std::int64_t fazhi_a = Count("SELECT id FROM users WHERE username = 'fazhi_a'");
  auto c = SignedIn("fazhi");
  const auto plan = [&](std::int64_t unit, const std::string& month, const std::string& topic) {
    auto r =
        c.Post("/api/training/plans", json{{"unit_id", unit}, {"month", month}, {"kind", "weekly"}, {"topic", topic}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json.value("id", std::int64_t{0});
  };
  plan(team_a_, "2026-01", "证据规则");
  plan(team_a_, "2026-01", "强制措施");
  plan(team_a_, "2026-02", "下月内容");
  plan(team_a_, "2025-06", "半年前的计划");
  const std::int64_t done = plan(team_b_, "2026-01", "已落实的计划");
  const std::int64_t session = Create(c, Session({team_b_}));
  ASSERT_EQ(c.Put(fmt::format("/api/training/plans/{}/session", done), json{{"session_id", session}}).status, 200);
  auto& service = app_->modules().Find<training::TrainingModule>()->service();
  const std::string sent = "SELECT COUNT(*) FROM notifications WHERE kind = 'training_plan_missed'";

  clock_->Set(LocalMidnight({2026, 2, 3}) - 1);  // 2 February, 23:59:59 in Beijing
  auto before = service.NotifyMissedPlans();
  ASSERT_TRUE(before) << before.error().message;
  EXPECT_EQ(before->plans, 0);
  EXPECT_EQ(before->stale, 1);  // 2025-06: only marked
  EXPECT_EQ(Count(sent), 0);

  clock_->Set(LocalMidnight({2026, 2, 3}));
  auto first = service.NotifyMissedPlans();
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->plans, 1);
  EXPECT_EQ(first->items, 2);
  EXPECT_EQ(first->notifications, 2);
  EXPECT_EQ(Count(sent), 2);
  for (std::int64_t user : {fazhi_a, leader_a})
    EXPECT_EQ(Count(fmt::format("{} AND user_id = {} AND title LIKE '%2026 年 1 月%' AND body LIKE '%强制措施%'", sent,
                                user)),
              1)
        << user;
  EXPECT_EQ(Count(fmt::format("{} AND user_id IN ({}, {})", sent, officer_a_id_, officer_b_id_)), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM training_plan_items WHERE notified_at IS NOT NULL"), 3);

  auto second = service.NotifyMissedPlans();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->plans, 0);
  EXPECT_EQ(Count(sent), 2);
  // Even when the marks are lost (another instance's rolled-back run), nobody is told twice.
  Exec("UPDATE training_plan_items SET notified_at = NULL");
  auto third = service.NotifyMissedPlans();
  ASSERT_TRUE(third);
  EXPECT_EQ(third->notifications, 0);
  EXPECT_EQ(Count(sent), 2);
  auto list = SignedIn("fazhi_a").Get("/api/training/plans?from=2026-01&to=2026-01");
  ASSERT_EQ(list.json["items"].size(), 2u);
  EXPECT_EQ(list.json["items"][0]["state"], "missed");
}

TEST_F(TrainingTest, MaterialsVersionsSearchAndSubscribers) {
  auto c = SignedIn("fazhi");
  auto a = SignedIn("officer_a");
  EXPECT_EQ(a.Put("/api/training/subscription", json{{"on", true}}).status, 200);
  auto m = c.Post("/api/training/materials", json{{"series", "每周法制培训"},
                                                  {"issue_no", 1},
                                                  {"title", "行政处罚法听证程序"},
                                                  {"body", "听证由非本案调查人员主持。"}});
  ASSERT_EQ(m.status, 201) << m.body;
  const std::int64_t id = m.json["id"];
  auto dup = c.Post("/api/training/materials", json{{"series", "每周法制培训"}, {"issue_no", 1}, {"title", "重复"}});
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(dup.Code(), "duplicate_issue");
  EXPECT_EQ(SignedIn("fazhi_a")
                .Post("/api/training/materials", json{{"series", "x"}, {"issue_no", 2}, {"title", "y"}})
                .status,
            403);
  c.Post(
      "/api/training/materials",
      json{{"series", "每周法制培训"}, {"issue_no", 2}, {"title", "涉案财物管理"}, {"body", "涉案财物应当登记入库。"}});
  auto found = a.Get("/api/training/materials?q=" + Q("非本案"));
  ASSERT_EQ(found.status, 200);
  ASSERT_EQ(found.json["total"], 1);
  EXPECT_EQ(found.json["items"][0]["issue_no"], 1);
  EXPECT_EQ(a.Get("/api/training/materials?q=" + Q("听证 入库")).json["total"], 0);
  EXPECT_EQ(a.Get("/api/training/materials").json["total"], 2);
  auto rev = c.Put(fmt::format("/api/training/materials/{}", id),
                   json{{"title", "行政处罚法听证程序（修订）"}, {"body", "新文本"}, {"note", "补充"}});
  ASSERT_EQ(rev.status, 200) << rev.body;
  EXPECT_EQ(rev.json["version"], 2);
  ASSERT_EQ(rev.json["versions"].size(), 2u);
  EXPECT_EQ(rev.json["versions"][1]["body"], "听证由非本案调查人员主持。");  // the old version kept
  EXPECT_EQ(Count(fmt::format("SELECT COUNT(*) FROM notifications WHERE user_id = {} AND object_type = "
                              "'training_material'",
                              officer_a_id_)),
            3);
  EXPECT_EQ(a.Get("/api/training/materials?q=" + Q("非本案")).json["total"], 0);
  EXPECT_EQ(a.Get("/api/training/materials/999999").status, 404);
}

TEST_F(TrainingTest, LawReportRatingsOnTheirScaleAndCourtRates) {
  auto c = SignedIn("fazhi");
  auto r = c.Post("/api/training/law-reports", json{{"unit_id", team_a_},
                                                    {"year", 2025},
                                                    {"person_id", person_a_},
                                                    {"form", "oral"},
                                                    {"title", "2025 年度述法"},
                                                    {"held_at", "2025-12-20 09:00"}});
  ASSERT_EQ(r.status, 201) << r.body;
  const std::int64_t id = r.json["id"];
  auto b = SignedIn("officer_b");
  for (int bad : {0, 6, -1}) {
    auto x = b.Post(fmt::format("/api/training/law-reports/{}/ratings", id), json{{"score", bad}});
    EXPECT_EQ(x.status, 400);
    EXPECT_EQ(x.Code(), "out_of_scale");
    EXPECT_NE(x.Message().find("1 至 5 分"), std::string::npos);
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM training_law_ratings"), 0);
  EXPECT_EQ(b.Post(fmt::format("/api/training/law-reports/{}/ratings", id), json{{"score", 4}}).status, 200);
  auto again = b.Post(fmt::format("/api/training/law-reports/{}/ratings", id), json{{"score", 5}});
  EXPECT_EQ(again.json["ratings"], 1);
  EXPECT_DOUBLE_EQ(again.json["average"].get<double>(), 5.0);
  auto own = SignedIn("officer_a").Post(fmt::format("/api/training/law-reports/{}/ratings", id), json{{"score", 5}});
  EXPECT_EQ(own.status, 409);
  EXPECT_EQ(b.Post("/api/training/law-reports/999999/ratings", json{{"score", 3}}).status, 404);
  for (bool head : {true, false, true})
    ASSERT_EQ(c.Post("/api/training/court-records", json{{"unit_id", team_a_},
                                                         {"kind", "appearance"},
                                                         {"case_name", "某行政诉讼案"},
                                                         {"court", "区人民法院"},
                                                         {"held_at", "2025-06-01 09:00"},
                                                         {"attendees", "所长"},
                                                         {"head_appeared", head}})
                  .status,
              201);
  c.Post("/api/training/court-records", json{{"unit_id", team_b_},
                                             {"kind", "hearing"},
                                             {"case_name", "某刑事案"},
                                             {"court", "区人民法院"},
                                             {"held_at", "2025-07-01 09:00"},
                                             {"attendees", "民警 8 人"},
                                             {"lessons", "证据链"}});
  auto list = c.Get("/api/training/court-records?year=2025");
  EXPECT_EQ(list.json["appearances"], 3);
  EXPECT_EQ(list.json["head_appearances"], 2);
  EXPECT_EQ(SignedIn("fazhi_a").Get("/api/training/court-records?year=2025").json["items"].size(), 3u);
  auto ov = c.Get("/api/training/overview?year=2025");
  ASSERT_EQ(ov.status, 200);
  EXPECT_EQ(ov.json["hearings"], 1);
  EXPECT_EQ(ov.json["law_reports"], 1);
  EXPECT_EQ(c.Get("/api/training/overview?year=1900").status, 400);
}

// The year overview as XLSX read back: the same numbers as the JSON, within the caller's reach.
TEST_F(TrainingTest, OverviewXlsxHasTheJsonNumbers) {
  auto c = SignedIn("fazhi");
  const std::int64_t a = Create(c, Session({team_a_, team_b_}));
  json weekly = Session({team_a_}, kStart + 40 * 86400);
  weekly["kind"] = "weekly";
  weekly["format"] = "";
  Create(c, weekly);
  ASSERT_EQ(c.Put(fmt::format("/api/training/sessions/{}/attendance", a), json{{"person_ids", {person_a_, person_b_}}})
                .status,
            200);
  c.Post("/api/training/plans", json{{"unit_id", team_a_}, {"month", "2026-01"}, {"kind", "weekly"}, {"topic", "x"}});
  const auto check = [&](const std::string& who, std::size_t& units, json& out) {
    auto u = SignedIn(who);
    auto ov = u.Get("/api/training/overview?year=2026");
    ASSERT_EQ(ov.status, 200) << ov.body;
    auto x = u.Get("/api/training/overview.xlsx?year=2026");
    ASSERT_EQ(x.status, 200) << x.body;
    EXPECT_NE(x.headers.find("Content-Disposition")->second.find(".xlsx"), std::string::npos);
    auto sheet = files::ReadXlsx(x.body);
    ASSERT_TRUE(sheet) << sheet.error().message;
    std::map<std::string, std::vector<std::string>> rows;
    for (const auto& r : sheet->rows)
      if (!r.cells.empty()) rows[r.cells[0]] = r.cells;
    const auto num = [](const std::vector<std::string>& r, std::size_t i) {
      return i < r.size() && !r[i].empty() ? std::stoll(r[i]) : -1;
    };
    for (const auto& k : ov.json["kinds"]) {
      const auto& r = rows[k["name"].get<std::string>()];
      EXPECT_EQ(num(r, 1), k["count"].get<std::int64_t>()) << who << " " << k.dump();
      for (std::size_t m = 0; m < 12; ++m) EXPECT_EQ(num(r, 2 + m), k["months"][m].get<std::int64_t>()) << k.dump();
    }
    units = 0;
    for (const auto& line : ov.json["attendance"]) {
      const auto& r = rows[line["unit_name"].get<std::string>()];
      EXPECT_EQ(num(r, 1), line["attended"].get<std::int64_t>()) << who << " " << line.dump();
      EXPECT_EQ(num(r, 2), line["expected"].get<std::int64_t>()) << line.dump();
      ++units;
    }
    EXPECT_EQ(num(rows["学法计划（项）"], 1), ov.json["plan_items"].get<std::int64_t>());
    EXPECT_EQ(num(rows["未落实"], 1), ov.json["plan_missed"].get<std::int64_t>());
    EXPECT_EQ(num(rows["旁听庭审"], 1), ov.json["hearings"].get<std::int64_t>());
    out = ov.json;
  };
  std::size_t all_units = 0, b_units = 0;
  json all, b;
  check("fazhi", all_units, all);
  EXPECT_EQ(all["kinds"][0]["count"], 1);  // weekly
  EXPECT_EQ(all["kinds"][1]["count"], 1);  // night_school
  EXPECT_GE(all_units, 2u);
  check("officer_b", b_units, b);  // 西街派出所 only
  EXPECT_EQ(b_units, 1u);
  EXPECT_EQ(b["kinds"][0]["count"], 0);
  EXPECT_EQ(b["plan_items"], 0);
  EXPECT_EQ(c.Get("/api/training/overview.xlsx?year=1900").status, 400);
}

// The demo year on the demo organisation: the seed's counts, and a second run changes nothing.
TEST(TrainingDemo, ReproducesTheSeedCounts) {
  TestDb db;
  ManualClock clock(1767225600);
  Config c;
  c.db_url = db.url();
  c.key_file = db.key_file();
  c.sweep_interval_seconds = 0;
  auto app = App::Create(c, &clock);
  ASSERT_TRUE(app) << app.error().message;
  ASSERT_TRUE(org::GenerateDemo((*app)->db(), clock, (*app)->vault()));
  auto s = training::GenerateTrainingDemo((*app)->db(), clock, 2023);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->materials, 72);
  const auto y = (*app)->db().Read([&](soci::session& sql) {
    const std::string path = db::ScalarText(sql, "SELECT path FROM units WHERE name = '城区分局'").value_or("");
    return training::CountYear(sql, path, 2023, clock.Now());
  });
  EXPECT_EQ(y.by_kind.at("weekly"), 47);
  EXPECT_EQ(y.by_kind.at("night_school"), 18);
  EXPECT_EQ(y.by_kind.at("lecture"), 9);
  EXPECT_EQ(y.by_kind.at("liaison"), 5);
  EXPECT_EQ(y.by_kind.at("joint"), 1);
  EXPECT_GT(y.by_kind.at("center_group"), 0);
  EXPECT_EQ(y.hearings, 2);
  EXPECT_GT(y.appearances, 0);
  EXPECT_GT(y.law_reports, 0);
  EXPECT_EQ(y.materials, 72);
  EXPECT_GT(y.plan_missed, 0);
  EXPECT_GT(y.plan_done, y.plan_missed);
  for (const auto& u : y.attendance) EXPECT_LE(u.attended, u.expected) << u.unit_name;
  auto again = training::GenerateTrainingDemo((*app)->db(), clock, 2023);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->already_present);
  EXPECT_EQ(again->weekly, 0);
}

}  // namespace
}  // namespace fazhi::testing
