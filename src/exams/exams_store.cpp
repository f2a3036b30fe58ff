#include "exams/exams_store.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/json_fields.h"
#include "db/sql.h"

namespace fazhi::exams::store {

namespace {

std::vector<std::string> OptionsFrom(std::string_view text) {
  std::vector<std::string> out;
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_array())
    for (const auto& o : j)
      if (o.is_string()) out.push_back(o.get<std::string>());
  return out;
}

std::optional<int> OptInt32(const db::Row& r, std::string_view name) {
  const auto v = r.OptInt(name);
  if (!v) return std::nullopt;
  return static_cast<int>(*v);
}

std::string Limit(db::SqlArgs& a, const PageRequest& p) {
  return fmt::format(" LIMIT {} OFFSET {}", a.Int(p.page_size), a.Int(p.Offset()));
}

constexpr const char* kQuestionColumns =
    "SELECT q.id, q.bureau_id, q.topic, q.level, q.kind, q.stem, q.options, q.answer, q.analysis, q.active, "
    "q.updated_at FROM exam_questions q ";

Question QuestionFrom(const db::Row& r) {
  Question x;
  FZ_READ(r, x, id, bureau_id, topic, level, kind, stem, answer, analysis, active, updated_at);
  x.options = OptionsFrom(r.Text("options"));
  return x;
}

std::vector<PaperRule> RulesFrom(std::string_view text) {
  std::vector<PaperRule> out;
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& r : j) {
    PaperRule rule{.topic = r.value("topic", ""),
                   .kind = r.value("kind", ""),
                   .level = std::nullopt,
                   .count = r.value("count", 0),
                   .score = r.value("score", 0)};
    if (r.contains("level") && r["level"].is_number_integer()) rule.level = r["level"].get<int>();
    out.push_back(std::move(rule));
  }
  return out;
}

std::string RulesText(const std::vector<PaperRule>& rules) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& r : rules)
    j.push_back(Merged(FZ_JSON(r, topic, kind, count, score),
                       {{"level", r.level ? nlohmann::json(*r.level) : nlohmann::json()}}));
  return j.dump();
}

constexpr const char* kPaperColumns =
    "SELECT p.id, p.bureau_id, p.title, p.rules, p.total_score, p.created_at FROM exam_papers p ";

Paper PaperFrom(const db::Row& r) {
  Paper x;
  FZ_READ(r, x, id, bureau_id, title, total_score, created_at);
  x.rules = RulesFrom(r.Text("rules"));
  return x;
}

constexpr const char* kExamColumns =
    "SELECT e.id, e.bureau_id, e.unit_id, u.name AS unit_name, e.paper_id, p.title AS paper_title, p.total_score, "
    "e.title, e.category, e.opens_at, e.closes_at, e.duration_minutes, e.pass_score, e.retakes, "
    "(SELECT COUNT(*) FROM exam_examinees x WHERE x.exam_id = e.id) AS examinees, "
    "(SELECT COUNT(*) FROM exam_attempts t WHERE t.exam_id = e.id AND t.status <> 'open') AS submitted, "
    "(SELECT COUNT(*) FROM exam_attempts t WHERE t.exam_id = e.id AND t.status = 'marking') AS to_mark "
    "FROM exams e JOIN units u ON u.id = e.unit_id JOIN exam_papers p ON p.id = e.paper_id ";

Exam ExamFrom(const db::Row& r) {
  Exam v;
  FZ_READ(r, v, id, bureau_id, unit_id, unit_name, paper_id, paper_title, total_score, title, category, opens_at,
          closes_at, duration_minutes, pass_score, retakes, examinees, submitted, to_mark);
  return v;
}

constexpr const char* kAttemptColumns =
    "SELECT t.id, t.bureau_id, t.exam_id, t.person_id, t.attempt_no, t.code, t.tab_token, t.status, t.submit_kind, "
    "t.started_at, t.ends_at, t.submitted_at, t.objective_score, t.subjective_score, t.score, t.passed "
    "FROM exam_attempts t ";

