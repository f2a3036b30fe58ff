// Province-scale generator (see province_gen.h). Shape of the data follows the demo year
// (src/cases/case_demo.cpp): the same event sequences, attribute names and stored forms (attrs is the
// JSON object text of the engine attributes, times in them as FormatLocalIso text; person/item in
// their own columns), written with bulk inserts instead of one statement per row.
//
// Speed: rows are buffered per column and written with SOCI vector binding on SQLite (one prepared
// statement executed per row inside large transactions), and with one INSERT … SELECT FROM unnest(…)
// per batch on PostgreSQL (SOCI's PostgreSQL backend would make one round trip per row).
#include "bench/province_gen.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "auth/password.h"
#include "cases/case_store.h"
#include "cases/state_machine.h"
#include "core/demo_random.h"
#include "core/local_time.h"
#include "db/bulk_insert.h"
#include "db/sql.h"
#include "supervision/timeline.h"

namespace fazhi::bench {

namespace {

using Clock = std::chrono::steady_clock;
constexpr EpochSeconds kMin = 60, kHour = 3600, kDay = 86400;

// splitmix64 (the demo generators' one, seeded differently).
class Rng : public DemoRandom {
 public:
  explicit Rng(std::uint64_t seed) : DemoRandom(seed * 0x9E3779B97F4A7C15ull + 20260101) {}
};

// ---------------------------------------------------------------------------------------------
// Bulk insert (db::BulkInsert); in the generator 0 and "" stand for NULL.

using BulkTable = db::BulkInsert;
std::optional<std::int64_t> NullIfZero(std::int64_t v) { return v ? std::optional<std::int64_t>(v) : std::nullopt; }
std::optional<std::string> NullIfEmpty(std::string v) {
  return v.empty() ? std::nullopt : std::optional<std::string>(std::move(v));
}

// ---------------------------------------------------------------------------------------------
// Names (generated, not real people).

constexpr std::array<const char*, 60> kSurnames = {
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高",
    "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧",
    "程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾",
    "丁", "魏", "薛", "叶", "阎", "余", "潘", "杜", "戴", "夏", "钟", "汪", "田", "任", "姜"};
constexpr std::array<const char*, 48> kGiven = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳",
                                                "杰", "娟", "涛", "明", "超", "秀", "霞", "平", "刚", "英", "华", "玉",
                                                "文", "斌", "鹏", "辉", "浩", "宇", "俊", "峰", "建", "国", "志", "海",
                                                "亮", "红", "燕", "晶", "琳", "鑫", "博", "凯", "雪", "颖", "婷", "晨"};
// Fictional place names.
constexpr std::array<const char*, 24> kCityNames = {"东陵", "西岚", "南溪",   "北原", "青川", "白河", "金台", "云阳",
                                                    "松岭", "石泉", "柳州湾", "凤鸣", "临江", "平川", "安远", "永宁",
                                                    "长丰", "清源", "和平",   "宁海", "文昌", "嘉禾", "丰泽", "瑞安"};
constexpr std::array<const char*, 16> kDistricts = {"城区", "开发区", "高新区", "东城", "西城", "南城", "北城", "新区",
                                                    "河东", "河西",   "山前",   "山后", "湖滨", "港区", "城关", "郊区"};
constexpr std::array<const char*, 20> kStreets = {"凤台", "泽州", "红星", "书院", "黄华", "文昌", "中原",
                                                  "新市", "太行", "景西", "迎宾", "建设", "人民", "解放",
                                                  "朝阳", "五一", "胜利", "花园", "长青", "东关"};

std::string Name(Rng& rng) {
  std::string n = std::string(kSurnames[rng.Below(kSurnames.size())]) + kGiven[rng.Below(kGiven.size())];
  if (rng.Below(3) != 0) n += kGiven[rng.Below(kGiven.size())];
  return n;
}

// ---------------------------------------------------------------------------------------------
// Org tree.

struct Team {
  std::int64_t id = 0, bureau_id = 0, city_index = 0;
  std::string name, category;
  std::vector<std::int64_t> police;     // 民警 who lead cases (not the two leaders)
  std::vector<std::int64_t> auxiliary;  // 辅警
  std::vector<std::int64_t> legal;      // 法制员 of the team
  int weight = 0;                       // share of cases
};

struct Bureau {
  std::int64_t id = 0;
  std::string code;                      // 6 digits, for 案件编号
  std::vector<std::size_t> teams;        // indexes into Org::teams
  std::vector<std::int64_t> legal_team;  // 法制大队 法制员
  int total_weight = 0;
};

struct Org {
  std::int64_t province = 0;
  std::vector<std::int64_t> cities;
  std::vector<Bureau> bureaus;
  std::vector<Team> teams;
  std::int64_t minjing_person = 0, minjing_team = 0, fazhiyuan_person = 0, fazhiyuan_team = 0;
  std::int64_t people = 0;
};

// ---------------------------------------------------------------------------------------------
// One case in the stored form.

struct GenEvent {
  const char* type = "";
  EpochSeconds at = 0;
  std::string person, item;
  std::string attrs = "{}";  // JSON object text, as cases::detail::InsertEvent stores it
};

struct GenPerson {
  std::string ref, name;
  const char* role = "suspect";
  int age = 30;
  bool female = false;
};

struct GenItem {
  std::string code;
  const char* name;
  const char* quantity;
};

struct GenCase {
  std::int64_t id = 0, unit_id = 0, bureau_id = 0, lead = 0, legal = 0, incident_id = 0;
  std::vector<std::int64_t> assists;
  std::string external_id, cause, category, title;
  bool criminal = true, serious = false, fast_track = false;
  EpochSeconds accepted_at = 0;
  std::vector<GenPerson> persons;
  std::vector<GenItem> items;
  std::vector<GenEvent> events;
  std::string status;
  std::optional<EpochSeconds> closed_at;
  bool faulty = false, fault_missing = false;
  // Incident (警情) the case came from, when it has a report event.
  bool from_incident = false;
  EpochSeconds received_at = 0;
  bool body_camera = true;
};

struct Cause {
  const char* category;
  const char* cause;
  int weight;
};
const std::vector<Cause>& CriminalCauses() {
  static const std::vector<Cause> k = {{"民生小案", "盗窃罪", 20},
                                       {"民生小案", "故意伤害罪", 8},
                                       {"民生小案", "寻衅滋事罪", 5},
                                       {"电信网络诈骗", "诈骗罪", 16},
                                       {"电信网络诈骗", "帮助信息网络犯罪活动罪", 6},
                                       {"经济犯罪", "合同诈骗罪", 5},
                                       {"经济犯罪", "职务侵占罪", 4},
                                       {"毒品", "贩卖毒品罪", 6},
                                       {"毒品", "容留他人吸毒罪", 3},
                                       {"黄赌", "开设赌场罪", 5},
                                       {"黄赌", "组织卖淫罪", 2},
                                       {"涉黑涉恶", "敲诈勒索罪", 3},
                                       {"拐卖", "拐卖妇女、儿童罪", 1},
                                       {"其他", "危险驾驶罪", 10},
                                       {"其他", "妨害公务罪", 3}};
  return k;
}
const std::vector<Cause>& AdminCauses() {
  static const std::vector<Cause> k = {
      {"民生小案", "殴打他人", 25}, {"民生小案", "盗窃", 15},    {"民生小案", "故意损毁财物", 8},
      {"民生小案", "诈骗", 5},      {"黄赌", "赌博", 12},        {"黄赌", "卖淫、嫖娼", 5},
      {"毒品", "吸食毒品", 10},     {"其他", "扰乱单位秩序", 8}, {"其他", "非法携带管制器具", 7}};
  return k;
}
const Cause& PickCause(Rng& rng, const std::vector<Cause>& list) {
  int total = 0;
  for (const auto& c : list) total += c.weight;
  int x = rng.Below(total);
  for (const auto& c : list) {
    if (x < c.weight) return c;
    x -= c.weight;
  }
  return list.back();
}

std::string Json(const nlohmann::json& j) { return j.dump(); }

// The generator of one case's content; the org and the clock are fixed.
class CaseMaker {
 public:
  CaseMaker(const ProvinceOptions& opt, EpochSeconds now, Rng& rng) : opt_(opt), now_(now), rng_(rng) {}

