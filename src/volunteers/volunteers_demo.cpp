#include "volunteers/volunteers_demo.h"

#include <algorithm>
#include <map>
#include <vector>

#include <fmt/format.h>

#include "auth/password.h"
#include "auth/self_service.h"
#include "core/demo_random.h"
#include "core/local_time.h"
#include "db/sql.h"
#include "org/org_demo.h"
#include "volunteers/volunteers_store.h"

namespace fazhi::volunteers {

namespace {

constexpr int kPerUnit = 90;
constexpr int kTaskPoints = 10;
const std::vector<std::string> kSurnames = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
                                            "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗"};
const std::vector<std::string> kGiven = {"秀英", "桂兰", "建国", "淑芬", "志强", "海燕", "玉梅",
                                         "国华", "红霞", "德明", "晓东", "丽娟", "文博", "春生",
                                         "凤琴", "振华", "永红", "金花", "庆丰", "美玲"};
const std::vector<std::string> kSkills = {"", "", "急救", "驾驶", "心理疏导", "外语", "摄影", "法律咨询"};
const std::vector<std::string> kClueTexts = {
    "小区北门有陌生人反复查看电动车",     "夜市路口有人兜售来路不明的手机",    "菜市场附近发现一处消防通道被堵",
    "公园长椅附近有人散发可疑投资传单",   "巷子里路灯损坏，夜间无照明",        "学校门口有车辆多次违停并徘徊",
    "某出租屋夜间人员进出频繁，疑似聚赌", "楼道内发现有人私拉电线给电动车充电"};

// 城区 of 晋城 (approximate, WGS-84 micro-degrees) and one offset per 派出所.
constexpr std::int64_t kLat = 35'490'000, kLon = 112'850'000;

std::string IdNumber(int index, int year, DemoRandom& r) {
  const int birth = year - static_cast<int>(r.Range(20, 68));
  const std::string first17 =
      fmt::format("140502{:04}{:02}{:02}{:03}", birth, r.Range(1, 12), r.Range(1, 28), index % 1000);
  return first17 + auth::IdNumberCheckChar(first17);
}

struct UnitInfo {
  std::int64_t id = 0, bureau_id = 0;
  std::string name;
  Position center;
  std::vector<std::int64_t> volunteers;
  std::int64_t creator = 0;
};

std::vector<UnitInfo> StationUnits(soci::session& sql) {
  db::SqlArgs a;
  std::vector<UnitInfo> out;
  db::Each(sql,
           "SELECT id, bureau_id, name FROM units WHERE category = '派出所' AND bureau_id IS NOT NULL ORDER BY path", a,
           [&](const db::Row& r) {
             UnitInfo u;
             FZ_READ(r, u, id, bureau_id, name);
             const auto k = static_cast<std::int64_t>(out.size());
             u.center = {kLat + (k % 3 - 1) * 9000, kLon + (k / 3 - 1) * 11000 + k * 1500};
             out.push_back(std::move(u));
           });
  return out;
}

// 90 volunteers per 派出所 in three teams, approved, trained and insured for the year.
void AddVolunteers(soci::session& sql, const auth::Vault& vault, UnitInfo& u, int year, int& index, DemoRandom& r,
                   const std::string& hash, VolunteerDemoSummary& sum) {
  const EpochSeconds jan1 = LocalMidnight({year, 1, 1}), dec31 = LocalMidnight({year + 1, 1, 1});
  std::vector<std::int64_t> teams;
  for (const char* name : {"第一巡防队", "第二巡防队", "夜巡队"}) {
    teams.push_back(store::InsertTeam(sql, u.bureau_id, u.id, u.name.substr(0, u.name.size() - 9) + name, jan1));
    ++sum.teams;
  }
  for (int i = 0; i < kPerUnit; ++i, ++index) {
    const std::string id_number = IdNumber(index, year, r);
    const std::string phone = fmt::format("199{:08}", 10000000 + index * 7919 % 90000000);
    const EpochSeconds at = jan1 - 86400 * r.Range(10, 300);
    const std::string name = r.Pick(kSurnames) + r.Pick(kGiven);
    const std::int64_t v = store::InsertVolunteer(sql, {.bureau_id = u.bureau_id,
                                                        .unit_id = u.id,
                                                        .team_id = teams[static_cast<std::size_t>(i % 3)],
                                                        .name = name,
                                                        .gender = r.Chance(0.55) ? "男" : "女",
                                                        .id_enc = vault.Encrypt(id_number),
                                                        .id_hash = vault.BlindIndex(id_number),
                                                        .phone_enc = vault.Encrypt(phone),
                                                        .skills = r.Pick(kSkills),
                                                        .at = at});
    // Every demo volunteer has his own account (zy<id>; the very first is kDemoVolunteerLogin), all
    // with the demo password, so the phone page and the check-in benchmark have 450 people to sign in.
    const std::string username = index == 0 ? std::string(kDemoVolunteerLogin) : "zy" + std::to_string(v);
    std::optional<std::int64_t> user;
    if (auto made = auth::CreateSelfServiceAccount(sql,
                                                   {.bureau_id = u.bureau_id,
                                                    .unit_id = u.id,
                                                    .username = username,
                                                    .display_name = name,
                                                    .password_hash = hash,
                                                    .must_change_password = false},
                                                   at))
      user = *made;  // else the name is taken (a re-run on a database that has it): no account
    store::SetVetting(sql, v, "approved", "", u.creator, at + 86400 * 3, user);
    store::InsertTraining(sql, u.bureau_id,
                          {.volunteer_id = v,
                           .title = "平安志愿者岗前培训（巡防安全、线索报告、急救常识）",
                           .trained_at = at + 86400 * 5,
                           .valid_until = dec31 + 86400 * 365},
                          at);
    store::InsertInsurance(sql, u.bureau_id,
                           {.volunteer_id = v,
                            .insurer = "中国人寿财产保险晋城中心支公司",
                            .policy_no = fmt::format("JCZY{}{:05}", year, index),
                            .valid_from = jan1,
                            .valid_until = dec31},
                           at);
    u.volunteers.push_back(v);
    ++sum.volunteers;
  }
}

// One task with 6–10 volunteers who check in and out; a few flagged, clues now and then.
void RunTask(soci::session& sql, UnitInfo& u, const std::string& title, EpochSeconds start, EpochSeconds end,
             DemoRandom& r, VolunteerDemoSummary& sum) {
  TaskInput t;
  t.unit_id = u.id;
  t.title = title;
  t.content = "按路线巡查，发现可疑情况及时报告";
  t.area_name = u.name.substr(0, u.name.size() - 9) + "辖区";
  t.area_center = u.center;
  t.area_radius_m = 1500;
  t.route = {{"社区警务室", {u.center.lat_e6 + 2000, u.center.lon_e6}},
             {"农贸市场", {u.center.lat_e6, u.center.lon_e6 + 2500}},
             {"中心小学门口", {u.center.lat_e6 - 2000, u.center.lon_e6 - 1000}}};
  t.start_at = start;
  t.end_at = end;
  t.points = kTaskPoints;
  t.capacity = 10;
  t.min_stay_minutes = 60;
  t.mode = r.Chance(0.5) ? "open" : "dispatch";
  const std::int64_t task = store::InsertTask(sql, u.bureau_id, t, u.creator, start - 3 * 86400);
  ++sum.tasks;
  const int n = static_cast<int>(r.Range(6, 10));
  const int first = r.Below(static_cast<int>(u.volunteers.size()));
  for (int k = 0; k < n; ++k) {
    const std::int64_t v = u.volunteers[static_cast<std::size_t>((first + k * 7) % u.volunteers.size())];
    const std::int64_t a =
        store::InsertAssignment(sql, u.bureau_id, task, v, t.mode == "open" ? "chosen" : "dispatched", start - 86400);
    ++sum.assignments;
    const EpochSeconds in = start + r.Range(-600, 600);
    const bool far = r.Chance(0.02), early = r.Chance(0.02);
    Position p{u.center.lat_e6 + r.Range(-3000, 3000), u.center.lon_e6 + r.Range(-3000, 3000)};
    if (far) p.lat_e6 += 60000;  // ~6.7 km away
    std::vector<std::string> flags, notes;
    if (far) flags.push_back("far_from_task"), notes.push_back("签到位置在任务区域之外约 5000 米");
    store::SetCheckin(sql, a, in, p, static_cast<int>(r.Range(5, 40)), fmt::format("{}", far ? "far_from_task" : ""),
                      far ? notes[0] : "");
    const EpochSeconds out = early ? in + 20 * 60 : end + r.Range(-600, 300);
    if (early) flags.push_back("short_stay"), notes.push_back("在岗 20 分钟，少于最短 60 分钟");
    std::string f, nt;
    for (std::size_t i = 0; i < flags.size(); ++i) {
      f += (i ? "," : "") + flags[i];
      nt += (i ? "；" : "") + notes[i];
    }
    store::SetCheckout(sql, a, out, {u.center.lat_e6, u.center.lon_e6}, flags.empty() ? "done" : "flagged", f, nt);
    const std::string day = FormatDate(LocalDateOf(out));
    if (flags.empty()) {
      store::AppendPoints(sql, {.bureau_id = u.bureau_id,
                                .volunteer_id = v,
                                .points = kTaskPoints,
                                .source = "task",
                                .source_id = a,
                                .approver_id = u.creator,
                                .reason = "完成任务「" + title + "」",
                                .day = day,
                                .month = day.substr(0, 7),
                                .at = out});
      ++sum.entries;
    } else {
      ++sum.flagged;
      if (r.Chance(0.7)) store::SetAssignmentReview(sql, a, "rejected", "核实未在岗，不予认定", u.creator);
    }
    if (r.Chance(0.06)) {
      Clue c{.bureau_id = u.bureau_id,
             .volunteer_id = v,
             .unit_id = u.id,
             .task_id = task,
             .text = r.Pick(kClueTexts),
             .at = p,
             .created_at = in + 1800};
      const std::int64_t clue = store::InsertClue(sql, c);
      ++sum.clues;
      const bool accept = r.Chance(0.7);
      const int pts = accept ? 5 : 0;
      store::SetClueReview(sql, clue, accept ? "accepted" : "rejected", accept ? "已转派出所核查" : "经核查不属实", pts,
                           u.creator, out + 86400);
      if (accept) {
        const std::string d = FormatDate(LocalDateOf(out + 86400));
        store::AppendPoints(sql, {.bureau_id = u.bureau_id,
                                  .volunteer_id = v,
                                  .points = pts,
                                  .source = "clue",
                                  .source_id = clue,
                                  .approver_id = u.creator,
                                  .reason = "线索采纳：已转派出所核查",
                                  .day = d,
                                  .month = d.substr(0, 7),
                                  .at = out + 86400});
        ++sum.entries;
      }
    }
  }
}

}  // namespace

