// 优劣质案件评定 (case quality evaluation): plain data of the evaluation module. A rubric
// (评分细则) version with its items, an evaluation round (评定批次) with its cases, panel (评审组) and
// marks, the results (优质 / 合格 / 劣质) and the anonymised teaching set (教学案例).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"

namespace fazhi::evaluation {

// One item of a rubric: a member gives it a mark of 0..weight (分值).
struct RubricItem {
  std::int64_t id = 0;
  int position = 0;
  std::string title, description;
  int weight = 0;
};

// A rubric version. Revising makes a new version (same family); rounds keep the version they used.
struct Rubric {
  std::int64_t id = 0, bureau_id = 0, family_id = 0;  // family_id: the first version's id
  int version = 1;
  std::string name, note;
  int total = 0;  // 满分 = Σ weights
  bool current = true;
  EpochSeconds created_at = 0;
  std::vector<RubricItem> items;
};

struct RubricInput {
  std::string name, note;
  std::vector<RubricItem> items;  // id ignored
};

// A case of a round: what was copied at selection, and the result once the round is closed.
struct RoundCase {
  std::int64_t id = 0, round_id = 0, case_id = 0, unit_id = 0;
  std::string external_id, title, case_type, cause, category, unit_name;
  std::optional<std::int64_t> lead_officer_id;
  std::optional<EpochSeconds> closed_at;
  std::optional<std::int64_t> score_x100;  // mean of the members' totals × 100
  int marked_by = 0;                       // members counted in the mean
  std::string grade;                       // good / pass / poor; "" before closing or when nobody marked
  std::string anon_title, anon_comments;
  int my_marks = 0;  // items the caller has marked (filled for a panel member)
};

struct PanelMember {
  std::int64_t user_id = 0;
  std::string name;
};

// 评定批次. Thresholds in points of the rubric's total: score ≥ good_min → 优质, score < poor_below → 劣质.
struct Round {
  std::int64_t id = 0, bureau_id = 0, unit_id = 0, rubric_id = 0;
  std::string name, unit_name, status;  // open / closed
  int good_min = 0, poor_below = 0;
  std::string selection;  // JSON of the draws made
  std::optional<std::int64_t> seed;
  std::optional<EpochSeconds> closed_at;
  EpochSeconds created_at = 0;
  std::optional<std::int64_t> material_id;  // the 以案说法 issue (training library) its teaching set became
  std::int64_t cases = 0;                   // in lists
  std::vector<PanelMember> panel;
  bool member = false;  // the caller is on the panel
};

struct RoundInput {
  std::string name;
  std::int64_t rubric_id = 0;
  int good_min = 0, poor_below = 0;
  std::optional<std::int64_t> unit_id;  // organising unit; default the caller's reach
  std::vector<std::int64_t> panel;      // user ids
};

// How cases are drawn into a round: every closed case matching the rule, or `count` of them at
// random with `seed` (none given: one is chosen and recorded).
struct SelectionInput {
  std::string mode = "rule";  // rule / random
  EpochSeconds closed_from = 0, closed_to = 0;
  std::string case_type, category;
  std::optional<std::int64_t> unit_id;  // within the round's unit
  int count = 0;                        // random: how many
  std::optional<std::int64_t> seed;
  std::vector<std::int64_t> case_ids;  // mode "list": these cases
};

struct Mark {
  std::int64_t item_id = 0;
  int mark = 0;
  std::string comment;  // why (扣分理由), optional
};

// A member's marks of one case.
struct MarkSheet {
  std::int64_t user_id = 0;
  std::string name;
  std::vector<Mark> marks;
  std::string comment;
  int total = 0;
};

struct MarkInput {
  std::vector<Mark> marks;
  std::string comment;
};

// One case of the teaching set (教学案例): anonymised.
struct TeachingCase {
  std::int64_t id = 0, round_id = 0;
  std::string round_name, grade, title, case_type, category, comments;
  std::int64_t score_x100 = 0;
  EpochSeconds closed_at = 0;
};

// 中文 name of a grade: good → 优质, pass → 合格, poor → 劣质, "" → 未评定.
std::string GradeName(const std::string& grade);

}  // namespace fazhi::evaluation