  void Make(GenCase& c) {
    c.criminal = rng_.Chance(0.42);
    // About 40 % of the drawn faults do not apply to the path the case takes (no property, no
    // minor, nobody detained …), hence the factor: fault_share is the share of cases that end up faulty.
    fault_ = rng_.Chance(std::min(1.0, opt_.fault_share * 1.6)) ? 1 + rng_.Below(6) : 0;
    if (c.criminal)
      Criminal(c);
    else
      Administrative(c);
    Finish(c);
  }

 private:
  void Ev(GenCase& c, const char* type, EpochSeconds at, const std::string& person = {}, const std::string& item = {},
          std::string attrs = "{}") {
    c.events.push_back({type, at, person, item, std::move(attrs)});
  }
  const GenPerson& Person(GenCase& c, const char* role, int min_age, int max_age) {
    GenPerson p;
    p.ref = fmt::format("p{}", c.persons.size() + 1);
    p.role = role;
    p.age = static_cast<int>(rng_.Range(min_age, max_age));
    p.female = rng_.Chance(std::string_view(role) == "suspect" ? 0.15 : 0.45);
    p.name = Name(rng_);
    c.persons.push_back(std::move(p));
    return c.persons.back();
  }
  // 讯问/询问 with its recording; minors with (usually) a guardian present.
  void Session(GenCase& c, const char* type, EpochSeconds at, const GenPerson& p, const char* location, bool fault) {
    const EpochSeconds end = at + rng_.Range(40, 150) * kMin;
    nlohmann::json a = {{"officers", fault && p.age >= 18 ? 1 : 2},  // CRIM-INT-01: one officer only
                        {"location", location},
                        {"end", FormatLocalIso(end)},
                        {"av_start", FormatLocalIso(at - 2 * kMin)},
                        {"av_end", FormatLocalIso(end + 2 * kMin)},
                        {"av_recorded", true}};
    if (p.age < 18) {
      a["guardian_present"] = !fault;  // no 法定代理人 for a minor
      if (p.female) a["female_staff_present"] = true;
    }
    Ev(c, type, at, p.ref, {}, Json(a));
  }
  void Incident(GenCase& c, EpochSeconds accept, EpochSeconds min_gap, EpochSeconds max_gap) {
    c.from_incident = true;
    c.received_at = accept - rng_.Range(min_gap, max_gap);
    c.body_camera = !rng_.Chance(0.02);
    Ev(c, "report", c.received_at);
    Ev(c, "incident", c.received_at + rng_.Range(8, 30) * kMin, {}, {},
       Json({{"body_camera", c.body_camera}, {"officers", 2}}));
  }
  std::string ItemCode(const GenCase& c) { return fmt::format("WP{:08}{}", c.id, c.items.size() + 1); }
  // 提取 → 移交入库 → 督察备案 (PROP-01: 入库 within 24 h).
  void Property(GenCase& c, EpochSeconds at, bool late, bool never) {
    static const std::array<std::pair<const char*, const char*>, 6> kItems = {{{"手机", "1部"},
                                                                               {"银行卡", "2张"},
                                                                               {"现金", "3200元"},
                                                                               {"电动自行车", "1辆"},
                                                                               {"作案工具", "1套"},
                                                                               {"监控录像光盘", "1张"}}};
    const auto& [name, qty] = kItems[rng_.Below(kItems.size())];
    c.items.push_back({ItemCode(c), name, qty});
    const std::string code = c.items.back().code;
    const EpochSeconds extract = at + rng_.Range(10, 240) * kMin;
    Ev(c, "property_extract", extract, {}, code);
    if (never) return;
    const EpochSeconds handover = extract + (late ? rng_.Range(26, 60) * kHour : rng_.Range(60, 20 * 60) * kMin);
    Ev(c, "property_handover", handover, {}, code);
    Ev(c, "supervision_filing", handover + rng_.Range(60, 20 * 60) * kMin, {}, code);
  }

