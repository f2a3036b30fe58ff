// 接报案大厅 (issue 13): the hall's 24-hour duty roster (值班表) and the deadline alerts, over real
// HTTP and through the service, on SQLite and (FAZHI_TEST_DB=postgresql://…) PostgreSQL: overlapping
// shifts and people out of reach refused with nothing stored, copying a week forward, the duty
// officer a new ticket is pre-filled with at a shift boundary, and the sweep that warns before and
// notifies after a deadline once per episode — not again after a second run or a restart, again
// after the ticket is reopened.
#include <gtest/gtest.h>

#include "auth/roles.h"
#include "db/sql.h"
#include "http/http_fixture.h"
#include "intake/intake_module.h"

namespace fazhi::testing {
namespace {

using nlohmann::json;

// 2026-01-01 00:00 UTC is 08:00 in Beijing: the start of a 白班 at kStart.
constexpr EpochSeconds kHour = 3600;

std::string IdNumber(const std::string& first17) { return first17 + auth::IdNumberCheckChar(first17); }

class IntakeDutyTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    legal_ = seed::Unit(app_->db(), bureau_, "法制大队", "team", kStart, "法制大队");
    hall_ = seed::Unit(app_->db(), bureau_, "接报案中心", "team", kStart, "接报案大厅");
    AddUser("fazhi", "legal_officer", legal_);
    AddUser("fazhi_a", "legal_officer", team_a_);  // a 派出所's 兼职法制员: reaches 东街派出所 only
    jiebao_ = AddUser("jiebao", "intake", hall_);
    AddUser("jiebao_a", "intake", team_a_);
    hall_p1_ = AddPerson(hall_, "值班甲", "200001");
    hall_p2_ = AddPerson(hall_, "值班乙", "200002");
    east_p_ = AddPerson(team_a_, "东街丙", "200003");
    west_p_ = AddPerson(team_b_, "西街丁", "200004");
  }

  void LinkPerson(std::int64_t user, std::int64_t person) {
    ASSERT_TRUE(app_->db().Write([&](soci::session& sql) -> Result<void> {
      db::SqlArgs a;
      db::Exec(sql, fmt::format("UPDATE users SET person_id = {} WHERE id = {}", a.Int(person), a.Int(user)), a);
      return {};
    }));
  }
  std::int64_t Count(const std::string& q) {
    return app_->db().Read([&](soci::session& sql) { return db::ScalarInt(sql, q).value_or(0); });
  }
  static json Shift(const std::string& name, EpochSeconds start, EpochSeconds end, std::vector<std::int64_t> people) {
    return {{"name", name}, {"start_at", start}, {"end_at", end}, {"person_ids", people}};
  }
  static json Report() {
    return {{"kind", "report"},
            {"case_type", "administrative"},
            {"category", "盗窃"},
            {"reporter_name", "张三"},
            {"reporter_id_number", IdNumber("11010519900307123")},
            {"reporter_phone", "13812345678"},
            {"summary", "电动车在小区门口被盗"},
            {"place", "东街幸福小区北门"}};
  }
  intake::IntakeService& Service() { return app_->modules().Find<intake::IntakeModule>()->service(); }

  std::int64_t legal_ = 0, hall_ = 0, jiebao_ = 0;
  std::int64_t hall_p1_ = 0, hall_p2_ = 0, east_p_ = 0, west_p_ = 0;
};

