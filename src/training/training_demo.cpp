#include "training/training_demo.h"

#include <map>

#include <fmt/format.h>

#include "core/demo_random.h"
#include "core/local_time.h"
#include "db/sql.h"
#include "files/attachments.h"
#include "files/qr_png.h"
#include "org/org_reads.h"
#include "training/training_store.h"

namespace fazhi::training {

namespace {

const std::vector<std::string> kLaws = {"《行政处罚法》",
                                        "《治安管理处罚法》",
                                        "《刑事诉讼法》",
                                        "《行政强制法》",
                                        "《人民警察法》",
                                        "《公安机关办理行政案件程序规定》",
                                        "《公安机关办理刑事案件程序规定》",
                                        "《国家赔偿法》"};
const std::vector<std::string> kPoints = {"证据收集与固定", "案件受理与立案", "强制措施的适用", "涉案财物管理",
                                          "执法记录仪使用", "法律文书制作",   "办案期限管理",   "听证程序",
                                          "裁量基准适用",   "讯问询问规范"};

struct Bureau {
  std::int64_t id = 0, legal_id = 0;
  std::vector<org::UnitRef> teams;                             // every team unit of the bureau
  std::map<std::int64_t, std::vector<org::PersonRef>> people;  // active people by unit
};

EpochSeconds At(int year, int month, int day, int hour, int minute) {
  return LocalMidnight(CivilDate{year, month, day}) + hour * 3600 + minute * 60;
}

class Writer {
 public:
  Writer(soci::session& sql, const Bureau& b, EpochSeconds now, TrainingDemoSummary& sum)
      : sql_(sql), b_(b), now_(now), sum_(sum), rnd_(0x7EA1A5EEDull + static_cast<std::uint64_t>(b.id)) {}

  std::int64_t Session(SessionInput in, double presence) {
    const std::int64_t id = store::InsertSession(sql_, b_.id, in, std::nullopt, now_);
    for (std::int64_t unit : in.target_unit_ids) {
      auto it = b_.people.find(unit);
      if (it == b_.people.end()) continue;
      for (const auto& p : it->second)
        if (rnd_.Chance(presence))
          rows_.push_back(
              {b_.id, id, p.id, unit, rnd_.Chance(0.4) ? "qr" : "roster", in.start_at + rnd_.Range(-600, 900)});
    }
    sessions_.push_back({id, in.start_at, in.kind, in.topic});
    return id;
  }
  void FlushAttendance() {
    store::BulkAttendance(sql_, rows_);
    sum_.attendance += static_cast<int>(rows_.size());
    rows_.clear();
  }
  DemoRandom& rnd() { return rnd_; }
  struct Held {
    std::int64_t id;
    EpochSeconds at;
    std::string kind, topic;
  };
  const std::vector<Held>& held() const { return sessions_; }

