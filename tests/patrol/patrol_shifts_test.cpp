// 巡防班次 (issue 15 item 3): the month calendar from a pattern as data (tests/cases/patrol/
// shift_calendar.tsv: rotation wrap, month and year boundaries, dates before the anchor, a leap
// day), the pattern's refusals, and GET/PUT /api/patrol/shifts with the calendar over real HTTP on
// both databases (teams of another unit refused, 403 without patrol.manage, 404 for another
// 派出所's unit).
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "core/local_time.h"
#include "http/http_fixture.h"
#include "patrol/patrol_shifts.h"

namespace fazhi {
namespace {

using nlohmann::json;

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}
std::vector<std::int64_t> Ids(const std::string& s) {
  std::vector<std::int64_t> v;
  for (const auto& x : Split(s, ',')) v.push_back(std::stoll(x));
  return v;
}

TEST(PatrolShiftRules, CalendarFromData) {
  std::ifstream in(std::string(FAZHI_SOURCE_DIR) + "/tests/cases/patrol/shift_calendar.tsv");
  ASSERT_TRUE(in);
  int cases = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::string name, cycle, anchor, date, teams;
    int days = 0;
    ls >> name >> cycle >> anchor >> date >> teams >> days;
    patrol::ShiftPattern p;
    for (const auto& d : Split(cycle, '|')) p.cycle.push_back(Ids(d));
    p.anchor_day = DaysFromCivil(*ParseDate(anchor));
    const CivilDate at = *ParseDate(date);
    const auto cal = patrol::ShiftCalendar(p, at.year, at.month);
    ASSERT_EQ(static_cast<int>(cal.size()), days) << name;
    EXPECT_EQ(cal.front().day, DaysFromCivil(CivilDate{at.year, at.month, 1})) << name;
    EXPECT_EQ(cal[static_cast<std::size_t>(at.day - 1)].teams, Ids(teams)) << name;
    ++cases;
  }
  EXPECT_GE(cases, 13);
}

TEST(PatrolShiftRules, PatternRefusals) {
  patrol::ShiftPattern p{.name = "三班二运转", .slots = {{"白班", 480, 1200}, {"夜班", 1200, 480}}, .cycle = {{1, 2}}};
  EXPECT_TRUE(patrol::CheckPattern(p));
  auto bad = p;
  bad.cycle = {{1}};
  EXPECT_EQ(patrol::CheckPattern(bad).error().reason, "invalid_cycle");
  bad = p;
  bad.slots[0].end_min = 1440;
  EXPECT_EQ(patrol::CheckPattern(bad).error().reason, "invalid_time");
  bad = p;
  bad.cycle.clear();
  EXPECT_EQ(patrol::CheckPattern(bad).error().reason, "invalid_cycle");
  EXPECT_TRUE(patrol::ShiftCalendar(bad, 2023, 1).empty());
}

}  // namespace

namespace testing {
namespace {

class PatrolShiftTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    AddUser("manager_a", "legal_officer", team_a_);
    AddUser("manager_b", "legal_officer", team_b_);
  }
  std::int64_t Team(Client& c, const std::string& name) {
    auto r = c.Post("/api/patrol/teams", json{{"name", name}, {"mode", "car"}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json["id"];
  }
};

TEST_F(PatrolShiftTest, PatternIsStoredAndTheCalendarComputed) {
  auto m = SignedIn("manager_a");
  EXPECT_TRUE(m.Get("/api/patrol/shifts").json["pattern"].is_null());
  const std::int64_t a = Team(m, "一组"), b = Team(m, "二组"), c = Team(m, "三组");
  json body = {{"name", "三班二运转"},
               {"slots", json::array({{{"name", "白班"}, {"start", "08:00"}, {"end", "20:00"}},
                                      {{"name", "夜班"}, {"start", "20:00"}, {"end", "08:00"}}})},
               {"cycle", json::array({json::array({a, b}), json::array({b, c}), json::array({c, a})})},
               {"anchor", "2023-01-01"}};
  auto put = m.Put("/api/patrol/shifts", body);
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.json["slots"][1]["end"], "08:00");
  auto cal = m.Get("/api/patrol/shifts/calendar?month=2023-02");
  ASSERT_EQ(cal.status, 200) << cal.body;
  ASSERT_EQ(cal.json["days"].size(), 28u);
  EXPECT_EQ(cal.json["days"][0]["date"], "2023-02-01");
  EXPECT_EQ(cal.json["days"][0]["teams"], json::array({b, c}));  // 31 days after the anchor: cycle day 1
  EXPECT_EQ(cal.json["days"][1]["teams"], json::array({c, a}));
  EXPECT_EQ(m.Get("/api/patrol/shifts/calendar?month=2023-13").status, 400);

  // Refusals: nothing changes.
  auto mb = SignedIn("manager_b");
  const std::int64_t foreign = Team(mb, "西街一组");
  json wrong = body;
  wrong["cycle"][0][0] = foreign;
  auto r = m.Put("/api/patrol/shifts", wrong);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Code(), "unknown_team");
  wrong = body;
  wrong["slots"][0]["start"] = "25:00";
  EXPECT_EQ(m.Put("/api/patrol/shifts", wrong).Code(), "invalid_slots");
  wrong = body;
  wrong["cycle"][1] = json::array({a});
  EXPECT_EQ(m.Put("/api/patrol/shifts", wrong).Code(), "invalid_cycle");
  EXPECT_EQ(m.Get("/api/patrol/shifts").json["pattern"]["cycle"][0], json::array({a, b}));
  EXPECT_EQ(SignedIn("officer_a").Put("/api/patrol/shifts", body).status, 403);
  EXPECT_EQ(mb.Get(fmt::format("/api/patrol/shifts?unit_id={}", team_a_)).status, 404);
  EXPECT_TRUE(mb.Get("/api/patrol/shifts").json["pattern"].is_null());
  // Replaced whole.
  body["name"] = "两班倒";
  body["cycle"] = json::array({json::array({a, b}), json::array({b, a})});
  ASSERT_EQ(m.Put("/api/patrol/shifts", body).status, 200);
  EXPECT_EQ(m.Get("/api/patrol/shifts/calendar?month=2023-01").json["days"][30]["teams"], json::array({a, b}));
}

}  // namespace
}  // namespace testing
}  // namespace fazhi