AttemptRow AttemptFrom(const db::Row& r) {
  AttemptRow a;
  FZ_READ(r, a, id, bureau_id, exam_id, person_id, attempt_no, code, tab_token, status, submit_kind, started_at,
          ends_at, submitted_at, objective_score, subjective_score);
  a.score = OptInt32(r, "score");
  a.passed = std::nullopt;
  if (const auto p = r.OptInt("passed")) a.passed = *p != 0;
  return a;
}

constexpr const char* kItemColumns =
    "SELECT i.attempt_id, i.position, i.question_id, i.points, i.option_order, i.answer, i.version, i.answered_at, "
    "i.auto_score, i.mark_score, q.kind, q.stem, q.options, q.answer AS right_answer, q.topic "
    "FROM exam_attempt_items i JOIN exam_questions q ON q.id = i.question_id ";

ItemRow ItemFrom(const db::Row& r) {
  ItemRow out;
  FZ_READ(r, out, attempt_id, position, question_id, points, option_order, answer, version, answered_at, kind, stem,
          topic);
  out.auto_score = OptInt32(r, "auto_score");
  out.mark_score = OptInt32(r, "mark_score");
  out.options_json = r.Str("options");
  out.right = r.Str("right_answer");
  return out;
}

}  // namespace

// ---- questions ----

std::int64_t InsertQuestion(soci::session& sql, const Question& q, std::optional<std::int64_t> by, EpochSeconds now) {
  db::Values vals;
  FZ_VALUES(vals, q, bureau_id, topic, level, kind, stem, answer, analysis, active);
  vals.Str("options", nlohmann::json(q.options).dump())
      .OptInt("created_by", by)
      .Int("created_at", now)
      .Int("updated_at", now);
  return db::InsertRow(sql, "exam_questions", vals);
}

void UpdateQuestion(soci::session& sql, const Question& q, EpochSeconds now) {
  db::SqlArgs a;
  db::Exec(
      sql,
      fmt::format("UPDATE exam_questions SET topic = {}, level = {}, kind = {}, stem = {}, options = {}, answer = "
                  "{}, analysis = {}, active = {}, updated_at = {} WHERE id = {}",
                  a.Str(q.topic), a.Int(q.level), a.Str(q.kind), a.Str(q.stem), a.Str(nlohmann::json(q.options).dump()),
                  a.Str(q.answer), a.Str(q.analysis), a.Bool(q.active), a.Int(now), a.Int(q.id)),
      a);
}

std::optional<Question> ReadQuestion(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  return db::FirstOf(sql, fmt::format("{}WHERE q.id = {}", kQuestionColumns, a.Int(id)), a, QuestionFrom);
}

Paged<Question> ListQuestions(soci::session& sql, std::int64_t bureau, const QuestionFilter& f, const PageRequest& p) {
  db::SqlArgs a;
  std::string where = fmt::format("WHERE q.bureau_id = {}", a.Int(bureau));
  if (f.topic) where += fmt::format(" AND q.topic = {}", a.Str(*f.topic));
  if (f.kind) where += fmt::format(" AND q.kind = {}", a.Str(*f.kind));
  if (f.level) where += fmt::format(" AND q.level = {}", a.Int(*f.level));
  if (!f.q.empty()) where += fmt::format(" AND q.stem LIKE {} ESCAPE '\\'", a.Str(db::ContainsPattern(f.q)));
  if (!f.include_inactive) where += " AND q.active = 1";
  Paged<Question> out;
  out.total = db::Count(sql, "SELECT COUNT(*) FROM exam_questions q " + where, a);
  out.items =
      db::AllOf(sql, fmt::format("{}{} ORDER BY q.id DESC{}", kQuestionColumns, where, Limit(a, p)), a, QuestionFrom);
  return out;
}

std::vector<std::int64_t> DrawableIds(soci::session& sql, std::int64_t bureau, const PaperRule& rule) {
  db::SqlArgs a;
  std::string q =
      fmt::format("SELECT id FROM exam_questions WHERE bureau_id = {} AND topic = {} AND kind = {} AND active = 1",
                  a.Int(bureau), a.Str(rule.topic), a.Str(rule.kind));
  if (rule.level) q += fmt::format(" AND level = {}", a.Int(*rule.level));
  return db::IntColumn(sql, q + " ORDER BY id", a, "id");
}