TEST_F(IntakeDutyTest, RosterRefusesOverlapsAndPeopleOutOfReachAndStoresNothing) {
  auto legal = SignedIn("fazhi");
  const EpochSeconds day = kStart, night = kStart + 12 * kHour;  // 08:00 and 20:00 in Beijing
  auto r = legal.Post("/api/intake/duty/shifts", Shift("白班", day, night, {hall_p1_, hall_p2_}));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json["hall_unit_id"], hall_);  // the 法制大队 edits the bureau's hall by default
  EXPECT_EQ(r.json["people"][0]["name"], "值班甲");
  const std::int64_t shift = r.json["id"];
  // Only intake.manage edits the roster.
  EXPECT_EQ(
      SignedIn("jiebao").Post("/api/intake/duty/shifts", Shift("夜班", night, night + 12 * kHour, {hall_p2_})).status,
      403);
  // The same person on two overlapping shifts: 409 with a machine code, nothing stored.
  auto clash = legal.Post("/api/intake/duty/shifts", Shift("加班", day + 4 * kHour, night + 4 * kHour, {hall_p1_}));
  EXPECT_EQ(clash.status, 409) << clash.body;
  EXPECT_EQ(clash.Code(), "duty_overlap");
  EXPECT_EQ(clash.json["error"]["field"], "person_ids");
  EXPECT_NE(clash.Message().find("值班甲"), std::string::npos) << clash.body;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM intake_duty_shifts"), 1);
  // Touching is not overlapping: the night shift starts when the day shift ends.
  auto next = legal.Post("/api/intake/duty/shifts", Shift("夜班", night, night + 12 * kHour, {hall_p1_}));
  ASSERT_EQ(next.status, 201) << next.body;
  // Bad input names the field.
  struct Case {
    json body;
    int status;
    std::string field, reason;
  };
  const std::vector<Case> cases = {
      {Shift("白班", day + 86400, day + 86400 - 60, {hall_p2_}), 400, "end_at", "invalid_range"},
      {Shift("全天", day + 86400, day + 2 * 86400 + 60, {hall_p2_}), 400, "end_at", "too_long"},
      {Shift("白班", day + 86400, night + 86400, {}), 400, "person_ids", "required"},
      {Shift("白班", day + 86400, night + 86400, {hall_p2_, hall_p2_}), 400, "person_ids", "duplicate"},
      {Shift("", day + 86400, night + 86400, {hall_p2_}), 400, "name", "missing_field"},
      {Shift("白班", day + 86400, night + 86400, {999999}), 404, "person_ids[0]", "not_found"},
      {json{{"name", "白班"}, {"start_at", "明天早上"}, {"end_at", night}, {"person_ids", {hall_p2_}}}, 400, "start_at",
       "invalid_time"},
      {json{{"name", "白班"}, {"start_at", day}, {"end_at", night}, {"person_ids", "甲"}}, 400, "person_ids",
       "wrong_type"},
  };
  for (const auto& c : cases) {
    auto x = legal.Post("/api/intake/duty/shifts", c.body);
    EXPECT_EQ(x.status, c.status) << c.body.dump() << " " << x.body;
    EXPECT_EQ(x.json["error"]["field"], c.field) << x.body;
    EXPECT_EQ(x.Code(), c.reason) << x.body;
  }
  // A 派出所's 法制员 reaches his own 派出所: a person of 西街 or the bureau's hall is out of reach.
  auto east = SignedIn("fazhi_a");
  auto out = east.Post("/api/intake/duty/shifts", Shift("白班", day, night, {west_p_}));
  EXPECT_EQ(out.status, 404) << out.body;
  EXPECT_EQ(out.json["error"]["field"], "person_ids[0]");
  json other_hall = Shift("白班", day, night, {east_p_});
  other_hall["hall_id"] = hall_;
  EXPECT_EQ(east.Post("/api/intake/duty/shifts", other_hall).json["error"]["field"], "hall_id");
  EXPECT_EQ(east.Put(fmt::format("/api/intake/duty/shifts/{}", shift), Shift("白班", day, night, {east_p_})).status,
            404);
  EXPECT_EQ(east.Delete(fmt::format("/api/intake/duty/shifts/{}", shift)).status, 404);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM intake_duty_shifts"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM intake_duty_people"), 3);
  // His own 派出所's roster with his own people is fine.
  auto own = east.Post("/api/intake/duty/shifts", Shift("白班", day, night, {east_p_}));
  ASSERT_EQ(own.status, 201) << own.body;
  EXPECT_EQ(own.json["hall_unit_id"], team_a_);
  // The roster as the hall sees it (intake.read), and nothing of it from the 派出所.
  auto roster = SignedIn("jiebao").Get("/api/intake/duty?from=2026-01-01&to=2026-01-01");
  ASSERT_EQ(roster.status, 200) << roster.body;
  EXPECT_EQ(roster.json["hall_unit_id"], hall_);
  ASSERT_EQ(roster.json["shifts"].size(), 2u);
  EXPECT_EQ(roster.json["shifts"][0]["name"], "白班");
  EXPECT_EQ(roster.json["shifts"][1]["people"][0]["name"], "值班甲");
  EXPECT_EQ(SignedIn("jiebao_a").Get("/api/intake/duty?from=2026-01-01&to=2026-01-01").body.find("值班甲"),
            std::string::npos);
  EXPECT_EQ(SignedIn("jiebao").Get("/api/intake/duty?from=2026-01-02&to=2026-01-01").json["error"]["field"], "to");
  // Change the day shift, then the overlap check leaves the shift itself out.
  auto upd = legal.Put(fmt::format("/api/intake/duty/shifts/{}", shift), Shift("白班", day, night + kHour, {hall_p2_}));
  ASSERT_EQ(upd.status, 200) << upd.body;
  EXPECT_EQ(upd.json["people"].size(), 1u);
  EXPECT_EQ(
      legal.Put(fmt::format("/api/intake/duty/shifts/{}", shift), Shift("白班", day, night + kHour, {hall_p1_})).Code(),
      "duty_overlap");  // 值班甲 has the night shift from 20:00
  ASSERT_EQ(legal.Delete(fmt::format("/api/intake/duty/shifts/{}", shift)).status, 200);
  EXPECT_EQ(legal.Delete(fmt::format("/api/intake/duty/shifts/{}", shift)).status, 404);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'intake.duty_%'"), 5);
}

