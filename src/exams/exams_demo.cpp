#include "exams/exams_demo.h"

#include "exams/exams_reads.h"

#include <array>

#include <fmt/format.h>

#include "audit/audit_log.h"
#include "core/demo_random.h"
#include "core/local_time.h"
#include "db/sql.h"
#include "exams/exams_reads.h"
#include "exams/exams_service.h"
#include "exams/exams_store.h"
#include "org/org_reads.h"

namespace fazhi::exams {

namespace {

constexpr std::array<const char*, 10> kTopics = {"《治安管理处罚法》",
                                                 "《行政处罚法》",
                                                 "《刑事诉讼法》",
                                                 "《刑法》",
                                                 "《人民警察法》",
                                                 "《公安机关办理行政案件程序规定》",
                                                 "《公安机关办理刑事案件程序规定》",
                                                 "《行政强制法》",
                                                 "《国家赔偿法》",
                                                 "《反电信网络诈骗法》"};
constexpr std::array<const char*, 10> kAspects = {"办案期限", "权利告知", "回避",     "证据收集", "强制措施",
                                                  "听证程序", "执行程序", "法律责任", "管辖",     "追究时效"};

// The generated bank: per topic 14 single, 6 multi, 10 judge and 2 short questions.
std::vector<Question> Bank(std::int64_t bureau) {
  std::vector<Question> out;
  for (int t = 0; t < static_cast<int>(kTopics.size()); ++t) {
    const std::string topic = kTopics[static_cast<std::size_t>(t)];
    for (int i = 0; i < 14; ++i) {
      const std::string a = kAspects[static_cast<std::size_t>(i % 10)];
      out.push_back(
          {.bureau_id = bureau,
           .topic = topic,
           .level = 1 + i % 3,
           .kind = "single",
           .stem = fmt::format("依据{}，关于{}的下列表述中，正确的是哪一项？（{}-{}）", topic, a, t + 1, i + 1),
           .options = {a + "应当依法进行并如实记录", a + "可由一名民警自行决定，无需审批", a + "无需告知当事人",
                       a + "可以不制作法律文书"},
           .answer = "A",
           .analysis = fmt::format("{}对{}有明确规定，应依法办理并全程留痕。", topic, a)});
    }
    for (int i = 0; i < 6; ++i) {
      const std::string a = kAspects[static_cast<std::size_t>((i + 3) % 10)];
      out.push_back({.bureau_id = bureau,
                     .topic = topic,
                     .level = 2,
                     .kind = "multi",
                     .stem = fmt::format("依据{}，{}中下列哪些做法符合规定？（{}-{}）", topic, a, t + 1, i + 1),
                     .options = {"依法告知当事人有关权利", "由两名以上民警进行", "事后补写全部笔录", "以罚代刑"},
                     .answer = "AB",
                     .analysis = ""});
    }
    for (int i = 0; i < 10; ++i) {
      const std::string a = kAspects[static_cast<std::size_t>(i)];
      const bool right = i % 2 == 0;
      out.push_back({.bureau_id = bureau,
                     .topic = topic,
                     .level = 1,
                     .kind = "judge",
                     .stem = right ? fmt::format("依据{}，{}应当依法告知当事人相关权利。", topic, a)
                                   : fmt::format("依据{}，{}可以由办案民警一人完成，无需记录。", topic, a),
                     .answer = right ? "T" : "F",
                     .analysis = ""});
    }
    for (int i = 0; i < 2; ++i) {
      const std::string a = kAspects[static_cast<std::size_t>(i * 5)];
      out.push_back({.bureau_id = bureau,
                     .topic = topic,
                     .level = 3,
                     .kind = "short",
                     .stem = fmt::format("结合{}，简述{}的主要要求。", topic, a),
                     .answer = "依法、及时；告知当事人权利；两名民警；制作法律文书；全程记录、留痕。",
                     .analysis = ""});
    }
  }
  return out;
}

std::vector<PaperRule> NightSchoolRules(int n) {
  const auto T = [&](int k) { return std::string(kTopics[static_cast<std::size_t>((n * 3 + k) % 10)]); };
  return {{T(0), "single", std::nullopt, 10, 2}, {T(1), "single", std::nullopt, 10, 2},
          {T(2), "multi", std::nullopt, 5, 4},   {T(0), "judge", std::nullopt, 8, 2},
          {T(1), "judge", std::nullopt, 7, 2},   {T(2), "short", std::nullopt, 1, 10}};
}

std::vector<PaperRule> QualificationRules() {
  return {{kTopics[0], "single", std::nullopt, 12, 2}, {kTopics[1], "single", std::nullopt, 12, 2},
          {kTopics[2], "multi", std::nullopt, 5, 4},   {kTopics[5], "judge", std::nullopt, 8, 2},
          {kTopics[6], "judge", std::nullopt, 5, 2},   {kTopics[3], "short", std::nullopt, 1, 8}};
}

struct Ctx {
  soci::session& sql;
  std::int64_t bureau = 0, unit = 0, marker = 0;
  int attempts = 0, passed = 0;
};

// One examinee's attempt taken at `start`, answered with his ability, handed in and (short answers) marked.
void TakeDemo(Ctx& c, const Exam& e, const Paper& paper, std::int64_t person, int no, EpochSeconds start,
              double ability) {
  store::AttemptRow t{.bureau_id = c.bureau,
                      .exam_id = e.id,
                      .person_id = person,
                      .attempt_no = no,
                      .code = fmt::format("D{:07d}", (e.id * 7919 + person * 31 + no) % 10000000),
                      .tab_token = "demo",
                      .started_at = start,
                      .ends_at = std::min<EpochSeconds>(start + e.duration_minutes * 60LL, e.closes_at)};
  t.id = store::InsertAttempt(c.sql, t);
  (void)DrawItems(c.sql, paper, t.id, AttemptSeed(e.id, person, no));
  DemoRandom rng(AttemptSeed(e.id, person, no) ^ 0x5bd1e995u);
  EpochSeconds at = start + 60;
  for (const auto& i : store::ItemsOf(c.sql, t.id)) {
    at += 20 + rng.Below(60);
    const bool right = rng.Below(1000) < static_cast<int>(ability * 1000);
    std::string ans;
    if (i.kind == "short")
      ans = right ? "应当依法告知权利，由两名民警办理并制作文书，全程记录。" : "依法办理。";
    else if (right)
      ans = i.right;
    else
      ans = i.kind == "judge" ? (i.right == "T" ? "F" : "T") : (i.kind == "multi" ? "A" : "B");
    store::SaveAnswer(c.sql, t.id, i.position, ans, std::min(at, t.ends_at - 1));
  }
  if (rng.Below(20) == 0) store::InsertEvent(c.sql, t.id, "blur", "切换到其他窗口", start + 600);
  (void)FinishAttemptIn(c.sql, t.id, "manual", std::min(at + 30, t.ends_at));
  for (const auto& i : store::ItemsOf(c.sql, t.id))
    if (i.kind == "short")
      store::SetMark(c.sql, t.id, i.position, static_cast<int>(i.points * std::min(1.0, ability + 0.1 * rng.Below(3))),
                     c.marker, e.closes_at + 86400);
  auto row = *store::ReadAttempt(c.sql, t.id);
  if (row.status == "marking") {
    int sub = 0;
    for (const auto& i : store::ItemsOf(c.sql, t.id)) sub += i.mark_score.value_or(0);
    row.status = "done";
    row.subjective_score = sub;
    row.score = row.objective_score + sub;
    row.passed = *row.score >= e.pass_score;
    store::FinishAttempt(c.sql, row);
  }
  ++c.attempts;
  if (row.passed.value_or(false)) ++c.passed;
}

Exam MakeExam(Ctx& c, const std::string& title, const std::string& category, std::int64_t paper, EpochSeconds opens,
              int hours, int minutes, int pass, int retakes) {
  Exam e{.bureau_id = c.bureau,
         .unit_id = c.unit,
         .paper_id = paper,
         .title = title,
         .category = category,
         .opens_at = opens,
         .closes_at = opens + hours * 3600LL,
         .duration_minutes = minutes,
         .pass_score = pass,
         .retakes = retakes};
  e.id = store::InsertExam(c.sql, e, std::nullopt, opens - 7 * 86400);
  return e;
}

// A demo examinee's ability (the share of answers he gets right), fixed by his id.
double Ability(std::int64_t person) {
  DemoRandom r(static_cast<std::uint64_t>(person) * 2654435761u);
  return 0.55 + 0.4 * (r.Below(1000) / 1000.0);
}

// 法制夜校: four exams after the lectures, taken by most of `everyone`.
void AddNightSchool(Ctx& c, int year, const std::vector<org::PersonRef>& everyone) {
  constexpr std::array<int, 4> kMonths = {3, 6, 9, 12};
  for (int n = 0; n < 4; ++n) {
    Paper p{.bureau_id = c.bureau,
            .title = fmt::format("{} 年法制夜校第 {} 次测试卷", year, n + 1),
            .rules = NightSchoolRules(n),
            .total_score = 100};
    p.id = store::InsertPaper(c.sql, p, std::nullopt, LocalMidnight({year, kMonths[static_cast<std::size_t>(n)], 1}));
    const EpochSeconds opens = LocalMidnight({year, kMonths[static_cast<std::size_t>(n)], 24}) + 19 * 3600;
    const Exam e =
        MakeExam(c, fmt::format("{} 年法制夜校第 {} 次考试", year, n + 1), "night_school", p.id, opens, 2, 60, 60, 0);
    for (const auto& o : everyone) {
      store::InsertExaminee(c.sql, e.id, o.id, c.bureau);
      if (DemoRandom(static_cast<std::uint64_t>(o.id * 13 + n)).Below(100) < 93)
        TakeDemo(c, e, p, o.id, 1, opens + 300, Ability(o.id));
    }
  }
}

// 执法资格考试: two sittings; the passers get (or renew) their 基本级 qualification. Returns how many did.
int AddQualificationExams(Ctx& c, int year, const std::vector<org::PersonRef>& officers) {
  Paper qp{.bureau_id = c.bureau,
           .title = fmt::format("{} 年执法资格等级考试（基本级）", year),
           .rules = QualificationRules(),
           .total_score = 100};
  qp.id = store::InsertPaper(c.sql, qp, std::nullopt, LocalMidnight({year, 4, 1}));
  int qualified = 0;
  for (int s = 0; s < 2; ++s) {
    const EpochSeconds opens = LocalMidnight({year, s == 0 ? 5 : 11, s == 0 ? 20 : 18}) + 9 * 3600;
    const Exam e =
        MakeExam(c, fmt::format("{} 年第 {} 次执法资格考试", year, s + 1), "qualification", qp.id, opens, 8, 90, 60, 1);
    for (std::size_t k = static_cast<std::size_t>(s); k < officers.size(); k += 6) {
      const auto& o = officers[k];
      store::InsertExaminee(c.sql, e.id, o.id, c.bureau);
      TakeDemo(c, e, qp, o.id, 1, opens + 600, Ability(o.id));
      auto tries = store::AttemptsOf(c.sql, e.id, o.id);
      if (!tries.back().passed.value_or(false)) TakeDemo(c, e, qp, o.id, 2, opens + 4 * 3600, Ability(o.id) + 0.1);
      tries = store::AttemptsOf(c.sql, e.id, o.id);
      if (tries.back().passed.value_or(false)) {
        store::InsertQualification(c.sql, c.bureau,
                                   {.person_id = o.id,
                                    .level = "basic",
                                    .obtained_at = opens,
                                    .score = tries.back().score,
                                    .valid_until = opens + 3 * 365 * 86400LL},
                                   e.id, std::nullopt, opens + 7 * 86400);
        ++qualified;
      }
    }
  }
  return qualified;
}

// Earlier qualifications: most officers hold one; some lapse during the year. Returns how many.
int AddEarlierQualifications(Ctx& c, int year, const std::vector<org::PersonRef>& officers) {
  int earlier = 0;
  for (const auto& o : officers) {
    DemoRandom r(static_cast<std::uint64_t>(o.id) * 40503u + 7);
    if (r.Below(100) >= 85) continue;
    const int y = year - 5 + r.Below(4);  // 2018–2021
    const EpochSeconds from = LocalMidnight({y, 1 + r.Below(12), 1 + r.Below(28)});
    const std::string level = r.Below(10) < 7 ? "basic" : (r.Below(10) < 8 ? "intermediate" : "senior");
    store::InsertQualification(c.sql, c.bureau,
                               {.person_id = o.id,
                                .level = level,
                                .obtained_at = from,
                                .score = 60 + r.Below(40),
                                .valid_until = LocalMidnight({y + 3 + r.Below(2), 6, 30})},
                               std::nullopt, std::nullopt, from);
    ++earlier;
  }
  return earlier;
}

// Renewals: every 民警 is qualified on every day from the year before to today — renewed (基本级, three
// years) the day a gap opens — except a few (about 2 in 100, by id), whose cases then show the
// supervision alert 办案民警无有效执法资格 and the points deduction for it (issue 14 item 3).
int AddRenewals(Ctx& c, int year, EpochSeconds now, const std::vector<org::PersonRef>& officers) {
  int renewed = 0;
  for (const auto& o : officers) {
    if ((static_cast<std::uint64_t>(o.id) * 2654435761u) % 1000 < 20) continue;
    auto periods = QualificationPeriods(c.sql, {o.id})[o.id];
    for (CivilDate day{year - 1, 1, 1}; LocalMidnight(day) <= now;) {
      if (QualifiedOn(periods, day)) {
        EpochSeconds last = 0;
        for (const auto& p : periods)
          if (p.obtained_at < LocalMidnight(day) + 86400 && p.valid_until >= LocalMidnight(day))
            last = std::max(last, p.valid_until);
        day = CivilFromDays(DaysFromCivil(LocalDateOf(last)) + 1);
        continue;
      }
      const QualificationPeriod renewal{
          .level = "basic",
          .obtained_at = LocalMidnight(day),
          .valid_until = LocalMidnight({day.year + 3, day.month, day.day > 28 ? 28 : day.day})};
      store::InsertQualification(c.sql, c.bureau,
                                 {.person_id = o.id,
                                  .level = renewal.level,
                                  .obtained_at = renewal.obtained_at,
                                  .score = 60 + static_cast<int>(o.id % 40),
                                  .valid_until = renewal.valid_until},
                                 std::nullopt, std::nullopt, renewal.obtained_at);
      periods.push_back(renewal);
      ++renewed;
    }
  }
  return renewed;
}

// A live exam relative to today, open for a month, so that 我的考试 has one to take.
void AddLiveExam(Ctx& c, EpochSeconds now, const std::vector<org::PersonRef>& everyone) {
  Paper lp{.bureau_id = c.bureau,
           .title = "法制夜校随堂测试卷",
           .rules = {{kTopics[0], "single", std::nullopt, 5, 10},
                     {kTopics[1], "judge", std::nullopt, 4, 10},
                     {kTopics[2], "short", std::nullopt, 1, 10}},
           .total_score = 100};
  lp.id = store::InsertPaper(c.sql, lp, std::nullopt, now);
  const EpochSeconds opens = LocalMidnight(LocalDateOf(now)) - 86400;
  const Exam e = MakeExam(c, "法制夜校随堂测试（当前）", "night_school", lp.id, opens, 31 * 24, 30, 60, 1);
  for (const auto& o : everyone) store::InsertExaminee(c.sql, e.id, o.id, c.bureau);
}

}  // namespace

Result<std::vector<std::string>> GenerateExamsDemo(db::Database& db, const Clock& clock, int year) {
  return db.Write([&](soci::session& sql) -> Result<std::vector<std::string>> {
    db::SqlArgs a;
    const auto bureau = db::ScalarInt(
        sql, fmt::format("SELECT id FROM units WHERE name = {} AND level = 'bureau'", a.Str("城区分局")), a);
    if (!bureau) return std::vector<std::string>{};
    db::SqlArgs b;
    if (db::Count(sql, fmt::format("SELECT COUNT(*) FROM exam_questions WHERE bureau_id = {}", b.Int(*bureau)), b) > 0)
      return std::vector<std::string>{"考试演示数据已存在，未做改动。"};
    db::SqlArgs u;
    const auto legal = db::ScalarInt(
        sql, fmt::format("SELECT id FROM units WHERE bureau_id = {} AND name = {}", u.Int(*bureau), u.Str("法制大队")),
        u);
    db::SqlArgs m;
    const auto marker =
        db::ScalarInt(sql, fmt::format("SELECT id FROM users WHERE username = {}", m.Str("fazhiyuan")), m);
    Ctx c{sql, *bureau, legal.value_or(*bureau), marker.value_or(0)};
    const EpochSeconds now = clock.Now();
    for (const auto& q : Bank(*bureau)) store::InsertQuestion(sql, q, std::nullopt, LocalMidnight({year, 1, 10}));
    const auto bureau_unit = org::ReadUnit(sql, *bureau);
    std::vector<org::PersonRef> everyone, officers;  // 法制夜校: 民警 and 辅警; 执法资格: 民警
    for (auto& p : org::ReadPeopleUnder(sql, bureau_unit->path))
      if (p.active) {
        everyone.push_back(p);
        if (p.kind == "民警") officers.push_back(p);
      }
    AddNightSchool(c, year, everyone);
    const int qualified = AddQualificationExams(c, year, officers);
    const int earlier = AddEarlierQualifications(c, year, officers);
    const int renewed = AddRenewals(c, year, now, officers);
    AddLiveExam(c, now, everyone);
    audit::Append(sql, clock, audit::Actor{.username = "system"},
                  {"exam.demo", "exam", "", fmt::format("演示数据：考试与执法资格（{} 年）", year), {}});
    return std::vector<std::string>{
        fmt::format("已生成 {} 年考试演示数据：题库 {} 道，法制夜校考试 4 场、执法资格考试 2 场，答卷 {} 份（合格 {} "
                    "份），执法资格 {} "
                    "条（其中 {} 年新取得 {} 条）。",
                    year, Bank(*bureau).size(), c.attempts, c.passed, earlier + qualified + renewed, year, qualified)};
  });
}

}  // namespace fazhi::exams
