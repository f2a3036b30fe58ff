// Demo year of case data (`fazhi demo`): incidents, criminal and administrative cases with realistic
// event sequences for the 城区分局 demo organisation, and a realistic share of late or missing acts
// (late 通知家属, 入库 after 24 h, no guardian for a minor, a 讯问 with one officer …) so every page
// of the supervision module shows something true to life. All names, 身份证号 (area code 140599,
// unassigned) and numbers are generated; nothing is real. Deterministic: the same year gives the
// same data everywhere.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "auth/vault.h"
#include "cases/case_service.h"
#include "cases/case_store.h"
#include "core/demo_random.h"
#include "core/json_fields.h"
#include "core/local_time.h"
#include "org/org_types.h"

namespace fazhi::cases {

namespace {

constexpr EpochSeconds kMin = 60, kHour = 3600, kDay = 86400;

// splitmix64, seeded by the year.
class Rng : public DemoRandom {
 public:
  explicit Rng(std::uint64_t seed) : DemoRandom(seed * 0x9E3779B97F4A7C15ull + 20230101) {}
};

// Shares of late or missing acts (tuned so that about 5–10 % of cases carry a violation).
struct Faults {
  double incident_no_camera = 0.02;     // REC-01: 接处警 without body-camera video
  double file_late = 0.02;              // CRIM-FILE-01: 立案审查 over 3 days
  double summon_over = 0.01;            // CRIM-SUMMON-01 / ADM-SUMMON-01: held past the limit
  double notify_late = 0.025;           // CRIM-DETAIN-02: 通知家属 after 24 h
  double custody_late = 0.012;          // CRIM-DETAIN-01: 送押 after 24 h
  double arrest_request_late = 0.015;   // CRIM-DETAIN-04
  double one_officer = 0.006;           // CRIM-INT-01: 讯问 with one officer
  double guardian_missing = 0.1;        // of questionings of minors: no guardian
  double av_cut = 0.08;                 // CRIM-INT-02: recording stops before the end (serious cases)
  double handover_late = 0.035;         // PROP-01: 入库 after 24 h
  double area_av_gap = 0.04;            // 办案区 A/V starts after the person is brought in (平台应用考核)
  double filing_late = 0.015;           // PROP-03
  double admin_notify_missing = 0.012;  // ADM-SUMMON-01-notify
  double admin_term_late = 0.01;        // ADM-TERM-01: decision after 30 days
  double serve_late = 0.01;             // ADM-DEC-01-serve
  // Acts never recorded at all: these clocks stay overdue (告警). Only in the living slice, so that
  // the alert centre opens on this week's 告警, not on acts of the demo year left open for years.
  double handover_never = 0;       // PROP-01: item never handed to the 管理人员
  double bail_never_ended = 0;     // CRIM-MEAS-01-bail: 取保 past 12 months, never 解除
  double seizure_never_ended = 0;  // ADM-SEIZE-01: 扣押 past 30 days, never 解除

  // The living slice's: a few items of the last weeks not yet handed over (24 h passed).
  static Faults Live() {
    Faults f;
    f.handover_never = 0.35;
    return f;
  }
};

struct TeamInfo {
  std::int64_t id = 0;
  std::string name, category, code;
  std::vector<std::int64_t> police;     // 民警 (not the four leaders first)
  std::vector<std::int64_t> auxiliary;  // 辅警
  std::vector<std::int64_t> legal;      // 法制员 of the unit
};

struct GenPerson {
  std::string ref, name, role;
  int age = 30;
  bool female = false;
  std::string id_number;
};

struct GenItem {
  std::string code, name, quantity;
};

struct GenEvent {
  std::string type;
  EpochSeconds at = 0;
  std::string person, item;
  nlohmann::json attrs = nlohmann::json::object();
};

struct GenIncident {
  std::string external_id;
  std::int64_t unit_id = 0;
  EpochSeconds received_at = 0;
  std::string category, summary, address, result;
  bool body_camera = true;
  std::int64_t officer_id = 0;
  int case_index = -1;
};

struct GenCase {
  std::string external_id, case_type, cause, category, title;
  std::int64_t unit_id = 0;
  std::int64_t lead = 0;
  std::vector<std::int64_t> assists;
  std::int64_t legal = 0;
  int incident = -1;
  bool serious = false, fast_track = false;
  EpochSeconds accepted_at = 0;
  std::vector<GenPerson> persons;
  std::vector<GenItem> items;
  std::vector<GenEvent> events;
  std::string status;
  std::optional<EpochSeconds> closed_at;
};

constexpr std::array<const char*, 48> kSurnames = {
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "程", "曹", "袁",
    "邓", "许", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛", "叶", "阎"};
constexpr std::array<const char*, 40> kGiven = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋",
                                                "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞", "平",
                                                "刚", "英", "华", "玉", "文", "斌", "鹏", "辉", "浩", "宇",
                                                "俊", "峰", "建", "国", "志", "海", "亮", "红", "燕", "鑫"};
constexpr std::array<const char*, 12> kStreets = {"凤台街", "泽州路", "红星街", "书院街", "黄华街", "文昌街",
                                                  "中原街", "新市街", "太行路", "景西路", "迎宾街", "建设路"};

struct CategorySpec {
  const char* category;
  int weight;
  std::vector<const char*> causes;
  std::vector<const char*> units;  // unit categories/names, picked at random
  bool serious;
};

const std::vector<CategorySpec>& CriminalCategories() {
  static const std::vector<CategorySpec> k = {
      {"电信网络诈骗",
       22,
       {"诈骗罪", "帮助信息网络犯罪活动罪", "掩饰、隐瞒犯罪所得罪"},
       {"派出所", "派出所", "派出所", "刑侦大队", "刑侦大队"},
       false},
      {"民生小案",
       35,
       {"盗窃罪", "故意伤害罪", "抢夺罪", "寻衅滋事罪", "故意毁坏财物罪"},
       {"派出所", "派出所", "派出所", "派出所", "刑侦大队"},
       false},
      {"经济犯罪", 10, {"合同诈骗罪", "非法吸收公众存款罪", "职务侵占罪", "集资诈骗罪"}, {"经侦大队"}, false},
      {"毒品",
       10,
       {"贩卖毒品罪", "容留他人吸毒罪", "非法持有毒品罪"},
       {"禁毒大队", "禁毒大队", "禁毒大队", "派出所"},
       false},
      {"黄赌", 8, {"开设赌场罪", "赌博罪", "组织卖淫罪", "容留卖淫罪"}, {"治安大队", "治安大队", "派出所"}, false},
      {"涉黑涉恶", 4, {"寻衅滋事罪（恶势力）", "敲诈勒索罪", "强迫交易罪", "聚众斗殴罪"}, {"刑侦大队"}, true},
      {"拐卖", 1, {"拐卖妇女、儿童罪", "收买被拐卖的妇女、儿童罪"}, {"刑侦大队"}, true},
      {"其他", 10, {"危险驾驶罪", "妨害公务罪", "非法拘禁罪"}, {"派出所"}, false},
  };
  return k;
}

const std::vector<CategorySpec>& AdminCategories() {
  static const std::vector<CategorySpec> k = {
      {"民生小案", 55, {"殴打他人", "盗窃", "故意损毁财物", "诈骗", "寻衅滋事"}, {"派出所"}, false},
      {"黄赌",
       18,
       {"赌博", "卖淫、嫖娼", "为赌博提供条件"},
       {"派出所", "派出所", "派出所", "治安大队", "治安大队"},
       false},
      {"毒品", 12, {"吸食毒品", "容留他人吸食毒品"}, {"禁毒大队", "派出所"}, false},
      {"其他",
       15,
       {"扰乱单位秩序", "阻碍执行职务", "违反危险物品管理规定", "非法携带管制器具"},
       {"派出所", "派出所", "治安大队"},
       false},
  };
  return k;
}

const CategorySpec& PickCategory(Rng& rng, const std::vector<CategorySpec>& list) {
  int total = 0;
  for (const auto& c : list) total += c.weight;
  int x = rng.Below(total);
  for (const auto& c : list) {
    if (x < c.weight) return c;
    x -= c.weight;
  }
  return list.back();
}

// The living slice: cases accepted in the last kLiveDays days before the demo is generated, numbered
// from kLiveNumberFrom + 1 (a year has far fewer cases of a kind).
constexpr int kLiveDays = 28;
constexpr int kLiveNumberFrom = 80000;

// The span a generator fills: the demo year, or the last weeks before today (the living slice).
struct Window {
  int year = 0;  // birth years and 物品编号 are counted from it
  EpochSeconds start = 0, end = 0;
  std::uint64_t seed = 0;
  int number_from = 0;  // 警情/案件/物品 sequence numbers start after this, so two windows never share one
  Faults faults;
};

// The whole generator, kept together so the knobs stay in one place.
class DemoYear {
 public:
  DemoYear(const Window& w, EpochSeconds now, std::vector<TeamInfo> teams, std::vector<std::int64_t> legal_team,
           std::int64_t minjing_person, std::int64_t fazhiyuan_person, std::int64_t minjing_unit)
      : year_(w.year),
        now_(now),
        year_start_(w.start),
        year_end_(w.end),
        number_from_(w.number_from),
        rng_(w.seed),
        faults_(w.faults),
        teams_(std::move(teams)),
        legal_team_(std::move(legal_team)),
        minjing_(minjing_person),
        fazhiyuan_(fazhiyuan_person),
        minjing_unit_(minjing_unit),
        item_seq_(w.number_from) {}