TEST_F(IntakeDutyTest, CopyingAWeekForward) {
  auto legal = SignedIn("fazhi");
  // The week of Monday 2025-12-29 (Beijing): a night shift on Monday and a day shift on Sunday.
  const EpochSeconds monday = kStart - 3 * 86400 - 8 * kHour;  // 2025-12-29 00:00 Beijing
  ASSERT_EQ(
      legal.Post("/api/intake/duty/shifts", Shift("夜班", monday + 20 * kHour, monday + 32 * kHour, {hall_p1_})).status,
      201);
  ASSERT_EQ(legal
                .Post("/api/intake/duty/shifts",
                      Shift("白班", monday + 6 * 86400 + 8 * kHour, monday + 6 * 86400 + 20 * kHour, {hall_p2_}))
                .status,
            201);
  auto copy = legal.Post("/api/intake/duty/copy-week", json{{"from", "2025-12-29"}});
  ASSERT_EQ(copy.status, 201) << copy.body;
  EXPECT_EQ(copy.json["copied"], 2);
  auto next = legal.Get("/api/intake/duty?from=2026-01-05&to=2026-01-11");
  ASSERT_EQ(next.json["shifts"].size(), 2u) << next.body;
  EXPECT_EQ(next.json["shifts"][0]["start_at"], monday + 7 * 86400 + 20 * kHour);
  EXPECT_EQ(next.json["shifts"][0]["people"][0]["person_id"], hall_p1_);
  // Twice: the target week is not empty. An empty source, a target not whole weeks later: 400.
  EXPECT_EQ(legal.Post("/api/intake/duty/copy-week", json{{"from", "2025-12-29"}}).Code(), "target_not_empty");
  EXPECT_EQ(legal.Post("/api/intake/duty/copy-week", json{{"from", "2025-12-15"}}).Code(), "empty_week");
  EXPECT_EQ(legal.Post("/api/intake/duty/copy-week", json{{"from", "2025-12-29"}, {"to", "2026-01-14"}})
                .json["error"]["field"],
            "to");
  EXPECT_EQ(legal.Post("/api/intake/duty/copy-week", json{{"from", "下周"}}).json["error"]["field"], "from");
  EXPECT_EQ(SignedIn("jiebao").Post("/api/intake/duty/copy-week", json{{"from", "2025-12-29"}}).status, 403);
  // A copy whose person is already on duty then (here in another hall of the bureau) is refused whole.
  json elsewhere = Shift("备勤", monday + 14 * 86400 + 21 * kHour, monday + 14 * 86400 + 23 * kHour, {hall_p1_});
  elsewhere["hall_id"] = team_a_;
  ASSERT_EQ(legal.Post("/api/intake/duty/shifts", elsewhere).status, 201);
  auto refused = legal.Post("/api/intake/duty/copy-week", json{{"from", "2025-12-29"}, {"to", "2026-01-12"}});
  EXPECT_EQ(refused.Code(), "duty_overlap") << refused.body;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM intake_duty_shifts"), 5);
}