std::vector<TopicCount> TopicCounts(soci::session& sql, std::int64_t bureau) {
  db::SqlArgs a;
  return db::AllOf(
      sql,
      fmt::format("SELECT topic, kind, COUNT(*) AS n FROM exam_questions WHERE bureau_id = {} AND active = "
                  "1 GROUP BY topic, kind ORDER BY topic, kind",
                  a.Int(bureau)),
      a, [](const db::Row& r) {
        return TopicCount{r.Str("topic"), r.Str("kind"), r.Int("n")};
      });
}

// ---- papers and exams ----

std::int64_t InsertPaper(soci::session& sql, const Paper& p, std::optional<std::int64_t> by, EpochSeconds now) {
  db::Values v;
  FZ_VALUES(v, p, bureau_id, title, total_score);
  v.Str("rules", RulesText(p.rules)).OptInt("created_by", by).Int("created_at", now);
  return db::InsertRow(sql, "exam_papers", v);
}

std::optional<Paper> ReadPaper(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  return db::FirstOf(sql, fmt::format("{}WHERE p.id = {}", kPaperColumns, a.Int(id)), a, PaperFrom);
}

std::vector<Paper> ListPapers(soci::session& sql, std::int64_t bureau) {
  db::SqlArgs a;
  return db::AllOf(sql, fmt::format("{}WHERE p.bureau_id = {} ORDER BY p.id DESC", kPaperColumns, a.Int(bureau)), a,
                   PaperFrom);
}

std::int64_t InsertExam(soci::session& sql, const Exam& e, std::optional<std::int64_t> by, EpochSeconds now) {
  db::Values v;
  FZ_VALUES(v, e, bureau_id, unit_id, paper_id, title, category, opens_at, closes_at, duration_minutes, pass_score,
            retakes);
  v.OptInt("created_by", by).Int("created_at", now);
  return db::InsertRow(sql, "exams", v);
}

void InsertExaminee(soci::session& sql, std::int64_t exam, std::int64_t person, std::int64_t bureau) {
  db::Values v;
  v.Int("exam_id", exam).Int("person_id", person).Int("bureau_id", bureau);
  db::InsertValues(sql, "exam_examinees", v);
}

std::optional<Exam> ReadExam(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  return db::FirstOf(sql, fmt::format("{}WHERE e.id = {}", kExamColumns, a.Int(id)), a, ExamFrom);
}

Paged<Exam> ListExams(soci::session& sql, std::string_view path, const PageRequest& p) {
  db::SqlArgs a;
  const std::string where = "WHERE " + db::PathUnder(a, "u.path", path);
  Paged<Exam> out;
  out.total = db::Count(sql, "SELECT COUNT(*) FROM exams e JOIN units u ON u.id = e.unit_id " + where, a);
  out.items = db::AllOf(sql,
                        fmt::format("{}{} ORDER BY e.opens_at {}, e.id DESC{}", kExamColumns, where,
                                    p.descending ? "ASC" : "DESC", Limit(a, p)),
                        a, ExamFrom);
  return out;
}

std::vector<Exam> ExamsOf(soci::session& sql, std::int64_t person) {
  db::SqlArgs a;
  return db::AllOf(sql,
                   fmt::format("{}WHERE e.id IN (SELECT exam_id FROM exam_examinees WHERE person_id = {}) ORDER BY "
                               "e.opens_at DESC, e.id DESC",
                               kExamColumns, a.Int(person)),
                   a, ExamFrom);
}

bool IsExaminee(soci::session& sql, std::int64_t exam, std::int64_t person) {
  db::SqlArgs a;
  return db::Count(sql,
                   fmt::format("SELECT COUNT(*) FROM exam_examinees WHERE exam_id = {} AND person_id = {}", a.Int(exam),
                               a.Int(person)),
                   a) > 0;
}

// ---- attempts ----

