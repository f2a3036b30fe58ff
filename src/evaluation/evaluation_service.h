// 优劣质案件评定 service: rubrics in versions (a revision is a new version; a round keeps the one it
// was created with), evaluation rounds with cases drawn by rule or at random (seeded: the same seed
// over the same cases draws the same ones; the seed is recorded), a panel whose members mark each
// case item by item, and closing a round: per case the mean of the totals of the members who marked
// every item (score), its grade by the round's thresholds (≥ good_min 优质, < poor_below 劣质, else
// 合格), and the anonymised teaching text of the 优质 and 劣质 cases. docs: src/evaluation/README.md.
//
// Scope: a caller reaches his unit subtree; an account of a bureau's legal unit (法制大队) reaches the
// whole bureau. Rubrics belong to the caller's bureau. A round is seen by whoever reaches its
// organising unit and by the members of its panel; cases are drawn only from the round's unit
// subtree, through cases/case_reads.h. Anything out of reach is NotFound, exactly like a missing id.
// The teaching set (anonymised) is read by the whole bureau of the organising unit.
//
// Permissions: eval.read (rubrics, rounds, results, teaching set), eval.manage (rubrics, rounds,
// selection, closing), eval.mark (a panel member's marks). Forbidden otherwise; writing a rubric also
// needs an account that acts for the whole bureau (bureau_only); a panel member who does not reach the
// round's unit may not manage it (not_organiser).
//
// Errors (4xx, nothing stored): InvalidArgument naming the field — empty rubric (no_items), a weight
// outside 1..100 (invalid_weight), thresholds not 0 ≤ poor_below ≤ good_min ≤ total
// (invalid_thresholds), a mark outside 0..weight (mark_out_of_range), a sheet missing an item
// (incomplete_marks) or naming an item of another rubric (unknown_item), a random draw without a
// count (invalid_count), a period that is not one (invalid_period); Conflict (round_closed) for a
// change of a closed round; Forbidden (not_panel_member) for marks by someone off the panel.
//
// Every change is one Database::Write with its audit row. Thread safety: references only; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "auth/principal.h"
#include "cases/case_reads.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/paging.h"
#include "db/database.h"
#include "evaluation/evaluation_types.h"
#include "training/training_service.h"

namespace fazhi::evaluation {

// `count` of `ids` drawn without replacement by a Fisher–Yates pass driven by std::mt19937_64(seed)
// (its output is fixed by the standard, so the draw is the same on every platform); the draw is
// returned ascending. count ≥ ids.size(): all of them.
std::vector<std::int64_t> DrawSeeded(std::vector<std::int64_t> ids, std::size_t count, std::uint64_t seed);
// The text with every name of the case replaced: officers by their role (主办民警, 协办民警, 法制员),
// persons by surname + 某; and any 身份证号 (18 characters) and mobile number by a placeholder.
std::string Anonymise(std::string text, const cases::CaseNames& names);
// What personal data is still in a text meant to be anonymised: "姓名" when a full name of `names`
// (a person's, or an officer's) occurs in it, "身份证号" / "电话" for an 18-character ID number or a
// mobile number. Empty when none — surname + 某 and the role names are what may remain.
std::vector<std::string> PersonalDataLeft(const std::string& text, const cases::CaseNames& names);
// good / pass / poor for a mean score (× 100) under the round's thresholds.
std::string GradeOf(std::int64_t score_x100, int good_min, int poor_below);

struct RoundDetail {
  Round round;
  Rubric rubric;
  std::vector<RoundCase> cases;
};

struct CaseSheet {
  Round round;
  Rubric rubric;
  RoundCase rcase;
  std::vector<MarkSheet> sheets;  // a manager sees every member's; a member his own
};

// A round's teaching set as published to the training materials library.
struct PublishedTeaching {
  std::int64_t material_id = 0;
  std::string series, title;
  int issue_no = 0, cases = 0;
};
inline constexpr const char* kTeachingSeries = "以案说法";

struct FileDownload {
  std::string bytes, content_type, filename;
};

class EvaluationService {
 public:
  EvaluationService(db::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  Result<std::vector<Rubric>> Rubrics(const auth::Principal& who, bool all_versions) const;
  Result<Rubric> GetRubric(const auth::Principal& who, std::int64_t id) const;
  Result<Rubric> CreateRubric(const auth::Principal& who, const audit::Actor& actor, const RubricInput& in);
  // A new version of the rubric's family; the old versions stay as they were.
  Result<Rubric> ReviseRubric(const auth::Principal& who, const audit::Actor& actor, std::int64_t id,
                              const RubricInput& in);

  // Accounts within reach whose role may mark (eval.mark), for the panel picker.
  Result<std::vector<PanelMember>> PanelCandidates(const auth::Principal& who) const;
  Result<Paged<Round>> Rounds(const auth::Principal& who, const PageRequest& page) const;
  Result<RoundDetail> GetRound(const auth::Principal& who, std::int64_t id) const;
  Result<RoundDetail> CreateRound(const auth::Principal& who, const audit::Actor& actor, const RoundInput& in);
  // Adds the drawn cases to an open round (cases already in it are skipped); records the draw.
  Result<RoundDetail> Select(const auth::Principal& who, const audit::Actor& actor, std::int64_t round_id,
                             const SelectionInput& in);
  Result<CaseSheet> Sheet(const auth::Principal& who, std::int64_t round_case_id) const;
  Result<CaseSheet> SaveMarks(const auth::Principal& who, const audit::Actor& actor, std::int64_t round_case_id,
                              const MarkInput& in);
  Result<RoundDetail> Close(const auth::Principal& who, const audit::Actor& actor, std::int64_t round_id);
  Result<FileDownload> ResultsXlsx(const auth::Principal& who, std::int64_t round_id) const;
  Result<Paged<TeachingCase>> Teaching(const auth::Principal& who, const std::string& grade,
                                       const PageRequest& page) const;
  // Publishes the 优质/劣质 cases of a closed round to the training materials library (src/training)
  // as the next issue of the series 以案说法, once per round. Needs eval.manage and training.manage,
  // the round within reach, and a bureau-level account (the library refuses others, not_bureau_wide).
  // The text is anonymised again at publish time — the case's persons and officers and every name on
  // the bureau's roster, 身份证号, mobile numbers — and checked (PersonalDataLeft); anything left
  // refuses the publish (Conflict personal_data_left). Conflict round_open before closing,
  // already_published the second time, no_teaching_cases when the round has no 优质/劣质 case.
  Result<PublishedTeaching> PublishTeaching(const auth::Principal& who, const audit::Actor& actor,
                                            std::int64_t round_id);
  // Set by the module's Init: the library the teaching set is published to.
  void SetTraining(training::TrainingService* training) { training_ = training; }

 private:
  db::Database& db_;
  const Clock& clock_;
  training::TrainingService* training_ = nullptr;
};

}  // namespace fazhi::evaluation