  // `in_progress`: cases whose custody clocks are in their last two hours right now (the living
  // slice; see InProgress).
  void Generate(int criminal, int administrative, int total_incidents, int in_progress = 0) {
    for (int i = 0; i < criminal; ++i) Criminal();
    for (int i = 0; i < administrative; ++i) Administrative();
    for (int i = 0; i < in_progress; ++i) InProgress(i % 2 == 0);
    // Incidents that did not become cases (纠纷, 求助 …) up to the wanted total.
    static const std::vector<const char*> kCategories = {"纠纷", "求助", "噪音扰民", "交通事故", "可疑情况", "其他"};
    static const std::vector<const char*> kResults = {"现场调解处理", "现场处置完毕", "移交相关部门处理",
                                                      "不属于公安管辖，已告知", "无效警情"};
    std::vector<const TeamInfo*> stations;
    for (const auto& t : teams_)
      if (t.category == "派出所" || t.category == "巡警大队") stations.push_back(&t);
    while (static_cast<int>(incidents_.size()) < total_incidents && !stations.empty() && year_start_ < now_) {
      const TeamInfo& t = *stations[static_cast<std::size_t>(rng_.Below(static_cast<int>(stations.size())))];
      const EpochSeconds at = RandomTime();
      if (at > now_) continue;
      GenIncident inc;
      inc.unit_id = t.id;
      inc.received_at = at;
      inc.category = rng_.Pick(kCategories);
      inc.summary = fmt::format("{}，报警人称{}", Address(),
                                inc.category == std::string("纠纷") ? "与邻居发生纠纷" : "需要民警到场");
      inc.address = Address();
      inc.result = rng_.Pick(kResults);
      inc.body_camera = !rng_.Chance(faults_.incident_no_camera);
      inc.officer_id = Officer(t);
      incidents_.push_back(std::move(inc));
    }
    std::sort(incidents_.begin(), incidents_.end(),
              [](const GenIncident& a, const GenIncident& b) { return a.received_at < b.received_at; });
    // Re-point cases to their incidents after sorting and number everything in time order.
    for (std::size_t i = 0; i < incidents_.size(); ++i) {
      const CivilDate d = LocalDateOf(incidents_[i].received_at);
      incidents_[i].external_id =
          fmt::format("J140502{:04}{:02}{:02}{:05}", d.year, d.month, d.day, static_cast<int>(i) + 1 + number_from_);
      if (incidents_[i].case_index >= 0)
        cases_[static_cast<std::size_t>(incidents_[i].case_index)].incident = static_cast<int>(i);
    }
    std::vector<std::size_t> order(cases_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return cases_[a].accepted_at < cases_[b].accepted_at; });
    int seq_a = number_from_, seq_b = number_from_;
    for (std::size_t i : order) {
      GenCase& c = cases_[i];
      const CivilDate d = LocalDateOf(c.accepted_at);
      const bool criminal = c.case_type == kCriminal;
      c.external_id =
          fmt::format("{}140502{:04}{:02}{:05}", criminal ? "A" : "B", d.year, d.month, criminal ? ++seq_a : ++seq_b);
      Finish(c);
    }
  }

  std::vector<GenIncident>& incidents() { return incidents_; }
  std::vector<GenCase>& cases() { return cases_; }

 private:
  // A case at work this very hour: a 拘留 23 h ago (通知家属、送押、讯问 due within 24 h, so in 预警)
  // or a 传唤 7 h ago (询问查证 due at 8 h, in 预警), with nothing recorded since.
  void InProgress(bool criminal) {
    const auto& spec = PickCategory(rng_, criminal ? CriminalCategories() : AdminCategories());
    const TeamInfo& t = Unit(spec);
    GenCase c;
    c.case_type = criminal ? kCriminal : kAdministrative;
    c.category = spec.category;
    c.cause = spec.causes[static_cast<std::size_t>(rng_.Below(static_cast<int>(spec.causes.size())))];
    c.unit_id = t.id;
    Staff(c, t);
    const GenPerson p = Person(c, "suspect", 20, 55);
    const EpochSeconds at = now_ - (criminal ? 23 * kHour : 7 * kHour) + rng_.Range(0, 20) * kMin;
    c.accepted_at = at - (criminal ? rng_.Range(20, 40) * kHour : rng_.Range(30, 90) * kMin);
    c.title = fmt::format("{}案", c.cause);
    Ev(c, "accept_case", c.accepted_at);
    if (criminal) {
      Ev(c, "file_case", c.accepted_at + rng_.Range(1, 4) * kHour);
      Ev(c, "summon_arrive", at - rng_.Range(4, 6) * kHour, p.ref);
      Ev(c, "detain", at, p.ref);
    } else {
      Ev(c, "file_case", c.accepted_at + rng_.Range(5, 20) * kMin);
      Ev(c, "summon_arrive", at, p.ref);
      AreaEnter(c, at + rng_.Range(5, 15) * kMin, p.ref);
      Ev(c, "notify_family", at + rng_.Range(30, 90) * kMin, p.ref);
    }
    cases_.push_back(std::move(c));
  }