std::string VolunteerDemoSummary::Summary(int year) const {
  if (already_present) return "平安志愿者演示数据已存在，未做改动。";
  return fmt::format(
      "已生成 {} 年平安志愿者 {} 人（{} 支队伍）、任务 {} 个、签到 {} 人次（异常 {}）、线索 {} 条、积分台账 {} 条、"
      "兑换 {} 次；每名志愿者有本人账号（zy+编号，演示志愿者 {}）。",
      year, volunteers, teams, tasks, assignments, flagged, clues, entries, redemptions, kDemoVolunteerLogin);
}

Result<VolunteerDemoSummary> GenerateVolunteerDemo(db::Database& db, const auth::Vault& vault, int year, int weeks) {
  const std::string hash = auth::HashPassword(org::kDemoPassword);
  return db.Write([&](soci::session& sql) -> Result<VolunteerDemoSummary> {
    VolunteerDemoSummary sum;
    if (db::Count(sql, "SELECT COUNT(*) FROM volunteers") > 0) {
      sum.already_present = true;
      return sum;
    }
    auto units = StationUnits(sql);
    if (units.empty()) return sum;
    const std::int64_t creator = db::ScalarInt(sql, "SELECT id FROM users WHERE username = 'zhiyuan'")
                                     .value_or(db::ScalarInt(sql, "SELECT MIN(id) FROM users").value_or(0));
    DemoRandom r(0x20A7EE5ULL + static_cast<std::uint64_t>(year));
    int index = 0;
    for (auto& u : units) {
      u.creator = creator;
      AddVolunteers(sql, vault, u, year, index, r, hash, sum);
    }
    const auto& u0 = units.front();
    // Weekly rhythm: every Friday 19:00–21:00 夜间巡防 and Saturday 09:00–11:30 社区巡逻, per 派出所.
    const std::int64_t end_day =
        std::min<std::int64_t>(DaysFromCivil({year + 1, 1, 1}), DaysFromCivil({year, 1, 1}) + weeks * 7LL);
    for (std::int64_t day = DaysFromCivil({year, 1, 1}); day < end_day; ++day) {
      const int weekday = static_cast<int>((day + 4) % 7);  // 1970-01-01 was a Thursday (4)
      if (weekday != 5 && weekday != 6) continue;
      const EpochSeconds midnight = LocalMidnight(CivilFromDays(day));
      for (auto& u : units) {
        if (weekday == 5)
          RunTask(sql, u, "周五夜间巡防", midnight + 19 * 3600, midnight + 21 * 3600, r, sum);
        else
          RunTask(sql, u, "周六社区巡逻", midnight + 9 * 3600, midnight + 11 * 3600 + 1800, r, sum);
      }
    }
    // The reward catalogue and a redemption now and then (never beyond the balance).
    const std::vector<std::pair<std::string, int>> rewards = {{"平安志愿者纪念徽章", 30},
                                                              {"防护手套与反光背心", 50},
                                                              {"应急手电筒", 80},
                                                              {"保温水杯", 120},
                                                              {"体检套餐", 300}};
    std::vector<Reward> stored;
    for (const auto& [name, cost] : rewards) {
      Reward rw{.bureau_id = u0.bureau_id, .name = name, .cost = cost, .stock = 200, .active = true};
      rw.id = store::InsertReward(sql, rw, LocalMidnight({year, 1, 1}));
      stored.push_back(rw);
    }
    const EpochSeconds at = LocalMidnight({year, 12, 20}) + 10 * 3600;
    for (const auto& u : units)
      for (std::size_t i = 0; i < u.volunteers.size(); i += 4) {
        const auto v = u.volunteers[i];
        const Reward& rw = stored[i / 4 % stored.size()];
        if (store::Balance(sql, v) < rw.cost || !store::TakeStock(sql, rw.id)) continue;
        const std::string d = FormatDate(LocalDateOf(at));
        const auto ledger = store::AppendPoints(sql, {.bureau_id = u.bureau_id,
                                                      .volunteer_id = v,
                                                      .points = -rw.cost,
                                                      .source = "redeem",
                                                      .source_id = rw.id,
                                                      .reason = "兑换「" + rw.name + "」",
                                                      .day = d,
                                                      .month = d.substr(0, 7),
                                                      .at = at});
        store::InsertRedemption(
            sql, u.bureau_id, {.volunteer_id = v, .reward_id = rw.id, .ledger_id = ledger, .cost = rw.cost, .at = at});
        ++sum.redemptions;
        ++sum.entries;
      }
    return sum;
  });
}

}  // namespace fazhi::volunteers
