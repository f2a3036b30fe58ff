// The bulletin section "patrol" (五化巡防与平安志愿者) on SQLite and (FAZHI_TEST_DB=postgresql://…)
// PostgreSQL: a quarter's rows are written straight into the tables — for the two 派出所 of the
// bulletin's 分局, for a 派出所 of another 分局, and before and after the quarter — and every figure
// of the section is checked against the counts made here; rows out of scope or out of the period
// are not counted. The volunteers' figures and 巡防之星 come through volunteers_reads.
#include <gtest/gtest.h>

#include "db/sql.h"
#include "http/http_fixture.h"
#include "kit/bulletin_section.h"
#include "patrol/patrol_bulletin.h"

namespace fazhi::testing {
namespace {

class PatrolBulletinTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    other_bureau_ = AddUnit(city_, "郊区分局", "bureau");
    other_team_ = AddUnit(other_bureau_, "南关派出所", "team");
    q_ = kit::MakeBulletinPeriod(2026, 1, true);
  }
  std::int64_t Insert(const std::string& q) {
    return *app_->db().Write([&](soci::session& sql) -> Result<std::int64_t> { return db::Insert(sql, q, {}); });
  }
  std::int64_t BureauOf(std::int64_t unit) const { return unit == other_team_ ? other_bureau_ : bureau_; }
  std::int64_t Point(std::int64_t unit) {
    return Insert(fmt::format(
        "INSERT INTO patrol_points (bureau_id, unit_id, name, lon_e7, lat_e7, radius_m, min_stay_s, created_at) "
        "VALUES ({}, {}, '必到点', 1089000000, 342600000, 50, 300, 1) RETURNING id",
        BureauOf(unit), unit));
  }
  void Checkin(std::int64_t unit, std::int64_t point, EpochSeconds at, const std::string& flags = "") {
    Insert(
        fmt::format("INSERT INTO patrol_checkins (bureau_id, unit_id, point_id, user_id, arrived_at, lon_e7, "
                    "lat_e7, accuracy_m, distance_m, flags) VALUES ({}, {}, {}, 1, {}, 1089000000, 342600000, "
                    "10, 5, '{}') RETURNING id",
                    BureauOf(unit), unit, point, at, flags));
  }
  // A 警情 received at `at`, arrived `arrive` seconds later (none when < 0).
  void Call(std::int64_t unit, EpochSeconds at, int arrive, bool town = true, bool test = false) {
    Insert(
        fmt::format("INSERT INTO patrol_calls (bureau_id, unit_id, in_town, is_test, received_at, arrived_at) "
                    "VALUES ({}, {}, {}, {}, {}, {}) RETURNING id",
                    BureauOf(unit), unit, town ? 1 : 0, test ? 1 : 0, at,
                    arrive < 0 ? std::string("NULL") : std::to_string(at + arrive)));
  }
  void Dispute(std::int64_t unit, EpochSeconds created, std::optional<EpochSeconds> closed,
               std::optional<EpochSeconds> revisit) {
    const auto opt = [](std::optional<EpochSeconds> v) { return v ? std::to_string(*v) : std::string("NULL"); };
    Insert(
        fmt::format("INSERT INTO patrol_disputes (bureau_id, unit_id, title, kind, grade, status, closed_at, "
                    "revisit_at, created_at) VALUES ({}, {}, '邻里纠纷', 'neighbour', 'yellow', '{}', {}, {}, {}) "
                    "RETURNING id",
                    BureauOf(unit), unit, closed ? "closed" : "open", opt(closed), opt(revisit), created));
  }
  void Hazard(std::int64_t unit, EpochSeconds created, const std::string& status, EpochSeconds fix_due,
              std::optional<EpochSeconds> fixed, std::optional<EpochSeconds> recheck) {
    const auto opt = [](std::optional<EpochSeconds> v) { return v ? std::to_string(*v) : std::string("NULL"); };
    Insert(
        fmt::format("INSERT INTO patrol_hazards (bureau_id, unit_id, place, kind, fix_due, fixed_at, recheck_at, "
                    "status, created_at) VALUES ({}, {}, '某小区', '消防', {}, {}, {}, '{}', {}) RETURNING id",
                    BureauOf(unit), unit, fix_due, opt(fixed), opt(recheck), status, created));
  }
  std::int64_t Volunteer(std::int64_t unit, const std::string& name, const std::string& status = "approved") {
    return Insert(fmt::format(
        "INSERT INTO volunteers (bureau_id, unit_id, name, id_number_enc, id_number_hash, phone_enc, status, "
        "registered_at) VALUES ({}, {}, '{}', 'x', '{}', 'x', '{}', 1) RETURNING id",
        BureauOf(unit), unit, name, name, status));
  }
  // A task of the volunteer's unit with the volunteer checked in at `at` for `seconds`.
  void Served(std::int64_t unit, std::int64_t volunteer, EpochSeconds at, int seconds,
              const std::string& state = "done") {
    const std::int64_t task = Insert(fmt::format(
        "INSERT INTO volunteer_tasks (bureau_id, unit_id, title, start_at, end_at, points, capacity, "
        "mode, created_by, created_at) VALUES ({}, {}, '夜间巡逻', {}, {}, 10, 5, 'open', 1, 1) RETURNING id",
        BureauOf(unit), unit, at, at + seconds));
    Insert(
        fmt::format("INSERT INTO volunteer_assignments (bureau_id, task_id, volunteer_id, how, state, checkin_at, "
                    "checkout_at, joined_at) VALUES ({}, {}, {}, 'chosen', '{}', {}, {}, 1) RETURNING id",
                    BureauOf(unit), task, volunteer, state, at, at + seconds));
  }
  void Clue(std::int64_t unit, std::int64_t volunteer, EpochSeconds at, const std::string& status) {
    Insert(
        fmt::format("INSERT INTO volunteer_clues (bureau_id, volunteer_id, unit_id, text, status, created_at) "
                    "VALUES ({}, {}, {}, '可疑人员', '{}', {}) RETURNING id",
                    BureauOf(unit), volunteer, unit, status, at));
  }
  kit::BulletinSection Compute(const kit::BulletinPeriod& p) {
    auto section = patrol::MakeBulletinSection();
    auto s = app_->db().Read([&](soci::session& sql) {
      return section->Compute(sql, p, {.bureau_id = bureau_, .unit_path = PathOf(bureau_), .unit_name = "城区分局"});
    });
    EXPECT_TRUE(s) << s.error().message;
    return *s;
  }
  std::string PathOf(std::int64_t unit) {
    return app_->db().Read([&](soci::session& sql) {
      db::SqlArgs a;
      std::string path;
      db::First(sql, fmt::format("SELECT path FROM units WHERE id = {}", a.Int(unit)), a,
                [&](const db::Row& r) { path = r.Str("path"); });
      return path;
    });
  }
  static const kit::BulletinFigure& Fig(const kit::BulletinSection& s, const std::string& key) {
    for (const auto& f : s.figures)
      if (f.key == key) return f;
    ADD_FAILURE() << "no figure " << key;
    static kit::BulletinFigure none;
    return none;
  }
  std::int64_t other_bureau_ = 0, other_team_ = 0;
  kit::BulletinPeriod q_;
};

