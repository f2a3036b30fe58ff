#include "org/org_demo.h"

#include <fmt/format.h>

#include <array>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "auth/password.h"
#include "auth/roles.h"
#include "auth/vault.h"
#include "core/demo_random.h"
#include "core/json_fields.h"
#include "org/org_store.h"
#include "org/org_types.h"

namespace fazhi::org {

namespace {

constexpr const char* kCityName = "晋城市公安局";
constexpr const char* kBureauName = "城区分局";

struct TeamSpec {
  const char* name;        // 全称
  const char* short_name;  // 简称
  const char* category;
  const char* code;
  int police;
  int auxiliary;
  std::array<const char*, 4> leaders;  // positions of the first police officers
};

// 12 科所队 of 城区分局; 400 people with the bureau's own 6 leaders.
constexpr std::array<TeamSpec, 12> kTeams = {{
    {"法制大队", "法制大队", "法制大队", "CQ-FZ", 12, 3, {"大队长", "教导员", "副大队长", "副大队长"}},
    {"刑事侦查大队", "刑侦大队", "刑侦大队", "CQ-XZ", 32, 13, {"大队长", "教导员", "副大队长", "副大队长"}},
    {"经济犯罪侦查大队", "经侦大队", "经侦大队", "CQ-JZ", 16, 4, {"大队长", "教导员", "副大队长", "副大队长"}},
    {"治安管理大队", "治安大队", "治安大队", "CQ-ZA", 18, 7, {"大队长", "教导员", "副大队长", "副大队长"}},
    {"禁毒大队", "禁毒大队", "禁毒大队", "CQ-JD", 13, 5, {"大队长", "教导员", "副大队长", "副大队长"}},
    {"巡逻特警大队", "巡特警大队", "巡警大队", "CQ-XT", 25, 25, {"大队长", "教导员", "副大队长", "副大队长"}},
    {"指挥情报中心", "指挥中心", "指挥中心", "CQ-ZH", 14, 6, {"主任", "教导员", "副主任", "副主任"}},
    {"东街派出所", "东街所", "派出所", "CQ-DJ", 28, 17, {"所长", "教导员", "副所长", "副所长"}},
    {"西街派出所", "西街所", "派出所", "CQ-XJ", 26, 16, {"所长", "教导员", "副所长", "副所长"}},
    {"南街派出所", "南街所", "派出所", "CQ-NJ", 25, 15, {"所长", "教导员", "副所长", "副所长"}},
    {"北街派出所", "北街所", "派出所", "CQ-BJ", 24, 14, {"所长", "教导员", "副所长", "副所长"}},
    {"钟家庄派出所", "钟家庄所", "派出所", "CQ-ZJZ", 22, 14, {"所长", "教导员", "副所长", "副所长"}},
}};
constexpr std::array<const char*, 6> kBureauLeaders = {"局长", "政委", "副局长", "副局长", "副局长", "法制室主任"};

struct DemoLogin {
  const char* username;
  const char* role;
  const char* unit;  // kBureauName or a team name
  int person_index;  // index of the linked person within that unit, or -1 for none
};

constexpr std::array<DemoLogin, 9> kLogins = {{
    {"sysadmin", "sys_admin", kBureauName, -1},
    {"secadmin", "sec_admin", kBureauName, -1},
    {"auditor", "audit_admin", kBureauName, -1},
    {"leader", "leader", kBureauName, 0},
    {"fazhiyuan", "legal_officer", "法制大队", 4},
    {"minjing", "case_officer", "东街派出所", 6},
    {"xuncha", "inspector", kBureauName, -1},
    {"jiebao", "intake", kBureauName, -1},
    {"zhiyuan", "volunteer_admin", kBureauName, -1},
}};

constexpr std::array<const char*, 60> kSurnames = {
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高",
    "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧",
    "程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾",
    "丁", "魏", "薛", "叶", "阎", "余", "潘", "杜", "戴", "夏", "钟", "汪", "田", "任", "姜"};
constexpr std::array<const char*, 64> kGiven = {
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "文", "斌", "鹏", "辉", "晨", "浩", "宇",
    "俊", "峰", "建", "国", "志", "海", "亮", "红", "燕", "晶", "琳", "鑫", "博", "凯", "帅", "飞",
    "雪", "颖", "倩", "婷", "雷", "波", "东", "晓", "振", "彬", "永", "佳", "欣", "瑞", "睿", "晋"};

struct DemoPerson {
  std::string name, badge_no, kind, position, id_number, phone;
  bool legal = false;
};

// Counts of an existing demo installation, or nullopt if none of it exists.
std::optional<DemoSummary> ExistingDemo(soci::session& sql) {
  std::vector<std::string> usernames;
  for (const auto& l : kLogins) usernames.emplace_back(l.username);
  const std::int64_t users = detail::CountUsersNamed(sql, usernames);
  const std::optional<std::string> city_path = detail::RootUnitPath(sql, kCityName);
  if (!city_path && users == 0) return std::nullopt;
  DemoSummary s;
  s.already_present = true;
  s.users = static_cast<int>(users);
  if (city_path) {
    s.units = static_cast<int>(detail::CountUnitsUnder(sql, *city_path));
    s.people = static_cast<int>(detail::CountPeopleUnder(sql, *city_path));
  }
  return s;
}

// A demo unit with the people it gets and the logins' links to them.
struct UnitPeople {
  std::string name;
  std::int64_t id;
  std::vector<std::int64_t> people;
  std::vector<std::string> names;
};

// Writes the demo in the caller's transaction.
class DemoWriter {
 public:
  DemoWriter(soci::session& sql, const Clock& clock, const auth::Vault& vault)
      : sql_(sql), clock_(clock), vault_(vault), now_(clock.Now()) {}

