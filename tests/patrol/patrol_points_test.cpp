// The points-ledger source "patrol" priced by the default scheme, on SQLite and PostgreSQL: an
// officer's month of check-ins (unflagged and finished, flagged, not yet left) and a 抓获现行 gives
// exactly one +0.1 entry per unflagged finished check-in and +1 for the catch, with Chinese reasons;
// another officer's 25 unflagged check-ins stop at the scheme's cap of 2 a month for the act; rows
// of another month or of an account without a person earn nothing.
#include <gtest/gtest.h>

#include "db/sql.h"
#include "http/http_fixture.h"
#include "patrol/patrol_points.h"
#include "points/month.h"
#include "scoring/ledger.h"
#include "scoring/scheme.h"

namespace fazhi::testing {
namespace {

class PatrolPointsTest : public ServerTest {
 protected:
  std::int64_t Insert(const std::string& q) {
    return *app_->db().Write([&](soci::session& sql) -> Result<std::int64_t> { return db::Insert(sql, q, {}); });
  }
  void Exec(const std::string& q) {
    app_->db().Write([&](soci::session& sql) -> Result<bool> {
      db::Exec(sql, q);
      return true;
    });
  }
  // An account of 东街 with a person of its own.
  std::pair<std::int64_t, std::int64_t> Officer(const std::string& name, const std::string& badge) {
    const std::int64_t person = AddPerson(team_a_, name, badge);
    const std::int64_t user = AddUser("u" + badge, "case_officer", team_a_);
    Exec(fmt::format("UPDATE users SET person_id = {} WHERE id = {}", person, user));
    return {person, user};
  }
  void Checkin(std::int64_t user, EpochSeconds at, const std::string& flags, bool left = true) {
    Insert(
        fmt::format("INSERT INTO patrol_checkins (bureau_id, unit_id, point_id, user_id, arrived_at, left_at, "
                    "lon_e7, lat_e7, accuracy_m, distance_m, flags) VALUES ({}, {}, {}, {}, {}, {}, 1089000000, "
                    "342600000, 10, 5, '{}') RETURNING id",
                    bureau_, team_a_, point_, user, at, left ? std::to_string(at + 600) : "NULL", flags));
  }
  void Log(std::int64_t user, EpochSeconds at, const std::string& kind) {
    Insert(
        fmt::format("INSERT INTO patrol_logs (bureau_id, unit_id, user_id, kind, at, place, result, created_at) "
                    "VALUES ({}, {}, {}, '{}', {}, '幸福路', '抓获盗窃嫌疑人 1 名', {}) RETURNING id",
                    bureau_, team_a_, user, kind, at, at));
  }
  std::vector<scoring::Entry> Month(const std::string& month) {
    std::vector<points::RawFact> facts;
    app_->db().Read([&](soci::session& sql) -> Result<void> {
      return patrol::MakeLedgerSource()->Collect(
          sql, points::MakeMonthScope(bureau_, *points::ParseMonth(month), kStart), facts);
    });
    auto scheme = scoring::ParseScheme(scoring::DefaultSchemeDocument());
    EXPECT_TRUE(scheme);
    return scoring::ComputeLedger(*scheme, 1, facts);
  }
  std::int64_t point_ = 0;
};

TEST_F(PatrolPointsTest, UnflaggedCheckinsAndCatchesEarnUpToTheCap) {
  point_ = Insert(fmt::format(
      "INSERT INTO patrol_points (bureau_id, unit_id, name, lon_e7, lat_e7, radius_m, min_stay_s, created_at) "
      "VALUES ({}, {}, '幸福路地铁口', 1089000000, 342600000, 50, 300, 1) RETURNING id",
      bureau_, team_a_));
  const auto [p1, u1] = Officer("巡逻民警甲", "200001");
  const auto [p2, u2] = Officer("巡逻民警乙", "200002");
  const std::int64_t nobody = AddUser("noperson", "case_officer", team_a_);
  const EpochSeconds feb = kStart + 40 * 86400;  // 2026-02-10
  Checkin(u1, feb, "");
  Checkin(u1, feb + 3600, "");
  Checkin(u1, feb + 7200, "");
  Checkin(u1, feb + 3 * 3600, "far");
  Checkin(u1, feb + 4 * 3600, "short_stay,speed");
  Checkin(u1, feb + 5 * 3600, "", /*left=*/false);
  Checkin(u1, kStart + 86400, "");  // January
  Checkin(nobody, feb, "");
  Log(u1, feb + 600, "catch");
  Log(u1, feb + 700, "stop_check");
  Log(nobody, feb + 800, "catch");
  for (int i = 0; i < 25; ++i) Checkin(u2, feb + i * 1800, "");

  const auto entries = Month("2026-02");
  std::int64_t checkins1 = 0, catches1 = 0, checkins2 = 0;
  scoring::Centi sum2 = 0;
  for (const auto& e : entries) {
    EXPECT_EQ(e.source, "patrol");
    if (e.person_id == p1 && e.act == "patrol_checkin") {
      ++checkins1;
      EXPECT_EQ(e.points, 10);
      EXPECT_EQ(e.object_type, "patrol_checkin");
      EXPECT_EQ(e.reason.rfind("必到点签到无异常：幸福路地铁口（2026-02-", 0), 0u) << e.reason;
      EXPECT_NE(e.reason.find("；基础 0.1 分，得 0.1 分"), std::string::npos) << e.reason;
    } else if (e.person_id == p1 && e.act == "patrol_catch") {
      ++catches1;
      EXPECT_EQ(e.points, 100);
      EXPECT_EQ(e.reason.rfind("巡逻抓获现行：幸福路，抓获盗窃嫌疑人 1 名（2026-02-10", 0), 0u) << e.reason;
    } else if (e.person_id == p2) {
      EXPECT_EQ(e.act, "patrol_checkin");
      ++checkins2;
      sum2 += e.points;
    } else {
      ADD_FAILURE() << "unexpected entry " << e.person_id << " " << e.act << " " << e.reason;
    }
  }
  EXPECT_EQ(checkins1, 3);
  EXPECT_EQ(catches1, 1);
  EXPECT_EQ(checkins2, 20);  // 20 × 0.1 = the cap of 2
  EXPECT_EQ(sum2, 200);
  // January: the one check-in.
  const auto jan = Month("2026-01");
  ASSERT_EQ(jan.size(), 1u);
  EXPECT_EQ(jan[0].person_id, p1);
  EXPECT_EQ(jan[0].points, 10);
}

}  // namespace
}  // namespace fazhi::testing
