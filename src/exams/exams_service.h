// 考试 service (issue 14 items 2 and 3): the question bank, papers drawn by rules, exams, taking an
// exam against the server's clock, marking, results and analysis, and the 执法资格 register.
//
// Reach: a manager (exam.manage) or marker (exam.mark) reaches his unit subtree; on a bureau's
// legal unit (法制大队) the whole bureau. The bank and the papers belong to the caller's bureau. An
// exam is reached when its organising unit is; examinees are people within reach. Anything out of
// reach answers NotFound, exactly like an id that does not exist.
//
// Taking (exam.take, the caller's account linked to a person who is an examinee): Open starts an
// attempt (or resumes the open one) and hands the calling tab a fresh token; the newest tab to open
// an attempt holds it, and an older tab's saves are refused with Conflict (tab_replaced) — so two
// tabs never both write, and every save the server acknowledged is committed. SaveAnswer stores the
// answer as given (the same answer twice changes nothing: idempotent), refused after the attempt's
// server-side end (Conflict time_over) — end = min(start + duration, window end), fixed at the
// start. At Submit, or at the end time (SubmitExpired, the module's sweep, and any read of the
// attempt), the objective questions are marked; short answers wait for a marker (a second person
// who does not see the examinee's name: the attempt's code only), then the attempt has its score
// and pass / fail. Retakes: `retakes` more attempts after a failed one, within the window.
//
// Unusual behaviour (tab switches, pastes) reported by the page is logged and shown to reviewers;
// it never changes a score.
//
// Errors (nothing stored): InvalidArgument naming the field (a paper rule asking for more questions
// than the bank holds names the rule: reason not_enough_questions); Conflict for a step the state
// does not allow; Forbidden without the permission. Every change but an answer save writes its
// audit row in the same transaction (answers are their own record: version and answered_at).
// Thread safety: the service holds references only; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "auth/principal.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/paging.h"
#include "db/database.h"
#include "exams/exams_reads.h"
#include "exams/exams_types.h"

namespace fazhi::exams {

struct FileDownload {
  std::string bytes, content_type, filename;
};

// The displayed order of options and the draw: deterministic per (exam, person, attempt_no).
std::uint64_t AttemptSeed(std::int64_t exam, std::int64_t person, int attempt_no);

// Draws an attempt's questions by the paper's rules (seeded), shuffles them and their options, and
// stores them (Conflict not_enough_questions when the bank shrank below a rule since the paper).
Result<void> DrawItems(soci::session& sql, const Paper& paper, std::int64_t attempt_id, std::uint64_t seed);
// Hands an open attempt in: marks the objective questions; 'done' with score and pass/fail, or
// 'marking' when it has short answers. 0 and nothing changed when it is not open.
Result<int> FinishAttemptIn(soci::session& sql, std::int64_t attempt_id, const std::string& kind, EpochSeconds now);

class ExamService {
 public:
  ExamService(db::Database& db, const Clock& clock) : db_(db), clock_(clock) {}
  const Clock& clock() const { return clock_; }
  // Called in the transaction of every qualification recorded (登记, 导入) and after the demo's
  // (src/oversight sets it: the cases of these officers are checked again). May stay unset.
  void SetQualificationsChanged(QualificationsChanged fn) { on_qualifications_ = std::move(fn); }
  Result<void> QualificationsRecorded(soci::session& sql, const std::vector<std::int64_t>& persons) const {
    return on_qualifications_ ? on_qualifications_(sql, persons) : Result<void>{};
  }