  // ---- helpers ----
  EpochSeconds RandomTime() {
    // Days uniformly over the year; hours weighted to day and evening, as 警情 are.
    static const int kHourWeights[24] = {3, 2, 2, 1, 1, 1, 2, 4, 6, 7, 7, 7, 6, 6, 7, 7, 7, 8, 8, 9, 9, 8, 6, 4};
    const std::int64_t days = (year_end_ - year_start_) / kDay;
    const EpochSeconds day = year_start_ + rng_.Range(0, days - 1) * kDay;
    int total = 0;
    for (int w : kHourWeights) total += w;
    int x = rng_.Below(total), hour = 0;
    while (x >= kHourWeights[hour]) x -= kHourWeights[hour++];
    return day + hour * kHour + rng_.Range(0, 59) * kMin;
  }
  std::string Name() {
    std::string n = std::string(kSurnames[rng_.Below(kSurnames.size())]) + kGiven[rng_.Below(kGiven.size())];
    if (rng_.Below(3) != 0) n += kGiven[rng_.Below(kGiven.size())];
    return n;
  }
  std::string Address() { return fmt::format("城区{}{}号", kStreets[rng_.Below(kStreets.size())], rng_.Range(1, 399)); }
  GenPerson Person(GenCase& c, const std::string& role, int min_age, int max_age) {
    GenPerson p;
    p.ref = fmt::format("p{}", c.persons.size() + 1);
    p.role = role;
    p.age = static_cast<int>(rng_.Range(min_age, max_age));
    p.female = rng_.Chance(role == "suspect" ? 0.15 : 0.45);
    p.name = Name();
    const int birth_year = year_ - p.age;
    const std::string first17 = fmt::format("140599{:04}{:02}{:02}{:03}", birth_year, rng_.Range(1, 12),
                                            rng_.Range(1, 28), (rng_.Range(0, 498) / 2) * 2 + (p.female ? 0 : 1));
    p.id_number = first17 + auth::IdNumberCheckChar(first17);
    c.persons.push_back(p);
    return p;
  }
  const TeamInfo& Unit(const CategorySpec& spec) {
    const std::string want = spec.units[static_cast<std::size_t>(rng_.Below(static_cast<int>(spec.units.size())))];
    std::vector<const TeamInfo*> hits;
    for (const auto& t : teams_)
      if (t.category == want || t.name == want) hits.push_back(&t);
    if (hits.empty())
      for (const auto& t : teams_)
        if (t.category == "派出所") hits.push_back(&t);
    return *hits[static_cast<std::size_t>(rng_.Below(static_cast<int>(hits.size())))];
  }
  std::int64_t Officer(const TeamInfo& t) {
    if (t.police.empty()) return 0;
    return t.police[static_cast<std::size_t>(rng_.Below(static_cast<int>(t.police.size())))];
  }
  void Staff(GenCase& c, const TeamInfo& t) {
    // 主办: a 民警 of the unit; minjing leads a fair share of his station's cases.
    c.lead = (t.id == minjing_unit_ && minjing_ && rng_.Chance(0.25)) ? minjing_ : Officer(t);
    const int assists = 1 + rng_.Below(2);
    for (int i = 0; i < assists * 4 && static_cast<int>(c.assists.size()) < assists; ++i) {
      const bool aux = !t.auxiliary.empty() && rng_.Chance(0.3);
      const std::int64_t p =
          aux ? t.auxiliary[static_cast<std::size_t>(rng_.Below(static_cast<int>(t.auxiliary.size())))] : Officer(t);
      if (p != c.lead && std::find(c.assists.begin(), c.assists.end(), p) == c.assists.end()) c.assists.push_back(p);
    }
    // 捆绑法制员: fazhiyuan for many cases, other 法制大队 officers, or the unit's own 兼职法制员.
    const int x = rng_.Below(100);
    if (x < 35 && fazhiyuan_)
      c.legal = fazhiyuan_;
    else if (x < 70 && !legal_team_.empty())
      c.legal = legal_team_[static_cast<std::size_t>(rng_.Below(static_cast<int>(legal_team_.size())))];
    else if (!t.legal.empty())
      c.legal = t.legal[static_cast<std::size_t>(rng_.Below(static_cast<int>(t.legal.size())))];
    else if (!legal_team_.empty())
      c.legal = legal_team_.front();
  }
  int AddIncidentFor(GenCase& c, const TeamInfo& t, EpochSeconds received, const std::string& category,
                     const std::string& summary) {
    GenIncident inc;
    inc.unit_id = t.id;
    inc.received_at = received;
    inc.category = category;
    inc.summary = summary;
    inc.address = Address();
    inc.result = c.case_type == kCriminal ? "受案侦查" : "受案调查";
    inc.body_camera = !rng_.Chance(faults_.incident_no_camera);
    inc.officer_id = Officer(t);
    inc.case_index = static_cast<int>(cases_.size());
    incidents_.push_back(std::move(inc));
    const GenIncident& i = incidents_.back();
    Ev(c, "report", received);
    Ev(c, "incident", received + rng_.Range(8, 30) * kMin, "", "", {{"body_camera", i.body_camera}, {"officers", 2}});
    return static_cast<int>(incidents_.size()) - 1;
  }
  void Ev(GenCase& c, const std::string& type, EpochSeconds at, const std::string& person = "",
          const std::string& item = "", nlohmann::json attrs = nlohmann::json::object()) {
    c.events.push_back({type, at, person, item, std::move(attrs)});
  }
  // A questioning session (讯问/询问) with its recording.
  void Session(GenCase& c, const std::string& type, EpochSeconds at, const GenPerson& p, const std::string& location,
               bool allow_faults) {
    const EpochSeconds end = at + rng_.Range(50, 150) * kMin;
    nlohmann::json a = {{"officers", 2},
                        {"location", location},
                        {"end", FormatLocalIso(end)},
                        {"av_start", FormatLocalIso(at - 2 * kMin)},
                        {"av_end", FormatLocalIso(end + 2 * kMin)},
                        {"av_recorded", true}};
    if (allow_faults && type == "interrogate" && rng_.Chance(faults_.one_officer)) a["officers"] = 1;
    if (allow_faults && c.serious && type == "interrogate" && rng_.Chance(faults_.av_cut))
      a["av_end"] = FormatLocalIso(end - rng_.Range(20, 40) * kMin);
    if (p.age < 18) {
      a["guardian_present"] = !rng_.Chance(faults_.guardian_missing);
      if (p.female) a["female_staff_present"] = true;
    }
    Ev(c, type, at, p.ref, "", std::move(a));
  }
  // 办案区 entry and exit with the A/V span: recording starts a minute before the entry (or, rarely,
  // late) and ends a minute after the exit.
  void AreaEnter(GenCase& c, EpochSeconds at, const std::string& ref) {
    const EpochSeconds av = rng_.Chance(faults_.area_av_gap) ? at + rng_.Range(10, 30) * kMin : at - kMin;
    Ev(c, "area_enter", at, ref, "", {{"av_start", FormatLocalIso(av)}});
  }
  void AreaExit(GenCase& c, EpochSeconds at, const std::string& ref) {
    Ev(c, "area_exit", at, ref, "", {{"av_end", FormatLocalIso(at + kMin)}});
  }
  std::string ItemCode() { return fmt::format("WP{:04}{:06}", year_, ++item_seq_); }
  // 提取 → 移交入库 → 督察备案, sometimes late; sometimes with a 鉴定.
  void Property(GenCase& c, EpochSeconds at) {
    static const std::vector<std::pair<const char*, const char*>> kItems = {
        {"手机", "1部"},       {"银行卡", "2张"},   {"现金", "3200元"}, {"管制刀具", "1把"},   {"电动自行车", "1辆"},
        {"笔记本电脑", "1台"}, {"作案工具", "1套"}, {"赌具", "1套"},    {"疑似毒品", "3.2克"}, {"监控录像光盘", "1张"}};
    const int n = 1 + rng_.Below(3);
    for (int i = 0; i < n; ++i) {
      const auto& [name, qty] = kItems[static_cast<std::size_t>(rng_.Below(static_cast<int>(kItems.size())))];
      GenItem item{ItemCode(), name, qty};
      const EpochSeconds extract = at + rng_.Range(10, 240) * kMin;
      Ev(c, "property_extract", extract, "", item.code);
      if (rng_.Chance(faults_.handover_never)) {
        c.items.push_back(std::move(item));
        continue;
      }
      const EpochSeconds handover =
          extract + (rng_.Chance(faults_.handover_late) ? rng_.Range(26, 60) * kHour : rng_.Range(60, 20 * 60) * kMin);
      Ev(c, "property_handover", handover, "", item.code);
      Ev(c, "supervision_filing",
         handover + (rng_.Chance(faults_.filing_late) ? rng_.Range(26, 50) * kHour : rng_.Range(60, 20 * 60) * kMin),
         "", item.code);
      if (rng_.Chance(0.2)) {
        const EpochSeconds start = handover + rng_.Range(1, 3) * kDay;
        Ev(c, "appraisal_start", start, "", item.code);
        Ev(c, "appraisal_end", start + rng_.Range(5, 20) * kDay, "", item.code);
      }
      c.items.push_back(std::move(item));
    }
  }