std::int64_t InsertAttempt(soci::session& sql, const AttemptRow& t) {
  db::Values v;
  FZ_VALUES(v, t, bureau_id, exam_id, person_id, attempt_no, code, tab_token, started_at, ends_at);
  v.Sql("status", "'open'");
  return db::InsertRow(sql, "exam_attempts", v);
}

void InsertItem(soci::session& sql, const ItemRow& i) {
  db::Values v;
  FZ_VALUES(v, i, attempt_id, position, question_id, points, option_order, answer, version, answered_at);
  db::InsertValues(sql, "exam_attempt_items", v);
}

std::optional<AttemptRow> ReadAttempt(soci::session& sql, std::int64_t id) {
  db::SqlArgs a;
  return db::FirstOf(sql, fmt::format("{}WHERE t.id = {}", kAttemptColumns, a.Int(id)), a, AttemptFrom);
}

std::vector<AttemptRow> AttemptsOf(soci::session& sql, std::int64_t exam, std::int64_t person) {
  db::SqlArgs a;
  return db::AllOf(sql,
                   fmt::format("{}WHERE t.exam_id = {} AND t.person_id = {} ORDER BY t.attempt_no", kAttemptColumns,
                               a.Int(exam), a.Int(person)),
                   a, AttemptFrom);
}

std::vector<AttemptRow> AttemptsOfExam(soci::session& sql, std::int64_t exam) {
  db::SqlArgs a;
  return db::AllOf(
      sql, fmt::format("{}WHERE t.exam_id = {} ORDER BY t.person_id, t.attempt_no", kAttemptColumns, a.Int(exam)), a,
      AttemptFrom);
}

std::vector<ItemRow> ItemsOf(soci::session& sql, std::int64_t attempt) {
  db::SqlArgs a;
  return db::AllOf(sql, fmt::format("{}WHERE i.attempt_id = {} ORDER BY i.position", kItemColumns, a.Int(attempt)), a,
                   ItemFrom);
}

std::vector<ItemRow> ItemsOfAttempts(soci::session& sql, const std::vector<std::int64_t>& attempts) {
  std::vector<ItemRow> out;
  for (std::size_t i = 0; i < attempts.size(); i += 500) {
    const std::vector<std::int64_t> chunk(
        attempts.begin() + static_cast<std::ptrdiff_t>(i),
        attempts.begin() + static_cast<std::ptrdiff_t>(std::min(i + 500, attempts.size())));
    db::SqlArgs a;
    auto rows = db::AllOf(sql, fmt::format("{}WHERE i.attempt_id IN {}", kItemColumns, a.IntList(chunk)), a, ItemFrom);
    out.insert(out.end(), std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end()));
  }
  return out;
}

std::optional<ItemRow> ReadItem(soci::session& sql, std::int64_t attempt, int position) {
  db::SqlArgs a;
  return db::FirstOf(
      sql, fmt::format("{}WHERE i.attempt_id = {} AND i.position = {}", kItemColumns, a.Int(attempt), a.Int(position)),
      a, ItemFrom);
}

std::vector<ExamineeRow> Examinees(soci::session& sql, std::int64_t exam) {
  db::SqlArgs a;
  return db::AllOf(sql,
                   fmt::format("SELECT pe.id, pe.name, pe.badge_no, u.id AS unit_id, u.name AS unit_name, u.path FROM "
                               "exam_examinees x JOIN people pe ON pe.id = x.person_id JOIN units u ON u.id = "
                               "pe.unit_id WHERE x.exam_id = {} ORDER BY u.path, pe.badge_no, pe.id",
                               a.Int(exam)),
                   a, [](const db::Row& r) {
                     ExamineeRow v;
                     FZ_READ(r, v, unit_id, name, badge_no, unit_name);
                     v.person_id = r.Int("id");
                     v.unit_path = r.Str("path");
                     return v;
                   });
}

std::vector<std::pair<std::int64_t, std::int64_t>> EventCounts(soci::session& sql, std::int64_t exam) {
  db::SqlArgs a;
  return db::AllOf(sql,
                   fmt::format("SELECT v.attempt_id, COUNT(*) AS n FROM exam_events v JOIN exam_attempts t ON t.id = "
                               "v.attempt_id WHERE t.exam_id = {} GROUP BY v.attempt_id",
                               a.Int(exam)),
                   a, [](const db::Row& r) {
                     return std::pair{r.Int("attempt_id"), r.Int("n")};
                   });
}

