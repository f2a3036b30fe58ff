#include "patrol/patrol_demo.h"

#include <cmath>
#include <random>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/local_time.h"
#include "db/sql.h"
#include "org/org_reads.h"
#include "patrol/patrol_service.h"
#include "patrol/patrol_shifts.h"
#include "patrol/patrol_store.h"

namespace fazhi::patrol {

namespace {

constexpr std::int64_t kDay = 86400;
// A made-up centre for the demo sub-bureau (not a real place's survey).
constexpr LonLat kCentre{108.9000, 34.2600};
constexpr double kDegLat = 1.0 / 111195.0;  // degrees per metre north
const double kDegLon = kDegLat / std::cos(34.26 * 3.14159265358979 / 180.0);

LonLat Offset(LonLat c, double east_m, double north_m) { return {c.lon + east_m * kDegLon, c.lat + north_m * kDegLat}; }

// Hourly weights of 警情 (Beijing time): quiet before dawn, peaks late afternoon and evening.
constexpr double kHourly[24] = {0.9,  0.6, 0.45, 0.35, 0.3, 0.35, 0.5, 0.8, 1.0, 1.1, 1.15, 1.2,
                                1.15, 1.1, 1.15, 1.2,  1.3, 1.4,  1.5, 1.6, 1.6, 1.5, 1.3,  1.1};
// Weekday weights (Monday … Sunday): busier at the weekend.
constexpr double kWeekday[7] = {0.95, 0.9, 0.9, 0.95, 1.1, 1.2, 1.15};

struct Station {
  org::UnitRef unit;
  LonLat centre;
  std::vector<Area> areas;
  std::vector<Point> points;
  std::vector<std::string> officers;
  std::vector<std::int64_t> officer_ids;
  std::vector<std::int64_t> officer_users;  // the officer's account, 0 when he has none
};

std::vector<Station> Stations(soci::session& sql) {
  std::vector<Station> out;
  int k = 0;
  for (const auto& u : org::ReadUnitsUnder(sql, "/")) {
    if (u.category != "派出所" || u.bureau_id == 0) continue;
    // Stations on a ring 2.5 km around the centre; the fifth and later farther out (rural).
    const double angle = k * 1.2566;  // 72°
    const double r = k < 4 ? 2500 : 6000;
    Station s{.unit = u,
              .centre = Offset(kCentre, r * std::cos(angle), r * std::sin(angle)),
              .areas = {},
              .points = {},
              .officers = {},
              .officer_ids = {},
              .officer_users = {}};
    for (const auto& p : org::ReadPeopleUnder(sql, u.path))
      if (p.active && s.officers.size() < 12) {
        s.officers.push_back(p.name);
        s.officer_ids.push_back(p.id);
        // Check-ins and logs are filed under the account that made them (the points ledger reads
        // them through users.person_id), so officers with a demo account earn patrol points.
        db::SqlArgs a;
        s.officer_users.push_back(
            db::ScalarInt(sql, fmt::format("SELECT MIN(id) FROM users WHERE person_id = {}", a.Int(p.id)), a)
                .value_or(0));
      }
    out.push_back(std::move(s));
    ++k;
  }
  return out;
}

void AddGeography(soci::session& sql, Station& s, std::mt19937_64& rng, EpochSeconds at, DemoSummary& sum) {
  static const char* kAreaNames[] = {"商业街巡区", "居民区巡区", "学校医院巡区"};
  static const char* kPointNames[] = {"地铁口", "银行网点", "学校门口", "农贸市场",
                                      "公交站", "广场",     "夜市",     "医院门口"};
  std::uniform_real_distribution<double> jitter(-120, 120);
  const bool town = s.centre.lon < kCentre.lon + 0.05 && std::abs(s.centre.lat - kCentre.lat) < 0.04;
  for (int a = 0; a < 3; ++a) {
    const LonLat c = Offset(s.centre, (a - 1) * 1100.0, 0);
    Area area;
    area.bureau_id = s.unit.bureau_id;
    area.unit_id = s.unit.id;
    area.name =
        fmt::format("{}{}", s.unit.name.substr(0, s.unit.name.size() - std::string("派出所").size()), kAreaNames[a]);
    area.in_town = town;
    area.created_at = at;
    // An irregular hexagon, about 1 km across.
    for (int v = 0; v < 6; ++v) {
      const double ang = v * 3.14159265358979 / 3.0;
      area.ring.push_back(Offset(c, 500 * std::cos(ang) + jitter(rng), 450 * std::sin(ang) + jitter(rng)));
    }
    area.id = InsertArea(sql, area, std::nullopt);
    s.areas.push_back(area);
    ++sum.areas;
    for (int p = 0; p < 4; ++p) {
      Point pt;
      pt.bureau_id = s.unit.bureau_id;
      pt.unit_id = s.unit.id;
      pt.area_id = area.id;
      pt.area_name = area.name;
      pt.name = fmt::format("{}{}", area.name.substr(0, area.name.size() - std::string("巡区").size()),
                            kPointNames[(a * 4 + p) % 8]);
      pt.at = Offset(c, 250 * std::cos(p * 1.5708 + 0.4), 220 * std::sin(p * 1.5708 + 0.4));
      pt.radius_m = 50;
      pt.min_stay_s = p % 2 ? 600 : 300;
      pt.id = InsertPoint(sql, pt);
      s.points.push_back(pt);
      ++sum.points;
    }
  }
  static const char* kModes[] = {"car", "foot", "bicycle"};
  static const char* kShifts[] = {"一班", "二班", "三班"};
  std::vector<std::int64_t> team_ids;
  for (int t = 0; t < 3; ++t) {
    Team team{.id = 0,
              .bureau_id = s.unit.bureau_id,
              .unit_id = s.unit.id,
              .unit_name = {},
              .name = fmt::format("{}{}巡组", s.unit.name, kShifts[t]),
              .mode = kModes[t],
              .shift = kShifts[t],
              .members = {},
              .equipment = {},
              .member_ids = {},
              .member_people = {}};
    // Two teams name their members from the directory; the third keeps names typed as text, as teams
    // recorded before member_ids (migration 111) do.
    for (std::size_t m = static_cast<std::size_t>(t); m < s.officers.size(); m += 3)
      if (t < 2)
        team.member_ids.push_back(s.officer_ids[m]);
      else
        team.members.push_back(s.officers[m]);
    team.equipment = t == 0 ? std::vector<std::string>{"巡逻车", "执法记录仪", "对讲机", "防刺服"}
                            : std::vector<std::string>{"执法记录仪", "对讲机", "警棍"};
    team_ids.push_back(InsertTeam(sql, team));
    ++sum.teams;
  }
  InsertDemoShiftPattern(sql, s.unit.bureau_id, s.unit.id, team_ids);  // 三班二运转 (patrol_shifts.cpp)
}

// Stamps of one call: each stage after the previous one by a random delay; slower at night and, for
// `slow` units, slower overall.
std::vector<std::optional<EpochSeconds>> Stamps(EpochSeconds received, bool town, double slow, std::mt19937_64& rng) {
  std::lognormal_distribution<double> sign(std::log(9.0 * slow), 0.5), depart(std::log(45.0), 0.4),
      arrive(std::log((town ? 140.0 : 330.0) * slow), 0.35), feedback(std::log(1500.0), 0.5),
      close(std::log(5400.0), 0.6);
  std::vector<std::optional<EpochSeconds>> st(kStages.size());
  EpochSeconds t = received;
  st[0] = t;
  st[1] = t += 3 + static_cast<EpochSeconds>(rng() % 8);
  st[2] = t += static_cast<EpochSeconds>(sign(rng));
  st[3] = t += static_cast<EpochSeconds>(depart(rng));
  st[4] = t += static_cast<EpochSeconds>(arrive(rng));
  st[5] = t += static_cast<EpochSeconds>(feedback(rng));
  st[6] = t += static_cast<EpochSeconds>(close(rng));
  return st;
}

// The random draws of one demo year, shared by each day's steps so that the sequence (and so the
// data) stays the same whatever the steps are called.
struct YearDraws {
  std::mt19937_64& rng;
  std::uniform_real_distribution<double> u01{0, 1};
  std::normal_distribution<double> spread{0, 180};
};

// 警情 of one station's day: about 9 a day, by hour and weekday weight, clustered around a few points.
void AddDayCalls(soci::session& sql, const Station& s, EpochSeconds day, int wd, double slow, YearDraws& d,
                 DemoSummary& sum) {
  static const char* kKinds[] = {"盗窃", "纠纷", "求助", "交通事故", "诈骗", "噪音扰民", "打架斗殴"};
  auto& rng = d.rng;
  auto& u01 = d.u01;
  auto& spread = d.spread;
  for (int h = 0; h < 24; ++h) {
    const double expect = 9.0 / 24.0 * kHourly[h] * kWeekday[wd - 1];
    for (int n = 0; n < 3; ++n) {
      if (u01(rng) >= expect / 3.0) continue;
      const EpochSeconds at = day + h * 3600 + static_cast<EpochSeconds>(rng() % 3600);
      const Point& near = s.points[rng() % (s.points.size() / 2 + 1)];  // the first points are hotter
      const Area& area = s.areas[static_cast<std::size_t>(
          std::find_if(s.areas.begin(), s.areas.end(),
                       [&](const Area& a) { return near.area_id && a.id == *near.area_id; }) -
          s.areas.begin())];
      Call c{.id = 0,
             .bureau_id = s.unit.bureau_id,
             .unit_id = s.unit.id,
             .unit_name = {},
             .kind = kKinds[rng() % 7],
             .place = near.name + "附近",
             .shift = ShiftOf(at),
             .in_town = area.in_town,
             .is_test = false,
             .drill_id = std::nullopt,
             .point_id = std::nullopt,
             .at = LonLat{near.at.lon + spread(rng) * kDegLon, near.at.lat + spread(rng) * kDegLat},
             .stamps = Stamps(at, area.in_town, slow * (h < 6 ? 1.2 : 1.0), rng)};
      InsertCall(sql, c);
      ++sum.calls;
    }
  }
}

// Check-ins of one station's day: two rounds over four points; about one in forty far from the point.
void AddDayCheckins(soci::session& sql, const Station& s, EpochSeconds day, YearDraws& d, DemoSummary& sum) {
  auto& rng = d.rng;
  auto& u01 = d.u01;
  auto& spread = d.spread;
  for (int round = 0; round < 2; ++round) {
    const std::size_t oi = static_cast<std::size_t>(rng() % std::max<std::size_t>(1, s.officers.size()));
    EpochSeconds t = day + (round ? 20 : 9) * 3600 + static_cast<EpochSeconds>(rng() % 3600);
    for (int k = 0; k < 4; ++k) {
      const Point& p =
          s.points[(static_cast<std::size_t>(round * 4 + k) + static_cast<std::size_t>(day / kDay)) % s.points.size()];
      const bool far = u01(rng) < 0.025;
      const LonLat claimed = far ? Offset(p.at, 400, 150) : Offset(p.at, spread(rng) / 12, spread(rng) / 12);
      CheckinFacts f{.point = p.at,
                     .radius_m = p.radius_m,
                     .claimed = claimed,
                     .accuracy_m = 10 + static_cast<int>(rng() % 20),
                     .has_area = false,
                     .inside_area = true,
                     .previous = std::nullopt,
                     .previous_at = std::nullopt,
                     .at = t};
      Flags flags = EvaluateCheckin(f);
      const EpochSeconds left =
          t + p.min_stay_s + (u01(rng) < 0.03 ? -240 : 60 + static_cast<EpochSeconds>(rng() % 600));
      EvaluateStay(flags, t, left, p.min_stay_s);
      Checkin c{.id = 0,
                .bureau_id = s.unit.bureau_id,
                .unit_id = s.unit.id,
                .point_id = p.id,
                .user_id = s.officer_users.empty() ? 0 : s.officer_users[oi],
                .point_name = p.name,
                .officer_name = s.officers.empty() ? "巡逻民警" : s.officers[oi],
                .unit_name = {},
                .arrived_at = t,
                .left_at = left,
                .claimed = claimed,
                .accuracy_m = f.accuracy_m,
                .distance_m = flags.distance_m,
                .photo_sha256 = fmt::format("{:016x}{:016x}{:016x}{:016x}", rng(), rng(), rng(), rng()),
                .flags = flags.Codes(),
                .flag_reasons = flags.Reasons(),
                .note = {}};
      InsertCheckin(sql, c);
      ++sum.checkins;
      sum.flagged += c.flags.empty() ? 0 : 1;
      t = left + 300 + static_cast<EpochSeconds>(rng() % 900);
    }
  }
}

// Logs of one station's day: a video patrol every day, a 盘查 most days, an information patrol twice a week.
void AddDayLogs(soci::session& sql, const Station& s, EpochSeconds day, int wd, YearDraws& d, DemoSummary& sum) {
  auto& rng = d.rng;
  auto& u01 = d.u01;
  static const char* kFind[] = {"未见异常", "发现可疑人员徘徊，已通知巡组核查", "发现电动车违规停放，已通知整改"};
  Log v{.id = 0,
        .bureau_id = s.unit.bureau_id,
        .unit_id = s.unit.id,
        .user_id = std::nullopt,
        .unit_name = {},
        .officer_name = s.officers.empty() ? "" : s.officers[0],
        .kind = "video",
        .camera = fmt::format("{}-{:02d}号探头", s.unit.name, rng() % 24 + 1),
        .place = {},
        .finding = kFind[rng() % 3],
        .result = {},
        .at = day + 14 * 3600};
  InsertLog(sql, v);
  ++sum.logs;
  if (u01(rng) < 0.7) {
    Log p = v;
    p.kind = u01(rng) < 0.05 ? "catch" : "stop_check";
    p.camera.clear();
    p.place = s.points[rng() % s.points.size()].name;
    p.finding = p.kind == "catch" ? "抓获盗窃现行嫌疑人 1 名" : "盘查可疑人员 2 名，核查无异常";
    p.result = p.kind == "catch" ? "移交办案队" : "放行";
    p.at = day + 21 * 3600;
    for (const auto user : s.officer_users)  // the first officer of the station with an account
      if (user != 0) {
        p.user_id = user;
        break;
      }
    InsertLog(sql, p);
    ++sum.logs;
  }
  if (wd == 2 || wd == 5) {
    Log i = v;
    i.kind = "info";
    i.camera.clear();
    i.finding = "网上巡查辖区群聊，发现一条涉及邻里纠纷的求助信息，已转社区民警";
    i.at = day + 10 * 3600;
    InsertLog(sql, i);
    ++sum.logs;
  }
}

void AddYear(soci::session& sql, std::vector<Station>& stations, int year, std::mt19937_64& rng, DemoSummary& sum) {
  const EpochSeconds start = LocalMidnight({year, 1, 1}), end = LocalMidnight({year + 1, 1, 1});
  YearDraws d{.rng = rng};
  for (std::size_t si = 0; si < stations.size(); ++si) {
    const Station& s = stations[si];
    const double slow = si == 2 ? 1.6 : si == 4 ? 1.3 : 1.0;  // two units slower than the rest
    for (EpochSeconds day = start; day < end; day += kDay) {
      const int wd = LocalWeekday(day);
      AddDayCalls(sql, s, day, wd, slow, d, sum);
      AddDayCheckins(sql, s, day, d, sum);
      AddDayLogs(sql, s, day, wd, d, sum);
    }
  }
}

void AddDrillsAndRegisters(soci::session& sql, std::vector<Station>& stations, int year, std::mt19937_64& rng,
                           DemoSummary& sum) {
  std::vector<std::int64_t> ids;
  for (const auto& s : stations)
    for (const auto& p : s.points) ids.push_back(p.id);
  for (int m = 1; m <= 12; m += 2) {
    const EpochSeconds at = LocalMidnight({year, m, 15}) + 10 * 3600;
    Drill d{.id = 0,
            .bureau_id = stations[0].unit.bureau_id,
            .unit_id = stations[0].unit.id,
            .seed = 20230000 + m,
            .name = fmt::format("{}年{}月模拟测警", year, m),
            .draws = 6,
            .drawn_points = {},
            .call_ids = {},
            .created_at = at};
    // The demo's drill is filed under the bureau (every station's points are drawn).
    if (auto b = org::ReadUnit(sql, stations[0].unit.bureau_id)) d.unit_id = b->id;
    d.drawn_points = DrawPoints(ids, d.seed, d.draws);
    d.id = InsertDrill(sql, d, std::nullopt);
    ++sum.drills;
    for (const std::int64_t pid : d.drawn_points)
      for (std::size_t si = 0; si < stations.size(); ++si)
        for (const auto& p : stations[si].points)
          if (p.id == pid) {
            const EpochSeconds t = at + static_cast<EpochSeconds>(rng() % 7200);
            Call c{.id = 0,
                   .bureau_id = p.bureau_id,
                   .unit_id = p.unit_id,
                   .unit_name = {},
                   .kind = "模拟测警",
                   .place = p.name,
                   .shift = ShiftOf(t),
                   .in_town = si < 4,
                   .is_test = true,
                   .drill_id = d.id,
                   .point_id = p.id,
                   .at = p.at,
                   .stamps = Stamps(t, si < 4, si == 2 ? 1.5 : 1.0, rng)};
            InsertCall(sql, c);
            ++sum.test_calls;
          }
  }
  static const char* kKinds[] = {"romance", "family", "neighbour", "debt", "labour", "land"};
  static const char* kTitles[] = {"恋爱分手后索要财物",   "夫妻因家务琐事多次争吵", "楼上漏水邻里争执",
                                  "借款到期未还引发冲突", "工地拖欠农民工工资",     "宅基地边界争议"};
  static const char* kGrades[] = {"green", "yellow", "yellow", "orange", "green", "red"};
  static const char* kSurnames[] = {"甲", "乙", "丙", "丁", "戊", "己"};
  for (std::size_t si = 0; si < stations.size(); ++si) {
    Station& s = stations[si];
    for (int k = 0; k < 10; ++k) {
      const int kind = static_cast<int>(rng() % 6);
      const EpochSeconds at = LocalMidnight({year, 1 + k, 3 + static_cast<int>(rng() % 20)}) + 9 * 3600;
      Dispute d;
      d.bureau_id = s.unit.bureau_id;
      d.unit_id = s.unit.id;
      d.title = kTitles[kind];
      d.kind = kKinds[kind];
      d.parties = {fmt::format("当事人{}{}", kSurnames[rng() % 6], k + 1),
                   fmt::format("当事人{}{}", kSurnames[rng() % 6], k + 11)};
      d.grade = kGrades[(static_cast<std::size_t>(kind) + static_cast<std::size_t>(k)) % 6];
      d.grade_reasons = d.grade == "red"      ? "双方多次肢体冲突，一方扬言报复"
                        : d.grade == "orange" ? "三个月内重复报警 3 次"
                                              : "";
      if (!s.officer_ids.empty())
        d.officer_person_id = s.officer_ids[static_cast<std::size_t>(k) % s.officer_ids.size()];
      d.actions =
          nlohmann::json::array({{{"at", at + kDay}, {"text", "上门调解，双方同意冷静协商"}, {"by", "社区民警"}}})
              .dump();
      d.revisit_at = at + 14 * kDay;
      d.created_at = at;
      d.status = k < 8 ? "closed" : "open";
      const std::int64_t id = InsertDispute(sql, d, std::nullopt);
      if (d.status == "closed") {
        d.id = id;
        d.closed_at = at + 20 * kDay;
        d.closure = "经调解达成协议，回访无反复";
        UpdateDispute(sql, d);
      }
      ++sum.disputes;
    }
    static const char* kHazards[] = {"消防通道堵塞", "路灯损坏", "监控探头故障", "井盖缺失", "电动车违规充电"};
    for (int k = 0; k < 6; ++k) {
      const EpochSeconds at = LocalMidnight({year, 2 + k * 2, 10}) + 10 * 3600;
      Hazard h;
      h.bureau_id = s.unit.bureau_id;
      h.unit_id = s.unit.id;
      h.place = s.points[static_cast<std::size_t>(k) % s.points.size()].name;
      h.kind = kHazards[static_cast<std::size_t>(k) % 5];
      h.description = "巡逻中发现，已告知管理方";
      if (!s.officer_ids.empty()) h.officer_person_id = s.officer_ids[0];
      h.fix_due = at + 7 * kDay;
      h.created_at = at;
      h.status = k < 5 ? "closed" : "open";
      h.id = InsertHazard(sql, h, std::nullopt);
      if (k < 5) {
        h.fixed_at = at + 5 * kDay;
        h.recheck_at = at + 6 * kDay;
        h.recheck_note = "复查已整改到位";
        UpdateHazard(sql, h);
      }
      ++sum.hazards;
    }
  }
}

}  // namespace

Result<DemoSummary> GeneratePatrolDemo(db::Database& db, const Clock& clock, int year) {
  (void)clock;
  return db.Write([&](soci::session& sql) -> Result<DemoSummary> {
    DemoSummary sum;
    if (db::Count(sql, "SELECT COUNT(*) FROM patrol_areas") > 0) {
      sum.already_present = true;
      return sum;
    }
    auto stations = Stations(sql);
    if (stations.empty()) return sum;
    std::mt19937_64 rng(20230515);
    const EpochSeconds at = LocalMidnight({year, 1, 1});
    for (auto& s : stations) AddGeography(sql, s, rng, at, sum);
    AddYear(sql, stations, year, rng, sum);
    AddDrillsAndRegisters(sql, stations, year, rng, sum);
    return sum;
  });
}

}  // namespace fazhi::patrol
