// 平安志愿者 (issue 15 item 6) over real HTTP: registration with its refusals (身份证号 check digit,
// phone, duplicates — nothing stored), personal data encrypted and masked, vetting with the
// volunteer's own account (role volunteer, first sign-in changes the password), tasks (route or
// area: neither → 400), check-in/check-out with server time and the anomaly flags (impossible speed,
// far from the task, short stay) held for the coordinator, clues with a photo reviewed and rewarded,
// the append-only ledger with caps per day and month, redemptions beyond the balance or the stock
// refused and concurrent ones never overselling, 巡防之星 with its reasons, service records and the
// certificate, scope (another 派出所's objects answer 404) and permissions (403). Runs on SQLite and,
// with FAZHI_TEST_DB=postgresql://…, on PostgreSQL.
#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "auth/self_service.h"
#include "auth/vault.h"
#include "db/sql.h"
#include "http/http_fixture.h"
#include "volunteers/volunteers_service.h"

namespace fazhi::testing {
namespace {

using nlohmann::json;

json With(json j, const json& patch) {
  j.update(patch);
  return j;
}

std::string IdNumber(const std::string& first17) { return first17 + auth::IdNumberCheckChar(first17); }

// 东街派出所's area: around (35.49, 112.85).
constexpr double kLat = 35.49, kLon = 112.85;

class VolunteersTest : public ServerTest {
 protected:
  // The tests move the clock by hours and days between calls of one session.
  void Configure(Config& c) override {
    c.auth.session_idle_seconds = 30 * 86400;
    c.auth.session_max_seconds = 30 * 86400;
  }
  void SetUp() override {
    ServerTest::SetUp();
    AddUser("coord_a", "volunteer_admin", team_a_);
    AddUser("coord_b", "volunteer_admin", team_b_);
    AddUser("coord_bureau", "volunteer_admin", bureau_);
  }

  std::int64_t Count(const std::string& q) {
    return app_->db().Read([&](soci::session& sql) { return db::ScalarInt(sql, q).value_or(0); });
  }

  json Registration(const std::string& name, const std::string& first17, std::int64_t unit) {
    return {{"name", name},
            {"gender", "女"},
            {"id_number", IdNumber(first17)},
            {"phone", "13912345678"},
            {"unit_id", unit}};
  }

  // Registers and approves a volunteer of `unit` through `coord`; signs the volunteer in with a
  // changed password and returns his client.
  std::pair<std::int64_t, Client> Volunteer(Client& coord, const std::string& name, const std::string& first17,
                                            std::int64_t unit) {
    auto r = coord.Post("/api/volunteers", Registration(name, first17, unit));
    EXPECT_EQ(r.status, 201) << r.body;
    const std::int64_t id = r.json["id"];
    auto v = coord.Post(fmt::format("/api/volunteers/{}/vetting", id),
                        json{{"approve", true}, {"initial_password", "Start@2026x"}});
    EXPECT_EQ(v.status, 200) << v.body;
    const std::string username = v.json["username"];
    Client c(port_);
    EXPECT_EQ(c.Login(username, "Start@2026x").status, 200);
    EXPECT_EQ(c.Get("/api/volunteer/me").Code(), "password_change_required");
    auto pw = c.Post("/api/me/password", json{{"old_password", "Start@2026x"}, {"new_password", "Mine@2026xy"}});
    EXPECT_EQ(pw.status, 200) << pw.body;
    Client fresh(port_);
    EXPECT_EQ(fresh.Login(username, "Mine@2026xy").status, 200);
    return {id, std::move(fresh)};
  }

