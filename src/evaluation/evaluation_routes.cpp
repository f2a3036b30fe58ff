#include "evaluation/evaluation_routes.h"

#include "auth/roles.h"
#include "core/json_fields.h"
#include "core/json_input.h"
#include "http/json_opt.h"
#include "http/query.h"

namespace fazhi::evaluation {

using http::Ctx;
using http::Reply;
using nlohmann::json;

namespace {

json ScoreJson(const std::optional<std::int64_t>& x100) {
  return x100 ? json(static_cast<double>(*x100) / 100.0) : json();
}

json RubricJson(const Rubric& r) {
  json items = json::array();
  for (const auto& it : r.items) items.push_back(FZ_JSON(it, id, position, title, description, weight));
  return Merged(FZ_JSON(r, id, family_id, version, name, note, total, current, created_at),
                {{"items", std::move(items)}});
}

json RoundJson(const Round& r) {
  json panel = json::array();
  for (const auto& m : r.panel) panel.push_back({{"user_id", m.user_id}, {"name", m.name}});
  json selection = r.selection.empty() ? json::array() : json::parse(r.selection, nullptr, false);
  return Merged(FZ_JSON(r, id, name, unit_id, unit_name, rubric_id, good_min, poor_below, status, seed, closed_at,
                        created_at, material_id, cases, member),
                {{"status_name", r.status == "open" ? "评定中" : "已结束"},
                 {"selection", selection.is_discarded() ? json::array() : selection},
                 {"panel", std::move(panel)}});
}

json CaseJson(const RoundCase& c) {
  return Merged(FZ_JSON(c, id, case_id, external_id, title, case_type, cause, category, unit_name, closed_at, marked_by,
                        grade, my_marks),
                {{"score", ScoreJson(c.score_x100)}, {"grade_name", GradeName(c.grade)}});
}

json DetailJson(const RoundDetail& d) {
  json j = RoundJson(d.round);
  j["rubric"] = RubricJson(d.rubric);
  json cases = json::array();
  for (const auto& c : d.cases) cases.push_back(CaseJson(c));
  j["case_list"] = std::move(cases);
  j["cases"] = d.cases.size();
  return j;
}

json SheetJson(const CaseSheet& s) {
  json sheets = json::array();
  for (const auto& m : s.sheets) {
    json marks = json::array();
    for (const auto& x : m.marks) marks.push_back(FZ_JSON(x, item_id, mark, comment));
    sheets.push_back(Merged(FZ_JSON(m, user_id, name, total, comment), {{"marks", marks}}));
  }
  return {{"round", RoundJson(s.round)},
          {"rubric", RubricJson(s.rubric)},
          {"case", CaseJson(s.rcase)},
          {"sheets", std::move(sheets)}};
}

Result<RubricInput> ReadRubric(Ctx& ctx) {
  JsonInput in(ctx.body());
  RubricInput r;
  r.name = in.String("name", "名称", {.required = true, .min_chars = 1, .max_chars = 100}).value_or("");
  r.note = in.String("note", "说明", {.max_chars = 2000}).value_or("");
  const auto items = in.Raw("items", "评分项", true);
  if (items && !items->is_array())
    in.Reject(Error{ErrorCode::kInvalidArgument, "评分项须为数组", "items", "invalid_type"});
  if (items && items->is_array())
    for (const auto& el : *items) {
      JsonInput x = JsonInput::FromJson(el);
      RubricItem it;
      it.title = x.String("title", "评分项名称", {.required = true, .min_chars = 1, .max_chars = 100}).value_or("");
      it.description = x.String("description", "评分标准", {.max_chars = 2000}).value_or("");
      it.weight = static_cast<int>(x.Int("weight", "分值", {.required = true, .min = 1, .max = 100}).value_or(0));
      if (auto e = x.Finish()) in.Reject(*e);
      r.items.push_back(std::move(it));
    }
  if (auto e = in.Finish()) return std::unexpected(*e);
  return r;
}

Result<Reply> ListRubrics(Ctx& ctx, EvaluationService& s) {
  http::QueryReader q(ctx);
  const bool all = q.Bool("all").value_or(false);
  FZ_CHECK(q.Finish());
  json items = json::array();
  for (const auto& r : FZ_TRY(s.Rubrics(ctx.user(), all))) items.push_back(RubricJson(r));
  return Reply::Json({{"items", std::move(items)}});
}

Result<Reply> GetRubric(Ctx& ctx, EvaluationService& s) {
  return Reply::Json(RubricJson(FZ_TRY(s.GetRubric(ctx.user(), FZ_TRY(ctx.PathId())))));
}

Result<Reply> CreateRubric(Ctx& ctx, EvaluationService& s) {
  const RubricInput in = FZ_TRY(ReadRubric(ctx));
  return Reply::Json(RubricJson(FZ_TRY(s.CreateRubric(ctx.user(), ctx.Actor(), in))), 201);
}

Result<Reply> ReviseRubric(Ctx& ctx, EvaluationService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  const RubricInput in = FZ_TRY(ReadRubric(ctx));
  return Reply::Json(RubricJson(FZ_TRY(s.ReviseRubric(ctx.user(), ctx.Actor(), id, in))), 201);
}

Result<Reply> ListCandidates(Ctx& ctx, EvaluationService& s) {
  json items = json::array();
  for (const auto& m : FZ_TRY(s.PanelCandidates(ctx.user())))
    items.push_back({{"user_id", m.user_id}, {"name", m.name}});
  return Reply::Json({{"items", std::move(items)}});
}

Result<Reply> ListRounds(Ctx& ctx, EvaluationService& s) {
  http::QueryReader q(ctx);
  const PageRequest page = q.Page({"created_at"});
  FZ_CHECK(q.Finish());
  const auto list = FZ_TRY(s.Rounds(ctx.user(), page));
  json items = json::array();
  for (const auto& r : list.items) items.push_back(RoundJson(r));
  return Reply::Json(http::PagedJson(std::move(items), list.total, page));
}

Result<Reply> GetRound(Ctx& ctx, EvaluationService& s) {
  return Reply::Json(DetailJson(FZ_TRY(s.GetRound(ctx.user(), FZ_TRY(ctx.PathId())))));
}

Result<Reply> CreateRound(Ctx& ctx, EvaluationService& s) {
  JsonInput in(ctx.body());
  RoundInput r;
  r.name = in.String("name", "批次名称", {.required = true, .min_chars = 1, .max_chars = 100}).value_or("");
  r.rubric_id = in.Int("rubric_id", "评分细则", {.required = true, .min = 1}).value_or(0);
  r.good_min =
      static_cast<int>(in.Int("good_min", "优质分数线", {.required = true, .min = 0, .max = 10000}).value_or(0));
  r.poor_below =
      static_cast<int>(in.Int("poor_below", "劣质分数线", {.required = true, .min = 0, .max = 10000}).value_or(0));
  r.unit_id = in.Int("unit_id", "组织单位", {.min = 1});
  const auto panel = in.Raw("panel", "评审组", true);
  if (panel && panel->is_array()) {
    for (const auto& el : *panel)
      if (el.is_number_integer() && el.get<std::int64_t>() > 0)
        r.panel.push_back(el.get<std::int64_t>());
      else
        in.Reject(Error{ErrorCode::kInvalidArgument, "评审组须为账号编号的数组", "panel", "invalid_type"});
  } else if (panel) {
    in.Reject(Error{ErrorCode::kInvalidArgument, "评审组须为账号编号的数组", "panel", "invalid_type"});
  }
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(DetailJson(FZ_TRY(s.CreateRound(ctx.user(), ctx.Actor(), r))), 201);
}

Result<Reply> SelectCases(Ctx& ctx, EvaluationService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  SelectionInput x;
  x.mode = in.Enum("mode", "选取方式", {"rule", "random", "list"}, true).value_or("rule");
  x.closed_from = in.Time("closed_from", "结案时间起", {.form = TimeForm::kDateOrDateTime}).value_or(0);
  x.closed_to = in.Time("closed_to", "结案时间止", {.form = TimeForm::kDateOrDateTime}).value_or(0);
  x.case_type = in.Enum("case_type", "案件类型", {"criminal", "administrative"}).value_or("");
  x.category = in.String("category", "打击类别", {.max_chars = 50}).value_or("");
  x.unit_id = in.Int("unit_id", "办案单位", {.min = 1});
  x.count = static_cast<int>(in.Int("count", "抽取件数", {.min = 1, .max = 1000}).value_or(0));
  x.seed = in.Int("seed", "随机种子", {.min = 0, .max = INT64_MAX});
  const auto ids = in.Raw("case_ids", "案件");
  if (ids && ids->is_array())
    for (const auto& el : *ids)
      if (el.is_number_integer()) x.case_ids.push_back(el.get<std::int64_t>());
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(DetailJson(FZ_TRY(s.Select(ctx.user(), ctx.Actor(), id, x))));
}

Result<Reply> CloseRound(Ctx& ctx, EvaluationService& s) {
  return Reply::Json(DetailJson(FZ_TRY(s.Close(ctx.user(), ctx.Actor(), FZ_TRY(ctx.PathId())))));
}

// One click: the round's teaching set becomes the next 以案说法 issue of the training library.
Result<Reply> PublishTeaching(Ctx& ctx, EvaluationService& s) {
  const auto p = FZ_TRY(s.PublishTeaching(ctx.user(), ctx.Actor(), FZ_TRY(ctx.PathId())));
  return Reply::Json(FZ_JSON(p, material_id, series, issue_no, title, cases), 201);
}

Result<Reply> ExportResults(Ctx& ctx, EvaluationService& s) {
  auto f = FZ_TRY(s.ResultsXlsx(ctx.user(), FZ_TRY(ctx.PathId())));
  return Reply::File(std::move(f.bytes), std::move(f.content_type), std::move(f.filename));
}

Result<Reply> GetSheet(Ctx& ctx, EvaluationService& s) {
  return Reply::Json(SheetJson(FZ_TRY(s.Sheet(ctx.user(), FZ_TRY(ctx.PathId())))));
}

Result<Reply> SaveMarks(Ctx& ctx, EvaluationService& s) {
  const std::int64_t id = FZ_TRY(ctx.PathId());
  JsonInput in(ctx.body());
  MarkInput m;
  m.comment = in.String("comment", "评语", {.max_chars = 2000}).value_or("");
  const auto marks = in.Raw("marks", "评分", true);
  if (marks && !marks->is_array())
    in.Reject(Error{ErrorCode::kInvalidArgument, "评分须为数组", "marks", "invalid_type"});
  if (marks && marks->is_array())
    for (const auto& el : *marks) {
      JsonInput x = JsonInput::FromJson(el);
      Mark k;
      k.item_id = x.Int("item_id", "评分项", {.required = true, .min = 1}).value_or(0);
      k.mark = static_cast<int>(x.Int("mark", "得分", {.required = true, .min = -1000, .max = 1000}).value_or(0));
      k.comment = x.String("comment", "扣分理由", {.max_chars = 1000}).value_or("");
      if (auto e = x.Finish()) in.Reject(*e);
      m.marks.push_back(std::move(k));
    }
  if (auto e = in.Finish()) return std::unexpected(*e);
  return Reply::Json(SheetJson(FZ_TRY(s.SaveMarks(ctx.user(), ctx.Actor(), id, m))));
}

Result<Reply> ListTeaching(Ctx& ctx, EvaluationService& s) {
  http::QueryReader q(ctx);
  const std::string grade = q.OneOf("grade", {"good", "poor"}).value_or("");
  const PageRequest page = q.Page({"score"});
  FZ_CHECK(q.Finish());
  const auto list = FZ_TRY(s.Teaching(ctx.user(), grade, page));
  json items = json::array();
  for (const auto& t : list.items)
    items.push_back(Merged(FZ_JSON(t, id, round_id, round_name, grade, title, case_type, category, comments, closed_at),
                           {{"grade_name", GradeName(t.grade)}, {"score", static_cast<double>(t.score_x100) / 100.0}}));
  return Reply::Json(http::PagedJson(std::move(items), list.total, page));
}

}  // namespace

void RegisterRoutes(http::Router& router, EvaluationService& s) {
  http::Routes<EvaluationService> r(router, s);
  const auto read = http::Perm(auth::perm::kEvalRead);
  const auto manage = http::Perm(auth::perm::kEvalManage);
  const auto mark = http::Perm(auth::perm::kEvalMark);
  r.Get("/api/evaluation/rubrics", read, ListRubrics);
  r.Post("/api/evaluation/rubrics", manage, CreateRubric);
  r.Get("/api/evaluation/rubrics/{id}", read, GetRubric);
  r.Post("/api/evaluation/rubrics/{id}/versions", manage, ReviseRubric);
  r.Get("/api/evaluation/panel-candidates", manage, ListCandidates);
  r.Get("/api/evaluation/rounds", read, ListRounds);
  r.Post("/api/evaluation/rounds", manage, CreateRound);
  r.Get("/api/evaluation/rounds/{id}", read, GetRound);
  r.Post("/api/evaluation/rounds/{id}/select", manage, SelectCases);
  r.Post("/api/evaluation/rounds/{id}/close", manage, CloseRound);
  r.Post("/api/evaluation/rounds/{id}/publish", manage, PublishTeaching);
  r.Get("/api/evaluation/rounds/{id}/results.xlsx", read, ExportResults);
  r.Get("/api/evaluation/cases/{id}", read, GetSheet);
  r.Put("/api/evaluation/cases/{id}/marks", mark, SaveMarks);
  r.Get("/api/evaluation/teaching", read, ListTeaching);
}

}  // namespace fazhi::evaluation