  // ---- 刑事 ----  accept → file → summon/arrive → interrogate → detain → notify_family → custody →
  // arrest request → procuratorate → arrest → … → transfer_prosecution (or 取保候审).
  void Criminal(GenCase& c) {
    const Cause& cause = PickCause(rng_, CriminalCauses());
    c.category = cause.category;
    c.cause = cause.cause;
    c.serious = c.category == "涉黑涉恶" || c.category == "拐卖";
    const EpochSeconds accept = c.accepted_at;
    if (rng_.Chance(0.45)) Incident(c, accept, 30 * kMin, 6 * kHour);
    Ev(c, "accept_case", accept);
    std::string victim;
    if (c.category != "毒品" && c.category != "黄赌" && c.category != "其他") {
      const bool minor = rng_.Chance(0.05);
      const GenPerson& v = Person(c, "victim", minor ? 14 : 19, minor ? 17 : 75);
      victim = v.name;
      Session(c, "inquire", accept + rng_.Range(30, 20 * 60) * kMin, v, "inquiry_room", fault_ == 6 && minor);
    }
    if (rng_.Chance(0.15)) {
      const GenPerson& w = Person(c, "witness", 20, 70);
      Session(c, "inquire", accept + rng_.Range(2, 72) * kHour, w, "inquiry_room", false);
    }
    std::string act = c.cause;
    if (act.ends_with("罪")) act.erase(act.size() - std::string("罪").size());
    c.title = victim.empty() ? act + "案" : victim + "被" + act + "案";
    if (rng_.Chance(0.04)) {  // 不予立案
      const EpochSeconds decline = accept + rng_.Range(20, 60) * kHour;
      Ev(c, "decline_file", decline, {}, {}, Json({{"has_complainant", true}}));
      Ev(c, "decline_notice_served", decline + rng_.Range(4, 40) * kHour);
      return;
    }
    if (rng_.Chance(0.01)) {  // 移送管辖
      Ev(c, "case_transfer", accept + rng_.Range(10, 60) * kHour);
      return;
    }
    const bool file_late = fault_ == 1;  // CRIM-FILE-01: 立案审查 over the limit
    c.faulty |= file_late;
    const EpochSeconds filed = accept + (file_late ? rng_.Range(8, 12) * kDay : rng_.Range(2, 60) * kHour);
    Ev(c, "file_case", filed);
    if (rng_.Chance(0.25) || c.category == "经济犯罪") {
      const bool late = fault_ == 2, never = fault_ == 3 && rng_.Chance(0.3);
      c.faulty |= late || never;
      c.fault_missing |= never;
      Property(c, filed + rng_.Range(1, 48) * kHour, late, never);
    }
    if (rng_.Chance(0.03)) {  // 撤销案件
      Ev(c, "case_concluded", filed + rng_.Range(20, 60) * kDay);
      return;
    }
    const int suspects = c.category == "涉黑涉恶" ? 2 + rng_.Below(2) : 1 + (rng_.Chance(0.15) ? 1 : 0);
    for (int s = 0; s < suspects; ++s) {
      const bool minor = rng_.Chance(0.04);
      const GenPerson p = Person(c, "suspect", minor ? 16 : 18, minor ? 17 : 62);
      const int path = rng_.Below(100);
      if (path >= 88) continue;  // 在逃
      const EpochSeconds arrive = filed + rng_.Range(6, 10 * 24) * kHour;
      Ev(c, "summon_arrive", arrive, p.ref);
      const bool int_fault = fault_ == 6 && s == 0;
      c.faulty |= int_fault;
      Session(c, "interrogate", arrive + rng_.Range(30, 90) * kMin, p, "interrogation_room", int_fault);
      if (path < 45) {
        const EpochSeconds detain = arrive + rng_.Range(4 * 60, 10 * 60) * kMin;
        Ev(c, "detain", detain, p.ref);
        const bool notify_late = fault_ == 4 && s == 0;  // CRIM-DETAIN-02: 通知家属 after 24 h
        c.faulty |= notify_late;
        Ev(c, "notify_family", detain + (notify_late ? rng_.Range(26 * 60, 40 * 60) : rng_.Range(60, 20 * 60)) * kMin,
           p.ref);
        const bool custody_late = fault_ == 5 && s == 0;  // CRIM-DETAIN-01: 送押 after 24 h
        c.faulty |= custody_late;
        Ev(c, "custody_admit", detain + (custody_late ? rng_.Range(25 * 60, 30 * 60) : rng_.Range(60, 12 * 60)) * kMin,
           p.ref);
        const EpochSeconds request = detain + rng_.Range(30, 66) * kHour;
        Ev(c, "arrest_request", request, p.ref);
        const EpochSeconds received = request + rng_.Range(1, 5) * kHour;
        Ev(c, "procuratorate_receive", received, p.ref);
        const EpochSeconds decision = received + rng_.Range(3 * 24, 6 * 24) * kHour;
        const bool approved = rng_.Chance(0.9);
        Ev(c, "procuratorate_decision", decision, p.ref, {}, Json({{"approved", approved}}));
        if (approved) {
          const EpochSeconds arrest = decision + rng_.Range(2, 10) * kHour;
          Ev(c, "arrest", arrest, p.ref);
          Ev(c, "arrest_receipt", arrest + rng_.Range(20, 60) * kHour, p.ref);
          Ev(c, "transfer_prosecution", arrest + rng_.Range(25, 55) * kDay, p.ref);
        } else {
          const EpochSeconds release = decision + rng_.Range(2, 10) * kHour;
          Ev(c, "release", release, p.ref);
          Ev(c, "bail", release, p.ref);
          Ev(c, "non_arrest_receipt", decision + rng_.Range(12, 60) * kHour, p.ref);
          const EpochSeconds transfer = release + rng_.Range(30, 120) * kDay;
          Ev(c, "transfer_prosecution", transfer, p.ref);
          Ev(c, "measure_end", transfer + rng_.Range(1, 10) * kDay, p.ref);
        }
      } else {
        const EpochSeconds bail = arrive + rng_.Range(3 * 60, 9 * 60) * kMin;
        Ev(c, "bail", bail, p.ref);
        const EpochSeconds transfer = bail + rng_.Range(30, 150) * kDay;
        Ev(c, "transfer_prosecution", transfer, p.ref);
        const bool never = fault_ == 3 && s == 0 && c.items.empty();  // CRIM-MEAS-01-bail: 取保 never 解除
        c.faulty |= never;
        c.fault_missing |= never;
        if (!never) Ev(c, "measure_end", transfer + rng_.Range(1, 10) * kDay, p.ref);
      }
    }
  }