  json Task(std::int64_t unit, std::vector<std::int64_t> volunteers, int points = 10, int min_stay = 30) {
    return {{"unit_id", unit},
            {"title", "夜间巡防"},
            {"content", "沿街巡查"},
            {"area_name", "东街辖区"},
            {"area", {{"lat", kLat}, {"lon", kLon}, {"radius_m", 1000}}},
            {"route", json::array({{{"name", "警务室"}, {"lat", kLat + 0.002}, {"lon", kLon}}})},
            {"start_at", kStart + 3600},
            {"end_at", kStart + 3 * 3600},
            {"points", points},
            {"capacity", 5},
            {"min_stay_minutes", min_stay},
            {"volunteer_ids", volunteers}};
  }
};

TEST_F(VolunteersTest, RegistrationRefusesBadInputAndMasksPersonalData) {
  auto coord = SignedIn("coord_a");
  // A 身份证号 with a wrong check digit.
  json wrong = Registration("张三", "11010519900307123", team_a_);
  std::string id = wrong["id_number"];
  id.back() = id.back() == '1' ? '2' : '1';
  wrong["id_number"] = id;
  auto r = coord.Post("/api/volunteers", wrong);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Code(), "invalid_id_number") << r.body;
  EXPECT_NE(r.Message().find("身份证号"), std::string::npos);
  auto phone =
      coord.Post("/api/volunteers", With(Registration("张三", "11010519900307123", team_a_), {{"phone", "12345"}}));
  EXPECT_EQ(phone.status, 400);
  EXPECT_EQ(phone.Code(), "invalid_phone");
  // Another 派出所 is out of reach.
  auto other = coord.Post("/api/volunteers", Registration("张三", "11010519900307123", team_b_));
  EXPECT_EQ(other.status, 400) << other.body;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM volunteers"), 0);

  auto ok = coord.Post("/api/volunteers", Registration("张三", "11010519900307123", team_a_));
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(ok.json["status"], "pending");
  EXPECT_EQ(ok.json["id_number"], "1101**********" + IdNumber("11010519900307123").substr(14));
  EXPECT_EQ(ok.json["phone"], "139****5678");
  // Stored encrypted: the 身份证号 appears nowhere in clear.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM volunteers WHERE id_number_enc LIKE '%110105%' OR phone_enc LIKE '%1391234%'"),
            0);
  auto dup = coord.Post("/api/volunteers", Registration("张三丰", "11010519900307123", team_a_));
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(dup.Code(), "duplicate_registration");
  const std::int64_t vid = ok.json["id"];
  auto pii = coord.Get(fmt::format("/api/volunteers/{}/pii", vid));
  EXPECT_EQ(pii.status, 200);
  EXPECT_EQ(pii.json["id_number"], IdNumber("11010519900307123"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'volunteer.read_pii'"), 1);

  // Vetting: a rejection needs a reason; a second decision is refused.
  auto no_reason = coord.Post(fmt::format("/api/volunteers/{}/vetting", vid), json{{"approve", false}});
  EXPECT_EQ(no_reason.status, 400);
  auto weak = coord.Post(fmt::format("/api/volunteers/{}/vetting", vid),
                         json{{"approve", true}, {"initial_password", "short"}});
  EXPECT_EQ(weak.status, 400);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM users WHERE username LIKE 'zy%'"), 0);
  auto rej =
      coord.Post(fmt::format("/api/volunteers/{}/vetting", vid), json{{"approve", false}, {"reason", "材料不全"}});
  EXPECT_EQ(rej.status, 200) << rej.body;
  EXPECT_EQ(rej.json["status"], "rejected");
  EXPECT_EQ(
      coord.Post(fmt::format("/api/volunteers/{}/vetting", vid), json{{"approve", false}, {"reason", "x"}}).status,
      409);

  // Scope: 西街's coordinator sees nothing of 东街; a case officer has no permission.
  auto coord_b = SignedIn("coord_b");
  EXPECT_EQ(coord_b.Get(fmt::format("/api/volunteers/{}", vid)).status, 404);
  EXPECT_EQ(coord_b.Get(fmt::format("/api/volunteers/{}", 999999)).status, 404);
  EXPECT_EQ(coord_b.Get("/api/volunteers").json["total"], 0);
  auto officer = SignedIn("officer_a");
  EXPECT_EQ(officer.Get("/api/volunteers").status, 403);
  // Training and insurance records.
  auto tr = coord.Post(fmt::format("/api/volunteers/{}/trainings", vid),
                       json{{"title", "岗前培训"}, {"trained_at", "2025-12-01"}, {"valid_until", "2026-12-01"}});
  EXPECT_EQ(tr.status, 201) << tr.body;
  auto ins = coord.Post(
      fmt::format("/api/volunteers/{}/insurance", vid),
      json{{"insurer", "某保险"}, {"policy_no", "P1"}, {"valid_from", "2026-01-01"}, {"valid_until", "2025-01-01"}});
  EXPECT_EQ(ins.status, 400);
  auto detail = coord.Get(fmt::format("/api/volunteers/{}", vid));
  EXPECT_TRUE(detail.json["trained"].get<bool>());
  EXPECT_FALSE(detail.json["insured"].get<bool>());
  auto xlsx = coord.Get("/api/volunteers/export.xlsx");
  EXPECT_EQ(xlsx.status, 200);
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK");
}

// The one home of non-staff accounts: auth::CreateSelfServiceAccount, used by the vetting and the
// demo — role volunteer only, first sign-in changes the password, names checked and unique.
TEST_F(VolunteersTest, SelfServiceAccountsHaveOneFixedRoleAndUniqueNames) {
  const auto make = [&](const std::string& name) {
    return app_->db().Write([&](soci::session& sql) {
      return auth::CreateSelfServiceAccount(sql,
                                            {.bureau_id = bureau_,
                                             .unit_id = team_a_,
                                             .username = name,
                                             .display_name = "志愿者甲",
                                             .password_hash = "x"},
                                            kStart);
    });
  };
  auto id = make("zy900001");
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(Count(fmt::format("SELECT COUNT(*) FROM user_roles WHERE user_id = {} AND role = 'volunteer'", *id)), 1);
  EXPECT_EQ(Count(fmt::format("SELECT COUNT(*) FROM user_roles WHERE user_id = {}", *id)), 1);
  EXPECT_EQ(Count(fmt::format("SELECT must_change_password FROM users WHERE id = {}", *id)), 1);
  EXPECT_EQ(Count(fmt::format("SELECT unit_id FROM users WHERE id = {}", *id)), team_a_);
  auto again = make("zy900001");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().reason, "username_taken");
  EXPECT_NE(again.error().message.find("已被使用"), std::string::npos);
  auto bad = make("志愿者");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().reason, "invalid_username");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM users WHERE username LIKE 'zy9%'"), 1);
}