TEST_F(IntakeDutyTest, ANewTicketIsPrefilledWithWhoeverIsOnDutyAtAShiftBoundary) {
  auto legal = SignedIn("fazhi");
  // 夜班 20:00–08:00 ends, 白班 08:00–20:00 begins exactly at kStart (08:00 in Beijing).
  ASSERT_EQ(legal.Post("/api/intake/duty/shifts", Shift("夜班", kStart - 12 * kHour, kStart, {hall_p1_})).status, 201);
  ASSERT_EQ(
      legal.Post("/api/intake/duty/shifts", Shift("白班", kStart, kStart + 12 * kHour, {hall_p2_, hall_p1_})).status,
      201);
  auto clerk = SignedIn("jiebao");
  auto now = clerk.Get("/api/intake/duty/now");
  ASSERT_EQ(now.status, 200) << now.body;
  EXPECT_EQ(now.json["shift"]["name"], "白班");
  EXPECT_EQ(now.json["officer"]["id"], hall_p2_);
  auto before = clerk.Get(fmt::format("/api/intake/duty/now?at={}", kStart - 1));
  EXPECT_EQ(before.json["shift"]["name"], "夜班");
  EXPECT_EQ(before.json["officer"]["id"], hall_p1_);
  EXPECT_TRUE(clerk.Get(fmt::format("/api/intake/duty/now?at={}", kStart + 12 * kHour)).json["shift"].is_null());
  // Registered without naming him, the ticket takes the roster's duty officer at its receipt time.
  auto t = clerk.Post("/api/intake/tickets", Report());
  ASSERT_EQ(t.status, 201) << t.body;
  EXPECT_EQ(t.json["duty_person_id"], hall_p2_);
  EXPECT_EQ(t.json["duty_person_name"], "值班乙");
  json late = Report();
  late["received_at"] = kStart - 60;  // typed in after the fact: the night shift's
  EXPECT_EQ(clerk.Post("/api/intake/tickets", late).json["duty_person_id"], hall_p1_);
  json named = Report();
  named["duty_person_id"] = hall_p1_;
  EXPECT_EQ(clerk.Post("/api/intake/tickets", named).json["duty_person_id"], hall_p1_);
  // A 派出所's window: its own (empty) roster, and the hall's people are out of its reach.
  auto window = SignedIn("jiebao_a");
  EXPECT_TRUE(window.Get("/api/intake/duty/now").json["shift"].is_null());
  json theirs = Report();
  theirs["duty_person_id"] = hall_p2_;
  theirs["unit_id"] = team_a_;
  auto refused = window.Post("/api/intake/tickets", theirs);
  EXPECT_EQ(refused.status, 404) << refused.body;
  EXPECT_EQ(refused.json["error"]["field"], "duty_person_id");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM intake_tickets"), 3);
  // The picker: people within reach, the hall's own first; searchable by name or 警号.
  auto people = clerk.Get("/api/intake/people");
  ASSERT_EQ(people.status, 200) << people.body;
  EXPECT_EQ(people.json["items"][0]["unit_name"], "接报案中心");
  EXPECT_EQ(clerk.Get("/api/intake/people?q=200004").json["items"][0]["name"], "西街丁");
  auto mine = window.Get("/api/intake/people");
  ASSERT_EQ(mine.json["items"].size(), 1u) << mine.body;
  EXPECT_EQ(mine.json["items"][0]["id"], east_p_);
  EXPECT_EQ(window.Get("/api/intake/people?limit=0").status, 400);
}