void SetTabToken(soci::session& sql, std::int64_t attempt, const std::string& token) {
  db::SqlArgs a;
  db::Exec(sql, fmt::format("UPDATE exam_attempts SET tab_token = {} WHERE id = {}", a.Str(token), a.Int(attempt)), a);
}

void SaveAnswer(soci::session& sql, std::int64_t attempt, int position, const std::string& answer, EpochSeconds now) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE exam_attempt_items SET answer = {}, version = version + 1, answered_at = {} WHERE "
                       "attempt_id = {} AND position = {}",
                       a.Str(answer), a.Int(now), a.Int(attempt), a.Int(position)),
           a);
}

void SetAutoScore(soci::session& sql, std::int64_t attempt, int position, int score) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE exam_attempt_items SET auto_score = {} WHERE attempt_id = {} AND position = {}",
                       a.Int(score), a.Int(attempt), a.Int(position)),
           a);
}

void SetMark(soci::session& sql, std::int64_t attempt, int position, int score, std::int64_t marker, EpochSeconds now) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE exam_attempt_items SET mark_score = {}, marker_user_id = {}, marked_at = {} WHERE "
                       "attempt_id = {} AND position = {}",
                       a.Int(score), a.Int(marker), a.Int(now), a.Int(attempt), a.Int(position)),
           a);
}

void FinishAttempt(soci::session& sql, const AttemptRow& t) {
  db::SqlArgs a;
  db::Exec(
      sql,
      fmt::format("UPDATE exam_attempts SET status = {}, submitted_at = {}, submit_kind = {}, objective_score = {}, "
                  "subjective_score = {}, score = {}, passed = {} WHERE id = {}",
                  a.Str(t.status), a.OptInt(t.submitted_at), a.Str(t.submit_kind), a.Int(t.objective_score),
                  a.Int(t.subjective_score), a.OptInt(t.score ? std::optional<std::int64_t>(*t.score) : std::nullopt),
                  a.OptInt(t.passed ? std::optional<std::int64_t>(*t.passed ? 1 : 0) : std::nullopt), a.Int(t.id)),
      a);
}

std::vector<std::int64_t> ExpiredOpenAttempts(soci::session& sql, EpochSeconds now, int limit) {
  db::SqlArgs a;
  return db::IntColumn(sql,
                       fmt::format("SELECT id FROM exam_attempts WHERE status = 'open' AND ends_at <= {} ORDER BY id "
                                   "LIMIT {}",
                                   a.Int(now), a.Int(limit)),
                       a, "id");
}

std::int64_t InsertEvent(soci::session& sql, std::int64_t attempt, const std::string& kind, const std::string& detail,
                         EpochSeconds at) {
  db::Values v;
  v.Int("attempt_id", attempt).Str("kind", kind).Str("detail", detail).Int("at", at);
  return db::InsertRow(sql, "exam_events", v);
}

std::vector<AttemptEvent> EventsOf(soci::session& sql, std::int64_t attempt) {
  db::SqlArgs a;
  return db::AllOf(
      sql,
      fmt::format("SELECT id, kind, detail, at FROM exam_events WHERE attempt_id = {} ORDER BY at, id", a.Int(attempt)),
      a, [](const db::Row& r) {
        return AttemptEvent{r.Int("id"), r.Str("kind"), r.Str("detail"), r.Int("at")};
      });
}

std::int64_t CountEvents(soci::session& sql, std::int64_t attempt) {
  db::SqlArgs a;
  return db::Count(sql, fmt::format("SELECT COUNT(*) FROM exam_events WHERE attempt_id = {}", a.Int(attempt)), a);
}

