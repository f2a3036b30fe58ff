#include "org/demo.h"

#include <fmt/format.h>

#include <array>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "auth/password.h"
#include "auth/roles.h"
#include "org/org_types.h"
#include "org/sql_args.h"

namespace fazhi::org {

using detail::Exec;
using detail::ForEachRow;
using detail::SqlArgs;

namespace {

constexpr const char* kCityName = "晋城市公安局";
constexpr const char* kBureauName = "城区分局";

struct TeamSpec {
  const char* name;
  const char* category;
  const char* code;
  int police;
  int auxiliary;
  std::array<const char*, 4> leaders;  // positions of the first police officers
};

// 12 科所队 of 城区分局; 400 people with the bureau's own 6 leaders.
constexpr std::array<TeamSpec, 12> kTeams = {{
    {"法制大队", "法制大队", "CQ-FZ", 12, 3, {"大队长", "教导员", "副大队长", "副大队长"}},
    {"刑侦大队", "刑侦大队", "CQ-XZ", 32, 13, {"大队长", "教导员", "副大队长", "副大队长"}},
    {"经侦大队", "经侦大队", "CQ-JZ", 16, 4, {"大队长", "教导员", "副大队长", "副大队长"}},
    {"治安大队", "治安大队", "CQ-ZA", 18, 7, {"大队长", "教导员", "副大队长", "副大队长"}},
    {"禁毒大队", "禁毒大队", "CQ-JD", 13, 5, {"大队长", "教导员", "副大队长", "副大队长"}},
    {"巡特警大队", "巡警大队", "CQ-XT", 25, 25, {"大队长", "教导员", "副大队长", "副大队长"}},
    {"指挥中心", "指挥中心", "CQ-ZH", 14, 6, {"主任", "教导员", "副主任", "副主任"}},
    {"东街派出所", "派出所", "CQ-DJ", 28, 17, {"所长", "教导员", "副所长", "副所长"}},
    {"西街派出所", "派出所", "CQ-XJ", 26, 16, {"所长", "教导员", "副所长", "副所长"}},
    {"南街派出所", "派出所", "CQ-NJ", 25, 15, {"所长", "教导员", "副所长", "副所长"}},
    {"北街派出所", "派出所", "CQ-BJ", 24, 14, {"所长", "教导员", "副所长", "副所长"}},
    {"钟家庄派出所", "派出所", "CQ-ZJZ", 22, 14, {"所长", "教导员", "副所长", "副所长"}},
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

// Deterministic generator (splitmix64) so every installation gets the same demo people.
class DemoRandom {
 public:
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int Below(int n) { return static_cast<int>(Next() % static_cast<std::uint64_t>(n)); }

 private:
  std::uint64_t state_ = 20260101;
};

// GB 11643 check character of the first 17 digits.
char IdCheckChar(const std::string& first17) {
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return "10X98765432"[sum % 11];
}

struct DemoPerson {
  std::string name, badge_no, kind, position, id_number, phone;
  bool legal = false;
};

std::int64_t InsertUnit(soci::session& sql, std::optional<std::int64_t> parent, const std::string& parent_path,
                        std::optional<std::int64_t> parent_bureau, const char* name, const char* level,
                        const char* category, const char* code, EpochSeconds now) {
  std::int64_t id = 0;
  {
    SqlArgs a;
    const std::string q = fmt::format(
        "INSERT INTO units (bureau_id, parent_id, name, level, category, code, path, created_at, updated_at) "
        "VALUES (NULL, {}, {}, {}, {}, {}, '', {}, {}) RETURNING id",
        a.OptInt(parent), a.Str(name), a.Str(level), a.Str(category), a.Str(code), a.Int(now), a.Int(now));
    ForEachRow(sql, q, a, [&](const soci::row& r) { id = db::GetInt64(r, 0); });
  }
  const std::int64_t bureau = std::string_view(level) == kLevelTeam && parent_bureau ? *parent_bureau : id;
  SqlArgs a;
  const std::string q = fmt::format("UPDATE units SET path = {}, bureau_id = {} WHERE id = {}",
                                    a.Str(parent_path + std::to_string(id) + "/"), a.Int(bureau), a.Int(id));
  Exec(sql, q, a);
  return id;
}

std::int64_t CountOf(soci::session& sql, const std::string& query, SqlArgs& a) {
  std::int64_t n = 0;
  ForEachRow(sql, query, a, [&](const soci::row& r) { n = db::GetInt64(r, 0); });
  return n;
}

// Counts of an existing demo installation, or nullopt if none of it exists.
std::optional<DemoSummary> ExistingDemo(soci::session& sql) {
  SqlArgs a;
  std::string in_list;
  for (const auto& l : kLogins) in_list += (in_list.empty() ? "" : ", ") + a.Str(l.username);
  const std::int64_t users = CountOf(sql, "SELECT COUNT(*) FROM users WHERE username IN (" + in_list + ")", a);
  SqlArgs b;
  std::optional<std::string> city_path;
  ForEachRow(sql, fmt::format("SELECT path FROM units WHERE parent_id IS NULL AND name = {}", b.Str(kCityName)), b,
             [&](const soci::row& r) { city_path = db::GetText(r, 0); });
  if (!city_path && users == 0) return std::nullopt;
  DemoSummary s;
  s.already_present = true;
  s.users = static_cast<int>(users);
  if (city_path) {
    SqlArgs c;
    s.units = static_cast<int>(CountOf(sql, fmt::format("SELECT COUNT(*) FROM units WHERE path LIKE {}", c.Str(*city_path + "%")), c));
    SqlArgs d;
    s.people = static_cast<int>(CountOf(
        sql,
        fmt::format("SELECT COUNT(*) FROM people p JOIN units u ON u.id = p.unit_id WHERE u.path LIKE {}",
                    d.Str(*city_path + "%")),
        d));
  }
  return s;
}

}  // namespace

Result<DemoSummary> GenerateDemo(db::Database& db, const Clock& clock, const auth::Vault& vault) {
  // Hashing is slow (Argon2id); skip it when the demo is already there.
  if (auto existing = db.Read([](soci::session& sql) { return ExistingDemo(sql); })) return *existing;
  std::vector<std::string> hashes;
  for (std::size_t i = 0; i < kLogins.size(); ++i) hashes.push_back(auth::HashPassword(kDemoPassword));

  const audit::Actor actor{.username = "system"};
  return db.Write([&](soci::session& sql) -> Result<DemoSummary> {
    if (auto existing = ExistingDemo(sql)) return *existing;  // another process won the race
    const EpochSeconds now = clock.Now();
    DemoSummary s;

    const std::int64_t city = InsertUnit(sql, std::nullopt, "/", std::nullopt, kCityName, kLevelCity, "市局", "JC", now);
    const std::string city_path = "/" + std::to_string(city) + "/";
    const std::int64_t bureau =
        InsertUnit(sql, city, city_path, city, kBureauName, kLevelBureau, "分局", "CQ", now);
    const std::string bureau_path = city_path + std::to_string(bureau) + "/";
    audit::Append(sql, clock, actor,
                  {"unit.create", "unit", std::to_string(city), "演示数据：新建单位“晋城市公安局”（市局）", {}});
    audit::Append(sql, clock, actor,
                  {"unit.create", "unit", std::to_string(bureau), "演示数据：新建单位“城区分局”（分县局）", {}});
    s.units = 2;

    struct UnitPeople {
      std::string name;
      std::int64_t id;
      std::vector<std::int64_t> people;
      std::vector<std::string> names;
    };
    std::vector<UnitPeople> units;
    units.push_back({kBureauName, bureau, {}, {}});
    for (const auto& t : kTeams) {
      const std::int64_t id = InsertUnit(sql, bureau, bureau_path, bureau, t.name, kLevelTeam, t.category, t.code, now);
      audit::Append(sql, clock, actor,
                    {"unit.create", "unit", std::to_string(id), fmt::format("演示数据：新建单位“{}”", t.name), {}});
      units.push_back({t.name, id, {}, {}});
      ++s.units;
    }

    DemoRandom rnd;
    int serial = 0;
    auto add_person = [&](UnitPeople& u, const DemoPerson& p) {
      SqlArgs a;
      const std::string q = fmt::format(
          "INSERT INTO people (bureau_id, unit_id, name, badge_no, kind, position, is_legal_officer, id_number_enc, "
          "id_number_hash, phone_enc, active, created_at, updated_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, "
          "{}, 1, {}, {}) RETURNING id",
          a.Int(bureau), a.Int(u.id), a.Str(p.name), a.Str(p.badge_no), a.Str(p.kind), a.Str(p.position),
          a.Int(p.legal ? 1 : 0), a.Str(vault.Encrypt(p.id_number)), a.Str(vault.BlindIndex(p.id_number)),
          a.Str(vault.Encrypt(p.phone)), a.Int(now), a.Int(now));
      std::int64_t id = 0;
      ForEachRow(sql, q, a, [&](const soci::row& r) { id = db::GetInt64(r, 0); });
      audit::Append(sql, clock, actor,
                    {"person.create", "person", std::to_string(id),
                     fmt::format("演示数据：新增人员 {}（{}，{}）", p.name, p.badge_no, u.name),
                     {{"via", "demo"}}});
      u.people.push_back(id);
      u.names.push_back(p.name);
      ++s.people;
    };
    auto make_person = [&](bool police, const char* position, bool legal) {
      DemoPerson p;
      p.name = std::string(kSurnames[rnd.Below(kSurnames.size())]) + kGiven[rnd.Below(kGiven.size())];
      if (rnd.Below(3) != 0) p.name += kGiven[rnd.Below(kGiven.size())];
      p.kind = police ? kKindPolice : kKindAuxiliary;
      p.badge_no = police ? fmt::format("14{:04}", 1000 + serial) : fmt::format("FJ{:04}", serial);
      p.position = position;
      p.legal = legal;
      const int year = police ? 1968 + rnd.Below(32) : 1985 + rnd.Below(17);
      const std::string first17 = fmt::format("140599{:04}{:02}{:02}{:03}", year, 1 + rnd.Below(12),
                                              1 + rnd.Below(28), serial * 2 + rnd.Below(2));
      p.id_number = first17 + IdCheckChar(first17);
      p.phone = fmt::format("1990356{:04}", serial);
      ++serial;
      return p;
    };

    for (std::size_t i = 0; i < kBureauLeaders.size(); ++i)
      add_person(units[0], make_person(true, kBureauLeaders[i], i == 5));
    for (std::size_t t = 0; t < kTeams.size(); ++t) {
      const TeamSpec& spec = kTeams[t];
      const bool legal_team = std::string_view(spec.name) == "法制大队";
      for (int k = 0; k < spec.police; ++k) {
        const char* position = k < 4 ? spec.leaders[k] : "民警";
        // 法制大队's officers are all 法制员; every other unit has two 兼职法制员.
        add_person(units[t + 1], make_person(true, position, legal_team || k == 4 || k == 5));
      }
      for (int k = 0; k < spec.auxiliary; ++k) add_person(units[t + 1], make_person(false, "辅警", false));
    }

    for (std::size_t i = 0; i < kLogins.size(); ++i) {
      const DemoLogin& l = kLogins[i];
      const UnitPeople* u = nullptr;
      for (const auto& c : units)
        if (c.name == l.unit) u = &c;
      std::optional<std::int64_t> person;
      std::string display = std::string(auth::FindRole(l.role) ? auth::FindRole(l.role)->name : l.role) + "（演示）";
      if (l.person_index >= 0 && static_cast<std::size_t>(l.person_index) < u->people.size()) {
        person = u->people[l.person_index];
        display = u->names[l.person_index];
      }
      SqlArgs a;
      const std::string q = fmt::format(
          "INSERT INTO users (bureau_id, username, display_name, password_hash, unit_id, person_id, active, "
          "must_change_password, password_changed_at, created_at, updated_at) VALUES ({}, {}, {}, {}, {}, {}, 1, 0, "
          "{}, {}, {}) RETURNING id",
          a.Int(bureau), a.Str(l.username), a.Str(display), a.Str(hashes[i]), a.Int(u->id), a.OptInt(person),
          a.Int(now), a.Int(now), a.Int(now));
      std::int64_t id = 0;
      ForEachRow(sql, q, a, [&](const soci::row& r) { id = db::GetInt64(r, 0); });
      SqlArgs b;
      Exec(sql, fmt::format("INSERT INTO user_roles (user_id, role) VALUES ({}, {})", b.Int(id), b.Str(l.role)), b);
      audit::Append(sql, clock, actor,
                    {"user.create", "user", std::to_string(id),
                     fmt::format("演示数据：创建账号 {}（{}）", l.username, l.role),
                     {{"after", {{"username", l.username}, {"roles", {l.role}}, {"unit_id", u->id}}}}});
      ++s.users;
    }
    audit::Append(sql, clock, actor,
                  {"demo.generate", "unit", std::to_string(city),
                   fmt::format("生成演示数据：单位 {} 个，人员 {} 人，账号 {} 个", s.units, s.people, s.users),
                   {{"units", s.units}, {"people", s.people}, {"users", s.users}}});
    return s;
  });
}

}  // namespace fazhi::org