  // ---- 刑事 ----
  void Criminal() {
    const CategorySpec& spec = PickCategory(rng_, CriminalCategories());
    const TeamInfo& t = Unit(spec);
    GenCase c;
    c.case_type = kCriminal;
    c.category = spec.category;
    c.cause = spec.causes[static_cast<std::size_t>(rng_.Below(static_cast<int>(spec.causes.size())))];
    c.serious = spec.serious;
    c.unit_id = t.id;
    Staff(c, t);
    const EpochSeconds accept = RandomTime();
    if (accept > now_) return;
    c.accepted_at = accept;
    std::string victim_name;
    if (t.category == "派出所" && rng_.Chance(0.5)) {
      const EpochSeconds received = accept - rng_.Range(30, 6 * 60) * kMin;
      c.incident = AddIncidentFor(c, t, received, "刑事案件", fmt::format("报警人称被{}", c.cause));
    }
    Ev(c, "accept_case", accept);
    // Victim and witness statements.
    if (spec.category != std::string("毒品") && spec.category != std::string("黄赌")) {
      const bool minor = rng_.Chance(0.05);
      const GenPerson v = Person(c, "victim", minor ? 14 : 19, minor ? 17 : 75);
      victim_name = v.name;
      Session(c, "inquire", accept + rng_.Range(30, 20 * 60) * kMin, v, "inquiry_room", true);
    }
    if (rng_.Chance(0.3)) {
      const GenPerson w = Person(c, "witness", 20, 70);
      Session(c, "inquire", accept + rng_.Range(2, 72) * kHour, w, "inquiry_room", true);
    }
    // 案件名称 uses the act, not the charge: "盗窃罪" → "盗窃", "寻衅滋事罪（恶势力）" → "寻衅滋事（恶势力）".
    std::string act = c.cause;
    const std::string zui = "罪";
    if (const auto paren = act.find("（");
        paren != std::string::npos && paren >= zui.size() && act.compare(paren - zui.size(), zui.size(), zui) == 0)
      act.erase(paren - zui.size(), zui.size());
    else if (act.ends_with(zui))
      act.erase(act.size() - zui.size());
    c.title = fmt::format("{}{}案", victim_name.empty() ? "" : victim_name + "被", act);
    // 不予立案 (no crime found): a few complaints end here.
    if (rng_.Chance(0.04)) {
      const EpochSeconds decline = accept + rng_.Range(20, 60) * kHour;
      Ev(c, "decline_file", decline, "", "", {{"has_complainant", true}});
      Ev(c, "decline_notice_served", decline + rng_.Range(4, 40) * kHour);
      cases_.push_back(std::move(c));
      return;
    }
    const bool file_late = rng_.Chance(faults_.file_late);
    const EpochSeconds filed = accept + (file_late ? rng_.Range(8, 12) * kDay : rng_.Range(2, 60) * kHour);
    Ev(c, "file_case", filed);
    if (rng_.Chance(0.3) || spec.category == std::string("经济犯罪")) Property(c, filed + rng_.Range(1, 48) * kHour);
    if ((spec.category == std::string("经济犯罪") || spec.category == std::string("电信网络诈骗")) &&
        rng_.Chance(0.5)) {
      // 冻结 of a bank account: registered and filed with the 督察 within 24 h.
      GenItem acct{ItemCode(), "涉案银行账户资金", fmt::format("{}元", rng_.Range(2, 900) * 1000)};
      const EpochSeconds freeze = filed + rng_.Range(1, 72) * kHour;
      Ev(c, "freeze", freeze, "", acct.code);
      const EpochSeconds reg = freeze + rng_.Range(1, 18) * kHour;
      Ev(c, "property_register", reg, "", acct.code);
      Ev(c, "supervision_filing", reg + rng_.Range(1, 18) * kHour, "", acct.code);
      c.items.push_back(std::move(acct));
    }
    // Withdrawn (撤案): nobody caught, the case is dropped.
    if (rng_.Chance(0.03)) {
      Ev(c, "case_concluded", filed + rng_.Range(20, 60) * kDay);
      cases_.push_back(std::move(c));
      return;
    }
    const int suspects = spec.category == std::string("涉黑涉恶") ? 2 + rng_.Below(3) : 1 + (rng_.Chance(0.3) ? 1 : 0);
    EpochSeconds last_act = filed;
    bool anyone_caught = false;
    for (int s = 0; s < suspects; ++s) {
      if (const auto transfer = Suspect(c, spec, filed)) {
        anyone_caught = true;
        last_act = std::max(last_act, *transfer);
      }
    }
    if (anyone_caught && last_act > filed && rng_.Chance(0.3) && last_act + 120 * kDay < now_)
      c.closed_at = last_act + rng_.Range(60, 120) * kDay;  // 结案 after the judgment
    cases_.push_back(std::move(c));
  }

