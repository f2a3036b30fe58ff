#include "exams/exams_routes.h"

#include <fmt/format.h>

#include "auth/roles.h"
#include "core/json_fields.h"
#include "core/json_input.h"
#include "http/json_opt.h"
#include "http/query.h"

namespace fazhi::exams {

using http::Ctx;
using http::Reply;
using nlohmann::json;

namespace {

json QuestionJson(const Question& q) {
  return FZ_JSON(q, id, topic, level, kind, stem, options, answer, analysis, active, updated_at);
}

json RuleJson(const PaperRule& r) { return FZ_JSON(r, topic, kind, level, count, score); }

json PaperJson(const Paper& p) {
  json rules = json::array();
  for (const auto& r : p.rules) rules.push_back(RuleJson(r));
  return Merged(FZ_JSON(p, id, title, total_score, created_at), {{"rules", rules}});
}

json ExamJson(const Exam& e) {
  return FZ_JSON(e, id, unit_id, unit_name, paper_id, paper_title, total_score, title, category, opens_at, closes_at,
                 duration_minutes, pass_score, retakes, examinees, submitted, to_mark);
}

json AttemptJson(const Attempt& a) {
  json items = json::array(), events = json::array();
  for (const auto& i : a.items) {
    json j = FZ_JSON(i, position, kind, stem, options, points, answer, version, answered_at);
    if (a.status != "open") {
      j["auto_score"] = http::OptJson(i.auto_score);
      j["mark_score"] = http::OptJson(i.mark_score);
      if (!i.reference.empty()) j["reference"] = i.reference;
    }
    items.push_back(std::move(j));
  }
  for (const auto& e : a.events) events.push_back(FZ_JSON(e, id, kind, detail, at));
  json j =
      Merged(FZ_JSON(a, id, exam_id, exam_title, attempt_no, code, started_at, ends_at, server_now, submitted_at,
                     submit_kind, status, objective_score, subjective_score, score, passed, pass_score, total_score),
             {{"items", std::move(items)}});
  if (!a.tab_token.empty()) j["tab_token"] = a.tab_token;
  if (!a.person_name.empty()) {
    j["person_name"] = a.person_name;
    j["unit_name"] = a.unit_name;
    j["events"] = std::move(events);
  }
  return j;
}

Reply Download(FileDownload f) {
  return Reply::File(std::move(f.bytes), std::move(f.content_type), std::move(f.filename));
}

// A refused import (some rows bad, nothing stored) answers 400 with the usual error and every row's problem.
json ImportJson(const ImportResult& r) {
  json j = {{"imported", r.imported}, {"errors", r.errors}};
  if (!r.errors.empty()) {
    std::string message = "导入失败，未导入任何记录：" + r.errors.front();
    if (r.errors.size() > 1) message += fmt::format("（另有 {} 处问题）", r.errors.size() - 1);
    j["error"] = {{"code", "invalid_rows"}, {"message", message}, {"field", "file"}};
  }
  return j;
}

// ---- bank ----

Result<Question> ReadQuestionBody(Ctx& ctx) {
  JsonInput in(ctx.body());
  Question q;
  q.topic = in.String("topic", "主题", {.required = true, .min_chars = 1, .max_chars = 100}).value_or("");
  q.kind = in.String("kind", "题型", {.required = true, .max_chars = 10}).value_or("");
  q.level = static_cast<int>(in.Int("level", "难度", {.min = 1, .max = 3}).value_or(1));
  q.stem = in.String("stem", "题干", {.required = true, .min_chars = 1, .max_chars = 2000}).value_or("");
  q.options = in.StringArray("options", "选项", {.max_chars = 500}).value_or(std::vector<std::string>{});
  q.answer = in.String("answer", "答案", {.required = true, .max_chars = 4000}).value_or("");
  q.analysis = in.String("analysis", "解析", {.max_chars = 4000}).value_or("");
  q.active = in.Bool("active", "启用").value_or(true);
  if (auto e = in.Finish()) return std::unexpected(*e);
  return q;
}

Result<Reply> ListQuestions(Ctx& ctx, ExamService& s) {
  http::QueryReader q(ctx);
  QuestionFilter f;
  f.topic = q.Str("topic", 100);
  f.kind = q.OneOf("kind", kKinds);
  if (auto l = q.Int("level", 1, 3)) f.level = static_cast<int>(*l);
  f.q = q.Str("q", 50).value_or("");
  f.include_inactive = q.Bool("include_inactive").value_or(false);
  const PageRequest page = q.Page({"id"});
  FZ_CHECK(q.Finish());
  const auto list = FZ_TRY(s.ListQuestions(ctx.user(), f, page));
  json items = json::array();
  for (const auto& x : list.items) items.push_back(QuestionJson(x));
  return Reply::Json(http::PagedJson(std::move(items), list.total, page));
}

Result<Reply> GetQuestion(Ctx& ctx, ExamService& s) {
  return Reply::Json(QuestionJson(FZ_TRY(s.GetQuestion(ctx.user(), FZ_TRY(ctx.PathId())))));
}

Result<Reply> CreateQuestion(Ctx& ctx, ExamService& s) {
  Question q = FZ_TRY(ReadQuestionBody(ctx));
  return Reply::Json(QuestionJson(FZ_TRY(s.CreateQuestion(ctx.user(), ctx.Actor(), std::move(q)))), 201);
}

Result<Reply> UpdateQuestion(Ctx& ctx, ExamService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  Question q = FZ_TRY(ReadQuestionBody(ctx));
  return Reply::Json(QuestionJson(FZ_TRY(s.UpdateQuestion(ctx.user(), ctx.Actor(), id, std::move(q)))));
}

Result<Reply> ImportQuestions(Ctx& ctx, ExamService& s) {
  if (!ctx.req().has_file("file"))
    return Invalid("请选择要上传的题库文件（multipart/form-data，字段名 file）", "file", "missing_field");
  const auto file = ctx.req().get_file_value("file");
  const auto r = FZ_TRY(s.ImportQuestions(ctx.user(), ctx.Actor(), file.content, file.filename));
  return Reply::Json(ImportJson(r), r.errors.empty() ? 200 : 400);
}

Result<Reply> QuestionTemplate(Ctx& ctx, ExamService& s) {
  (void)ctx;
  return Download(FZ_TRY(s.QuestionTemplate()));
}

Result<Reply> Topics(Ctx& ctx, ExamService& s) {
  json items = json::array();
  for (const auto& [topic, kind, n] : FZ_TRY(s.Topics(ctx.user())))
    items.push_back({{"topic", topic}, {"kind", kind}, {"count", n}});
  return Reply::Json({{"items", items}});
}

// ---- papers and exams ----

Result<Reply> ListPapers(Ctx& ctx, ExamService& s) {
  json items = json::array();
  for (const auto& p : FZ_TRY(s.ListPapers(ctx.user()))) items.push_back(PaperJson(p));
  return Reply::Json({{"items", items}});
}

Result<Reply> CreatePaper(Ctx& ctx, ExamService& s) {
  JsonInput in(ctx.body());
  const auto title = in.String("title", "试卷名称", {.required = true, .min_chars = 1, .max_chars = 200}).value_or("");
  const auto raw = in.Raw("rules", "组卷规则", true);
  if (auto e = in.Finish()) return std::unexpected(*e);
  if (!raw->is_array() || raw->size() > 50) return Invalid("组卷规则应为不超过 50 条的列表", "rules", "invalid_value");
  std::vector<PaperRule> rules;
  for (std::size_t i = 0; i < raw->size(); ++i) {
    JsonInput r = JsonInput::FromJson((*raw)[i]);
    const std::string label = fmt::format("第 {} 条规则的", i + 1);
    PaperRule rule;
    rule.topic = r.String("topic", label + "主题", {.required = true, .min_chars = 1, .max_chars = 100}).value_or("");
    rule.kind = r.String("kind", label + "题型", {.required = true, .max_chars = 10}).value_or("");
    if (auto l = r.Int("level", label + "难度", {.min = 1, .max = 3})) rule.level = static_cast<int>(*l);
    rule.count = static_cast<int>(r.Int("count", label + "题数", {.required = true}).value_or(0));
    rule.score = static_cast<int>(r.Int("score", label + "每题分值", {.required = true}).value_or(0));
    if (auto e = r.Finish()) {
      e->field = fmt::format("rules[{}].{}", i, e->field);
      return std::unexpected(*e);
    }
    rules.push_back(std::move(rule));
  }
  return Reply::Json(PaperJson(FZ_TRY(s.CreatePaper(ctx.user(), ctx.Actor(), title, rules))), 201);
}

Result<Reply> ListExams(Ctx& ctx, ExamService& s) {
  http::QueryReader q(ctx);
  const PageRequest page = q.Page({"opens_at"});
  FZ_CHECK(q.Finish());
  const auto list = FZ_TRY(s.ListExams(ctx.user(), page));
  json items = json::array();
  for (const auto& e : list.items) items.push_back(ExamJson(e));
  return Reply::Json(http::PagedJson(std::move(items), list.total, page));
}

Result<Reply> CreateExam(Ctx& ctx, ExamService& s) {
  JsonInput in(ctx.body());
  ExamInput e;
  e.paper_id = in.Int("paper_id", "试卷", {.required = true, .min = 1}).value_or(0);
  e.title = in.String("title", "考试名称", {.required = true, .min_chars = 1, .max_chars = 200}).value_or("");
  e.category = in.String("category", "考试类别", {.max_chars = 20}).value_or("other");
  e.opens_at = in.Time("opens_at", "开始时间", {.required = true}).value_or(0);
  e.closes_at = in.Time("closes_at", "结束时间", {.required = true}).value_or(0);
  e.duration_minutes = static_cast<int>(in.Int("duration_minutes", "考试时长", {.required = true}).value_or(0));
  e.pass_score = static_cast<int>(in.Int("pass_score", "及格分", {.required = true}).value_or(0));
  e.retakes = static_cast<int>(in.Int("retakes", "补考次数").value_or(0));
  if (auto raw = in.Raw("unit_ids", "参考单位")) {
    if (!raw->is_array()) return Invalid("参考单位应为编号列表", "unit_ids", "invalid_value");
    for (const auto& v : *raw) {
      if (!v.is_number_integer()) return Invalid("参考单位应为编号列表", "unit_ids", "invalid_value");
      e.unit_ids.push_back(v.get<std::int64_t>());
    }
  }
  if (auto raw = in.Raw("person_ids", "参考人员")) {
    if (!raw->is_array()) return Invalid("参考人员应为编号列表", "person_ids", "invalid_value");
    for (const auto& v : *raw) {
      if (!v.is_number_integer()) return Invalid("参考人员应为编号列表", "person_ids", "invalid_value");
      e.person_ids.push_back(v.get<std::int64_t>());
    }
  }
  if (auto err = in.Finish()) return std::unexpected(*err);
  return Reply::Json(ExamJson(FZ_TRY(s.CreateExam(ctx.user(), ctx.Actor(), e))), 201);
}

Result<Reply> GetExam(Ctx& ctx, ExamService& s) {
  return Reply::Json(ExamJson(FZ_TRY(s.GetExam(ctx.user(), FZ_TRY(ctx.PathId())))));
}

// ---- taking ----

Result<Reply> MyExams(Ctx& ctx, ExamService& s) {
  json items = json::array();
  for (const auto& m : FZ_TRY(s.MyExams(ctx.user()))) {
    json j = ExamJson(m.exam);
    j.update(FZ_JSON(m, attempts, best_score, passed, open_attempt_id, state));
    items.push_back(std::move(j));
  }
  return Reply::Json({{"items", items}, {"server_now", s.clock().Now()}});
}

Result<Reply> OpenExam(Ctx& ctx, ExamService& s) {
  return Reply::Json(AttemptJson(FZ_TRY(s.Open(ctx.user(), ctx.Actor(), FZ_TRY(ctx.PathId())))));
}

Result<Reply> GetMyAttempt(Ctx& ctx, ExamService& s) {
  return Reply::Json(AttemptJson(FZ_TRY(s.MyAttempt(ctx.user(), FZ_TRY(ctx.PathId())))));
}

Result<Reply> SaveAnswer(Ctx& ctx, ExamService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  const std::int64_t position = FZ_TRY(ctx.PathId("position"));
  JsonInput in(ctx.body());
  const auto token = in.String("tab_token", "窗口令牌", {.required = true, .max_chars = 64}).value_or("");
  const auto answer = in.String("answer", "答案", {.max_chars = 8000}).value_or("");
  if (auto e = in.Finish()) return std::unexpected(*e);
  const auto r =
      FZ_TRY(s.SaveAnswer(ctx.user(), id, static_cast<int>(std::min<std::int64_t>(position, 100000)), token, answer));
  return Reply::Json(FZ_JSON(r, version, saved_at, ends_at));
}

Result<Reply> SubmitAttempt(Ctx& ctx, ExamService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  const auto token = in.String("tab_token", "窗口令牌", {.required = true, .max_chars = 64}).value_or("");
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(AttemptJson(FZ_TRY(s.Submit(ctx.user(), ctx.Actor(), id, token))));
}

Result<Reply> LogEvent(Ctx& ctx, ExamService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  const auto kind = in.String("kind", "行为类型", {.required = true, .max_chars = 20}).value_or("");
  const auto detail = in.String("detail", "说明", {.max_chars = 200}).value_or("");
  if (auto e = in.Finish()) return std::unexpected(*e);
  FZ_CHECK(s.LogEvent(ctx.user(), id, kind, detail));
  return Reply::Json({{"ok", true}}, 201);
}

// ---- marking and results ----

Result<Reply> MarkTasks(Ctx& ctx, ExamService& s) {
  http::QueryReader q(ctx);
  const auto exam = q.Id("exam_id");
  FZ_CHECK(q.Finish());
  json items = json::array();
  for (const auto& t : FZ_TRY(s.MarkTasks(ctx.user(), exam)))
    items.push_back(FZ_JSON(t, attempt_id, position, code, exam_id, exam_title, stem, reference, answer, points));
  return Reply::Json({{"items", items}});
}

Result<Reply> Mark(Ctx& ctx, ExamService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  const std::int64_t position = FZ_TRY(ctx.PathId("position"));
  JsonInput in(ctx.body());
  const auto score = in.Int("score", "得分", {.required = true, .min = 0, .max = 100});
  if (auto e = in.Finish()) return std::unexpected(*e);
  FZ_CHECK(s.Mark(ctx.user(), ctx.Actor(), id, static_cast<int>(std::min<std::int64_t>(position, 100000)),
                  static_cast<int>(*score)));
  return Reply::Json({{"ok", true}});
}

Result<Reply> Results(Ctx& ctx, ExamService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  http::QueryReader q(ctx);
  const PageRequest page = q.Page({"unit"});
  FZ_CHECK(q.Finish());
  const auto list = FZ_TRY(s.Results(ctx.user(), id, page));
  json items = json::array();
  for (const auto& r : list.items)
    items.push_back(
        FZ_JSON(r, person_id, name, badge_no, unit_name, attempts, best_attempt_id, best_score, status, events));
  return Reply::Json(http::PagedJson(std::move(items), list.total, page));
}

Result<Reply> ResultsXlsx(Ctx& ctx, ExamService& s) {
  return Download(FZ_TRY(s.ResultsXlsx(ctx.user(), FZ_TRY(ctx.PathId()))));
}

Result<Reply> ReviewAttempt(Ctx& ctx, ExamService& s) {
  return Reply::Json(AttemptJson(FZ_TRY(s.ReviewAttempt(ctx.user(), FZ_TRY(ctx.PathId())))));
}

Result<Reply> Analyse(Ctx& ctx, ExamService& s) {
  const Analysis a = FZ_TRY(s.Analyse(ctx.user(), FZ_TRY(ctx.PathId())));
  json questions = json::array(), units = json::array();
  for (const auto& q : a.questions)
    questions.push_back(FZ_JSON(q, question_id, kind, topic, stem, answered, difficulty, discrimination));
  for (const auto& u : a.units)
    units.push_back(Merged(FZ_JSON(u, unit_id, unit_name, examinees, took, passed),
                           {{"pass_rate", u.examinees ? json(static_cast<double>(u.passed) / u.examinees) : json()}}));
  return Reply::Json(
      {{"graded", a.graded}, {"mean_score", http::OptJson(a.mean_score)}, {"questions", questions}, {"units", units}});
}

// ---- 执法资格 ----

json QualificationJson(const Qualification& q) {
  return FZ_JSON(q, id, person_id, person_name, badge_no, unit_name, level, obtained_at, score, valid_until, valid);
}

Result<Reply> ListQualifications(Ctx& ctx, ExamService& s) {
  http::QueryReader q(ctx);
  const auto valid = q.Bool("valid");
  const auto text = q.Str("q", 50).value_or("");
  const PageRequest page = q.Page({"obtained_at"});
  FZ_CHECK(q.Finish());
  const auto list = FZ_TRY(s.Qualifications(ctx.user(), valid, text, page));
  json items = json::array();
  for (const auto& x : list.items) items.push_back(QualificationJson(x));
  return Reply::Json(http::PagedJson(std::move(items), list.total, page));
}

Result<Reply> AddQualification(Ctx& ctx, ExamService& s) {
  JsonInput in(ctx.body());
  QualificationInput q;
  q.person_id = in.Int("person_id", "民警", {.required = true, .min = 1}).value_or(0);
  q.level = in.String("level", "等级", {.required = true, .max_chars = 20}).value_or("");
  q.obtained_at = in.Time("obtained_at", "取得日期", {.required = true}).value_or(0);
  if (auto v = in.Int("score", "成绩")) q.score = static_cast<int>(std::clamp<std::int64_t>(*v, -1, 1000));
  q.valid_until = in.Time("valid_until", "有效期至", {.required = true}).value_or(0);
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(QualificationJson(FZ_TRY(s.AddQualification(ctx.user(), ctx.Actor(), q))), 201);
}

Result<Reply> ImportQualifications(Ctx& ctx, ExamService& s) {
  if (!ctx.req().has_file("file"))
    return Invalid("请选择要上传的文件（multipart/form-data，字段名 file）", "file", "missing_field");
  const auto file = ctx.req().get_file_value("file");
  const auto r = FZ_TRY(s.ImportQualifications(ctx.user(), ctx.Actor(), file.content, file.filename));
  return Reply::Json(ImportJson(r), r.errors.empty() ? 200 : 400);
}

}  // namespace

void RegisterRoutes(http::Router& router, ExamService& s) {
  http::Routes<ExamService> r(router, s);
  const auto take = http::Perm(auth::perm::kExamTake);
  const auto manage = http::Perm(auth::perm::kExamManage);
  const auto mark = http::Perm(auth::perm::kExamMark);
  r.Get("/api/exams/questions", manage, ListQuestions);
  r.Post("/api/exams/questions", manage, CreateQuestion);
  r.Get("/api/exams/questions/template", manage, QuestionTemplate);
  r.Post("/api/exams/questions/import", manage, ImportQuestions);
  r.Get("/api/exams/questions/{id}", manage, GetQuestion);
  r.Put("/api/exams/questions/{id}", manage, UpdateQuestion);
  r.Get("/api/exams/topics", manage, Topics);
  r.Get("/api/exams/papers", manage, ListPapers);
  r.Post("/api/exams/papers", manage, CreatePaper);
  r.Get("/api/exams", manage, ListExams);
  r.Post("/api/exams", manage, CreateExam);
  r.Get("/api/exams/mine", take, MyExams);
  r.Get("/api/exams/marking", mark, MarkTasks);
  r.Get("/api/exams/qualifications", take, ListQualifications);
  r.Post("/api/exams/qualifications", manage, AddQualification);
  r.Post("/api/exams/qualifications/import", manage, ImportQualifications);
  r.Get("/api/exams/{id}", manage, GetExam);
  r.Get("/api/exams/{id}/results", manage, Results);
  r.Get("/api/exams/{id}/results.xlsx", manage, ResultsXlsx);
  r.Get("/api/exams/{id}/analysis", manage, Analyse);
  r.Post("/api/exams/{id}/open", take, OpenExam);
  r.Get("/api/exams/attempts/{id}", take, GetMyAttempt);
  r.Get("/api/exams/attempts/{id}/review", manage, ReviewAttempt);
  r.Put("/api/exams/attempts/{id}/answers/{position}", take, SaveAnswer);
  r.Post("/api/exams/attempts/{id}/submit", take, SubmitAttempt);
  r.Post("/api/exams/attempts/{id}/events", take, LogEvent);
  r.Put("/api/exams/attempts/{id}/marks/{position}", mark, Mark);
}

}  // namespace fazhi::exams