std::vector<MarkTask> MarkTasks(soci::session& sql, std::string_view path, std::optional<std::int64_t> exam,
                                std::optional<std::int64_t> except_person, int limit) {
  db::SqlArgs a;
  std::string where = fmt::format("WHERE t.status = 'marking' AND q.kind = 'short' AND i.mark_score IS NULL AND {}",
                                  db::PathUnder(a, "u.path", path));
  if (exam) where += fmt::format(" AND e.id = {}", a.Int(*exam));
  if (except_person) where += fmt::format(" AND t.person_id <> {}", a.Int(*except_person));
  return db::AllOf(
      sql,
      fmt::format("SELECT i.attempt_id, i.position, t.code, e.id AS exam_id, e.title AS exam_title, q.stem, "
                  "q.answer AS reference, i.answer, i.points FROM exam_attempt_items i JOIN exam_attempts t ON t.id = "
                  "i.attempt_id JOIN exams e ON e.id = t.exam_id JOIN units u ON u.id = e.unit_id JOIN exam_questions "
                  "q ON q.id = i.question_id {} ORDER BY t.submitted_at, t.id, i.position LIMIT {}",
                  where, a.Int(limit)),
      a, [](const db::Row& r) {
        MarkTask out;
        FZ_READ(r, out, attempt_id, position, code, exam_id, exam_title, stem, reference, answer, points);
        return out;
      });
}

// ---- qualifications ----

std::int64_t InsertQualification(soci::session& sql, std::int64_t bureau, const QualificationInput& q,
                                 std::optional<std::int64_t> exam, std::optional<std::int64_t> by, EpochSeconds now) {
  db::Values v;
  FZ_VALUES(v, q, person_id, level, obtained_at, valid_until);
  v.Int("bureau_id", bureau)
      .OptInt("score", q.score ? std::optional<std::int64_t>(*q.score) : std::nullopt)
      .OptInt("exam_id", exam)
      .OptInt("created_by", by)
      .Int("created_at", now);
  return db::InsertRow(sql, "exam_qualifications", v);
}

Paged<Qualification> ListQualifications(soci::session& sql, std::string_view path, std::optional<std::int64_t> person,
                                        std::optional<bool> valid, std::string_view q, EpochSeconds now,
                                        const PageRequest& p) {
  db::SqlArgs a;
  std::string where = "WHERE " + db::PathUnder(a, "u.path", path);
  if (person) where += fmt::format(" AND k.person_id = {}", a.Int(*person));
  if (valid) where += fmt::format(" AND k.valid_until {} {}", *valid ? ">" : "<=", a.Int(now));
  if (!q.empty())
    where += fmt::format(" AND (pe.name LIKE {} ESCAPE '\\' OR pe.badge_no = {})", a.Str(db::ContainsPattern(q)),
                         a.Str(std::string(q)));
  const std::string from =
      "FROM exam_qualifications k JOIN people pe ON pe.id = k.person_id JOIN units u ON u.id = pe.unit_id ";
  Paged<Qualification> out;
  out.total = db::Count(sql, "SELECT COUNT(*) " + from + where, a);
  out.items = db::AllOf(
      sql,
      fmt::format("SELECT k.id, k.bureau_id, k.person_id, pe.name, pe.badge_no, u.name AS unit_name, k.level, "
                  "k.obtained_at, k.score, k.valid_until {}{} ORDER BY k.obtained_at DESC, k.id DESC{}",
                  from, where, Limit(a, p)),
      a, [&](const db::Row& r) {
        Qualification v;
        FZ_READ(r, v, id, bureau_id, person_id, badge_no, unit_name, level, obtained_at, valid_until);
        v.person_name = r.Str("name");
        v.score = OptInt32(r, "score");
        v.valid = r.Int("valid_until") > now && r.Int("obtained_at") <= now;
        return v;
      });
  return out;
}

bool HasValid(soci::session& sql, std::int64_t person, EpochSeconds at) {
  db::SqlArgs a;
  return db::Count(sql,
                   fmt::format("SELECT COUNT(*) FROM exam_qualifications WHERE person_id = {} AND obtained_at <= {} "
                               "AND valid_until > {}",
                               a.Int(person), a.Int(at), a.Int(at)),
                   a) > 0;
}

}  // namespace fazhi::exams::store