 private:
  soci::session& sql_;
  const Bureau& b_;
  EpochSeconds now_;
  TrainingDemoSummary& sum_;
  DemoRandom rnd_;
  std::vector<store::AttendanceRow> rows_;
  std::vector<Held> sessions_;
};

std::vector<std::int64_t> TeamIds(const Bureau& b) {
  std::vector<std::int64_t> ids;
  for (const auto& t : b.teams) ids.push_back(t.id);
  return ids;
}

void BureauSessions(Writer& w, const Bureau& b, int year, TrainingDemoSummary& sum) {
  const std::vector<std::int64_t> all = TeamIds(b);
  const auto& legal_people = b.people.at(b.legal_id);
  // 法制每周一学: Wednesdays 16:30, the Spring Festival, May Day, National Day and year-end weeks skipped.
  const EpochSeconds first_wed = At(year, 1, 4, 16, 30);
  for (int week = 0; week < 52; ++week) {
    if (week == 2 || week == 3 || week == 17 || week == 39 || week == 51) continue;
    const EpochSeconds start = first_wed + week * 7 * 86400LL;
    w.Session({.unit_id = b.legal_id,
               .kind = "weekly",
               .topic = fmt::format("{}{}", w.rnd().Pick(kLaws), w.rnd().Pick(kPoints)),
               .start_at = start,
               .end_at = start + 3600,
               .place = "分局三楼会议室",
               .speaker_kind = "internal",
               .speaker_person_id = legal_people[week % legal_people.size()].id,
               .speaker_name = legal_people[week % legal_people.size()].name,
               .target_unit_ids = all},
              0.9);
    ++sum.weekly;
  }
  // 法制夜校: 法制搭台、警种唱戏、外请专家、内聘能手.
  for (int month = 3; month <= 11; ++month)
    for (int half = 0; half < 2; ++half) {
      const EpochSeconds start = At(year, month, half == 0 ? 8 : 22, 19, 0);
      const int n = (month - 3) * 2 + half;
      const bool invited = n % 3 == 1;
      SessionInput in{.unit_id = b.legal_id,
                      .kind = "night_school",
                      .topic = fmt::format("{}：{}", FormatName(kFormats[n % 3]), w.rnd().Pick(kPoints)),
                      .start_at = start,
                      .end_at = start + 2 * 3600,
                      .place = "分局培训中心",
                      .format = kFormats[n % 3],
                      .target_unit_ids = all};
      if (invited) {
        in.speaker_kind = "invited";
        in.speaker_name = fmt::format("特邀专家（{}）", n / 3 + 1);
        in.speaker_title = n % 2 ? "区人民检察院 检察官" : "律师事务所 执业律师";
      } else {
        in.speaker_kind = "internal";
        in.speaker_person_id = legal_people[(n + 3) % legal_people.size()].id;
        in.speaker_name = legal_people[(n + 3) % legal_people.size()].name;
      }
      w.Session(in, 0.85);
      ++sum.night_school;
    }
  for (int month = 3; month <= 11; ++month) {
    const EpochSeconds start = At(year, month, 15, 9, 30);
    w.Session({.unit_id = b.legal_id,
               .kind = "lecture",
               .topic = fmt::format("行政执法大讲堂：{}", w.rnd().Pick(kLaws)),
               .start_at = start,
               .end_at = start + 2 * 3600,
               .online_url = fmt::format("https://jiangtang.example.gov.cn/live/{}-{:02}", year, month),
               .speaker_kind = "invited",
               .speaker_name = "市司法局讲师团",
               .speaker_title = "行政执法监督处",
               .target_unit_ids = all},
              0.8);
    ++sum.lecture;
  }
  for (int month : {2, 4, 6, 9, 12}) {
    const EpochSeconds start = At(year, month, 10, 14, 30);
    std::vector<std::int64_t> targets;  // 法制员例会: the legal unit's own officers
    targets.push_back(b.legal_id);
    w.Session({.unit_id = b.legal_id,
               .kind = "liaison",
               .topic = fmt::format("{} 月法制员例会：执法问题通报与讲评", month),
               .start_at = start,
               .end_at = start + 2 * 3600,
               .place = "法制大队会议室",
               .target_unit_ids = targets},
              0.95);
    ++sum.liaison;
  }
  {
    const EpochSeconds start = At(year, 10, 20, 14, 0);
    w.Session({.unit_id = b.legal_id,
               .kind = "joint",
               .topic = "政法系统联合培训：行政诉讼中的证据规则",
               .start_at = start,
               .end_at = start + 3 * 3600,
               .place = "区人民法院第一审判庭",
               .speaker_kind = "invited",
               .speaker_name = "区人民法院行政审判庭",
               .speaker_title = "审判员",
               .target_unit_ids = all},
              0.7);
    ++sum.joint;
  }
  for (int month : {3, 6, 9, 12}) {
    const EpochSeconds start = At(year, month, 26, 9, 0);
    w.Session({.unit_id = b.legal_id,
               .kind = "center_group",
               .topic = fmt::format("党委中心组学法：{}", w.rnd().Pick(kLaws)),
               .start_at = start,
               .end_at = start + 2 * 3600,
               .place = "分局党委会议室",
               .target_unit_ids = {b.id}},
              0.95);
    ++sum.center_group;
  }
}

// 会前学法 of each 派出所 every other month; the first of each year with a photo of the meeting.
Result<void> StationSessions(soci::session& sql, db::Database& db, Writer& w, const Bureau& b, int year,
                             EpochSeconds now, TrainingDemoSummary& sum) {
  files::AttachmentStore store(db);
  for (const auto& t : b.teams) {
    if (t.category != "派出所") continue;
    for (int month = 1; month <= 11; month += 2) {
      const EpochSeconds start = At(year, month, 6, 8, 30);
      const std::int64_t id = w.Session({.unit_id = t.id,
                                         .kind = "pre_meeting",
                                         .topic = fmt::format("所务会会前学法：{}", w.rnd().Pick(kLaws)),
                                         .start_at = start,
                                         .end_at = start + 20 * 60,
                                         .place = "所会议室",
                                         .target_unit_ids = {t.id}},
                                        0.9);
      ++sum.pre_meeting;
      if (month == 1) {
        int px = 0;
        const std::string png = FZ_TRY(files::QrPng(fmt::format("会前学法 {} {}", t.name, year), 2, &px));
        FZ_TRY(store.Put(sql, {"会前学法现场.png", files::kPng, png},
                         {.type = "training_photo", .id = id, .bureau_id = b.id}, std::nullopt, now));
      }
    }
  }
  return {};
}

// Two items a unit a month (每周一学 and 法制夜校 / 大讲堂), linked to the session of that kind in the
// month; each 派出所 leaves one item 未落实 in one month.
void Plans(soci::session& sql, Writer& w, const Bureau& b, int year, EpochSeconds now, TrainingDemoSummary& sum) {
  int station = 0;
  for (const auto& t : b.teams) {
    const bool is_station = t.category == "派出所";
    const int missed_month = is_station ? 4 + (station++ % 7) : 0;
    for (int month = 1; month <= 12; ++month) {
      const std::string m = fmt::format("{:04}-{:02}", year, month);
      for (const char* kind : {"weekly", month >= 3 && month <= 11 ? "night_school" : "liaison"}) {
        std::optional<std::int64_t> link;
        std::string topic = std::string(kind) == "weekly" ? "参加法制每周一学" : "参加法制夜校专题学习";
        for (const auto& h : w.held())
          if (h.kind == kind && LocalDateOf(h.at).month == month) {
            link = h.id;
            topic = h.topic;
            break;
          }
        if (std::string(kind) == "liaison" && !link) continue;
        if (month == missed_month && std::string(kind) != "weekly") link.reset();
        store::InsertPlanItem(sql, b.id, t.id, m, kind, topic, link, std::nullopt, now);
        ++sum.plan_items;
      }
    }
  }
}

void Materials(soci::session& sql, const Bureau& b, int year, EpochSeconds now, TrainingDemoSummary& sum) {
  DemoRandom r(0x11B7A7ull + static_cast<std::uint64_t>(b.id));
  for (int n = 1; n <= 72; ++n) {
    const std::string law = r.Pick(kLaws), point = r.Pick(kPoints);
    MaterialInput in{
        .series = "每周法制培训",
        .issue_no = n,
        .title = fmt::format("{}中的{}要点", law, point),
        .body = fmt::format("本期围绕{}，结合近期执法检查发现的问题，讲解{}的法律依据、常见错误与规范做法。"
                            "一、法律依据：{}相关条款。二、常见问题：程序不规范、证据不完整、文书表述不准确。"
                            "三、规范要求：严格依照法定程序办理，做到事实清楚、证据确实充分。",
                            point, point, law),
        .published_at = At(year, 1, 3, 9, 0) + (n - 1) * 5 * 86400LL};
    const std::int64_t id = store::InsertMaterial(sql, b.id, in, std::nullopt, now);
    if (n == 12)
      store::AddMaterialVersion(sql, id, in.title, in.body + "（修订：补充 2023 年新修订条款的适用说明。）",
                                "补充新修订条款", std::nullopt, *in.published_at + 7 * 86400);
    ++sum.materials;
  }
}

void Leaders(soci::session& sql, const Bureau& b, int year, EpochSeconds now, TrainingDemoSummary& sum) {
  db::SqlArgs a;
  const auto raters = db::IntColumn(sql,
                                    fmt::format("SELECT x.id FROM users x JOIN units u ON u.id = x.unit_id WHERE "
                                                "u.bureau_id = {} ORDER BY x.id LIMIT 5",
                                                a.Int(b.id)),
                                    a, "id");
  DemoRandom r(0x5E1Aull + static_cast<std::uint64_t>(b.id));
  int k = 0;
  for (const auto& t : b.teams) {
    if (t.category != "派出所") continue;
    const auto& people = b.people.at(t.id);
    if (people.empty()) continue;
    LawReport rep{.bureau_id = b.id,
                  .unit_id = t.id,
                  .year = year,
                  .person_id = people.front().id,
                  .form = k % 2 ? "oral" : "written",
                  .title = fmt::format("{}负责人 {} 年度述法报告", t.name, year),
                  .summary = "履行推进法治建设第一责任人职责情况、本所执法规范化建设情况、存在问题及下一步打算。",
                  .held_at = At(year, 12, 20, 9, 0) + k * 1800};
    const std::int64_t id = store::InsertLawReport(sql, rep, std::nullopt, now);
    for (std::int64_t rater : raters)
      store::Rate(sql, b.id, id, rater, static_cast<int>(r.Range(3, 5)), "", rep.held_at + 3600);
    ++sum.law_reports;
    if (k < 6) {
      CourtRecord c{.bureau_id = b.id,
                    .unit_id = t.id,
                    .kind = "appearance",
                    .case_name = fmt::format("某某诉{}治安行政处罚案", t.name),
                    .court = "区人民法院",
                    .held_at = At(year, 3 + k, 12, 9, 30),
                    .attendees = k % 3 == 2 ? "法制员" : "所长、法制员",
                    .head_appeared = k % 3 != 2};
      store::InsertCourtRecord(sql, c, std::nullopt, now);
      ++sum.appearances;
    }
    ++k;
  }
  for (int i = 0; i < 2; ++i) {
    CourtRecord c{
        .bureau_id = b.id,
        .unit_id = b.legal_id,
        .kind = "hearing",
        .case_name = i == 0 ? "某盗窃案（刑事）" : "某行政处罚决定诉讼案",
        .court = "区人民法院",
        .held_at = At(year, i == 0 ? 5 : 11, 16, 9, 0),
        .attendees = "各所办案民警代表 12 人",
        .lessons = "庭审中证据链条的完整性与执法记录的规范性受到重点审查，办案中应及时固定证据、规范制作笔录。"};
    store::InsertCourtRecord(sql, c, std::nullopt, now);
    ++sum.hearings;
  }
}

std::vector<Bureau> Bureaus(soci::session& sql) {
  std::vector<Bureau> out;
  db::SqlArgs a;
  const auto ids = db::IntColumn(sql, "SELECT id FROM units WHERE level = 'bureau' ORDER BY id", a, "id");
  for (std::int64_t id : ids) {
    auto unit = org::ReadUnit(sql, id);
    if (!unit) continue;
    Bureau b;
    b.id = id;
    for (const auto& u : org::ReadUnitsUnder(sql, unit->path)) {
      if (u.level == "team") b.teams.push_back(u);
      if (u.level == "team" && org::IsLegalUnit(u.name, u.category) && b.legal_id == 0) b.legal_id = u.id;
    }
    if (b.legal_id == 0) continue;
    for (const auto& p : org::ReadPeopleUnder(sql, unit->path))
      if (p.active) b.people[p.unit_id].push_back(p);
    if (b.people[b.legal_id].empty()) continue;
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace

Result<TrainingDemoSummary> GenerateTrainingDemo(db::Database& db, const Clock& clock, int year) {
  const EpochSeconds now = clock.Now();
  return db.Write([&](soci::session& sql) -> Result<TrainingDemoSummary> {
    TrainingDemoSummary sum;
    for (const Bureau& b : Bureaus(sql)) {
      db::SqlArgs a;
      if (db::Count(sql,
                    fmt::format("SELECT COUNT(*) FROM training_sessions WHERE bureau_id = {} AND start_at >= {} AND "
                                "start_at < {}",
                                a.Int(b.id), a.Int(At(year, 1, 1, 0, 0)), a.Int(At(year + 1, 1, 1, 0, 0))),
                    a) > 0) {
        sum.already_present = true;
        continue;
      }
      Writer w(sql, b, now, sum);
      BureauSessions(w, b, year, sum);
      FZ_CHECK(StationSessions(sql, db, w, b, year, now, sum));
      w.FlushAttendance();
      Plans(sql, w, b, year, now, sum);
      Materials(sql, b, year, now, sum);
      Leaders(sql, b, year, now, sum);
    }
    return sum;
  });
}

}  // namespace fazhi::training