  // One suspect of a criminal case: caught (then detained or bailed) or still at large. Returns the
  // time of the 移送起诉 when caught.
  std::optional<EpochSeconds> Suspect(GenCase& c, const CategorySpec& spec, EpochSeconds filed) {
    const bool minor = rng_.Chance(0.05);
    const GenPerson p = Person(c, "suspect", minor ? 16 : 18, minor ? 17 : 62);
    const int path = rng_.Below(100);
    if (path >= 85) return std::nullopt;  // 在逃: not caught yet
    const EpochSeconds arrive = filed + rng_.Range(6, 10 * 24) * kHour;
    Ev(c, "summon_arrive", arrive, p.ref);
    AreaEnter(c, arrive + rng_.Range(5, 20) * kMin, p.ref);
    Session(c, "interrogate", arrive + rng_.Range(30, 90) * kMin, p, "interrogation_room", true);
    if (path < 55) return Detained(c, spec, p, arrive);
    // 取保候审 after questioning; case transferred later; 取保 ends when the procuratorate takes over.
    const EpochSeconds bail = arrive + rng_.Range(3 * 60, 9 * 60) * kMin;
    Ev(c, "bail", bail, p.ref);
    AreaExit(c, bail + rng_.Range(10, 40) * kMin, p.ref);
    const EpochSeconds transfer = bail + rng_.Range(30, 150) * kDay;
    Ev(c, "transfer_prosecution", transfer, p.ref);
    if (!rng_.Chance(faults_.bail_never_ended)) Ev(c, "measure_end", transfer + rng_.Range(1, 10) * kDay, p.ref);
    return transfer;
  }
  // 拘留 → 通知家属 → 送押 → 讯问 → 提请批准逮捕 → 批捕 → 逮捕 (or 不批准逮捕 → 取保). Returns the 移送起诉 time.
  EpochSeconds Detained(GenCase& c, const CategorySpec& spec, const GenPerson& p, EpochSeconds arrive) {
    const EpochSeconds detain =
        arrive + (rng_.Chance(faults_.summon_over) ? rng_.Range(13 * 60, 15 * 60) : rng_.Range(4 * 60, 10 * 60)) * kMin;
    Ev(c, "detain", detain, p.ref);
    Ev(c, "notify_family",
       detain + (rng_.Chance(faults_.notify_late) ? rng_.Range(26 * 60, 40 * 60) : rng_.Range(60, 20 * 60)) * kMin,
       p.ref);
    const EpochSeconds exit = detain + rng_.Range(30, 180) * kMin;
    AreaExit(c, exit, p.ref);
    const EpochSeconds custody = rng_.Chance(faults_.custody_late) ? detain + rng_.Range(25 * 60, 30 * 60) * kMin
                                                                   : exit + rng_.Range(20, 60) * kMin;
    Ev(c, "custody_admit", custody, p.ref);
    Session(c, "interrogate", std::min(custody + rng_.Range(60, 6 * 60) * kMin, detain + 23 * kHour), p,
            custody <= detain + 23 * kHour ? "detention_center" : "interrogation_room", true);
    EpochSeconds request = detain + rng_.Range(30, 66) * kHour;
    if (spec.category == std::string("涉黑涉恶") ||
        (spec.category == std::string("电信网络诈骗") && rng_.Chance(0.3))) {
      // 结伙/流窜作案: 提请 extended to 30 days by the 县级以上负责人.
      Ev(c, "extension_approved", detain + rng_.Range(30, 60) * kHour, p.ref, "",
         {{"rule", "CRIM-DETAIN-04"},
          {"approver_level", "county_head"},
          {"basis", spec.category == std::string("涉黑涉恶") ? "gang" : "roving"},
          {"new_limit", 30}});
      request = detain + rng_.Range(8, 25) * kDay;
    } else if (rng_.Chance(faults_.arrest_request_late)) {
      request = detain + rng_.Range(5 * 24, 6 * 24) * kHour;
    }
    Ev(c, "arrest_request", request, p.ref);
    const EpochSeconds received = request + rng_.Range(1, 5) * kHour;
    Ev(c, "procuratorate_receive", received, p.ref);
    const EpochSeconds decision = received + rng_.Range(3 * 24, 6 * 24) * kHour;
    const bool approved = rng_.Chance(0.9);
    Ev(c, "procuratorate_decision", decision, p.ref, "", {{"approved", approved}});
    if (approved) {
      const EpochSeconds arrest = decision + rng_.Range(2, 10) * kHour;
      Ev(c, "arrest", arrest, p.ref);
      Ev(c, "custody_admit", arrest + rng_.Range(30, 90) * kMin, p.ref);
      Ev(c, "notify_family",
         arrest +
             (rng_.Chance(faults_.notify_late / 2) ? rng_.Range(26 * 60, 36 * 60) : rng_.Range(60, 18 * 60)) * kMin,
         p.ref);
      Session(c, "interrogate", arrest + rng_.Range(3, 20) * kHour, p, "detention_center", true);
      Ev(c, "arrest_receipt", arrest + rng_.Range(20, 60) * kHour, p.ref);
      const EpochSeconds transfer = arrest + rng_.Range(25, 55) * kDay;
      Ev(c, "transfer_prosecution", transfer, p.ref);
      return transfer;
    } else {
      // 不批准逮捕: 立即释放 (变更为取保候审), receipt within 3 days.
      const EpochSeconds release = decision + rng_.Range(2, 10) * kHour;
      Ev(c, "release", release, p.ref);
      Ev(c, "bail", release, p.ref);
      Ev(c, "non_arrest_receipt", decision + rng_.Range(12, 60) * kHour, p.ref);
      const EpochSeconds transfer = release + rng_.Range(30, 120) * kDay;
      Ev(c, "transfer_prosecution", transfer, p.ref);
      Ev(c, "measure_end", transfer + rng_.Range(1, 10) * kDay, p.ref);
      return transfer;
    }
  }