  // ---- bank (exam.manage) ----
  Result<Paged<Question>> ListQuestions(const auth::Principal& who, const QuestionFilter& f,
                                        const PageRequest& page) const;
  Result<Question> GetQuestion(const auth::Principal& who, std::int64_t id) const;
  Result<Question> CreateQuestion(const auth::Principal& who, const audit::Actor& actor, Question q);
  Result<Question> UpdateQuestion(const auth::Principal& who, const audit::Actor& actor, std::int64_t id, Question q);
  // Rows: 题型, 主题, 难度, 题干, 选项A…选项F, 答案, 解析. All rows or none (errors name the row).
  Result<ImportResult> ImportQuestions(const auth::Principal& who, const audit::Actor& actor, std::string_view bytes,
                                       std::string_view filename);
  Result<FileDownload> QuestionTemplate() const;
  // (topic, kind, count) of the active bank.
  Result<std::vector<std::tuple<std::string, std::string, std::int64_t>>> Topics(const auth::Principal& who) const;

  // ---- papers and exams (exam.manage) ----
  Result<Paper> CreatePaper(const auth::Principal& who, const audit::Actor& actor, const std::string& title,
                            const std::vector<PaperRule>& rules);
  Result<std::vector<Paper>> ListPapers(const auth::Principal& who) const;
  Result<Exam> CreateExam(const auth::Principal& who, const audit::Actor& actor, const ExamInput& in);
  Result<Paged<Exam>> ListExams(const auth::Principal& who, const PageRequest& page) const;
  Result<Exam> GetExam(const auth::Principal& who, std::int64_t id) const;

  // ---- taking (exam.take) ----
  Result<std::vector<MyExam>> MyExams(const auth::Principal& who);
  Result<Attempt> Open(const auth::Principal& who, const audit::Actor& actor, std::int64_t exam_id);
  // The caller's own attempt (handed in: with scores and, once done, the right answers).
  Result<Attempt> MyAttempt(const auth::Principal& who, std::int64_t attempt_id);
  struct Saved {
    int version = 0;
    EpochSeconds saved_at = 0;
    EpochSeconds ends_at = 0;
  };
  Result<Saved> SaveAnswer(const auth::Principal& who, std::int64_t attempt_id, int position, const std::string& token,
                           const std::string& answer);
  Result<Attempt> Submit(const auth::Principal& who, const audit::Actor& actor, std::int64_t attempt_id,
                         const std::string& token);
  Result<void> LogEvent(const auth::Principal& who, std::int64_t attempt_id, const std::string& kind,
                        const std::string& detail);
  // Hands in every open attempt past its end (the module's sweep). Returns how many.
  Result<int> SubmitExpired();

  // ---- marking (exam.mark) ----
  Result<std::vector<MarkTask>> MarkTasks(const auth::Principal& who, std::optional<std::int64_t> exam) const;
  Result<void> Mark(const auth::Principal& who, const audit::Actor& actor, std::int64_t attempt_id, int position,
                    int score);

  // ---- results (exam.manage) ----
  Result<Paged<ResultRow>> Results(const auth::Principal& who, std::int64_t exam_id, const PageRequest& page);
  Result<FileDownload> ResultsXlsx(const auth::Principal& who, std::int64_t exam_id);
  Result<Attempt> ReviewAttempt(const auth::Principal& who, std::int64_t attempt_id);
  Result<Analysis> Analyse(const auth::Principal& who, std::int64_t exam_id);

  // ---- 执法资格 (list: exam.take for one's own, exam.manage within reach) ----
  Result<Paged<Qualification>> Qualifications(const auth::Principal& who, std::optional<bool> valid,
                                              const std::string& q, const PageRequest& page) const;
  Result<Qualification> AddQualification(const auth::Principal& who, const audit::Actor& actor,
                                         const QualificationInput& in);
  // Rows: 警号, 等级 (基本级/中级/高级), 取得日期, 成绩, 有效期至. All or none.
  Result<ImportResult> ImportQualifications(const auth::Principal& who, const audit::Actor& actor,
                                            std::string_view bytes, std::string_view filename);

 private:
  db::Database& db_;
  const Clock& clock_;
  QualificationsChanged on_qualifications_;
};

}  // namespace fazhi::exams