TEST_F(VolunteersTest, TaskCheckInOutFlagsCluesAndPoints) {
  auto coord = SignedIn("coord_a");
  auto [vid, vol] = Volunteer(coord, "李四", "11010519900307124", team_a_);
  // A task with neither route nor area.
  json none = Task(team_a_, {vid});
  none.erase("area");
  none.erase("route");
  auto r = coord.Post("/api/volunteer-tasks", none);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Code(), "route_or_area_required");
  EXPECT_NE(r.Message().find("路线"), std::string::npos);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM volunteer_tasks"), 0);
  auto t = coord.Post("/api/volunteer-tasks", Task(team_a_, {vid}));
  ASSERT_EQ(t.status, 201) << t.body;
  const std::int64_t task = t.json["id"];
  // Another coordinator cannot see or dispatch it.
  auto coord_b = SignedIn("coord_b");
  EXPECT_EQ(coord_b.Get(fmt::format("/api/volunteer-tasks/{}", task)).status, 404);
  EXPECT_EQ(coord_b.Post(fmt::format("/api/volunteer-tasks/{}/dispatch", task), json{{"volunteer_ids", {vid}}}).status,
            404);

  auto me = vol.Get("/api/volunteer/me");
  ASSERT_EQ(me.status, 200) << me.body;
  ASSERT_EQ(me.json["assignments"].size(), 1u);
  // Check-out before check-in is refused; a check-in far away is flagged, not refused.
  EXPECT_EQ(vol.Post(fmt::format("/api/volunteer/tasks/{}/checkout", task), json{{"lat", kLat}, {"lon", kLon}}).status,
            409);
  clock_->Advance(3600);
  auto in = vol.Post(fmt::format("/api/volunteer/tasks/{}/checkin", task),
                     json{{"lat", kLat + 0.05}, {"lon", kLon}, {"accuracy_m", 10}});
  ASSERT_EQ(in.status, 200) << in.body;
  EXPECT_EQ(in.json["checkin_at"], kStart + 3600);  // the server's time
  EXPECT_EQ(in.json["flags"][0]["code"], "far_from_task");
  EXPECT_EQ(vol.Post(fmt::format("/api/volunteer/tasks/{}/checkin", task), json{{"lat", kLat}, {"lon", kLon}}).status,
            409);
  // 5.5 km in 60 seconds: impossible speed; and a stay of one minute: short.
  clock_->Advance(60);
  auto out = vol.Post(fmt::format("/api/volunteer/tasks/{}/checkout", task), json{{"lat", kLat}, {"lon", kLon}});
  ASSERT_EQ(out.status, 200) << out.body;
  EXPECT_EQ(out.json["state"], "flagged");
  std::set<std::string> flags;
  for (const auto& f : out.json["flags"]) flags.insert(f["code"]);
  EXPECT_TRUE(flags.contains("impossible_speed"));
  EXPECT_TRUE(flags.contains("short_stay"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM volunteer_points"), 0);  // not silently credited
  auto flagged = coord.Get("/api/volunteer-attendance?flagged=true");
  ASSERT_EQ(flagged.json["total"], 1);
  const std::int64_t aid = flagged.json["items"][0]["id"];
  EXPECT_EQ(coord_b.Post(fmt::format("/api/volunteer-attendance/{}/review", aid), json{{"accept", true}, {"note", "x"}})
                .status,
            404);
  auto rv = coord.Post(fmt::format("/api/volunteer-attendance/{}/review", aid),
                       json{{"accept", true}, {"note", "电话核实在岗"}});
  ASSERT_EQ(rv.status, 200) << rv.body;
  EXPECT_EQ(rv.json["state"], "done");
  EXPECT_EQ(Count("SELECT COALESCE(SUM(points), 0) FROM volunteer_points WHERE source = 'task'"), 10);

  // A clean second task: credited at check-out, approver the task's creator.
  auto t2 = coord.Post("/api/volunteer-tasks",
                       With(Task(team_a_, {vid}, 10, 0), {{"start_at", kStart + 3000}, {"end_at", kStart + 4 * 3600}}));
  ASSERT_EQ(t2.status, 201) << t2.body;
  const std::int64_t task2 = t2.json["id"];
  clock_->Advance(1800);
  ASSERT_EQ(vol.Post(fmt::format("/api/volunteer/tasks/{}/checkin", task2), json{{"lat", kLat}, {"lon", kLon}}).status,
            200);
  clock_->Advance(1800);
  auto out2 = vol.Post(fmt::format("/api/volunteer/tasks/{}/checkout", task2), json{{"lat", kLat}, {"lon", kLon}});
  EXPECT_EQ(out2.json["state"], "done") << out2.body;
  EXPECT_EQ(out2.json["flags"].size(), 0u);

  // A task without a minimum stay (0): checking out one minute after checking in is held to the
  // default 30 minutes — flagged short_stay, no points credited.
  auto t3 = coord.Post("/api/volunteer-tasks", With(Task(team_a_, {vid}, 10, 0), {{"start_at", clock_->Now() - 60},
                                                                                  {"end_at", clock_->Now() + 7200}}));
  ASSERT_EQ(t3.status, 201) << t3.body;
  EXPECT_EQ(t3.json["effective_min_stay_minutes"], 30);
  const std::int64_t task3 = t3.json["id"];
  const auto points_before = Count("SELECT COALESCE(SUM(points), 0) FROM volunteer_points WHERE source = 'task'");
  ASSERT_EQ(vol.Post(fmt::format("/api/volunteer/tasks/{}/checkin", task3), json{{"lat", kLat}, {"lon", kLon}}).status,
            200);
  clock_->Advance(60);
  auto out3 = vol.Post(fmt::format("/api/volunteer/tasks/{}/checkout", task3), json{{"lat", kLat}, {"lon", kLon}});
  ASSERT_EQ(out3.status, 200) << out3.body;
  EXPECT_EQ(out3.json["state"], "flagged");
  ASSERT_EQ(out3.json["flags"].size(), 1u) << out3.body;
  EXPECT_EQ(out3.json["flags"][0]["code"], "short_stay");
  EXPECT_EQ(Count("SELECT COALESCE(SUM(points), 0) FROM volunteer_points WHERE source = 'task'"), points_before);

  // A clue with a photo, accepted with points.
  auto clue = vol.Post("/api/volunteer/clues",
                       json{{"task_id", task2}, {"text", "路口有可疑人员"}, {"lat", kLat}, {"lon", kLon}});
  ASSERT_EQ(clue.status, 201) << clue.body;
  const std::int64_t cid = clue.json["id"];
  const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(64, '\0');
  httplib::MultipartFormDataItems items = {{"file", png, "p.png", "image/png"}};
  auto photo =
      vol.Wrap(vol.raw().Post(fmt::format("/api/volunteer/clues/{}/photo", cid).c_str(), vol.Headers(true), items));
  ASSERT_EQ(photo.status, 201) << photo.body;
  ASSERT_EQ(photo.json["photo_ids"].size(), 1u);
  const std::int64_t fid = photo.json["photo_ids"][0];
  EXPECT_EQ(coord.Get(fmt::format("/api/volunteer-files/{}", fid)).status, 200);
  EXPECT_EQ(coord_b.Get(fmt::format("/api/volunteer-files/{}", fid)).status, 404);
  EXPECT_EQ(vol.Post("/api/volunteer/clues", json{{"task_id", 999999}, {"text", "x"}}).status, 404);
  auto rc = coord.Post(fmt::format("/api/volunteer-clues/{}/review", cid),
                       json{{"accept", true}, {"points", 5}, {"note", "属实"}});
  ASSERT_EQ(rc.status, 200) << rc.body;
  EXPECT_EQ(rc.json["status"], "accepted");
  me = vol.Get("/api/volunteer/me");
  EXPECT_EQ(me.json["volunteer"]["balance"], 25);
  // Service records and the certificate.
  auto rec = coord.Get(fmt::format("/api/volunteers/{}/service-records", vid));
  ASSERT_EQ(rec.json["items"].size(), 2u);
  EXPECT_EQ(rec.json["items"][0]["organiser"], "东街派出所");
  auto cert = coord.Get(fmt::format("/api/volunteers/{}/certificate", vid));
  EXPECT_EQ(cert.status, 200);
  EXPECT_NE(cert.body.find("志愿服务证明"), std::string::npos);
  EXPECT_NE(cert.body.find("服务时长"), std::string::npos);
  // 巡防之星 of the month with its reasons.
  auto stars = coord.Get("/api/volunteer-stars/2026-01");
  ASSERT_EQ(stars.status, 200) << stars.body;
  ASSERT_EQ(stars.json["items"].size(), 1u);
  EXPECT_TRUE(stars.json["items"][0]["star"].get<bool>());
  EXPECT_NE(stars.json["items"][0]["reasons"].get<std::string>().find("线索采纳 1 条"), std::string::npos);
  EXPECT_EQ(coord.Get("/api/volunteer-stars/2026-13").status, 400);
}

TEST_F(VolunteersTest, LedgerCapsAreEnforcedAndAppendOnly) {
  auto coord = SignedIn("coord_a");
  auto [vid, vol] = Volunteer(coord, "王五", "11010519900307125", team_a_);
  ASSERT_EQ(coord.Put("/api/volunteer-settings", json{{"day_cap", 20}, {"month_cap", 30}}).status, 200);
  auto a1 = coord.Post("/api/volunteer-points", json{{"volunteer_id", vid}, {"points", 15}, {"reason", "协助寻人"}});
  ASSERT_EQ(a1.status, 201) << a1.body;
  auto over = coord.Post("/api/volunteer-points", json{{"volunteer_id", vid}, {"points", 10}, {"reason", "再次加分"}});
  EXPECT_EQ(over.status, 400);
  EXPECT_EQ(over.Code(), "over_day_cap");
  EXPECT_NE(over.Message().find("每日积分上限 20 分"), std::string::npos) << over.body;
  clock_->Advance(86400);
  ASSERT_EQ(coord.Post("/api/volunteer-points", json{{"volunteer_id", vid}, {"points", 10}, {"reason", "b"}}).status,
            201);
  clock_->Advance(86400);
  auto month = coord.Post("/api/volunteer-points", json{{"volunteer_id", vid}, {"points", 10}, {"reason", "c"}});
  EXPECT_EQ(month.status, 400);
  EXPECT_NE(month.Message().find("每月积分上限 30 分"), std::string::npos) << month.body;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM volunteer_points"), 2);
  // A correction is a new entry; the first stays as it was.
  const std::int64_t first = a1.json["id"];
  auto corr = coord.Post("/api/volunteer-points",
                         json{{"volunteer_id", vid}, {"points", -5}, {"reason", "重复记分更正"}, {"corrects", first}});
  ASSERT_EQ(corr.status, 201) << corr.body;
  EXPECT_EQ(corr.json["source"], "correction");
  EXPECT_EQ(Count(fmt::format("SELECT points FROM volunteer_points WHERE id = {}", first)), 15);
  EXPECT_EQ(coord.Post("/api/volunteer-points", json{{"volunteer_id", vid}, {"points", -5}, {"reason", "x"}}).status,
            400);
  EXPECT_EQ(coord.Post("/api/volunteer-points", json{{"volunteer_id", vid}, {"points", 5}}).status, 400);
  auto coord_b = SignedIn("coord_b");
  EXPECT_EQ(coord_b.Post("/api/volunteer-points", json{{"volunteer_id", vid}, {"points", 1}, {"reason", "x"}}).status,
            404);
  auto ledger = coord.Get(fmt::format("/api/volunteer-points?volunteer_id={}", vid));
  EXPECT_EQ(ledger.json["total"], 3);
  EXPECT_EQ(ledger.json["items"][0]["approver_name"], "coord_a");
  // The volunteer cannot use coordinator routes, the coordinator not the volunteer's.
  EXPECT_EQ(vol.Get("/api/volunteers").status, 403);
  EXPECT_EQ(coord.Get("/api/volunteer/me").status, 403);
}

TEST_F(VolunteersTest, RedemptionRefusesBeyondBalanceOrStockAndNeverOversells) {
  auto coord = SignedIn("coord_a");
  auto [vid, vol] = Volunteer(coord, "赵六", "11010519900307126", team_a_);
  auto [vid2, vol2] = Volunteer(coord, "钱七", "11010519900307127", team_a_);
  ASSERT_EQ(coord.Put("/api/volunteer-settings", json{{"day_cap", 100}, {"month_cap", 1000}}).status, 200);
  for (auto v : {vid, vid2})
    ASSERT_EQ(
        coord.Post("/api/volunteer-points", json{{"volunteer_id", v}, {"points", 100}, {"reason", "表彰"}}).status,
        201);
  auto cup = coord.Post("/api/volunteer-rewards", json{{"name", "保温杯"}, {"cost", 30}, {"stock", 3}});
  ASSERT_EQ(cup.status, 201) << cup.body;
  const std::int64_t cup_id = cup.json["id"];
  auto exam = coord.Post("/api/volunteer-rewards", json{{"name", "体检套餐"}, {"cost", 300}, {"stock", 5}});
  auto poor = vol.Post("/api/volunteer/redeem", json{{"reward_id", exam.json["id"]}});
  EXPECT_EQ(poor.status, 400);
  EXPECT_EQ(poor.Code(), "insufficient_balance");
  EXPECT_NE(poor.Message().find("积分余额不足"), std::string::npos);
  // Two volunteers, eight concurrent tries on a stock of 3: exactly 3 succeed.
  std::atomic<int> ok = 0, refused = 0;
  std::vector<std::thread> threads;
  for (int k = 0; k < 8; ++k)
    threads.emplace_back([&, k] {
      Client& c = k % 2 ? vol : vol2;
      Client mine(port_);
      mine.cookie() = c.cookie();
      mine.csrf() = c.csrf();
      auto r = mine.Post("/api/volunteer/redeem", json{{"reward_id", cup_id}});
      if (r.status == 201)
        ++ok;
      else if (r.status == 400)
        ++refused;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 3);
  EXPECT_EQ(refused.load(), 5);
  EXPECT_EQ(Count(fmt::format("SELECT stock FROM volunteer_rewards WHERE id = {}", cup_id)), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM volunteer_redemptions"), 3);
  EXPECT_EQ(Count("SELECT COALESCE(SUM(points), 0) FROM volunteer_points WHERE source = 'redeem'"), -90);
  auto none = vol.Post("/api/volunteer/redeem", json{{"reward_id", cup_id}});
  EXPECT_EQ(none.Code(), "out_of_stock");
  // One volunteer's concurrent redemptions never go below zero.
  auto badge = coord.Post("/api/volunteer-rewards", json{{"name", "徽章"}, {"cost", 40}, {"stock", 100}});
  const std::int64_t badge_id = badge.json["id"];
  std::vector<std::thread> more;
  for (int k = 0; k < 6; ++k)
    more.emplace_back([&] {
      Client mine(port_);
      mine.cookie() = vol.cookie();
      mine.csrf() = vol.csrf();
      mine.Post("/api/volunteer/redeem", json{{"reward_id", badge_id}});
    });
  for (auto& t : more) t.join();
  EXPECT_GE(Count(fmt::format("SELECT COALESCE(SUM(points), 0) FROM volunteer_points WHERE volunteer_id = {}", vid)),
            0);
}

}  // namespace
}  // namespace fazhi::testing