  // ---- 行政 ----
  void Administrative() {
    const CategorySpec& spec = PickCategory(rng_, AdminCategories());
    const TeamInfo& t = Unit(spec);
    GenCase c;
    c.case_type = kAdministrative;
    c.category = spec.category;
    c.cause = spec.causes[static_cast<std::size_t>(rng_.Below(static_cast<int>(spec.causes.size())))];
    c.unit_id = t.id;
    c.fast_track = spec.category == std::string("民生小案") && rng_.Chance(0.2);
    Staff(c, t);
    const EpochSeconds accept = RandomTime();
    if (accept > now_) return;
    c.accepted_at = accept;
    if (rng_.Chance(0.8)) {
      const bool late = rng_.Chance(0.01);  // ADM-ACCEPT-01: 受案 more than 24 h after 接报
      const EpochSeconds received = accept - (late ? rng_.Range(26, 40) * kHour : rng_.Range(40, 5 * 60) * kMin);
      c.incident = AddIncidentFor(c, t, received, "治安警情", fmt::format("{}，报警称有人{}", Address(), c.cause));
    }
    Ev(c, "accept_case", accept);
    Ev(c, "file_case", accept + rng_.Range(5, 30) * kMin);  // 立案调查
    const bool has_victim =
        spec.category == std::string("民生小案") && c.cause != std::string("寻衅滋事") && rng_.Chance(0.7);
    std::string victim_name;
    if (has_victim) {
      const GenPerson v = Person(c, "victim", 16, 75);
      victim_name = v.name;
      Session(c, "inquire", accept + rng_.Range(1, 24) * kHour, v, "inquiry_room", true);
    }
    const int suspects = c.fast_track ? 1 : 1 + (rng_.Chance(0.25) ? 1 : 0);
    const bool detention = spec.category != std::string("其他") && rng_.Chance(0.25);
    const bool concluded = rng_.Chance(0.05);  // 不予处罚
    std::string seized;
    EpochSeconds decision_base = 0;
    for (int s = 0; s < suspects; ++s) {
      const bool minor = rng_.Chance(0.06);
      const GenPerson p = Person(c, "suspect", minor ? 14 : 18, minor ? 17 : (detention ? 60 : 68));
      const EpochSeconds arrive = accept + rng_.Range(30, 48 * 60) * kMin;
      Ev(c, "summon_arrive", arrive, p.ref);
      AreaEnter(c, arrive + rng_.Range(5, 15) * kMin, p.ref);
      if (!rng_.Chance(faults_.admin_notify_missing))
        Ev(c, "notify_family", arrive + rng_.Range(30, 180) * kMin, p.ref);
      Session(c, "inquire", arrive + rng_.Range(20, 60) * kMin, p, "inquiry_room", true);
      const EpochSeconds end =
          arrive +
          (rng_.Chance(faults_.summon_over) ? rng_.Range(9 * 60, 12 * 60) : rng_.Range(2 * 60, 7 * 60 + 30)) * kMin;
      AreaExit(c, end - rng_.Range(1, 5) * kMin, p.ref);
      Ev(c, "summon_end", end, p.ref);
      if (s == 0 && (spec.category == std::string("黄赌") || spec.category == std::string("毒品")) &&
          rng_.Chance(0.5)) {
        GenItem item{ItemCode(), spec.category == std::string("毒品") ? "疑似毒品" : "赌资及赌具",
                     spec.category == std::string("毒品") ? "0.8克" : "1批"};
        const EpochSeconds seize = arrive + rng_.Range(20, 90) * kMin;
        Ev(c, "seize", seize, "", item.code, {{"onsite", true}, {"av_recorded", true}, {"officers", 2}});
        const EpochSeconds handover =
            seize + (rng_.Chance(faults_.handover_late) ? rng_.Range(26, 48) * kHour : rng_.Range(60, 18 * 60) * kMin);
        Ev(c, "property_handover", handover, "", item.code);
        Ev(c, "supervision_filing", handover + rng_.Range(60, 18 * 60) * kMin, "", item.code);
        seized = item.code;
        c.items.push_back(std::move(item));
      }
      decision_base = std::max(decision_base, end);
    }
    // Decision: within hours for 快速办理, days otherwise; a few after the 30-day limit.
    EpochSeconds decision = c.fast_track ? decision_base + rng_.Range(2, 24) * kHour
                                         : decision_base + rng_.Range(1, 20) * kDay + rng_.Range(0, 8) * kHour;
    if (!c.fast_track && rng_.Chance(faults_.admin_term_late)) decision = accept + rng_.Range(38, 50) * kDay;
    for (const auto& p : c.persons) {
      if (p.role != "suspect") continue;
      if (concluded) {
        Ev(c, "case_concluded", decision, p.ref);
        continue;
      }
      const bool detain = detention && p.age >= 18;
      Ev(c, "penalty_decision", decision, p.ref, "",
         {{"onsite", false}, {"admin_detention", detain}, {"has_victim", has_victim}});
      Ev(c, "decision_served",
         decision + (rng_.Chance(faults_.serve_late) ? rng_.Range(7, 9) * kDay : rng_.Range(20, 30 * 60) * kMin),
         p.ref);
      if (has_victim) Ev(c, "victim_copy", decision + rng_.Range(2, 36) * kHour, p.ref);
      if (detain) {
        Ev(c, "notify_family", decision + rng_.Range(20, 120) * kMin, p.ref);
        const EpochSeconds execute = decision + rng_.Range(1, 6) * kHour;
        const int days = static_cast<int>(rng_.Range(3, 10));
        Ev(c, "admin_detention_execute", execute, p.ref, "", {{"days", days}});
        Ev(c, "release", execute + days * kDay - rng_.Range(1, 6) * kHour, p.ref);
      }
    }
    if (!seized.empty() && !rng_.Chance(faults_.seizure_never_ended))
      Ev(c, concluded ? "property_return" : "seize_end", decision + rng_.Range(1, 72) * kHour, "", seized);
    c.title = victim_name.empty() ? fmt::format("{}案", c.cause) : fmt::format("{}被{}案", victim_name, c.cause);
    cases_.push_back(std::move(c));
  }

  // Drops acts later than now (a demo of the current year) and derives the status from the acts.
  void Finish(GenCase& c) {
    std::erase_if(c.events, [&](const GenEvent& e) { return e.at > now_; });
    std::stable_sort(c.events.begin(), c.events.end(),
                     [](const GenEvent& a, const GenEvent& b) { return a.at < b.at; });
    std::vector<std::string> types;
    for (const auto& e : c.events) types.push_back(e.type);
    c.status = StatusFromEvents(c.case_type, types);
    if (c.status == "transferred" && c.closed_at && *c.closed_at <= now_)
      c.status = "closed";
    else
      c.closed_at.reset();
    if (IsTerminal(c.case_type, c.status) && !c.closed_at) {
      for (auto it = c.events.rbegin(); it != c.events.rend(); ++it)
        if (it->type == "decline_file" || it->type == "case_concluded" || it->type == "decision_served" ||
            it->type == "release" || it->type == "case_transfer") {
          c.closed_at = it->at;
          break;
        }
    }
  }