  void Units() {
    city_ = detail::InsertUnit(
        sql_, {.name = kCityName, .level = kLevelCity, .category = "市局", .code = "JC", .short_name = "晋城市局"},
        now_);
    const std::string city_path = "/" + std::to_string(city_) + "/";
    bureau_ = detail::InsertUnit(sql_,
                                 {.parent_id = city_,
                                  .parent_path = city_path,
                                  .parent_bureau_id = city_,
                                  .name = kBureauName,
                                  .level = kLevelBureau,
                                  .category = "分局",
                                  .code = "CQ",
                                  .short_name = "城区局"},
                                 now_);
    const std::string bureau_path = city_path + std::to_string(bureau_) + "/";
    audit::Append(sql_, clock_, actor_,
                  {"unit.create", "unit", std::to_string(city_), "演示数据：新建单位“晋城市公安局”（市局）", {}});
    audit::Append(sql_, clock_, actor_,
                  {"unit.create", "unit", std::to_string(bureau_), "演示数据：新建单位“城区分局”（分县局）", {}});
    summary_.units = 2;
    units_.push_back({kBureauName, bureau_, {}, {}});
    for (const auto& t : kTeams) {
      const std::int64_t id = detail::InsertUnit(sql_,
                                                 {.parent_id = bureau_,
                                                  .parent_path = bureau_path,
                                                  .parent_bureau_id = bureau_,
                                                  .name = t.name,
                                                  .level = kLevelTeam,
                                                  .category = t.category,
                                                  .code = t.code,
                                                  .short_name = t.short_name},
                                                 now_);
      audit::Append(sql_, clock_, actor_,
                    {"unit.create", "unit", std::to_string(id), fmt::format("演示数据：新建单位“{}”", t.name), {}});
      units_.push_back({t.name, id, {}, {}});
      ++summary_.units;
    }
  }

  void People() {
    for (std::size_t i = 0; i < kBureauLeaders.size(); ++i)
      AddPerson(units_[0], MakePerson(true, kBureauLeaders[i], i == 5));
    for (std::size_t t = 0; t < kTeams.size(); ++t) {
      const TeamSpec& spec = kTeams[t];
      const bool legal_team = std::string_view(spec.name) == "法制大队";
      for (int k = 0; k < spec.police; ++k) {
        const char* position = k < 4 ? spec.leaders[k] : "民警";
        // 法制大队's officers are all 法制员; every other unit has two 兼职法制员.
        AddPerson(units_[t + 1], MakePerson(true, position, legal_team || k == 4 || k == 5));
      }
      for (int k = 0; k < spec.auxiliary; ++k) AddPerson(units_[t + 1], MakePerson(false, "辅警", false));
    }
  }

