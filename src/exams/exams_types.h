// Plain data of the exams module (考试): the question bank (题库), papers drawn by rules (组卷规则),
// exams (考试) with their examinees, attempts (答卷) with their answers, the short-answer marking
// (阅卷), the analysis (试题分析) and the 执法资格 (law-enforcement qualification). No logic here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"

namespace fazhi::exams {

// 题型: single 单选, multi 多选, judge 判断, short 简答.
inline const std::vector<std::string> kKinds = {"single", "multi", "judge", "short"};
// 考试类别: night_school 法制夜校, qualification 执法资格考试, other 其他.
inline const std::vector<std::string> kCategories = {"night_school", "qualification", "other"};
// 执法资格等级: basic 基本级, intermediate 中级, senior 高级.
inline const std::vector<std::string> kLevels = {"basic", "intermediate", "senior"};

struct Question {
  std::int64_t id = 0;
  std::int64_t bureau_id = 0;
  std::string topic;  // e.g. 《治安管理处罚法》
  int level = 1;      // 难度 1 易 / 2 中 / 3 难
  std::string kind;
  std::string stem;
  std::vector<std::string> options;  // single / multi
  std::string answer;                // original letters ("ACD"), T/F, or the reference answer
  std::string analysis;
  bool active = true;
  EpochSeconds updated_at = 0;
};

struct QuestionFilter {
  std::optional<std::string> topic, kind;
  std::optional<int> level;
  std::string q;  // in the stem
  bool include_inactive = false;
};

// One rule of a paper: `count` questions of `kind` on `topic` (of `level` when given), each worth
// `score` points.
struct PaperRule {
  std::string topic;
  std::string kind;
  std::optional<int> level;
  int count = 0;
  int score = 0;
};

struct Paper {
  std::int64_t id = 0;
  std::int64_t bureau_id = 0;
  std::string title;
  std::vector<PaperRule> rules;
  int total_score = 0;
  EpochSeconds created_at = 0;
};

struct Exam {
  std::int64_t id = 0;
  std::int64_t bureau_id = 0;
  std::int64_t unit_id = 0;
  std::string unit_name;
  std::int64_t paper_id = 0;
  std::string paper_title;
  int total_score = 0;
  std::string title;
  std::string category;
  EpochSeconds opens_at = 0, closes_at = 0;
  int duration_minutes = 0;
  int pass_score = 0;
  int retakes = 0;
  std::int64_t examinees = 0;
  std::int64_t submitted = 0;  // attempts handed in (marking or done)
  std::int64_t to_mark = 0;    // attempts waiting for the short answers to be marked
};

struct ExamInput {
  std::int64_t paper_id = 0;
  std::string title;
  std::string category = "other";
  EpochSeconds opens_at = 0, closes_at = 0;
  int duration_minutes = 0;
  int pass_score = 0;
  int retakes = 0;
  std::vector<std::int64_t> unit_ids;    // every active person of these units' subtrees
  std::vector<std::int64_t> person_ids;  // and these people
};

// One question of an attempt as the examinee sees it: options in his order, labelled A, B, …; his
// answer in those labels.
struct AttemptItem {
  int position = 0;
  std::int64_t question_id = 0;
  std::string kind;
  std::string stem;
  std::vector<std::string> options;
  int points = 0;
  std::string answer;  // displayed letters / T / F / text; "" = not answered
  int version = 0;
  std::optional<EpochSeconds> answered_at;
  // After the attempt is handed in (reviewer, results):
  std::optional<int> auto_score, mark_score;
  std::string reference;  // the right answer in the displayed letters, or the reference text
};

struct AttemptEvent {
  std::int64_t id = 0;
  std::string kind;  // blur 切换窗口, paste 粘贴, copy 复制, …
  std::string detail;
  EpochSeconds at = 0;
};

struct Attempt {
  std::int64_t id = 0;
  std::int64_t exam_id = 0;
  std::string exam_title;
  std::int64_t person_id = 0;
  std::string person_name, unit_name;  // filled for reviewers only
  int attempt_no = 1;
  std::string code;
  std::string tab_token;  // given to the tab that opened it last (Open); "" elsewhere
  EpochSeconds started_at = 0, ends_at = 0;
  std::optional<EpochSeconds> submitted_at;
  std::string submit_kind;  // manual 交卷 / timeout 到时自动交卷
  std::string status;       // open / marking / done
  int objective_score = 0, subjective_score = 0;
  std::optional<int> score;
  std::optional<bool> passed;
  int pass_score = 0, total_score = 0;
  EpochSeconds server_now = 0;
  std::vector<AttemptItem> items;
  std::vector<AttemptEvent> events;
};

// "我的考试": an exam the caller is an examinee of, with his attempts so far.
struct MyExam {
  Exam exam;
  int attempts = 0;
  std::optional<int> best_score;
  bool passed = false;
  std::optional<std::int64_t> open_attempt_id;
  std::string state;  // upcoming 未开始 / available 可参加 / in_progress 作答中 / marking 待阅卷 / passed 已通过 /
                      // failed 未通过 / closed 已结束 / time_over 时间已到 (an open attempt past its end, not yet
                      // handed in by the sweep)
};

// A short answer waiting for marking. No name: the attempt's anonymous code only.
struct MarkTask {
  std::int64_t attempt_id = 0;
  int position = 0;
  std::string code;
  std::int64_t exam_id = 0;
  std::string exam_title;
  std::string stem, reference, answer;
  int points = 0;
};

// One examinee's line of an exam's results.
struct ResultRow {
  std::int64_t person_id = 0;
  std::string name, badge_no, unit_name;
  int attempts = 0;
  std::optional<std::int64_t> best_attempt_id;
  std::optional<int> best_score;
  std::string status;  // absent 缺考 / open / marking / passed / failed
  std::int64_t events = 0;
};

struct QuestionStat {
  std::int64_t question_id = 0;
  std::string kind, topic, stem;
  int answered = 0;
  double difficulty = 0;                 // share of the points earned (1 = everyone right)
  std::optional<double> discrimination;  // upper 27% − lower 27%
};

struct UnitStat {
  std::int64_t unit_id = 0;
  std::string unit_name;
  int examinees = 0, took = 0, passed = 0;
};

struct Analysis {
  int graded = 0;  // examinees with a final score
  std::optional<double> mean_score;
  std::vector<QuestionStat> questions;
  std::vector<UnitStat> units;
};

struct Qualification {
  std::int64_t id = 0;
  std::int64_t bureau_id = 0;
  std::int64_t person_id = 0;
  std::string person_name, badge_no, unit_name;
  std::string level;
  EpochSeconds obtained_at = 0;
  std::optional<int> score;
  EpochSeconds valid_until = 0;
  bool valid = false;  // valid now
};

struct QualificationInput {
  std::int64_t person_id = 0;
  std::string level;
  EpochSeconds obtained_at = 0;
  std::optional<int> score;
  EpochSeconds valid_until = 0;
};

struct ImportResult {
  int imported = 0;
  std::vector<std::string> errors;  // "第 3 行：…" (nothing imported when any)
};

}  // namespace fazhi::exams