  int year_;
  EpochSeconds now_, year_start_ = 0, year_end_ = 0;
  int number_from_ = 0;
  Rng rng_;
  Faults faults_;
  std::vector<TeamInfo> teams_;
  std::vector<std::int64_t> legal_team_;
  std::int64_t minjing_, fazhiyuan_, minjing_unit_;
  std::vector<GenIncident> incidents_;
  std::vector<GenCase> cases_;
  int item_seq_ = 0;
};

// ---------------------------------------------------------------- reading the org, writing the year

std::int64_t CountOf(soci::session& sql, const char* table, std::int64_t bureau) {
  db::SqlArgs a;
  return db::Count(sql, fmt::format("SELECT COUNT(*) FROM {} WHERE bureau_id = {}", table, a.Int(bureau)), a);
}

// The demo 分局 (城区分局 under the root 晋城市公安局).
std::optional<std::int64_t> DemoBureau(soci::session& sql) {
  db::SqlArgs a;
  return db::ScalarInt(sql,
                       fmt::format("SELECT b.id FROM units b JOIN units c ON c.id = b.parent_id WHERE b.name = {} AND "
                                   "c.name = {} AND c.parent_id IS NULL",
                                   a.Str("城区分局"), a.Str("晋城市公安局")),
                       a);
}

// The bureau's teams and their people (leaders are the first two 民警 of a team), and the 法制大队's
// 法制员.
std::vector<TeamInfo> LoadTeams(soci::session& sql, std::int64_t bureau, std::vector<std::int64_t>& legal_team) {
  std::vector<TeamInfo> teams;
  db::SqlArgs a;
  db::Each(sql,
           fmt::format("SELECT id, name, category, code FROM units WHERE parent_id = {} ORDER BY id", a.Int(bureau)), a,
           [&](const db::Row& r) {
             teams.push_back({r.Int("id"), r.Str("name"), r.Str("category"), r.Str("code"), {}, {}, {}});
           });
  for (auto& t : teams) {
    db::SqlArgs b;
    int police_index = 0;
    db::Each(sql,
             fmt::format("SELECT id, kind, is_legal_officer FROM people WHERE unit_id = {} AND active = 1 ORDER BY "
                         "badge_no, id",
                         b.Int(t.id)),
             b, [&](const db::Row& r) {
               const std::int64_t id = r.Int("id");
               if (r.Str("kind") == org::kKindPolice) {
                 if (police_index++ >= 2) t.police.push_back(id);  // 所长/教导员 rarely lead cases
                 if (r.Bool("is_legal_officer")) t.legal.push_back(id);
               } else {
                 t.auxiliary.push_back(id);
               }
             });
    if (t.category == "法制大队") legal_team = t.legal;
  }
  return teams;
}

// Links a demo login to a person of its team (when not linked yet), so "my cases" and "cases I
// review" show something. Returns {person, the person's unit} ({0, …} when there is none).
std::pair<std::int64_t, std::int64_t> LinkDemoUser(soci::session& sql, const Clock& clock, const audit::Actor& actor,
                                                   const std::vector<TeamInfo>& teams, const char* username,
                                                   const char* unit_name, bool legal, EpochSeconds now) {
  db::SqlArgs a;
  std::optional<std::int64_t> user, person;
  db::First(sql, fmt::format("SELECT id, person_id FROM users WHERE username = {}", a.Str(username)), a,
            [&](const db::Row& r) {
              user = r.Int("id");
              person = r.OptInt("person_id");
            });
  const TeamInfo* team = nullptr;
  for (const auto& t : teams)
    if (t.name == unit_name) team = &t;
  if (!user || !team) return {0, 0};
  if (!person) {
    const auto& pool = legal ? team->legal : team->police;
    if (pool.empty()) return {0, team->id};
    person = pool[pool.size() > 3 ? 3 : 0];
    db::SqlArgs b;
    db::Exec(sql,
             fmt::format("UPDATE users SET person_id = {}, updated_at = {} WHERE id = {}", b.Int(*person), b.Int(now),
                         b.Int(*user)),
             b);
    audit::Append(sql, clock, actor,
                  {"user.update",
                   "user",
                   std::to_string(*user),
                   fmt::format("演示数据：账号 {} 关联人员", username),
                   {{"after", {{"person_id", *person}}}}});
  }
  db::SqlArgs c;
  const auto unit = db::ScalarInt(sql, fmt::format("SELECT unit_id FROM people WHERE id = {}", c.Int(*person)), c);
  return {*person, unit.value_or(team->id)};
}

// Every generated timeline through the engine before anything is stored.
Result<void> ValidateYear(const std::vector<GenCase>& cases) {
  for (const auto& c : cases) {
    detail::TimelineDoc base{detail::EmptyTimelineDoc(c.external_id, c.case_type, c.serious, c.fast_track), {}};
    for (const auto& p : c.persons)
      base.doc["persons"].push_back(Merged(FZ_JSON(p, name, role, age, female), {{"id", p.ref}}));
    std::vector<detail::PendingEvent> pending;
    for (std::size_t i = 0; i < c.events.size(); ++i) {
      nlohmann::json o = c.events[i].attrs;
      o["id"] = fmt::format("e{}", i);
      o["type"] = c.events[i].type;
      o["time"] = FormatLocalIso(c.events[i].at);
      if (!c.events[i].person.empty()) o["person"] = c.events[i].person;
      if (!c.events[i].item.empty()) o["item"] = c.events[i].item;
      pending.push_back({std::move(o), fmt::format("事件 {}", i)});
    }
    if (auto tl = detail::ValidateTimeline(base, pending); !tl)
      return Internal(fmt::format("演示数据生成错误（案件 {}）：{}", c.external_id, tl.error().message));
  }
  return {};
}

// One generated case with its officers, persons, property and events, through the store.
std::int64_t StoreCase(soci::session& sql, const auth::Vault& vault, std::int64_t bureau, const GenCase& c,
                       std::optional<std::int64_t> incident_id, EpochSeconds now) {
  const std::int64_t id =
      store::InsertCase(sql,
                        {.bureau_id = bureau,
                         .unit_id = c.unit_id,
                         .external_id = c.external_id,
                         .case_type = c.case_type,
                         .cause = c.cause,
                         .category = c.category,
                         .title = c.title,
                         .status = c.status,
                         .lead_officer_id = c.lead,
                         .legal_officer_id = c.legal ? std::optional<std::int64_t>(c.legal) : std::nullopt,
                         .incident_id = incident_id,
                         .serious = c.serious,
                         .fast_track = c.fast_track,
                         .accepted_at = c.accepted_at,
                         .closed_at = c.closed_at},
                        now);
  if (incident_id) store::LinkIncidentToCase(sql, *incident_id, id, now);
  store::InsertOfficer(sql, bureau, id, c.lead, "lead");
  for (std::int64_t p : c.assists) store::InsertOfficer(sql, bureau, id, p, "assist");
  for (const auto& p : c.persons)
    store::InsertPerson(sql,
                        {.bureau_id = bureau,
                         .case_id = id,
                         .ref = p.ref,
                         .name = p.name,
                         .role = p.role,
                         .age = p.age,
                         .female = p.female,
                         .id_number_enc = vault.Encrypt(p.id_number)},
                        now);
  for (const auto& item : c.items) {
    std::string status = "extracted";
    for (const auto& e : c.events)
      if (e.item == item.code)
        if (auto st = store::PropertyStatusAfter(e.type); !st.empty()) status = st;
    store::InsertProperty(sql,
                          {.bureau_id = bureau,
                           .case_id = id,
                           .code = item.code,
                           .name = item.name,
                           .quantity = item.quantity,
                           .status = status},
                          now);
  }
  for (std::size_t i = 0; i < c.events.size(); ++i) {
    const auto& e = c.events[i];
    store::InsertEvent(sql, {.bureau_id = bureau,
                             .case_id = id,
                             .type = e.type,
                             .at = e.at,
                             .person_ref = e.person,
                             .item_code = e.item,
                             .attrs = e.attrs,
                             .external_id = fmt::format("{}-{:03}", c.external_id, i + 1),
                             .source = "demo",
                             .recorded_at = e.at});
  }
  return id;
}

// The year's incidents and cases through the store; returns the case ids by 案件编号.
std::map<std::string, std::int64_t> StoreYear(soci::session& sql, const auth::Vault& vault, std::int64_t bureau,
                                              const std::vector<GenIncident>& incidents,
                                              const std::vector<GenCase>& cases, EpochSeconds now) {
  std::vector<std::int64_t> incident_ids;
  incident_ids.reserve(incidents.size());
  for (const auto& i : incidents)
    incident_ids.push_back(
        store::InsertIncident(sql,
                              {.bureau_id = bureau,
                               .unit_id = i.unit_id,
                               .external_id = i.external_id,
                               .received_at = i.received_at,
                               .category = i.category,
                               .summary = i.summary,
                               .address = i.address,
                               .result = i.result,
                               .body_camera = i.body_camera,
                               .officer_id = i.officer_id ? std::optional<std::int64_t>(i.officer_id) : std::nullopt},
                              now));
  std::map<std::string, std::int64_t> case_ids;
  for (const auto& c : cases) {
    std::optional<std::int64_t> incident;
    if (c.incident >= 0) incident = incident_ids[static_cast<std::size_t>(c.incident)];
    case_ids[c.external_id] = StoreCase(sql, vault, bureau, c, incident, now);
  }
  return case_ids;
}

}  // namespace