  // ---- 行政 ----  accept → file → summon → notify → inquire → summon_end → decision → served …
  void Administrative(GenCase& c) {
    const Cause& cause = PickCause(rng_, AdminCauses());
    c.category = cause.category;
    c.cause = cause.cause;
    c.fast_track = c.category == "民生小案" && rng_.Chance(0.2);
    const EpochSeconds accept = c.accepted_at;
    if (rng_.Chance(0.8)) {
      const bool late = fault_ == 1 && rng_.Chance(0.3);  // ADM-ACCEPT-01: 受案 more than 24 h after 接报
      c.faulty |= late;
      if (late)
        Incident(c, accept, 26 * kHour, 40 * kHour);
      else
        Incident(c, accept, 40 * kMin, 5 * kHour);
    }
    Ev(c, "accept_case", accept);
    if (rng_.Chance(0.01)) {  // 移送管辖
      Ev(c, "case_transfer", accept + rng_.Range(5, 48) * kHour);
      c.title = c.cause + "案";
      return;
    }
    Ev(c, "file_case", accept + rng_.Range(5, 30) * kMin);
    const bool has_victim = c.category == "民生小案" && rng_.Chance(0.65);
    std::string victim;
    if (has_victim) {
      const GenPerson& v = Person(c, "victim", 16, 75);
      victim = v.name;
      Session(c, "inquire", accept + rng_.Range(1, 24) * kHour, v, "inquiry_room", false);
    }
    const int suspects = c.fast_track ? 1 : 1 + (rng_.Chance(0.2) ? 1 : 0);
    const bool detention = c.category != "其他" && rng_.Chance(0.25);
    const bool concluded = rng_.Chance(0.05);
    EpochSeconds decision_base = accept;
    for (int s = 0; s < suspects; ++s) {
      const bool minor = rng_.Chance(0.06);
      const GenPerson p = Person(c, "suspect", minor ? 14 : 18, minor ? 17 : 68);
      const EpochSeconds arrive = accept + rng_.Range(30, 48 * 60) * kMin;
      Ev(c, "summon_arrive", arrive, p.ref);
      const bool no_notify = fault_ == 2 && s == 0;  // ADM-SUMMON-01-notify: 家属 never notified
      c.faulty |= no_notify;
      if (!no_notify) Ev(c, "notify_family", arrive + rng_.Range(30, 180) * kMin, p.ref);
      Session(c, "inquire", arrive + rng_.Range(20, 60) * kMin, p, "inquiry_room", fault_ == 6 && s == 0 && minor);
      const bool over = fault_ == 3 && s == 0;  // ADM-SUMMON-01: held past 8 h
      c.faulty |= over;
      const EpochSeconds end = arrive + (over ? rng_.Range(9 * 60, 12 * 60) : rng_.Range(2 * 60, 7 * 60 + 30)) * kMin;
      Ev(c, "summon_end", end, p.ref);
      decision_base = std::max(decision_base, end);
    }
    const bool term_late = fault_ == 4 && !c.fast_track;  // ADM-TERM-01: decision after 30 days
    c.faulty |= term_late;
    EpochSeconds decision = c.fast_track ? decision_base + rng_.Range(2, 24) * kHour
                                         : decision_base + rng_.Range(1, 20) * kDay + rng_.Range(0, 8) * kHour;
    if (term_late) decision = accept + rng_.Range(38, 50) * kDay;
    for (const auto& p : c.persons) {
      if (std::string_view(p.role) != "suspect") continue;
      if (concluded) {
        Ev(c, "case_concluded", decision, p.ref);
        continue;
      }
      const bool detain = detention && p.age >= 18;
      Ev(c, "penalty_decision", decision, p.ref, {},
         Json({{"onsite", false}, {"admin_detention", detain}, {"has_victim", has_victim}}));
      const bool serve_late = fault_ == 5;  // ADM-DEC-01-serve
      c.faulty |= serve_late;
      Ev(c, "decision_served", decision + (serve_late ? rng_.Range(7, 9) * kDay : rng_.Range(20, 30 * 60) * kMin),
         p.ref);
      if (has_victim) Ev(c, "victim_copy", decision + rng_.Range(2, 36) * kHour, p.ref);
      if (detain) {
        const EpochSeconds execute = decision + rng_.Range(1, 6) * kHour;
        const int days = static_cast<int>(rng_.Range(3, 10));
        Ev(c, "admin_detention_execute", execute, p.ref, {}, Json({{"days", days}}));
        Ev(c, "release", execute + days * kDay - rng_.Range(1, 6) * kHour, p.ref);
      }
    }
    c.title = victim.empty() ? c.cause + "案" : victim + "被" + c.cause + "案";
  }

  // Drops acts after now, sorts, derives the status (as the import does) and the alert summary.
  void Finish(GenCase& c) {
    std::erase_if(c.events, [&](const GenEvent& e) { return e.at > now_; });
    std::stable_sort(c.events.begin(), c.events.end(),
                     [](const GenEvent& a, const GenEvent& b) { return a.at < b.at; });
    std::vector<std::string> types;
    types.reserve(c.events.size());
    for (const auto& e : c.events) types.emplace_back(e.type);
    c.status = cases::StatusFromEvents(c.criminal ? "criminal" : "administrative", types);
    const EpochSeconds last = c.events.empty() ? c.accepted_at : c.events.back().at;
    // 立案 not yet moved on to 侦查 (an explicit transition, no event of its own).
    if (c.criminal && c.status == "investigating" && !types.empty() && types.back() == "file_case" &&
        now_ - last < 10 * kDay)
      c.status = "filed";
    // 结案 after the judgment for most cases transferred long ago.
    if (c.criminal && c.status == "transferred" && now_ - last > 120 * kDay && rng_.Chance(0.7)) {
      c.status = "closed";
      c.closed_at = last + rng_.Range(60, 110) * kDay;
    }
    if (!c.criminal && c.status == "decided" && now_ - last > 15 * kDay) c.status = "closed";
    if (cases::IsTerminal(c.criminal ? "criminal" : "administrative", c.status) && !c.closed_at) c.closed_at = last;
    // Notes for the missing-act faults that only exist once their deadline passed.
    if (c.faulty && c.events.size() < 3) c.faulty = false;
  }

