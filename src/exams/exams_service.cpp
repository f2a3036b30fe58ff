#include "exams/exams_service.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>

#include <fmt/format.h>
#include <sodium.h>
#include <nlohmann/json.hpp>

#include "auth/require.h"
#include "auth/roles.h"
#include "core/demo_random.h"
#include "core/local_time.h"
#include "db/sql.h"
#include "exams/exams_store.h"
#include "files/spreadsheet.h"
#include "org/org_reads.h"

namespace fazhi::exams {

using auth::Principal;

namespace {

struct Reach {
  std::int64_t unit_id = 0;
  std::int64_t bureau_id = 0;
  std::string path;
};

// His unit subtree; on a bureau's legal unit, the whole bureau.
Reach ReachOf(soci::session& sql, const Principal& who) {
  auto own = org::ReadUnit(sql, who.unit_id);
  if (!own) return {who.unit_id, 0, who.unit_path};
  const std::int64_t bureau = own->bureau_id != 0 ? own->bureau_id : own->id;
  if (own->level == "team" && own->bureau_id != 0 && org::IsLegalUnit(own->name, own->category))
    if (auto b = org::ReadUnit(sql, own->bureau_id)) return {b->id, bureau, b->path};
  return {own->id, bureau, own->path};
}

using auth::Need;
using org::Under;

std::string KindName(std::string_view k) {
  if (k == "single") return "单选题";
  if (k == "multi") return "多选题";
  if (k == "judge") return "判断题";
  if (k == "short") return "简答题";
  return std::string(k);
}

std::string LevelName(std::string_view l) {
  if (l == "basic") return "基本级";
  if (l == "intermediate") return "中级";
  if (l == "senior") return "高级";
  return std::string(l);
}

std::string Letters(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s.push_back(static_cast<char>('A' + i));
  return s;
}

// Checks a question's fields; normalises the answer (letters upper-case and sorted, T/F).
Result<void> ValidateQuestion(Question& q) {
  if (std::find(kKinds.begin(), kKinds.end(), q.kind) == kKinds.end())
    return Invalid("题型只能是单选题、多选题、判断题或简答题", "kind", "invalid_value");
  if (q.topic.empty()) return Invalid("请填写题目的主题（如《治安管理处罚法》）", "topic", "required");
  if (q.stem.empty()) return Invalid("请填写题干", "stem", "required");
  if (q.level < 1 || q.level > 3) return Invalid("难度只能是 1（易）、2（中）或 3（难）", "level", "invalid_value");
  std::string ans;
  for (char c : q.answer)
    if (c != ' ' && c != ',' && c != '\xef')
      ans.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  if (q.kind == "single" || q.kind == "multi") {
    if (q.options.size() < 2 || q.options.size() > 6)
      return Invalid("选择题需要 2 至 6 个选项", "options", "invalid_options");
    for (const auto& o : q.options)
      if (o.empty()) return Invalid("选项不能为空", "options", "invalid_options");
    std::sort(ans.begin(), ans.end());
    ans.erase(std::unique(ans.begin(), ans.end()), ans.end());
    const std::string allowed = Letters(static_cast<int>(q.options.size()));
    if (ans.empty() || ans.find_first_not_of(allowed) != std::string::npos)
      return Invalid(fmt::format("答案应为选项字母（{}–{}）", allowed.front(), allowed.back()), "answer",
                     "invalid_answer");
    if (q.kind == "single" && ans.size() != 1) return Invalid("单选题只能有一个正确答案", "answer", "invalid_answer");
    if (q.kind == "multi" && ans.size() < 2) return Invalid("多选题至少有两个正确答案", "answer", "invalid_answer");
    q.answer = ans;
  } else if (q.kind == "judge") {
    q.options.clear();
    if (ans == "T" || q.answer == "对" || q.answer == "正确" || q.answer == "√")
      q.answer = "T";
    else if (ans == "F" || q.answer == "错" || q.answer == "错误" || q.answer == "×")
      q.answer = "F";
    else
      return Invalid("判断题的答案只能是“对”或“错”", "answer", "invalid_answer");
  } else {
    q.options.clear();
    if (q.answer.empty()) return Invalid("简答题请填写参考答案", "answer", "required");
  }
  return {};
}

std::string NewToken() {
  unsigned char buf[16];
  randombytes_buf(buf, sizeof buf);
  std::string out;
  for (unsigned char b : buf) out += fmt::format("{:02x}", b);
  return out;
}

// Displayed label of original option index `orig` under `order` ("2031": displayed i shows original order[i]).
char DisplayOf(const std::string& order, char orig_letter) {
  const auto pos = order.find(static_cast<char>('0' + (orig_letter - 'A')));
  return pos == std::string::npos ? '?' : static_cast<char>('A' + pos);
}

std::string ToDisplay(const std::string& order, const std::string& original) {
  std::string out;
  for (char c : original) out.push_back(DisplayOf(order, c));
  std::sort(out.begin(), out.end());
  return out;
}

// The displayed letters given to original letters; nullopt when one is not an option.
std::optional<std::string> ToOriginal(const std::string& order, std::string_view displayed) {
  std::string out;
  for (char c : displayed) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const int i = c - 'A';
    if (i < 0 || i >= static_cast<int>(order.size())) return std::nullopt;
    out.push_back(static_cast<char>('A' + (order[static_cast<std::size_t>(i)] - '0')));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

int AutoScore(const store::ItemRow& i) {
  if (i.kind == "short" || !i.answer) return 0;
  return *i.answer == i.right ? i.points : 0;
}

AttemptItem ItemFor(const store::ItemRow& r, bool reveal) {
  AttemptItem it{.position = r.position,
                 .question_id = r.question_id,
                 .kind = r.kind,
                 .stem = r.stem,
                 .options = {},
                 .points = r.points,
                 .answer = "",
                 .version = r.version,
                 .answered_at = r.answered_at,
                 .auto_score = r.auto_score,
                 .mark_score = r.mark_score,
                 .reference = ""};
  const auto j = nlohmann::json::parse(r.options_json, nullptr, false);
  if (j.is_array())
    for (char c : r.option_order) {
      const auto k = static_cast<std::size_t>(c - '0');
      if (k < j.size() && j[k].is_string()) it.options.push_back(j[k].get<std::string>());
    }
  if (r.answer)
    it.answer = (r.kind == "single" || r.kind == "multi") ? ToDisplay(r.option_order, *r.answer) : *r.answer;
  if (reveal) it.reference = (r.kind == "single" || r.kind == "multi") ? ToDisplay(r.option_order, r.right) : r.right;
  return it;
}

Attempt AttemptFor(soci::session& sql, const store::AttemptRow& t, const Exam& e, bool with_items, bool reveal,
                   EpochSeconds now) {
  Attempt a{.id = t.id,
            .exam_id = t.exam_id,
            .exam_title = e.title,
            .person_id = t.person_id,
            .person_name = "",
            .unit_name = "",
            .attempt_no = t.attempt_no,
            .code = t.code,
            .tab_token = "",
            .started_at = t.started_at,
            .ends_at = t.ends_at,
            .submitted_at = t.submitted_at,
            .submit_kind = t.submit_kind,
            .status = t.status,
            .objective_score = t.objective_score,
            .subjective_score = t.subjective_score,
            .score = t.score,
            .passed = t.passed,
            .pass_score = e.pass_score,
            .total_score = e.total_score,
            .server_now = now,
            .items = {},
            .events = {}};
  if (with_items)
    for (const auto& r : store::ItemsOf(sql, t.id)) a.items.push_back(ItemFor(r, reveal));
  return a;
}

}  // namespace

std::uint64_t AttemptSeed(std::int64_t exam, std::int64_t person, int attempt_no) {
  DemoRandom r(static_cast<std::uint64_t>(exam) * 1000003ull ^ static_cast<std::uint64_t>(person) * 7919ull ^
               static_cast<std::uint64_t>(attempt_no) * 0x9E3779B97F4A7C15ull);
  return r.Next();
}

// ---------------------------------------------------------------- bank

Result<Paged<Question>> ExamService::ListQuestions(const Principal& who, const QuestionFilter& f,
                                                   const PageRequest& page) const {
  FZ_CHECK(Need(who, auth::perm::kExamManage, "管理题库"));
  return db_.Read([&](soci::session& sql) -> Result<Paged<Question>> {
    return store::ListQuestions(sql, ReachOf(sql, who).bureau_id, f, page);
  });
}

Result<Question> ExamService::GetQuestion(const Principal& who, std::int64_t id) const {
  FZ_CHECK(Need(who, auth::perm::kExamManage, "管理题库"));
  return db_.Read([&](soci::session& sql) -> Result<Question> {
    auto q = store::ReadQuestion(sql, id);
    if (!q || q->bureau_id != ReachOf(sql, who).bureau_id) return NotFound("试题不存在");
    return *q;
  });
}

Result<Question> ExamService::CreateQuestion(const Principal& who, const audit::Actor& actor, Question q) {
  FZ_CHECK(Need(who, auth::perm::kExamManage, "管理题库"));
  FZ_CHECK(ValidateQuestion(q));
  return db_.Write([&](soci::session& sql) -> Result<Question> {
    q.bureau_id = ReachOf(sql, who).bureau_id;
    q.id = store::InsertQuestion(sql, q, who.user_id, clock_.Now());
    audit::Append(sql, clock_, actor,
                  {"exam.question_create",
                   "exam_question",
                   std::to_string(q.id),
                   fmt::format("新增试题（{}·{}）", q.topic, KindName(q.kind)),
                   {}});
    return *store::ReadQuestion(sql, q.id);
  });
}

Result<Question> ExamService::UpdateQuestion(const Principal& who, const audit::Actor& actor, std::int64_t id,
                                             Question q) {
  FZ_CHECK(Need(who, auth::perm::kExamManage, "管理题库"));
  FZ_CHECK(ValidateQuestion(q));
  return db_.Write([&](soci::session& sql) -> Result<Question> {
    auto old = store::ReadQuestion(sql, id);
    if (!old || old->bureau_id != ReachOf(sql, who).bureau_id) return NotFound("试题不存在");
    q.id = id;
    store::UpdateQuestion(sql, q, clock_.Now());
    audit::Append(sql, clock_, actor,
                  {"exam.question_update",
                   "exam_question",
                   std::to_string(id),
                   fmt::format("修改试题（{}·{}）", q.topic, KindName(q.kind)),
                   {{"before", {{"stem", old->stem}, {"answer", old->answer}, {"active", old->active}}}}});
    return *store::ReadQuestion(sql, id);
  });
}

Result<std::vector<std::tuple<std::string, std::string, std::int64_t>>> ExamService::Topics(
    const Principal& who) const {
  FZ_CHECK(Need(who, auth::perm::kExamManage, "管理题库"));
  return db_.Read([&](soci::session& sql) -> Result<std::vector<std::tuple<std::string, std::string, std::int64_t>>> {
    std::vector<std::tuple<std::string, std::string, std::int64_t>> out;
    for (const auto& t : store::TopicCounts(sql, ReachOf(sql, who).bureau_id))
      out.emplace_back(t.topic, t.kind, t.count);
    return out;
  });
}

// ---------------------------------------------------------------- papers and exams

Result<Paper> ExamService::CreatePaper(const Principal& who, const audit::Actor& actor, const std::string& title,
                                       const std::vector<PaperRule>& rules) {
  FZ_CHECK(Need(who, auth::perm::kExamManage, "组卷"));
  if (title.empty()) return Invalid("请填写试卷名称", "title", "required");
  if (rules.empty()) return Invalid("试卷至少需要一条组卷规则", "rules", "required");
  return db_.Write([&](soci::session& sql) -> Result<Paper> {
    Paper p{.id = 0,
            .bureau_id = ReachOf(sql, who).bureau_id,
            .title = title,
            .rules = rules,
            .total_score = 0,
            .created_at = 0};
    std::set<std::tuple<std::string, std::string, int>> seen;
    for (std::size_t i = 0; i < rules.size(); ++i) {
      const PaperRule& r = rules[i];
      const std::string name = fmt::format("第 {} 条规则（{}·{}）", i + 1, r.topic, KindName(r.kind));
      const std::string field = fmt::format("rules[{}]", i);
      if (std::find(kKinds.begin(), kKinds.end(), r.kind) == kKinds.end())
        return Invalid(fmt::format("第 {} 条规则的题型无效", i + 1), field + ".kind", "invalid_value");
      if (r.count < 1 || r.count > 500) return Invalid(name + "的题数应为 1–500", field + ".count", "invalid_value");
      if (r.score < 1 || r.score > 100)
        return Invalid(name + "的每题分值应为 1–100", field + ".score", "invalid_value");
      if (!seen.insert({r.topic, r.kind, r.level.value_or(0)}).second)
        return Invalid(name + "与前面的规则重复", field, "duplicate_rule");
      const auto have = store::DrawableIds(sql, p.bureau_id, r).size();
      if (static_cast<std::size_t>(r.count) > have)
        return Invalid(fmt::format("{}需要 {} 道题，题库中只有 {} 道", name, r.count, have), field + ".count",
                       "not_enough_questions");
      p.total_score += r.count * r.score;
    }
    p.id = store::InsertPaper(sql, p, who.user_id, clock_.Now());
    audit::Append(sql, clock_, actor,
                  {"exam.paper_create",
                   "exam_paper",
                   std::to_string(p.id),
                   fmt::format("组卷“{}”（{} 条规则，满分 {}）", title, rules.size(), p.total_score),
                   {}});
    return *store::ReadPaper(sql, p.id);
  });
}

Result<std::vector<Paper>> ExamService::ListPapers(const Principal& who) const {
  FZ_CHECK(Need(who, auth::perm::kExamManage, "组卷"));
  return db_.Read([&](soci::session& sql) -> Result<std::vector<Paper>> {
    return store::ListPapers(sql, ReachOf(sql, who).bureau_id);
  });
}

Result<Exam> ExamService::CreateExam(const Principal& who, const audit::Actor& actor, const ExamInput& in) {
  FZ_CHECK(Need(who, auth::perm::kExamManage, "安排考试"));
  if (in.title.empty()) return Invalid("请填写考试名称", "title", "required");
  if (std::find(kCategories.begin(), kCategories.end(), in.category) == kCategories.end())
    return Invalid("考试类别无效", "category", "invalid_value");
  if (in.closes_at <= in.opens_at) return Invalid("考试结束时间应晚于开始时间", "closes_at", "invalid_window");
  if (in.duration_minutes < 1 || in.duration_minutes > 600)
    return Invalid("考试时长应为 1–600 分钟", "duration_minutes", "invalid_value");
  if (in.retakes < 0 || in.retakes > 10) return Invalid("补考次数应为 0–10", "retakes", "invalid_value");
  if (in.unit_ids.empty() && in.person_ids.empty()) return Invalid("请选择参考单位或参考人员", "examinees", "required");
  return db_.Write([&](soci::session& sql) -> Result<Exam> {
    const Reach reach = ReachOf(sql, who);
    auto paper = store::ReadPaper(sql, in.paper_id);
    if (!paper || paper->bureau_id != reach.bureau_id) return Invalid("试卷不存在", "paper_id", "not_found");
    if (in.pass_score < 0 || in.pass_score > paper->total_score)
      return Invalid(fmt::format("及格分应在 0–{}（试卷满分）之间", paper->total_score), "pass_score", "invalid_value");
    std::set<std::int64_t> people;
    for (auto u : in.unit_ids) {
      auto unit = org::ReadUnit(sql, u);
      if (!unit || !Under(unit->path, reach.path))
        return Invalid("参考单位不存在或不在管辖范围内", "unit_ids", "not_found");
      for (const auto& p : org::ReadPeopleUnder(sql, unit->path))
        if (p.active) people.insert(p.id);
    }
    for (auto id : in.person_ids) {
      auto p = org::ReadPerson(sql, id);
      auto unit = p ? org::ReadUnit(sql, p->unit_id) : std::nullopt;
      if (!p || !unit || !Under(unit->path, reach.path))
        return Invalid("参考人员不存在或不在管辖范围内", "person_ids", "not_found");
      people.insert(id);
    }
    if (people.empty()) return Invalid("所选单位没有在职人员", "examinees", "no_examinees");
    Exam e{.bureau_id = reach.bureau_id,
           .unit_id = reach.unit_id,
           .paper_id = in.paper_id,
           .title = in.title,
           .category = in.category,
           .opens_at = in.opens_at,
           .closes_at = in.closes_at,
           .duration_minutes = in.duration_minutes,
           .pass_score = in.pass_score,
           .retakes = in.retakes};
    e.id = store::InsertExam(sql, e, who.user_id, clock_.Now());
    for (auto p : people) store::InsertExaminee(sql, e.id, p, reach.bureau_id);
    audit::Append(sql, clock_, actor,
                  {"exam.create",
                   "exam",
                   std::to_string(e.id),
                   fmt::format("安排考试“{}”（{} 人）", in.title, people.size()),
                   {}});
    return *store::ReadExam(sql, e.id);
  });
}

Result<Paged<Exam>> ExamService::ListExams(const Principal& who, const PageRequest& page) const {
  if (!who.Has(auth::perm::kExamManage) && !who.Has(auth::perm::kExamMark))
    return Forbidden("没有管理考试的权限", "forbidden");
  return db_.Read(
      [&](soci::session& sql) -> Result<Paged<Exam>> { return store::ListExams(sql, ReachOf(sql, who).path, page); });
}

Result<Exam> ExamService::GetExam(const Principal& who, std::int64_t id) const {
  if (!who.Has(auth::perm::kExamManage) && !who.Has(auth::perm::kExamMark))
    return Forbidden("没有管理考试的权限", "forbidden");
  return db_.Read([&](soci::session& sql) -> Result<Exam> {
    auto e = store::ReadExam(sql, id);
    auto unit = e ? org::ReadUnit(sql, e->unit_id) : std::nullopt;
    if (!e || !unit || !Under(unit->path, ReachOf(sql, who).path)) return NotFound("考试不存在");
    return *e;
  });
}

// ---------------------------------------------------------------- taking

namespace {

Result<std::int64_t> PersonOf(const Principal& who) {
  if (!who.Has(auth::perm::kExamTake)) return Forbidden("没有参加考试的权限", "forbidden");
  if (!who.person_id) return Forbidden("本账号未关联民警档案，不能参加考试", "no_person");
  return *who.person_id;
}

}  // namespace

Result<void> DrawItems(soci::session& sql, const Paper& paper, std::int64_t attempt_id, std::uint64_t seed) {
  DemoRandom rng(seed);
  struct Pick {
    std::int64_t question;
    int points;
  };
  std::vector<Pick> picks;
  for (std::size_t r = 0; r < paper.rules.size(); ++r) {
    const PaperRule& rule = paper.rules[r];
    auto ids = store::DrawableIds(sql, paper.bureau_id, rule);
    if (ids.size() < static_cast<std::size_t>(rule.count))
      return Conflict(fmt::format("题库中的试题已少于第 {} 条规则（{}·{}）所需的 {} 道，请联系考试管理员", r + 1,
                                  rule.topic, KindName(rule.kind), rule.count),
                      "not_enough_questions");
    for (int i = 0; i < rule.count; ++i) {
      const int j = i + rng.Below(static_cast<int>(ids.size()) - i);
      std::swap(ids[static_cast<std::size_t>(i)], ids[static_cast<std::size_t>(j)]);
      picks.push_back({ids[static_cast<std::size_t>(i)], rule.score});
    }
  }
  for (std::size_t i = picks.size(); i > 1; --i)
    std::swap(picks[i - 1], picks[static_cast<std::size_t>(rng.Below(static_cast<int>(i)))]);
  int position = 0;
  for (const auto& p : picks) {
    const auto q = store::ReadQuestion(sql, p.question);
    std::string order;
    for (std::size_t k = 0; k < q->options.size(); ++k) order.push_back(static_cast<char>('0' + k));
    for (std::size_t i = order.size(); i > 1; --i)
      std::swap(order[i - 1], order[static_cast<std::size_t>(rng.Below(static_cast<int>(i)))]);
    store::InsertItem(sql, {.attempt_id = attempt_id,
                            .position = ++position,
                            .question_id = p.question,
                            .points = p.points,
                            .option_order = order});
  }
  return {};
}

namespace {

Result<std::string> NormalizeAnswer(const store::ItemRow& item, const std::string& given) {
  if (given.empty()) return std::string();
  if (item.kind == "short") {
    if (given.size() > 8000) return Invalid("简答题答案不能超过 8000 字节", "answer", "too_long");
    return given;
  }
  if (item.kind == "judge") {
    if (given != "T" && given != "F")
      return Invalid("判断题的答案只能是 T（对）或 F（错）", "answer", "invalid_answer");
    return given;
  }
  auto orig = ToOriginal(item.option_order, given);
  if (!orig || orig->empty()) return Invalid("答案不是本题的选项", "answer", "invalid_answer");
  if (item.kind == "single" && orig->size() != 1) return Invalid("单选题只能选一个选项", "answer", "invalid_answer");
  return *orig;
}

std::string StateOf(const Exam& e, const std::vector<store::AttemptRow>& attempts, EpochSeconds now) {
  bool passed = false, marking = false, open = false, over = false;
  for (const auto& t : attempts) {
    if (t.status == "open") open = true;
    if (t.status == "time_over") over = true;
    if (t.status == "marking") marking = true;
    if (t.passed.value_or(false)) passed = true;
  }
  if (open) return "in_progress";
  if (over) return "time_over";
  if (passed) return "passed";
  if (marking) return "marking";
  if (now >= e.closes_at) return attempts.empty() ? "closed" : "failed";
  if (now < e.opens_at) return "upcoming";
  if (static_cast<int>(attempts.size()) >= 1 + e.retakes) return "failed";
  return "available";
}

}  // namespace

Result<int> FinishAttemptIn(soci::session& sql, std::int64_t attempt_id, const std::string& kind, EpochSeconds now) {
  auto t = store::ReadAttempt(sql, attempt_id);
  if (!t || t->status != "open") return 0;
  const auto exam = store::ReadExam(sql, t->exam_id);
  int objective = 0;
  bool has_short = false;
  for (const auto& i : store::ItemsOf(sql, attempt_id)) {
    if (i.kind == "short") {
      has_short = true;
      continue;
    }
    const int s = AutoScore(i);
    store::SetAutoScore(sql, attempt_id, i.position, s);
    objective += s;
  }
  t->submitted_at = kind == "timeout" ? std::min(now, t->ends_at) : now;
  t->submit_kind = kind;
  t->objective_score = objective;
  t->status = has_short ? "marking" : "done";
  if (!has_short) {
    t->score = objective;
    t->passed = objective >= exam->pass_score;
  }
  store::FinishAttempt(sql, *t);
  return objective;
}

Result<std::vector<MyExam>> ExamService::MyExams(const Principal& who) {
  const std::int64_t person = FZ_TRY(PersonOf(who));
  // A pure read: an open attempt past its end shows as time_over here; the sweep (SubmitExpired) or
  // the next read of the attempt hands it in.
  return db_.Read([&](soci::session& sql) -> Result<std::vector<MyExam>> {
    const EpochSeconds now = clock_.Now();
    std::vector<MyExam> out;
    for (auto& e : store::ExamsOf(sql, person)) {
      auto attempts = store::AttemptsOf(sql, e.id, person);
      for (auto& t : attempts)
        if (t.status == "open" && t.ends_at <= now) t.status = "time_over";
      MyExam m{.exam = e, .attempts = static_cast<int>(attempts.size()), .state = StateOf(e, attempts, now)};
      for (const auto& t : attempts) {
        if (t.score && (!m.best_score || *t.score > *m.best_score)) m.best_score = t.score;
        if (t.passed.value_or(false)) m.passed = true;
        if (t.status == "open") m.open_attempt_id = t.id;
      }
      out.push_back(std::move(m));
    }
    return out;
  });
}

Result<Attempt> ExamService::Open(const Principal& who, const audit::Actor& actor, std::int64_t exam_id) {
  const std::int64_t person = FZ_TRY(PersonOf(who));
  return db_.Write([&](soci::session& sql) -> Result<Attempt> {
    auto exam = store::ReadExam(sql, exam_id);
    if (!exam || !store::IsExaminee(sql, exam_id, person)) return NotFound("考试不存在");
    const EpochSeconds now = clock_.Now();
    auto attempts = store::AttemptsOf(sql, exam_id, person);
    for (const auto& t : attempts)
      if (t.status == "open" && t.ends_at <= now) FZ_TRY(FinishAttemptIn(sql, t.id, "timeout", now));
    attempts = store::AttemptsOf(sql, exam_id, person);
    const std::string token = NewToken();
    for (const auto& t : attempts)
      if (t.status == "open") {  // resume: this tab takes the attempt over
        store::SetTabToken(sql, t.id, token);
        Attempt a = AttemptFor(sql, t, *exam, true, false, now);
        a.tab_token = token;
        return a;
      }
    if (now < exam->opens_at)
      return Conflict(fmt::format("考试尚未开始（{} 开始）", FormatLocalDateTime(exam->opens_at)), "not_open");
    if (now >= exam->closes_at) return Conflict("考试已结束", "closed");
    for (const auto& t : attempts) {
      if (t.passed.value_or(false)) return Conflict("您已通过本次考试，无需再考", "already_passed");
      if (t.status == "marking") return Conflict("上一次答卷正在阅卷，出分后才能补考", "marking");
    }
    if (static_cast<int>(attempts.size()) >= 1 + exam->retakes)
      return Conflict(fmt::format("考试次数已用完（可补考 {} 次）", exam->retakes), "no_attempts_left");
    const int no = static_cast<int>(attempts.size()) + 1;
    store::AttemptRow t{.bureau_id = exam->bureau_id,
                        .exam_id = exam_id,
                        .person_id = person,
                        .attempt_no = no,
                        .code = "",
                        .tab_token = token,
                        .started_at = now,
                        .ends_at = std::min<EpochSeconds>(now + exam->duration_minutes * 60LL, exam->closes_at)};
    std::string code = NewToken().substr(0, 8);
    for (auto& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    t.code = "K" + code;
    t.id = store::InsertAttempt(sql, t);
    const auto paper = store::ReadPaper(sql, exam->paper_id);
    FZ_CHECK(DrawItems(sql, *paper, t.id, AttemptSeed(exam_id, person, no)));
    audit::Append(sql, clock_, actor,
                  {"exam.start",
                   "exam_attempt",
                   std::to_string(t.id),
                   fmt::format("开始考试“{}”（第 {} 次）", exam->title, no),
                   {}});
    Attempt a = AttemptFor(sql, *store::ReadAttempt(sql, t.id), *exam, true, false, now);
    a.tab_token = token;
    return a;
  });
}

Result<Attempt> ExamService::MyAttempt(const Principal& who, std::int64_t attempt_id) {
  const std::int64_t person = FZ_TRY(PersonOf(who));
  return db_.Write([&](soci::session& sql) -> Result<Attempt> {
    auto t = store::ReadAttempt(sql, attempt_id);
    if (!t || t->person_id != person) return NotFound("答卷不存在");
    const EpochSeconds now = clock_.Now();
    if (t->status == "open" && t->ends_at <= now) {
      FZ_TRY(FinishAttemptIn(sql, t->id, "timeout", now));
      t = store::ReadAttempt(sql, attempt_id);
    }
    const auto exam = store::ReadExam(sql, t->exam_id);
    return AttemptFor(sql, *t, *exam, true, t->status == "done", now);
  });
}

Result<ExamService::Saved> ExamService::SaveAnswer(const Principal& who, std::int64_t attempt_id, int position,
                                                   const std::string& token, const std::string& answer) {
  const std::int64_t person = FZ_TRY(PersonOf(who));
  return db_.Write([&](soci::session& sql) -> Result<Saved> {
    db::LockRowForUpdate(sql, "exam_attempts", attempt_id);
    auto t = store::ReadAttempt(sql, attempt_id);
    if (!t || t->person_id != person) return NotFound("答卷不存在");
    if (t->status != "open") return Conflict("答卷已交，不能再修改答案", "submitted");
    const EpochSeconds now = clock_.Now();
    if (now >= t->ends_at)
      return Conflict(
          fmt::format("考试时间已于 {} 结束（以服务器时间为准），本题答案未保存", FormatLocalDateTime(t->ends_at)),
          "time_over");
    if (token != t->tab_token)
      return Conflict("本答卷已在另一个窗口打开，此窗口的作答不再保存，请在最新打开的窗口继续作答", "tab_replaced");
    auto item = store::ReadItem(sql, attempt_id, position);
    if (!item) return NotFound("题目不存在");
    const std::string value = FZ_TRY(NormalizeAnswer(*item, answer));
    if (item->answer.value_or("") == value && item->version > 0)
      return Saved{item->version, item->answered_at.value_or(now), t->ends_at};
    store::SaveAnswer(sql, attempt_id, position, value, now);
    return Saved{item->version + 1, now, t->ends_at};
  });
}

Result<Attempt> ExamService::Submit(const Principal& who, const audit::Actor& actor, std::int64_t attempt_id,
                                    const std::string& token) {
  const std::int64_t person = FZ_TRY(PersonOf(who));
  return db_.Write([&](soci::session& sql) -> Result<Attempt> {
    db::LockRowForUpdate(sql, "exam_attempts", attempt_id);
    auto t = store::ReadAttempt(sql, attempt_id);
    if (!t || t->person_id != person) return NotFound("答卷不存在");
    const EpochSeconds now = clock_.Now();
    const auto exam = store::ReadExam(sql, t->exam_id);
    if (t->status != "open") return AttemptFor(sql, *t, *exam, true, t->status == "done", now);  // already handed in
    if (token != t->tab_token && now < t->ends_at)
      return Conflict("本答卷已在另一个窗口打开，请在最新打开的窗口交卷", "tab_replaced");
    FZ_TRY(FinishAttemptIn(sql, attempt_id, now >= t->ends_at ? "timeout" : "manual", now));
    audit::Append(sql, clock_, actor,
                  {"exam.submit",
                   "exam_attempt",
                   std::to_string(attempt_id),
                   fmt::format("交卷“{}”（第 {} 次）", exam->title, t->attempt_no),
                   {}});
    t = store::ReadAttempt(sql, attempt_id);
    return AttemptFor(sql, *t, *exam, true, t->status == "done", now);
  });
}

Result<void> ExamService::LogEvent(const Principal& who, std::int64_t attempt_id, const std::string& kind,
                                   const std::string& detail) {
  const std::int64_t person = FZ_TRY(PersonOf(who));
  static const std::vector<std::string> kEventKinds = {"blur", "hidden", "paste", "copy", "reload", "other"};
  if (std::find(kEventKinds.begin(), kEventKinds.end(), kind) == kEventKinds.end())
    return Invalid("行为类型无效", "kind", "invalid_value");
  return db_.Write([&](soci::session& sql) -> Result<void> {
    auto t = store::ReadAttempt(sql, attempt_id);
    if (!t || t->person_id != person) return NotFound("答卷不存在");
    if (t->status != "open") return Conflict("答卷已交", "submitted");
    store::InsertEvent(sql, attempt_id, kind, detail.substr(0, 200), clock_.Now());
    return {};
  });
}

Result<int> ExamService::SubmitExpired() {
  int done = 0;
  for (;;) {
    const auto ids = db_.Read([&](soci::session& sql) { return store::ExpiredOpenAttempts(sql, clock_.Now(), 200); });
    if (ids.empty()) return done;
    for (auto id : ids)
      FZ_CHECK(db_.Write([&](soci::session& sql) -> Result<int> {
        db::LockRowForUpdate(sql, "exam_attempts", id);
        return FinishAttemptIn(sql, id, "timeout", clock_.Now());
      }));
    done += static_cast<int>(ids.size());
  }
}

// ---------------------------------------------------------------- marking and results

namespace {

// The exam when its organising unit is within the caller's reach.
std::optional<Exam> ExamInReach(soci::session& sql, const Reach& reach, std::int64_t id) {
  auto e = store::ReadExam(sql, id);
  auto unit = e ? org::ReadUnit(sql, e->unit_id) : std::nullopt;
  if (!e || !unit || !Under(unit->path, reach.path)) return std::nullopt;
  return e;
}

double Ratio(const store::ItemRow& i) {
  const int got = i.kind == "short" ? i.mark_score.value_or(0) : i.auto_score.value_or(0);
  return i.points > 0 ? static_cast<double>(got) / i.points : 0.0;
}

}  // namespace

Result<std::vector<MarkTask>> ExamService::MarkTasks(const Principal& who, std::optional<std::int64_t> exam) const {
  FZ_CHECK(Need(who, auth::perm::kExamMark, "阅卷"));
  return db_.Read([&](soci::session& sql) -> Result<std::vector<MarkTask>> {
    return store::MarkTasks(sql, ReachOf(sql, who).path, exam, who.person_id, 200);
  });
}

Result<void> ExamService::Mark(const Principal& who, const audit::Actor& actor, std::int64_t attempt_id, int position,
                               int score) {
  FZ_CHECK(Need(who, auth::perm::kExamMark, "阅卷"));
  return db_.Write([&](soci::session& sql) -> Result<void> {
    db::LockRowForUpdate(sql, "exam_attempts", attempt_id);
    auto t = store::ReadAttempt(sql, attempt_id);
    auto exam = t ? ExamInReach(sql, ReachOf(sql, who), t->exam_id) : std::nullopt;
    if (!t || !exam) return NotFound("答卷不存在");
    if (who.person_id && *who.person_id == t->person_id) return Forbidden("不能批阅自己的答卷", "own_attempt");
    if (t->status != "marking") return Conflict("该答卷不在待阅卷状态", "wrong_status");
    auto item = store::ReadItem(sql, attempt_id, position);
    if (!item) return NotFound("题目不存在");
    if (item->kind != "short") return Invalid("只有简答题需要人工阅卷", "position", "not_short");
    if (item->mark_score) return Conflict("该题已经批阅过", "already_marked");
    if (score < 0 || score > item->points)
      return Invalid(fmt::format("得分应在 0–{} 之间", item->points), "score", "out_of_range");
    const EpochSeconds now = clock_.Now();
    store::SetMark(sql, attempt_id, position, score, who.user_id, now);
    int subjective = 0;
    bool all = true;
    for (const auto& i : store::ItemsOf(sql, attempt_id))
      if (i.kind == "short") {
        if (!i.mark_score) all = false;
        subjective += i.mark_score.value_or(0);
      }
    if (all) {
      t->status = "done";
      t->subjective_score = subjective;
      t->score = t->objective_score + subjective;
      t->passed = *t->score >= exam->pass_score;
      store::FinishAttempt(sql, *t);
    }
    audit::Append(sql, clock_, actor,
                  {"exam.mark",
                   "exam_attempt",
                   std::to_string(attempt_id),
                   fmt::format("阅卷：答卷 {} 第 {} 题得 {} 分", t->code, position, score),
                   {}});
    return {};
  });
}

Result<Paged<ResultRow>> ExamService::Results(const Principal& who, std::int64_t exam_id, const PageRequest& page) {
  FZ_CHECK(Need(who, auth::perm::kExamManage, "查看考试成绩"));
  FZ_TRY(SubmitExpired());
  return db_.Read([&](soci::session& sql) -> Result<Paged<ResultRow>> {
    const Reach reach = ReachOf(sql, who);
    auto exam = ExamInReach(sql, reach, exam_id);
    if (!exam) return NotFound("考试不存在");
    std::map<std::int64_t, std::vector<store::AttemptRow>> by_person;
    for (auto& t : store::AttemptsOfExam(sql, exam_id)) by_person[t.person_id].push_back(std::move(t));
    std::map<std::int64_t, std::int64_t> events;
    for (auto [a, n] : store::EventCounts(sql, exam_id)) events[a] = n;
    std::vector<ResultRow> all;
    for (const auto& x : store::Examinees(sql, exam_id)) {
      if (!Under(x.unit_path, reach.path)) continue;
      ResultRow r{.person_id = x.person_id, .name = x.name, .badge_no = x.badge_no, .unit_name = x.unit_name};
      const auto& ts = by_person[x.person_id];
      r.attempts = static_cast<int>(ts.size());
      r.status = ts.empty() ? "absent" : "failed";
      for (const auto& t : ts) {
        r.events += events[t.id];
        if (t.status == "open") r.status = "open";
        if (t.status == "marking" && r.status != "passed") r.status = "marking";
        if (t.score && (!r.best_score || *t.score > *r.best_score)) {
          r.best_score = t.score;
          r.best_attempt_id = t.id;
        }
        if (!r.best_attempt_id) r.best_attempt_id = t.id;
        if (t.passed.value_or(false)) r.status = "passed";
      }
      all.push_back(std::move(r));
    }
    Paged<ResultRow> out;
    out.total = static_cast<std::int64_t>(all.size());
    const auto from = std::min<std::size_t>(all.size(), static_cast<std::size_t>(page.Offset()));
    const auto to = std::min<std::size_t>(all.size(), from + static_cast<std::size_t>(page.page_size));
    out.items.assign(all.begin() + static_cast<std::ptrdiff_t>(from), all.begin() + static_cast<std::ptrdiff_t>(to));
    return out;
  });
}

Result<FileDownload> ExamService::ResultsXlsx(const Principal& who, std::int64_t exam_id) {
  const Exam exam = FZ_TRY(GetExam(who, exam_id));
  const auto rows = FZ_TRY(Results(who, exam_id, PageRequest{.page = 1, .page_size = 1000000}));
  static const std::map<std::string, std::string> kStatus = {
      {"absent", "缺考"}, {"open", "作答中"}, {"marking", "待阅卷"}, {"passed", "合格"}, {"failed", "不合格"}};
  std::vector<files::CellRow> sheet = {{"姓名", "警号", "单位", "考试次数", "最好成绩", "结果", "异常行为记录"}};
  for (const auto& r : rows.items)
    sheet.push_back({r.name, r.badge_no, r.unit_name, files::Cell::Int(r.attempts),
                     r.best_score ? files::Cell::Int(*r.best_score) : files::Cell(), kStatus.at(r.status),
                     files::Cell::Int(r.events)});
  auto bytes = FZ_TRY(files::WriteXlsx({files::SheetData("考试成绩", std::move(sheet), {12, 12, 18, 10, 10, 10, 14})}));
  return FileDownload{std::move(bytes), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      fmt::format("{}-成绩.xlsx", exam.title)};
}

Result<Attempt> ExamService::ReviewAttempt(const Principal& who, std::int64_t attempt_id) {
  FZ_CHECK(Need(who, auth::perm::kExamManage, "查看答卷"));
  return db_.Read([&](soci::session& sql) -> Result<Attempt> {
    const Reach reach = ReachOf(sql, who);
    auto t = store::ReadAttempt(sql, attempt_id);
    auto exam = t ? ExamInReach(sql, reach, t->exam_id) : std::nullopt;
    auto person = t ? org::ReadPerson(sql, t->person_id) : std::nullopt;
    auto unit = person ? org::ReadUnit(sql, person->unit_id) : std::nullopt;
    if (!t || !exam || !unit || !Under(unit->path, reach.path)) return NotFound("答卷不存在");
    Attempt a = AttemptFor(sql, *t, *exam, true, true, clock_.Now());
    a.person_name = person->name;
    a.unit_name = unit->name;
    a.events = store::EventsOf(sql, attempt_id);
    return a;
  });
}

Result<Analysis> ExamService::Analyse(const Principal& who, std::int64_t exam_id) {
  FZ_CHECK(Need(who, auth::perm::kExamManage, "查看试题分析"));
  return db_.Read([&](soci::session& sql) -> Result<Analysis> {
    const Reach reach = ReachOf(sql, who);
    auto exam = ExamInReach(sql, reach, exam_id);
    if (!exam) return NotFound("考试不存在");
    // Each examinee's best finished attempt.
    std::map<std::int64_t, store::AttemptRow> best;
    for (auto& t : store::AttemptsOfExam(sql, exam_id))
      if (t.status == "done" && t.score) {
        auto it = best.find(t.person_id);
        if (it == best.end() || *t.score > *it->second.score) best[t.person_id] = t;
      }
    Analysis out;
    std::map<std::int64_t, UnitStat> units;
    std::map<std::int64_t, int> score_of;  // attempt → score
    for (const auto& x : store::Examinees(sql, exam_id)) {
      if (!Under(x.unit_path, reach.path)) continue;
      UnitStat& u = units[x.unit_id];
      u.unit_id = x.unit_id;
      u.unit_name = x.unit_name;
      ++u.examinees;
      auto attempts = store::AttemptsOf(sql, exam_id, x.person_id);
      if (!attempts.empty()) ++u.took;
      for (const auto& t : attempts)
        if (t.passed.value_or(false)) {
          ++u.passed;
          break;
        }
      if (auto it = best.find(x.person_id); it != best.end()) score_of[it->second.id] = *it->second.score;
    }
    for (auto& [id, u] : units) out.units.push_back(u);
    out.graded = static_cast<int>(score_of.size());
    if (score_of.empty()) return out;
    std::vector<std::pair<int, std::int64_t>> ranked;  // (score, attempt)
    double sum = 0;
    for (auto [a, s] : score_of) {
      ranked.emplace_back(s, a);
      sum += s;
    }
    out.mean_score = sum / static_cast<double>(ranked.size());
    std::sort(ranked.begin(), ranked.end());
    const std::size_t group = std::max<std::size_t>(1, (ranked.size() * 27 + 50) / 100);
    std::set<std::int64_t> lower, upper;
    for (std::size_t i = 0; i < group && i < ranked.size(); ++i) {
      lower.insert(ranked[i].second);
      upper.insert(ranked[ranked.size() - 1 - i].second);
    }
    struct Acc {
      QuestionStat stat;
      double sum = 0, up = 0, low = 0;
      int n_up = 0, n_low = 0;
    };
    std::map<std::int64_t, Acc> acc;
    std::vector<std::int64_t> ids;
    for (auto [s, a] : ranked) ids.push_back(a);
    for (const auto& i : store::ItemsOfAttempts(sql, ids)) {
      Acc& q = acc[i.question_id];
      q.stat.question_id = i.question_id;
      q.stat.kind = i.kind;
      q.stat.topic = i.topic;
      q.stat.stem = i.stem;
      ++q.stat.answered;
      const double r = Ratio(i);
      q.sum += r;
      if (upper.contains(i.attempt_id)) q.up += r, ++q.n_up;
      if (lower.contains(i.attempt_id)) q.low += r, ++q.n_low;
    }
    for (auto& [id, q] : acc) {
      q.stat.difficulty = q.sum / q.stat.answered;
      if (q.n_up > 0 && q.n_low > 0) q.stat.discrimination = q.up / q.n_up - q.low / q.n_low;
      out.questions.push_back(q.stat);
    }
    std::sort(out.questions.begin(), out.questions.end(),
              [](const QuestionStat& a, const QuestionStat& b) { return a.difficulty < b.difficulty; });
    return out;
  });
}

// ---------------------------------------------------------------- 执法资格

Result<Paged<Qualification>> ExamService::Qualifications(const Principal& who, std::optional<bool> valid,
                                                         const std::string& q, const PageRequest& page) const {
  if (!who.Has(auth::perm::kExamManage) && !who.Has(auth::perm::kExamTake))
    return Forbidden("没有查看执法资格的权限", "forbidden");
  return db_.Read([&](soci::session& sql) -> Result<Paged<Qualification>> {
    if (who.Has(auth::perm::kExamManage))
      return store::ListQualifications(sql, ReachOf(sql, who).path, std::nullopt, valid, q, clock_.Now(), page);
    if (!who.person_id) return Paged<Qualification>{};
    return store::ListQualifications(sql, "/", who.person_id, valid, q, clock_.Now(), page);
  });
}

namespace {

Result<void> ValidateQualification(const QualificationInput& in) {
  if (std::find(kLevels.begin(), kLevels.end(), in.level) == kLevels.end())
    return Invalid("执法资格等级只能是基本级、中级或高级", "level", "invalid_value");
  if (in.valid_until <= in.obtained_at) return Invalid("有效期应晚于取得日期", "valid_until", "invalid_window");
  if (in.score && (*in.score < 0 || *in.score > 100)) return Invalid("成绩应在 0–100 之间", "score", "out_of_range");
  return {};
}

}  // namespace

Result<Qualification> ExamService::AddQualification(const Principal& who, const audit::Actor& actor,
                                                    const QualificationInput& in) {
  FZ_CHECK(Need(who, auth::perm::kExamManage, "登记执法资格"));
  FZ_CHECK(ValidateQualification(in));
  return db_.Write([&](soci::session& sql) -> Result<Qualification> {
    const Reach reach = ReachOf(sql, who);
    auto p = org::ReadPerson(sql, in.person_id);
    auto unit = p ? org::ReadUnit(sql, p->unit_id) : std::nullopt;
    if (!p || !unit || !Under(unit->path, reach.path))
      return Invalid("民警不存在或不在管辖范围内", "person_id", "not_found");
    const auto id = store::InsertQualification(sql, p->bureau_id, in, std::nullopt, who.user_id, clock_.Now());
    FZ_CHECK(QualificationsRecorded(sql, {p->id}));
    audit::Append(sql, clock_, actor,
                  {"exam.qualification_add",
                   "exam_qualification",
                   std::to_string(id),
                   fmt::format("登记执法资格：{}（{}）{}", p->name, p->badge_no, LevelName(in.level)),
                   {}});
    Qualification out{.id = id,
                      .bureau_id = p->bureau_id,
                      .person_id = p->id,
                      .person_name = p->name,
                      .badge_no = p->badge_no,
                      .unit_name = unit->name,
                      .level = in.level,
                      .obtained_at = in.obtained_at,
                      .score = in.score,
                      .valid_until = in.valid_until,
                      .valid = in.obtained_at <= clock_.Now() && in.valid_until > clock_.Now()};
    return out;
  });
}

// ---------------------------------------------------------------- imports

namespace {

constexpr int kMaxImportErrors = 50;

std::string KindFromName(const std::string& s) {
  if (s == "单选" || s == "单选题" || s == "single") return "single";
  if (s == "多选" || s == "多选题" || s == "multi") return "multi";
  if (s == "判断" || s == "判断题" || s == "judge") return "judge";
  if (s == "简答" || s == "简答题" || s == "short") return "short";
  return s;
}

std::string LevelFromName(const std::string& s) {
  if (s == "基本级" || s == "basic") return "basic";
  if (s == "中级" || s == "intermediate") return "intermediate";
  if (s == "高级" || s == "senior") return "senior";
  return s;
}

// Column index of each known header (normalised), or -1.
std::map<std::string, int> Columns(const files::SheetRow& header) {
  std::map<std::string, int> out;
  for (std::size_t i = 0; i < header.cells.size(); ++i)
    out[files::NormalizeHeader(header.cells[i])] = static_cast<int>(i);
  return out;
}

std::string CellOf(const files::SheetRow& row, const std::map<std::string, int>& cols, const std::string& name) {
  auto it = cols.find(name);
  if (it == cols.end() || it->second >= static_cast<int>(row.cells.size())) return "";
  std::string v = row.cells[static_cast<std::size_t>(it->second)];
  while (!v.empty() && (v.back() == ' ' || v.back() == '\r' || v.back() == '\n')) v.pop_back();
  while (!v.empty() && v.front() == ' ') v.erase(v.begin());
  return v;
}

std::optional<EpochSeconds> DateCell(const std::string& s) {
  if (auto d = ParseDate(s)) return LocalMidnight(*d);
  // An Excel serial day number (a date cell read as its value).
  if (!s.empty() && s.find_first_not_of("0123456789") == std::string::npos && s.size() <= 6) {
    const auto days = std::stoll(s) - 25569;  // 1970-01-01
    return LocalMidnight(CivilFromDays(days));
  }
  return std::nullopt;
}

}  // namespace

Result<ImportResult> ExamService::ImportQuestions(const Principal& who, const audit::Actor& actor,
                                                  std::string_view bytes, std::string_view filename) {
  FZ_CHECK(Need(who, auth::perm::kExamManage, "导入题库"));
  const files::Sheet sheet = FZ_TRY(files::ReadSheet(bytes, filename));
  const auto known = [](const std::string& h) { return h == "题型" || h == "题干" || h == "答案" || h == "主题"; };
  const std::size_t head = files::FindHeaderRow(sheet, known, 3);
  if (sheet.rows.size() <= head + 1) return Invalid("文件中没有试题", "file", "empty");
  const auto cols = Columns(sheet.rows[head]);
  for (const char* need : {"题型", "主题", "题干", "答案"})
    if (!cols.contains(need))
      return Invalid(fmt::format("缺少“{}”列（请使用导入模板）", need), "file", "missing_column");
  ImportResult result;
  std::vector<Question> questions;
  for (std::size_t r = head + 1; r < sheet.rows.size(); ++r) {
    const auto& row = sheet.rows[r];
    Question q{.topic = CellOf(row, cols, "主题"),
               .kind = KindFromName(CellOf(row, cols, "题型")),
               .stem = CellOf(row, cols, "题干"),
               .answer = CellOf(row, cols, "答案"),
               .analysis = CellOf(row, cols, "解析")};
    const std::string level = CellOf(row, cols, "难度");
    q.level = level == "2" || level == "中" ? 2 : level == "3" || level == "难" ? 3 : 1;
    for (char l = 'A'; l <= 'F'; ++l)
      if (auto o = CellOf(row, cols, fmt::format("选项{}", l)); !o.empty()) q.options.push_back(o);
    if (auto ok = ValidateQuestion(q); !ok) {
      if (static_cast<int>(result.errors.size()) < kMaxImportErrors)
        result.errors.push_back(fmt::format("第 {} 行：{}", row.number, ok.error().message));
      continue;
    }
    questions.push_back(std::move(q));
  }
  if (!result.errors.empty()) return result;
  return db_.Write([&](soci::session& sql) -> Result<ImportResult> {
    const std::int64_t bureau = ReachOf(sql, who).bureau_id;
    for (auto& q : questions) {
      q.bureau_id = bureau;
      store::InsertQuestion(sql, q, who.user_id, clock_.Now());
    }
    audit::Append(sql, clock_, actor,
                  {"exam.question_import",
                   "exam_question",
                   "",
                   fmt::format("导入试题 {} 道（{}）", questions.size(), filename),
                   {}});
    result.imported = static_cast<int>(questions.size());
    return result;
  });
}

Result<FileDownload> ExamService::QuestionTemplate() const {
  std::vector<std::vector<std::string>> rows = {
      {"题型", "主题", "难度", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "答案", "解析"},
      {"单选", "《治安管理处罚法》", "1", "违反治安管理行为的追究时效为几个月？", "三个月", "六个月", "一年", "二年",
       "", "", "B", "第二十二条"},
      {"判断", "《行政处罚法》", "1", "行政处罚决定应当说明理由。", "", "", "", "", "", "", "对", ""},
      {"简答", "《刑事诉讼法》", "2", "简述讯问犯罪嫌疑人时应遵守的程序要求。", "", "", "", "", "", "",
       "两名侦查人员；告知权利；如实记录；核对签名等", ""}};
  auto bytes = FZ_TRY(files::WriteXlsx({files::SheetData("试题", rows)}));
  return FileDownload{std::move(bytes), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      "试题导入模板.xlsx"};
}

Result<ImportResult> ExamService::ImportQualifications(const Principal& who, const audit::Actor& actor,
                                                       std::string_view bytes, std::string_view filename) {
  FZ_CHECK(Need(who, auth::perm::kExamManage, "导入执法资格"));
  const files::Sheet sheet = FZ_TRY(files::ReadSheet(bytes, filename));
  const auto known = [](const std::string& h) {
    return h == "警号" || h == "等级" || h == "取得日期" || h == "有效期至";
  };
  const std::size_t head = files::FindHeaderRow(sheet, known, 3);
  if (sheet.rows.size() <= head + 1) return Invalid("文件中没有记录", "file", "empty");
  const auto cols = Columns(sheet.rows[head]);
  for (const char* need : {"警号", "等级", "取得日期", "有效期至"})
    if (!cols.contains(need)) return Invalid(fmt::format("缺少“{}”列", need), "file", "missing_column");
  return db_.Write([&](soci::session& sql) -> Result<ImportResult> {
    const Reach reach = ReachOf(sql, who);
    std::map<std::string, org::PersonRef> by_badge;
    for (auto& p : org::ReadPeopleUnder(sql, reach.path)) by_badge[p.badge_no] = p;
    ImportResult result;
    std::vector<std::pair<std::int64_t, QualificationInput>> rows;
    for (std::size_t r = head + 1; r < sheet.rows.size(); ++r) {
      const auto& row = sheet.rows[r];
      const auto badge = CellOf(row, cols, "警号");
      auto add_error = [&](const std::string& m) {
        if (static_cast<int>(result.errors.size()) < kMaxImportErrors)
          result.errors.push_back(fmt::format("第 {} 行：{}", row.number, m));
      };
      auto p = by_badge.find(badge);
      if (p == by_badge.end()) {
        add_error(fmt::format("警号“{}”不在管辖范围的名册中", badge));
        continue;
      }
      QualificationInput in{.person_id = p->second.id, .level = LevelFromName(CellOf(row, cols, "等级"))};
      const auto from = DateCell(CellOf(row, cols, "取得日期"));
      const auto until = DateCell(CellOf(row, cols, "有效期至"));
      if (!from || !until) {
        add_error("日期应写作 2023-06-30");
        continue;
      }
      in.obtained_at = *from;
      in.valid_until = *until;
      if (const auto s = CellOf(row, cols, "成绩"); !s.empty()) {
        if (s.find_first_not_of("0123456789") != std::string::npos || s.size() > 3) {
          add_error("成绩应为 0–100 的整数");
          continue;
        }
        in.score = std::stoi(s);
      }
      if (auto ok = ValidateQualification(in); !ok) {
        add_error(ok.error().message);
        continue;
      }
      rows.emplace_back(p->second.bureau_id, in);
    }
    if (!result.errors.empty()) return result;  // nothing written
    std::vector<std::int64_t> persons;
    for (const auto& [bureau, in] : rows) {
      store::InsertQualification(sql, bureau, in, std::nullopt, who.user_id, clock_.Now());
      persons.push_back(in.person_id);
    }
    FZ_CHECK(QualificationsRecorded(sql, persons));
    audit::Append(sql, clock_, actor,
                  {"exam.qualification_import",
                   "exam_qualification",
                   "",
                   fmt::format("导入执法资格 {} 条（{}）", rows.size(), filename),
                   {}});
    result.imported = static_cast<int>(rows.size());
    return result;
  });
}

}  // namespace fazhi::exams