  void Logins(const std::vector<std::string>& hashes) {
    for (std::size_t i = 0; i < kLogins.size(); ++i) {
      const DemoLogin& l = kLogins[i];
      const UnitPeople* u = nullptr;
      for (const auto& c : units_)
        if (c.name == l.unit) u = &c;
      std::optional<std::int64_t> person;
      std::string display = std::string(auth::FindRole(l.role) ? auth::FindRole(l.role)->name : l.role) + "（演示）";
      if (l.person_index >= 0 && static_cast<std::size_t>(l.person_index) < u->people.size()) {
        person = u->people[l.person_index];
        display = u->names[l.person_index];
      }
      const std::int64_t id = detail::InsertDemoLogin(sql_,
                                                      {.bureau_id = bureau_,
                                                       .unit_id = u->id,
                                                       .person_id = person,
                                                       .username = l.username,
                                                       .display_name = display,
                                                       .password_hash = hashes[i],
                                                       .role = l.role},
                                                      now_);
      audit::Append(sql_, clock_, actor_,
                    {"user.create",
                     "user",
                     std::to_string(id),
                     fmt::format("演示数据：创建账号 {}（{}）", l.username, l.role),
                     {{"after", {{"username", l.username}, {"roles", {l.role}}, {"unit_id", u->id}}}}});
      ++summary_.users;
    }
  }

  DemoSummary Finish() {
    audit::Append(sql_, clock_, actor_,
                  {"demo.generate", "unit", std::to_string(city_),
                   fmt::format("生成演示数据：单位 {} 个，人员 {} 人，账号 {} 个", summary_.units, summary_.people,
                               summary_.users),
                   FZ_JSON(summary_, units, people, users)});
    return summary_;
  }

 private:
  DemoPerson MakePerson(bool police, const char* position, bool legal) {
    DemoPerson p;
    p.name = std::string(kSurnames[rnd_.Below(kSurnames.size())]) + kGiven[rnd_.Below(kGiven.size())];
    if (rnd_.Below(3) != 0) p.name += kGiven[rnd_.Below(kGiven.size())];
    p.kind = police ? kKindPolice : kKindAuxiliary;
    p.badge_no = police ? fmt::format("14{:04}", 1000 + serial_) : fmt::format("FJ{:04}", serial_);
    p.position = position;
    p.legal = legal;
    const int year = police ? 1968 + rnd_.Below(32) : 1985 + rnd_.Below(17);
    const std::string first17 = fmt::format("140599{:04}{:02}{:02}{:03}", year, 1 + rnd_.Below(12), 1 + rnd_.Below(28),
                                            serial_ * 2 + rnd_.Below(2));
    p.id_number = first17 + auth::IdNumberCheckChar(first17);
    p.phone = fmt::format("1990356{:04}", serial_);
    ++serial_;
    return p;
  }

  void AddPerson(UnitPeople& u, const DemoPerson& p) {
    const std::int64_t id = detail::InsertPerson(sql_,
                                                 {.bureau_id = bureau_,
                                                  .unit_id = u.id,
                                                  .name = p.name,
                                                  .badge_no = p.badge_no,
                                                  .kind = p.kind,
                                                  .position = p.position,
                                                  .is_legal_officer = p.legal,
                                                  .active = true,
                                                  .id_number_enc = vault_.Encrypt(p.id_number),
                                                  .id_number_hash = vault_.BlindIndex(p.id_number),
                                                  .phone_enc = vault_.Encrypt(p.phone)},
                                                 now_);
    audit::Append(sql_, clock_, actor_,
                  {"person.create",
                   "person",
                   std::to_string(id),
                   fmt::format("演示数据：新增人员 {}（{}，{}）", p.name, p.badge_no, u.name),
                   {{"via", "demo"}}});
    u.people.push_back(id);
    u.names.push_back(p.name);
    ++summary_.people;
  }

  soci::session& sql_;
  const Clock& clock_;
  const auth::Vault& vault_;
  const EpochSeconds now_;
  const audit::Actor actor_{.username = "system"};
  DemoRandom rnd_{20260101};
  int serial_ = 0;
  std::int64_t city_ = 0, bureau_ = 0;
  std::vector<UnitPeople> units_;
  DemoSummary summary_;
};

}  // namespace

Result<DemoSummary> GenerateDemo(db::Database& db, const Clock& clock, const auth::Vault& vault) {
  // Hashing is slow (Argon2id); skip it when the demo is already there.
  if (auto existing = db.Read([](soci::session& sql) { return ExistingDemo(sql); })) return *existing;
  std::vector<std::string> hashes;
  for (std::size_t i = 0; i < kLogins.size(); ++i) hashes.push_back(auth::HashPassword(kDemoPassword));
  return db.Write([&](soci::session& sql) -> Result<DemoSummary> {
    if (auto existing = ExistingDemo(sql)) return *existing;  // another process won the race
    DemoWriter w(sql, clock, vault);
    w.Units();
    w.People();
    w.Logins(hashes);
    return w.Finish();
  });
}

}  // namespace fazhi::org