Result<CaseDemoSummary> GenerateCaseDemo(db::Database& db, const Clock& clock, const auth::Vault& vault,
                                         CaseHooks* hooks, int year) {
  if (year < 2000 || LocalMidnight({year, 1, 1}) > clock.Now())
    return Invalid("演示年份应在 2000 年到今年之间", "year");
  const audit::Actor actor{.username = "system"};
  return db.Write([&](soci::session& sql) -> Result<CaseDemoSummary> {
    const auto bureau = DemoBureau(sql);
    if (!bureau) return NotFound("请先生成组织机构演示数据（晋城市公安局 / 城区分局）");
    CaseDemoSummary s;
    if (const std::int64_t n = CountOf(sql, "cases", *bureau); n > 0) {
      s.already_present = true;
      s.cases = static_cast<int>(n);
      s.incidents = static_cast<int>(CountOf(sql, "incidents", *bureau));
      s.events = static_cast<int>(CountOf(sql, "case_events", *bureau));
      return s;
    }
    const EpochSeconds now = clock.Now();
    std::vector<std::int64_t> legal_team;
    const std::vector<TeamInfo> teams = LoadTeams(sql, *bureau, legal_team);
    const auto [minjing, minjing_unit] = LinkDemoUser(sql, clock, actor, teams, "minjing", "东街派出所", false, now);
    const auto [fazhiyuan, fazhiyuan_unit] = LinkDemoUser(sql, clock, actor, teams, "fazhiyuan", "法制大队", true, now);
    (void)fazhiyuan_unit;
    // The year, for the bulletins and the annual figures; then the living slice: the weeks before
    // today, cut at this moment, so that clocks run, some are in 预警 or 告警 and reviews wait.
    const Window year_window{.year = year,
                             .start = LocalMidnight({year, 1, 1}),
                             .end = LocalMidnight({year + 1, 1, 1}),
                             .seed = static_cast<std::uint64_t>(year)};
    const CivilDate slice_from = LocalDateOf(now - kLiveDays * kDay);
    const Window live_window{.year = LocalDateOf(now).year,
                             .start = LocalMidnight(slice_from),
                             .end = now,
                             .seed = static_cast<std::uint64_t>(year) * 7919U + 1U,
                             .number_from = kLiveNumberFrom,
                             .faults = Faults::Live()};
    std::map<std::string, std::int64_t> case_ids;
    for (const bool live : {false, true}) {
      DemoYear gen(live ? live_window : year_window, now, teams, legal_team, minjing, fazhiyuan, minjing_unit);
      if (live)
        gen.Generate(40, 60, 120, 4);
      else
        gen.Generate(600, 900, 1500);
      FZ_CHECK(ValidateYear(gen.cases()));
      case_ids.merge(StoreYear(sql, vault, *bureau, gen.incidents(), gen.cases(), now));
      int events = 0;
      for (const auto& c : gen.cases()) events += static_cast<int>(c.events.size());
      (live ? s.live_cases : s.cases) = static_cast<int>(gen.cases().size());
      (live ? s.live_incidents : s.incidents) = static_cast<int>(gen.incidents().size());
      (live ? s.live_events : s.events) = events;
    }
    // Evaluated in 案件编号 order (the alerts' ids follow it).
    if (hooks)
      for (const auto& [ext, id] : case_ids) FZ_CHECK(hooks->OnCaseChanged(sql, id));
    audit::Append(sql, clock, actor,
                  {"demo.cases", "unit", std::to_string(*bureau),
                   fmt::format("生成 {} 年演示案件数据：警情 {} 起，案件 {} 件，事件 {} 条；近 {} 天在办案件 {} 件",
                               year, s.incidents, s.cases, s.events, kLiveDays, s.live_cases),
                   Merged(FZ_JSON(s, incidents, cases, events, live_cases, live_events), {{"year", year}})});
    return s;
  });
}

}  // namespace fazhi::cases