TEST_F(IntakeDutyTest, TheSweepWarnsAndNotifiesOncePerEpisodeAndAgainAfterReopening) {
  const std::int64_t leader_a = AddUser("leader_a", "leader", team_a_);  // the routed unit's head
  const std::int64_t duty_user = AddUser("duty_user", "intake", legal_);
  LinkPerson(duty_user, hall_p1_);
  auto clerk = SignedIn("jiebao");  // signed in again after each jump of the clock (sessions expire)
  json body = Report();
  body["unit_id"] = team_a_;
  body["duty_person_id"] = hall_p1_;
  auto r = clerk.Post("/api/intake/tickets", body);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::int64_t id = r.json["id"];
  ASSERT_EQ(r.json["due_at"], kStart + 24 * kHour);  // ADM-ACCEPT-01
  json consult = Report();
  consult["kind"] = "consult";
  consult.erase("case_type");
  consult["unit_id"] = team_a_;
  consult["route_reason"] = "就近";
  ASSERT_EQ(clerk.Post("/api/intake/tickets", consult).status, 201);  // due in 3 days: quiet
  const auto sent = [&](const std::string& kind) {
    return Count(
        fmt::format("SELECT COUNT(*) FROM notifications WHERE kind = '{}' AND object_type = 'intake_ticket' "
                    "AND object_id = {}",
                    kind, id));
  };
  auto first = Service().NotifyDeadlines();
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->warned + first->overdue, 0);
  // Two hours before the deadline: 即将超期, to the unit's head, the hall's window and the duty officer.
  clock_->Advance(22 * kHour + 60);
  auto clerk2 = SignedIn("jiebao");
  auto warn = Service().NotifyDeadlines();
  ASSERT_TRUE(warn);
  EXPECT_EQ(warn->warned, 1);
  EXPECT_EQ(sent("intake_due_soon"), 3);
  for (std::int64_t user : {leader_a, jiebao_, duty_user})
    EXPECT_EQ(Count(fmt::format("SELECT COUNT(*) FROM notifications WHERE user_id = {} AND object_id = {}", user, id)),
              1)
        << user;
  auto queue = clerk2.Get("/api/intake/tickets?open=true&sort=urgency");
  ASSERT_EQ(queue.status, 200) << queue.body;
  EXPECT_EQ(queue.json["items"][0]["id"], id);
  EXPECT_EQ(queue.json["items"][0]["due_soon"], true);
  EXPECT_EQ(queue.json["items"][1]["due_soon"], false);
  EXPECT_EQ(clerk2.Get("/api/intake/tickets?due_soon=true").json["total"], 1);
  EXPECT_EQ(clerk2.Get("/api/intake/tickets?overdue=true").json["total"], 0);
  EXPECT_EQ(Service().NotifyDeadlines()->warned, 0);
  // Past the deadline: 超期, once; a second run and a restarted service send nothing more.
  clock_->Advance(2 * kHour);
  auto clerk3 = SignedIn("jiebao");
  auto over = Service().NotifyDeadlines();
  ASSERT_TRUE(over);
  EXPECT_EQ(over->overdue, 1);
  EXPECT_EQ(sent("intake_overdue"), 3);
  EXPECT_EQ(Service().NotifyDeadlines()->overdue, 0);
  intake::IntakeService restarted(app_->db(), *clock_, app_->vault());
  EXPECT_EQ(restarted.NotifyDeadlines()->overdue, 0);
  EXPECT_EQ(sent("intake_overdue"), 3);
  auto t = clerk3.Get(fmt::format("/api/intake/tickets/{}", id));
  EXPECT_EQ(t.json["overdue"], true);
  EXPECT_EQ(t.json["history"].back()["action"], "overdue");
  EXPECT_EQ(clerk3.Get("/api/intake/tickets?open=true&sort=urgency").json["items"][0]["overdue"], true);
  EXPECT_EQ(clerk3.Get("/api/intake/tickets?due_soon=true").json["total"], 0);
  EXPECT_EQ(clerk3.Get("/api/intake/tickets?overdue=true").json["total"], 1);
  // Decided late, concluded, reopened: a new deadline and a new episode that alerts again.
  const std::string base = fmt::format("/api/intake/tickets/{}", id);
  ASSERT_EQ(clerk3.Post(base + "/decision", json{{"accepted", true}}).status, 200);
  ASSERT_EQ(clerk3.Post(base + "/outcome", json{{"outcome", "已追回"}}).status, 200);
  EXPECT_EQ(Service().NotifyDeadlines()->overdue, 0);
  auto re = clerk3.Post(base + "/reopen", json{{"reason", "电池未追回"}});
  ASSERT_EQ(re.status, 200) << re.body;
  clock_->Advance(25 * kHour);
  auto clerk4 = SignedIn("jiebao");
  auto again = Service().NotifyDeadlines();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->overdue, 1);
  EXPECT_EQ(sent("intake_overdue"), 6);
  // A deadline long past (typed in days later) is recorded, not pushed to anyone.
  json old = Report();
  old["unit_id"] = team_a_;
  old["received_at"] = clock_->Now() - 5 * 86400;
  const std::int64_t old_id = clerk4.Post("/api/intake/tickets", old).json["id"];
  auto stale = Service().NotifyDeadlines();
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->stale, 1);
  EXPECT_EQ(Count(fmt::format("SELECT COUNT(*) FROM notifications WHERE object_id = {} AND object_type = "
                              "'intake_ticket'",
                              old_id)),
            0);
}

}  // namespace
}  // namespace fazhi::testing
