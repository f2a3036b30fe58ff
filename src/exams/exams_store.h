// The only code that writes the exams module's tables (exam_*), and the reads that map their rows.
// Every function runs on the caller's session (inside its transaction) and throws soci::soci_error
// on a database failure. No scope checks here: the service decides who may see what.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/paging.h"
#include "db/soci.h"
#include "exams/exams_types.h"

namespace fazhi::exams::store {

// ---- questions ----
std::int64_t InsertQuestion(soci::session& sql, const Question& q, std::optional<std::int64_t> by, EpochSeconds now);
void UpdateQuestion(soci::session& sql, const Question& q, EpochSeconds now);
std::optional<Question> ReadQuestion(soci::session& sql, std::int64_t id);
Paged<Question> ListQuestions(soci::session& sql, std::int64_t bureau, const QuestionFilter& f, const PageRequest& p);
// Ids of the active questions a rule may draw from, ascending.
std::vector<std::int64_t> DrawableIds(soci::session& sql, std::int64_t bureau, const PaperRule& rule);
// Topics of the bank with their number of active questions per kind: (topic, kind, count).
struct TopicCount {
  std::string topic, kind;
  std::int64_t count = 0;
};
std::vector<TopicCount> TopicCounts(soci::session& sql, std::int64_t bureau);

// ---- papers and exams ----
std::int64_t InsertPaper(soci::session& sql, const Paper& p, std::optional<std::int64_t> by, EpochSeconds now);
std::optional<Paper> ReadPaper(soci::session& sql, std::int64_t id);
std::vector<Paper> ListPapers(soci::session& sql, std::int64_t bureau);
std::int64_t InsertExam(soci::session& sql, const Exam& e, std::optional<std::int64_t> by, EpochSeconds now);
void InsertExaminee(soci::session& sql, std::int64_t exam, std::int64_t person, std::int64_t bureau);
std::optional<Exam> ReadExam(soci::session& sql, std::int64_t id);
// Exams organised by units under `path`, newest window first.
Paged<Exam> ListExams(soci::session& sql, std::string_view path, const PageRequest& p);
// Exams `person` is an examinee of.
std::vector<Exam> ExamsOf(soci::session& sql, std::int64_t person);
bool IsExaminee(soci::session& sql, std::int64_t exam, std::int64_t person);

// ---- attempts ----
struct AttemptRow {
  std::int64_t id = 0, bureau_id = 0, exam_id = 0, person_id = 0;
  int attempt_no = 0;
  std::string code, tab_token, status, submit_kind;
  EpochSeconds started_at = 0, ends_at = 0;
  std::optional<EpochSeconds> submitted_at;
  int objective_score = 0, subjective_score = 0;
  std::optional<int> score;
  std::optional<bool> passed;
};
struct ItemRow {
  std::int64_t attempt_id = 0;
  int position = 0;
  std::int64_t question_id = 0;
  int points = 0;
  std::string option_order;
  std::optional<std::string> answer;
  int version = 0;
  std::optional<EpochSeconds> answered_at;
  std::optional<int> auto_score, mark_score;
  // the question's
  std::string kind, stem, options_json, right, topic;
};
std::int64_t InsertAttempt(soci::session& sql, const AttemptRow& a);
void InsertItem(soci::session& sql, const ItemRow& i);
std::optional<AttemptRow> ReadAttempt(soci::session& sql, std::int64_t id);
std::vector<AttemptRow> AttemptsOf(soci::session& sql, std::int64_t exam, std::int64_t person);
std::vector<AttemptRow> AttemptsOfExam(soci::session& sql, std::int64_t exam);
std::vector<ItemRow> ItemsOf(soci::session& sql, std::int64_t attempt);
std::optional<ItemRow> ReadItem(soci::session& sql, std::int64_t attempt, int position);
// The examinees of an exam with their units (unit path for the reader's scope check).
struct ExamineeRow {
  std::int64_t person_id = 0, unit_id = 0;
  std::string name, badge_no, unit_name, unit_path;
};
std::vector<ExamineeRow> Examinees(soci::session& sql, std::int64_t exam);
// attempt id → number of logged events, for the attempts of an exam.
std::vector<std::pair<std::int64_t, std::int64_t>> EventCounts(soci::session& sql, std::int64_t exam);
// Items of every attempt of the exam in `attempts` (by attempt id).
std::vector<ItemRow> ItemsOfAttempts(soci::session& sql, const std::vector<std::int64_t>& attempts);
void SetTabToken(soci::session& sql, std::int64_t attempt, const std::string& token);
void SaveAnswer(soci::session& sql, std::int64_t attempt, int position, const std::string& answer, EpochSeconds now);
void SetAutoScore(soci::session& sql, std::int64_t attempt, int position, int score);
void SetMark(soci::session& sql, std::int64_t attempt, int position, int score, std::int64_t marker, EpochSeconds now);
void FinishAttempt(soci::session& sql, const AttemptRow& a);  // status, submitted_at, kind, scores, passed
// Open attempts whose end time is before `now`.
std::vector<std::int64_t> ExpiredOpenAttempts(soci::session& sql, EpochSeconds now, int limit);

std::int64_t InsertEvent(soci::session& sql, std::int64_t attempt, const std::string& kind, const std::string& detail,
                         EpochSeconds at);
std::vector<AttemptEvent> EventsOf(soci::session& sql, std::int64_t attempt);
std::int64_t CountEvents(soci::session& sql, std::int64_t attempt);

// Short answers of attempts in 'marking' of exams organised under `path`, not yet marked and not
// the marker's own (person `except_person`).
std::vector<MarkTask> MarkTasks(soci::session& sql, std::string_view path, std::optional<std::int64_t> exam,
                                std::optional<std::int64_t> except_person, int limit);

// ---- qualifications ----
std::int64_t InsertQualification(soci::session& sql, std::int64_t bureau, const QualificationInput& q,
                                 std::optional<std::int64_t> exam, std::optional<std::int64_t> by, EpochSeconds now);
Paged<Qualification> ListQualifications(soci::session& sql, std::string_view path, std::optional<std::int64_t> person,
                                        std::optional<bool> valid, std::string_view q, EpochSeconds now,
                                        const PageRequest& p);
bool HasValid(soci::session& sql, std::int64_t person, EpochSeconds at);

}  // namespace fazhi::exams::store