  const ProvinceOptions& opt_;
  EpochSeconds now_;
  Rng& rng_;
  int fault_ = 0;
};

// The stored-form timeline as the engine document (what cases::LoadTimelineDoc builds from the rows).
nlohmann::json TimelineDoc(const GenCase& c) {
  nlohmann::json doc = {{"case_id", std::to_string(c.id)},
                        {"case_type", c.criminal ? "criminal" : "administrative"},
                        {"serious", c.serious},
                        {"fast_track", c.fast_track},
                        {"persons", nlohmann::json::array()},
                        {"events", nlohmann::json::array()}};
  for (const auto& p : c.persons) {
    nlohmann::json j = {{"id", p.ref}, {"role", p.role}, {"name", p.name}, {"age", p.age}};
    if (p.female) j["female"] = true;
    doc["persons"].push_back(std::move(j));
  }
  for (std::size_t i = 0; i < c.events.size(); ++i) {
    const auto& e = c.events[i];
    nlohmann::json j = nlohmann::json::parse(e.attrs);
    j["id"] = std::to_string(i + 1);
    j["type"] = e.type;
    j["time"] = FormatLocalIso(e.at);
    if (!e.person.empty()) j["person"] = e.person;
    if (!e.item.empty()) j["item"] = e.item;
    doc["events"].push_back(std::move(j));
  }
  return doc;
}

double Since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::int64_t Count(soci::session& sql, const std::string& table) {
  long long n = 0;
  sql << "SELECT COUNT(*) FROM " + table, soci::into(n);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Org tree, people and logins (one transaction).

Org MakeOrg(soci::session& sql, const ProvinceOptions& opt, EpochSeconds now, Rng& rng,
            std::vector<ProvinceLogin>& logins) {
  Org org;
  std::int64_t next_unit = 0, next_person = 0;
  BulkTable units("units", {{"id", BulkTable::kInt},
                            {"bureau_id", BulkTable::kInt},
                            {"parent_id", BulkTable::kInt},
                            {"name", BulkTable::kText},
                            {"level", BulkTable::kText},
                            {"category", BulkTable::kText},
                            {"code", BulkTable::kText},
                            {"path", BulkTable::kText},
                            {"created_at", BulkTable::kInt},
                            {"updated_at", BulkTable::kInt}});
  BulkTable people("people", {{"id", BulkTable::kInt},
                              {"bureau_id", BulkTable::kInt},
                              {"unit_id", BulkTable::kInt},
                              {"name", BulkTable::kText},
                              {"badge_no", BulkTable::kText},
                              {"kind", BulkTable::kText},
                              {"position", BulkTable::kText},
                              {"is_legal_officer", BulkTable::kInt},
                              {"created_at", BulkTable::kInt},
                              {"updated_at", BulkTable::kInt}});
  auto unit = [&](std::int64_t parent, const std::string& parent_path, std::int64_t bureau, const std::string& name,
                  const char* level, const std::string& category, const std::string& code) {
    const std::int64_t id = ++next_unit;
    const std::string path = parent_path + std::to_string(id) + "/";
    // A city or bureau unit owns its rows; a team belongs to its parent's 分局 (as OrgService does).
    units.Int(id)
        .Int(bureau ? bureau : id)
        .OptInt(NullIfZero(parent))
        .Text(name)
        .Text(level)
        .Text(category)
        .Text(code)
        .Text(path)
        .Int(now)
        .Int(now)
        .End();
    return std::pair{id, path};
  };
  auto person = [&](std::int64_t unit_id, std::int64_t bureau, bool police, const std::string& position, bool legal) {
    const std::int64_t id = ++next_person;
    people.Int(id)
        .Int(bureau)
        .Int(unit_id)
        .Text(Name(rng))
        .Text(police ? fmt::format("{:07}", 1000000 + id) : fmt::format("FJ{:06}", id))
        .Text(police ? "民警" : "辅警")
        .Text(position)
        .Int(legal ? 1 : 0)
        .Int(now)
        .Int(now)
        .End();
    return id;
  };
  auto [province, province_path] = unit(0, "/", 0, "河东省公安厅", "city", "省厅", "HD");
  org.province = province;
  for (int k = 0; k < 10; ++k) person(province, province, true, k == 0 ? "厅长" : k < 4 ? "副厅长" : "民警", false);
  for (int ci = 0; ci < opt.cities; ++ci) {
    const std::string city_name =
        fmt::format("{}市公安局", ci < static_cast<int>(kCityNames.size()) ? std::string(kCityNames[ci])
                                                                           : fmt::format("第{}", ci + 1));
    auto [city, city_path] =
        unit(province, province_path, 0, city_name, "city", "市局", fmt::format("HD{:02}", ci + 1));
    org.cities.push_back(city);
    for (int k = 0; k < 10; ++k) person(city, city, true, k == 0 ? "局长" : k < 4 ? "副局长" : "民警", false);
    for (int bi = 0; bi < opt.bureaus_per_city; ++bi) {
      const std::string bname = bi < static_cast<int>(kDistricts.size()) ? fmt::format("{}分局", kDistricts[bi])
                                                                         : fmt::format("第{}分局", bi + 1);
      const std::string bcode = fmt::format("{:02}{:02}{:02}", 41, ci + 1, bi + 1);
      auto [bureau, bureau_path] = unit(city, city_path, 0, bname, "bureau", "分局", bcode);
      Bureau b;
      b.id = bureau;
      b.code = bcode;
      for (int k = 0; k < 6; ++k)
        person(bureau, bureau, true, k == 0 ? "局长" : k == 5 ? "法制室主任" : "副局长", k == 5);
      for (int ti = 0; ti < std::max(4, opt.teams_per_bureau); ++ti) {
        Team t;
        t.bureau_id = bureau;
        t.city_index = ci;
        if (ti == 0)
          t.name = "法制大队", t.category = "法制大队", t.weight = 0;
        else if (ti == 1)
          t.name = "刑侦大队", t.category = "刑侦大队", t.weight = 3;
        else if (ti == 2)
          t.name = "治安大队", t.category = "治安大队", t.weight = 2;
        else
          t.name = fmt::format("{}派出所", kStreets[(ti - 3 + bi * 3) % kStreets.size()]), t.category = "派出所",
          t.weight = 6;
        auto [tid, tpath] =
            unit(bureau, bureau_path, bureau, t.name, "team", t.category, fmt::format("{}{:02}", bcode, ti + 1));
        t.id = tid;
        const int police = opt.people_per_team * 7 / 10, aux = opt.people_per_team - police;
        for (int k = 0; k < police; ++k) {
          const bool legal = ti == 0 || k == 2 || k == 3;  // 法制大队 all; elsewhere two 兼职法制员
          const std::string position = k == 0   ? (t.category == "派出所" ? "所长" : "大队长")
                                       : k == 1 ? "教导员"
                                                : "民警";
          const std::int64_t id = person(tid, bureau, true, position, legal);
          if (k >= 2) t.police.push_back(id);
          if (legal) t.legal.push_back(id);
        }
        for (int k = 0; k < aux; ++k) t.auxiliary.push_back(person(tid, bureau, false, "辅警", false));
        if (ti == 0) b.legal_team = t.legal;
        b.total_weight += t.weight;
        b.teams.push_back(org.teams.size());
        org.teams.push_back(std::move(t));
      }
      org.bureaus.push_back(std::move(b));
    }
  }
  units.Flush(sql);
  people.Flush(sql);
  org.people = next_person;

  // Logins: one Argon2id hash for all (it is the slow part).
  const std::string hash = auth::HashPassword(kProvincePassword);
  const Bureau& b0 = org.bureaus.front();
  const Team& station = org.teams[b0.teams[3]];
  const Team& legal_team = org.teams[b0.teams[0]];
  org.minjing_team = station.id;
  org.minjing_person = station.police.at(2);
  org.fazhiyuan_team = legal_team.id;
  org.fazhiyuan_person = legal_team.legal.at(3);
  logins = {{"minjing", "case_officer", 0, station.id, org.minjing_person, station.name},
            {"fazhiyuan", "legal_officer", 0, legal_team.id, org.fazhiyuan_person, legal_team.name},
            {"shiju", "leader", 0, org.cities.front(), 0, std::string(kCityNames[0]) + "市公安局"},
            {"shengting", "leader", 0, org.province, 0, "河东省公安厅"}};
  long long user_id = 0;
  for (auto& l : logins) {
    ++user_id;
    l.user_id = user_id;
    long long unit_id = l.unit_id, bureau = l.unit_id == station.id || l.unit_id == legal_team.id ? b0.id : l.unit_id,
              t = now;
    std::string username = l.username, display = l.person_id ? l.username : l.username + "（基准测试）", role = l.role;
    db::NullableInt person_id(l.person_id ? std::optional<std::int64_t>(l.person_id) : std::nullopt);
    sql << "INSERT INTO users (id, bureau_id, username, display_name, password_hash, unit_id, person_id, active, "
           "must_change_password, password_changed_at, created_at, updated_at) VALUES (:id, :b, :u, :d, :h, :unit, :p, "
           "1, 0, :t1, :t2, :t3)",
        soci::use(user_id), soci::use(bureau), soci::use(username), soci::use(display), soci::use(hash),
        soci::use(unit_id), soci::use(person_id.value, person_id.ind), soci::use(t), soci::use(t), soci::use(t);
    sql << "INSERT INTO user_roles (user_id, role) VALUES (:u, :r)", soci::use(user_id), soci::use(role);
  }
  return org;
}

// Sets explicit-id tables' sequences past the ids written (PostgreSQL; SQLite's AUTOINCREMENT
// follows explicit ids by itself).
void ResetSequences(soci::session& sql, db::Backend backend) {
  if (backend != db::Backend::kPostgres) return;
  for (const char* t : {"units", "people", "users", "incidents", "cases"})
    sql << fmt::format("SELECT setval(pg_get_serial_sequence('{0}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {0}))", t);
}

// Secondary (non-unique) indexes of the bulk-loaded tables: dropped while loading and built again at
// the end, which sorts once instead of updating B-trees at random places row by row. Unique indexes
// stay (they are the duplicate checks), and so do indexes led by case_id. Returns the CREATE
// statements, exactly as the migrations (or pg_indexes) give them.
std::vector<std::string> DropSecondaryIndexes(soci::session& sql, db::Backend backend) {
  const std::string tables = "'cases', 'case_officers', 'case_persons', 'property_items', 'case_events', 'incidents'";
  const std::string q =
      backend == db::Backend::kSqlite
          ? "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (" + tables +
                ")"
          : "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN (" +
                tables + ")";
  std::vector<std::pair<std::string, std::string>> found;
  db::Each(sql, q, {}, [&](const db::Row& r) { found.emplace_back(r.TextAt(0), r.TextAt(1)); });
  std::vector<std::string> creates;
  for (const auto& [name, create] : found) {
    if (create.starts_with("CREATE UNIQUE")) continue;
    // Indexes led by case_id grow at their end (cases are written in id order): cheap to keep.
    if (const auto open = create.find('('); open != std::string::npos && create.compare(open, 9, "(case_id,") == 0)
      continue;
    sql << "DROP INDEX " + name;
    creates.push_back(create);
  }
  return creates;
}

}  // namespace

std::int64_t DatabaseBytes(db::Database& db) {
  if (db.backend() == db::Backend::kSqlite) {
    std::int64_t bytes = 0;
    for (const std::string suffix : {"", "-wal"}) {
      struct stat st {};
      if (::stat((db.url().sqlite_path + suffix).c_str(), &st) == 0) bytes += st.st_size;
    }
    return bytes;
  }
  return db.Read([](soci::session& sql) {
    long long n = 0;
    sql << "SELECT pg_database_size(current_database())", soci::into(n);
    return static_cast<std::int64_t>(n);
  });
}

Result<ProvinceSummary> GenerateProvince(db::Database& db, const ProvinceOptions& opt) {
  const auto t0 = Clock::now();
  const EpochSeconds now = opt.now ? opt.now : SystemClock().Now();
  const db::Backend backend = db.backend();
  const bool sqlite = backend == db::Backend::kSqlite;
  if (opt.cases < 0 || opt.cities < 1 || opt.bureaus_per_city < 1 || opt.people_per_team < 10)
    return Invalid("参数无效：cases ≥ 0，cities/bureaus ≥ 1，people_per_team ≥ 10");
  const std::int64_t existing = db.Read([](soci::session& sql) { return Count(sql, "units"); });
  if (existing > 0)
    return Conflict(fmt::format("数据库里已有 {} 个单位：省级测试数据只能生成到新建的数据库", existing));

  auto log = [&](const std::string& line) {
    if (opt.progress) std::fprintf(stderr, "province_gen: %s\n", line.c_str());
  };
  if (sqlite && opt.fast_sqlite) {
    db.Read([](soci::session& sql) {
      // Outside any transaction (foreign_keys is a no-op inside one). A fresh database: a crash means
      // generating again, so no journal and no fsync while writing.
      sql << "PRAGMA foreign_keys=OFF";
      sql << "PRAGMA journal_mode=OFF";
      sql << "PRAGMA synchronous=OFF";
      sql << "PRAGMA cache_size=-1048576";  // 1 GiB of page cache: the index tails stay in memory
      sql << "PRAGMA temp_store=MEMORY";
      return 0;
    });
  }

  ProvinceSummary summary;
  Rng rng(opt.seed);
  Org org;
  {
    auto r = db.Write([&](soci::session& sql) -> Result<int> {
      org = MakeOrg(sql, opt, now, rng, summary.logins);
      return 0;
    });
    if (!r) return std::unexpected(r.error());
  }
  summary.province_unit_id = org.province;
  summary.city_unit_ids = org.cities;
  log(fmt::format("org: {} units, {} people, {} logins ({:.1f} s)",
                  1 + org.cities.size() + org.bureaus.size() + org.teams.size(), org.people, summary.logins.size(),
                  Since(t0)));

  BulkTable incidents("incidents", {{"id", BulkTable::kInt},
                                    {"bureau_id", BulkTable::kInt},
                                    {"unit_id", BulkTable::kInt},
                                    {"external_id", BulkTable::kText},
                                    {"received_at", BulkTable::kInt},
                                    {"category", BulkTable::kText},
                                    {"summary", BulkTable::kText},
                                    {"address", BulkTable::kText},
                                    {"result", BulkTable::kText},
                                    {"body_camera", BulkTable::kInt},
                                    {"officer_id", BulkTable::kInt},
                                    {"case_id", BulkTable::kInt},
                                    {"created_at", BulkTable::kInt},
                                    {"updated_at", BulkTable::kInt}});
  BulkTable cases_t("cases", {{"id", BulkTable::kInt},
                              {"bureau_id", BulkTable::kInt},
                              {"unit_id", BulkTable::kInt},
                              {"external_id", BulkTable::kText},
                              {"case_type", BulkTable::kText},
                              {"cause", BulkTable::kText},
                              {"category", BulkTable::kText},
                              {"title", BulkTable::kText},
                              {"status", BulkTable::kText},
                              {"lead_officer_id", BulkTable::kInt},
                              {"legal_officer_id", BulkTable::kInt},
                              {"incident_id", BulkTable::kInt},
                              {"serious", BulkTable::kInt},
                              {"fast_track", BulkTable::kInt},
                              {"accepted_at", BulkTable::kInt},
                              {"closed_at", BulkTable::kInt},
                              {"alert_state", BulkTable::kText},
                              {"next_due_at", BulkTable::kInt},
                              {"created_at", BulkTable::kInt},
                              {"updated_at", BulkTable::kInt}});
  BulkTable officers("case_officers", {{"case_id", BulkTable::kInt},
                                       {"person_id", BulkTable::kInt},
                                       {"role", BulkTable::kText},
                                       {"bureau_id", BulkTable::kInt}});
  BulkTable persons("case_persons", {{"bureau_id", BulkTable::kInt},
                                     {"case_id", BulkTable::kInt},
                                     {"ref", BulkTable::kText},
                                     {"name", BulkTable::kText},
                                     {"role", BulkTable::kText},
                                     {"age", BulkTable::kInt},
                                     {"female", BulkTable::kInt},
                                     {"created_at", BulkTable::kInt}});
  BulkTable items("property_items", {{"bureau_id", BulkTable::kInt},
                                     {"case_id", BulkTable::kInt},
                                     {"code", BulkTable::kText},
                                     {"name", BulkTable::kText},
                                     {"quantity", BulkTable::kText},
                                     {"status", BulkTable::kText},
                                     {"created_at", BulkTable::kInt},
                                     {"updated_at", BulkTable::kInt}});
  BulkTable events("case_events", {{"bureau_id", BulkTable::kInt},
                                   {"case_id", BulkTable::kInt},
                                   {"type", BulkTable::kText},
                                   {"at", BulkTable::kInt},
                                   {"person_ref", BulkTable::kText},
                                   {"item_code", BulkTable::kText},
                                   {"attrs", BulkTable::kText},
                                   {"external_id", BulkTable::kText},
                                   {"source", BulkTable::kText},
                                   {"recorded_at", BulkTable::kInt}});

  // Cases arrive over time: case i is accepted around start + i/N of the span (an import of the
  // 警综 history written in order), with hours weighted to day and evening.
  const EpochSeconds start = LocalMidnight({2023, 1, 1});
  const EpochSeconds span = std::max<EpochSeconds>(kDay, now - kHour - start);
  static const int kHourWeights[24] = {3, 2, 2, 1, 1, 1, 2, 4, 6, 7, 7, 7, 6, 6, 7, 7, 7, 8, 8, 9, 9, 8, 6, 4};
  int hour_total = 0;
  for (int w : kHourWeights) hour_total += w;
  // Cases per 分局 vary (busy city districts, quiet counties): weight 1–4 per 分局.
  std::vector<int> bureau_weight(org.bureaus.size());
  int bureau_total = 0;
  for (auto& w : bureau_weight) bureau_total += (w = 1 + rng.Below(4));

  std::vector<std::string> index_ddl;
  {
    auto r = db.Write([&](soci::session& sql) -> Result<int> {
      index_ddl = DropSecondaryIndexes(sql, backend);
      return 0;
    });
    if (!r) return std::unexpected(r.error());
  }
  CaseMaker maker(opt, now, rng);
  const std::int64_t n = opt.cases;
  std::int64_t next_case = 0, next_incident = 0, event_rows = 0;
  std::vector<std::int64_t> seq_per_bureau(org.bureaus.size(), 0);
  auto flush = [&](soci::session& sql) {
    incidents.Flush(sql);
    cases_t.Flush(sql);
    officers.Flush(sql);
    persons.Flush(sql);
    items.Flush(sql);
    events.Flush(sql);
  };
  const auto gen0 = Clock::now();
  std::int64_t done = 0;
  while (done < n) {
    const std::int64_t chunk = std::min(opt.cases_per_transaction, n - done);
    auto r = db.Write([&](soci::session& sql) -> Result<int> {
      for (std::int64_t k = 0; k < chunk; ++k) {
        const std::int64_t i = done + k;
        GenCase c;
        c.id = ++next_case;
        // Where: a 分局 by weight, then a team by weight.
        int x = rng.Below(bureau_total);
        std::size_t bi = 0;
        while (x >= bureau_weight[bi]) x -= bureau_weight[bi++];
        const Bureau& b = org.bureaus[bi];
        int y = rng.Below(b.total_weight);
        std::size_t ti = 0;
        while (y >= org.teams[b.teams[ti]].weight) y -= org.teams[b.teams[ti++]].weight;
        const Team& t = org.teams[b.teams[ti]];
        c.unit_id = t.id;
        c.bureau_id = b.id;
        // When.
        const EpochSeconds base =
            start + static_cast<EpochSeconds>(static_cast<double>(span) * (static_cast<double>(i) + 0.5) /
                                              static_cast<double>(n));
        int h = rng.Below(hour_total), hour = 0;
        while (h >= kHourWeights[hour]) h -= kHourWeights[hour++];
        c.accepted_at =
            std::min(now - kHour, LocalMidnight(LocalDateOf(std::max(start, base + rng.Range(-2, 2) * kDay))) +
                                      hour * kHour + rng.Range(0, 59) * kMin);
        // Who: the 派出所 officer of the benchmark leads a quarter of his station's cases.
        c.lead = (t.id == org.minjing_team && rng.Chance(0.25)) ? org.minjing_person : rng.Pick(t.police);
        const int assists = 1 + rng.Below(2);
        for (int a = 0; a < assists * 4 && static_cast<int>(c.assists.size()) < assists; ++a) {
          const bool aux = !t.auxiliary.empty() && rng.Chance(0.3);
          const std::int64_t p = aux ? rng.Pick(t.auxiliary) : rng.Pick(t.police);
          if (p != c.lead && std::find(c.assists.begin(), c.assists.end(), p) == c.assists.end())
            c.assists.push_back(p);
        }
        const int lx = rng.Below(100);
        if (b.id == org.bureaus.front().id && lx < 35)
          c.legal = org.fazhiyuan_person;
        else if (lx < 70 && !b.legal_team.empty())
          c.legal = rng.Pick(b.legal_team);
        else if (!t.legal.empty())
          c.legal = rng.Pick(t.legal);
        maker.Make(c);
        const CivilDate d = LocalDateOf(c.accepted_at);
        c.external_id = fmt::format("{}{}{:04}{:02}{:02}{:06}", c.criminal ? 'A' : 'B', b.code, d.year, d.month, d.day,
                                    ++seq_per_bureau[bi]);
        if (c.faulty) ++summary.faulty_cases;

        if (opt.check_every > 0 && c.id % opt.check_every == 0) {
          const std::string doc = TimelineDoc(c).dump();
          if (auto tl = supervision::ParseTimeline(doc); !tl)
            return Internal(fmt::format("生成的案件 {}（{}）的事件记录不能被监督引擎解析：{}\n{}", c.id, c.external_id,
                                        tl.error().message, doc));
          ++summary.checked_timelines;
        }

        // Alert summary (what the oversight module keeps on the case): faulty cases carry a
        // violation (done late) or an overdue clock (act missing, case still open); some open cases
        // have a clock in its pre-warning window; open cases have a next deadline.
        const bool open = !cases::IsTerminal(c.criminal ? "criminal" : "administrative", c.status);
        std::string alert = "none";
        std::int64_t next_due = 0;
        if (c.faulty) alert = c.fault_missing && open ? "overdue" : "violation";
        if (open) {
          if (alert == "none" && rng.Chance(0.06)) {
            alert = "pre_warn";
            next_due = now + rng.Range(2, 40) * kHour;
          } else if (rng.Chance(0.5)) {
            next_due = now + rng.Range(1, 60) * kDay;
          }
        }

        // Rows.
        if (c.from_incident) {
          c.incident_id = ++next_incident;
          const CivilDate rd = LocalDateOf(c.received_at);
          incidents.Int(c.incident_id)
              .Int(b.id)
              .Int(t.id)
              .Text(fmt::format("J{}{:04}{:02}{:02}{:07}", b.code, rd.year, rd.month, rd.day, c.incident_id))
              .Int(c.received_at)
              .Text(c.criminal ? "刑事案件" : "治安警情")
              .Text(fmt::format("报警人称{}", c.cause))
              .Text(fmt::format("{}路{}号", kStreets[rng.Below(kStreets.size())], rng.Range(1, 399)))
              .Text(c.criminal ? "受案侦查" : "受案调查")
              .Int(c.body_camera ? 1 : 0)
              .Int(rng.Pick(t.police))
              .Int(c.id)
              .Int(c.received_at)
              .Int(c.received_at)
              .End();
        }
        const EpochSeconds updated = c.events.empty() ? c.accepted_at : c.events.back().at;
        cases_t.Int(c.id)
            .Int(b.id)
            .Int(t.id)
            .Text(c.external_id)
            .Text(c.criminal ? "criminal" : "administrative")
            .Text(c.cause)
            .Text(c.category)
            .Text(c.title)
            .Text(c.status)
            .Int(c.lead)
            .OptInt(NullIfZero(c.legal))
            .OptInt(NullIfZero(c.incident_id))
            .Int(c.serious ? 1 : 0)
            .Int(c.fast_track ? 1 : 0)
            .Int(c.accepted_at);
        if (c.closed_at)
          cases_t.Int(*c.closed_at);
        else
          cases_t.Null();
        cases_t.Text(alert).OptInt(NullIfZero(next_due)).Int(c.accepted_at).Int(updated).End();
        officers.Int(c.id).Int(c.lead).Text("lead").Int(b.id).End();
        for (std::int64_t p : c.assists) officers.Int(c.id).Int(p).Text("assist").Int(b.id).End();
        for (const auto& p : c.persons)
          persons.Int(b.id)
              .Int(c.id)
              .Text(p.ref)
              .Text(p.name)
              .Text(p.role)
              .Int(p.age)
              .Int(p.female ? 1 : 0)
              .Int(c.accepted_at)
              .End();
        for (const auto& it : c.items) {
          std::string status = "extracted";
          for (const auto& e : c.events)
            if (e.item == it.code)
              if (auto s = cases::store::PropertyStatusAfter(e.type); !s.empty()) status = s;
          items.Int(b.id)
              .Int(c.id)
              .Text(it.code)
              .Text(it.name)
              .Text(it.quantity)
              .Text(status)
              .Int(c.accepted_at)
              .Int(updated)
              .End();
        }
        // The case's events, contiguous and in time order, as the 警综 import writes them.
        for (std::size_t e = 0; e < c.events.size(); ++e) {
          auto& ev = c.events[e];
          events.Int(b.id)
              .Int(c.id)
              .Text(ev.type)
              .Int(ev.at)
              .OptText(NullIfEmpty(std::move(ev.person)))
              .OptText(NullIfEmpty(std::move(ev.item)))
              .Text(std::move(ev.attrs))
              .Text(fmt::format("{}-{:03}", c.external_id, e + 1))
              .Text("import")
              .Int(std::min(now, ev.at + 6 * kHour))
              .End();
        }
        event_rows += static_cast<std::int64_t>(c.events.size());
        if (cases_t.buffered() >= static_cast<std::size_t>(opt.cases_per_flush)) flush(sql);
      }
      flush(sql);
      return 0;
    });
    if (!r) return std::unexpected(r.error());
    done += chunk;
    const double el = Since(gen0);
    log(fmt::format("cases {}/{} ({:.0f}%), events {}, {:.0f} cases/s, {:.0f} s elapsed", done, n,
                    100.0 * static_cast<double>(done) / static_cast<double>(std::max<std::int64_t>(n, 1)), event_rows,
                    static_cast<double>(done) / std::max(el, 1e-9), Since(t0)));
  }
  summary.cases = n;
  summary.events = event_rows;
  {
    const auto ti = Clock::now();
    auto r = db.Write([&](soci::session& sql) -> Result<int> {
      for (const auto& ddl : index_ddl) sql << ddl;
      return 0;
    });
    if (!r) return std::unexpected(r.error());
    log(fmt::format("{} secondary indexes built in {:.1f} s", index_ddl.size(), Since(ti)));
  }
  if (!sqlite) {
    // A server's autovacuum would have visited these tables long before anyone reads them; a
    // freshly loaded one has not, so index-only scans still fetch heap pages and the planner lacks
    // statistics. Do it now, so benchmarks see the steady state (VACUUM runs outside a transaction).
    const auto tv = Clock::now();
    db.Read([](soci::session& sql) {
      sql << "VACUUM (ANALYZE)";
      return 0;
    });
    log(fmt::format("VACUUM (ANALYZE) in {:.1f} s", Since(tv)));
  }

  db.Read([&](soci::session& sql) {
    ResetSequences(sql, backend);
    if (sqlite && opt.fast_sqlite) {
      sql << "PRAGMA journal_mode=WAL";
      sql << "PRAGMA synchronous=NORMAL";
      sql << "PRAGMA foreign_keys=ON";
    }
    for (const char* t : {"units", "people", "users", "incidents", "cases", "case_officers", "case_persons",
                          "property_items", "case_events"})
      summary.rows.emplace_back(t, Count(sql, t));
    return 0;
  });
  summary.seconds = Since(t0);
  summary.db_bytes = DatabaseBytes(db);
  return summary;
}

}  // namespace fazhi::bench