TEST_F(PatrolBulletinTest, EmptyQuarterSaysSo) {
  const auto s = Compute(q_);
  EXPECT_EQ(s.id, "patrol");
  EXPECT_FALSE(s.has_data);
  EXPECT_NE(s.empty_text.find("2026年第一季度"), std::string::npos) << s.empty_text;
  EXPECT_TRUE(patrol::MakeBulletinSection()->InKind("standardization"));
  EXPECT_FALSE(patrol::MakeBulletinSection()->InKind("quality"));
}

TEST_F(PatrolBulletinTest, EveryFigureOfTheQuarterFromRowsInScope) {
  const EpochSeconds in = q_.from + 86400, before = q_.from - 86400, after = q_.to + 3600;
  const EpochSeconds end = q_.to;
  const std::int64_t pa = Point(team_a_), pb = Point(team_b_), po = Point(other_team_);
  // Check-ins: 5 in the quarter in scope (2 flagged), 3 the quarter before, 1 after, 4 elsewhere.
  for (int i = 0; i < 3; ++i) Checkin(team_a_, pa, in + i * 3600);
  Checkin(team_a_, pa, in + 5 * 3600, "far");
  Checkin(team_b_, pb, in + 6 * 3600, "short_stay,speed");
  for (int i = 0; i < 3; ++i) Checkin(team_b_, pb, before - i * 3600);
  Checkin(team_a_, pa, after, "far");
  for (int i = 0; i < 4; ++i) Checkin(other_team_, po, in + i * 60, "far");
  // 警情 (default targets: town 300 s, rural 600 s). 东街: 4 arrived, 3 on time; 西街: 3 calls, 2
  // arrived, 1 on time. Out of scope / period: 2 more.
  Call(team_a_, in, 200);
  Call(team_a_, in + 10, 400);
  Call(team_a_, in + 20, 250);
  Call(team_a_, in + 30, 500, /*town=*/false);
  Call(team_b_, in + 40, 350);
  Call(team_b_, in + 50, 100);
  Call(team_b_, in + 60, -1);
  Call(other_team_, in, 900);
  Call(team_a_, after, 900);
  // 模拟测警: 2 in scope, 1 on time; one elsewhere.
  Call(team_a_, in + 100, 100, true, true);
  Call(team_b_, in + 200, 700, true, true);
  Call(other_team_, in + 300, 100, true, true);
  // 矛盾纠纷: opened 2 (one closed in the quarter, one overdue), 2 older still open at the end (one
  // closed only after it), one closed before the quarter; one elsewhere.
  Dispute(team_a_, in, std::nullopt, end - 10);
  Dispute(team_a_, in, in + 86400, std::nullopt);
  Dispute(team_b_, before, std::nullopt, end + 86400);
  Dispute(team_b_, before - 86400, after, std::nullopt);
  Dispute(team_a_, before - 86400, before, std::nullopt);
  Dispute(other_team_, in, std::nullopt, in);
  // 安全隐患: opened 2 (one overdue, one closed), one older fixed in the quarter awaiting re-check;
  // one elsewhere.
  Hazard(team_b_, in, "open", in + 86400, std::nullopt, std::nullopt);
  Hazard(team_b_, in, "closed", in + 86400, in + 3600, in + 7200);
  Hazard(team_a_, before, "fixed", in, in + 60, std::nullopt);
  Hazard(other_team_, in, "open", in, std::nullopt, std::nullopt);
  // Volunteers: 甲 (东街) 2 tasks in January (2 h and 1.5 h), one before; a clue accepted, one pending,
  // one accepted after the quarter. 乙 (西街) 3.25 h in February and a flagged task. 丙 pending, 丁 of
  // the other 分局: not counted.
  const std::int64_t v1 = Volunteer(team_a_, "志愿者甲"), v2 = Volunteer(team_b_, "志愿者乙");
  const std::int64_t v3 = Volunteer(team_a_, "志愿者丙", "pending"), v4 = Volunteer(other_team_, "志愿者丁");
  Served(team_a_, v1, in, 7200);
  Served(team_a_, v1, in + 86400, 5400);
  Served(team_a_, v1, before, 7200);
  Served(team_b_, v2, in + 40 * 86400, 11700);
  Served(team_b_, v2, in + 41 * 86400, 3600, "flagged");
  Served(team_a_, v3, in, 3600);
  Served(other_team_, v4, in, 3600);
  Clue(team_a_, v1, in + 3600, "accepted");
  Clue(team_a_, v1, in + 7200, "pending");
  Clue(team_a_, v1, after, "accepted");
  Clue(other_team_, v4, in, "accepted");

  const auto s = Compute(q_);
  ASSERT_TRUE(s.has_data);
  EXPECT_EQ(Fig(s, "checkins").value, 5);
  EXPECT_EQ(Fig(s, "checkins").previous, 3);
  EXPECT_EQ(Fig(s, "checkins_flagged").value, 2);
  EXPECT_EQ(Fig(s, "checkins_flagged").of, 5);
  EXPECT_EQ(Fig(s, "calls").value, 7);
  EXPECT_EQ(Fig(s, "arrive_on_time").value, 4);
  EXPECT_EQ(Fig(s, "arrive_on_time").of, 6);
  EXPECT_EQ(Fig(s, "drill_calls").value, 2);
  EXPECT_EQ(Fig(s, "drill_on_time").value, 1);
  EXPECT_EQ(Fig(s, "drill_on_time").of, 2);
  EXPECT_EQ(Fig(s, "disputes_opened").value, 2);
  EXPECT_EQ(Fig(s, "disputes_closed").value, 1);
  EXPECT_EQ(Fig(s, "disputes_open").value, 3);
  EXPECT_EQ(Fig(s, "disputes_overdue").value, 1);
  EXPECT_EQ(Fig(s, "hazards_opened").value, 2);
  EXPECT_EQ(Fig(s, "hazards_closed").value, 1);
  EXPECT_EQ(Fig(s, "hazards_open").value, 2);
  EXPECT_EQ(Fig(s, "hazards_overdue").value, 1);
  EXPECT_EQ(Fig(s, "volunteers_active").value, 2);
  EXPECT_EQ(Fig(s, "service_hours").value, 7);  // 2 + 1.5 + 3.25 = 6.75 h
  EXPECT_EQ(Fig(s, "clues_accepted").value, 1);
  // The per-unit table: 东街 3/4 on time, 西街 1/2; the slowest unit named first in the summary.
  ASSERT_EQ(s.tables.size(), 1u);
  ASSERT_EQ(s.tables[0].rows.size(), 2u);
  for (const auto& row : s.tables[0].rows) {
    if (row[0] == "东街派出所") {
      EXPECT_EQ(row[1], "4");
      EXPECT_EQ(row[3], "3");
    } else {
      EXPECT_EQ(row[0], "西街派出所");
      EXPECT_EQ(row[1], "3");
      EXPECT_EQ(row[2], "2");
      EXPECT_EQ(row[3], "1");
    }
  }
  EXPECT_NE(s.summary.find("按时率最低的单位：西街派出所（50.0%）、东街派出所（75.0%）"), std::string::npos)
      << s.summary;
  // 巡防之星: January 甲 (积分 0 + 2 tasks ×5 + 1 clue ×10), February 乙; nobody of the other 分局.
  ASSERT_EQ(s.items.size(), 2u) << (s.items.empty() ? "" : s.items[0]);
  EXPECT_EQ(s.items[0].rfind("2026年1月：志愿者甲（东街派出所）", 0), 0u) << s.items[0];
  EXPECT_NE(s.items[0].find("= 20 分"), std::string::npos) << s.items[0];
  EXPECT_EQ(s.items[1].rfind("2026年2月：志愿者乙（西街派出所）", 0), 0u) << s.items[1];
  // The next quarter sees only what happened in it.
  const auto next = Compute(kit::MakeBulletinPeriod(2026, 2, true));
  EXPECT_EQ(Fig(next, "checkins").value, 1);
  EXPECT_EQ(Fig(next, "checkins").previous, 5);
  EXPECT_EQ(Fig(next, "calls").value, 1);
  EXPECT_EQ(Fig(next, "disputes_open").value, 2);  // the overdue one and the one revisited later
  EXPECT_EQ(Fig(next, "disputes_closed").value, 1);
  EXPECT_EQ(Fig(next, "clues_accepted").value, 1);
  EXPECT_EQ(Fig(next, "volunteers_active").value, 0);
}

}  // namespace
}  // namespace fazhi::testing
