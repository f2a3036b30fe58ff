// The only code that writes the evaluation tables (eval_rubrics, eval_rubric_items, eval_rounds,
// eval_round_cases, eval_panel, eval_marks, eval_comments; migration 095) and the reads that map
// their rows to evaluation_types.h. Functions take the caller's session (inside its transaction).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cases/case_reads.h"
#include "core/paging.h"
#include "db/soci.h"
#include "evaluation/evaluation_types.h"

namespace fazhi::evaluation::store {

// Inserts a rubric version with its items (family_id NULL for a first version); returns its id.
std::int64_t InsertRubric(soci::session& sql, std::int64_t bureau_id, std::optional<std::int64_t> family_id,
                          int version, const RubricInput& in, std::optional<std::int64_t> user_id, EpochSeconds now);
// Marks every version of the family as not current (before a new version is inserted).
void RetireFamily(soci::session& sql, std::int64_t family_id);
// The highest version number of the family.
int LatestVersion(soci::session& sql, std::int64_t family_id);
std::optional<Rubric> LoadRubric(soci::session& sql, std::int64_t id);
// The rubric versions of a bureau (current only, or all), newest first.
std::vector<Rubric> ListRubrics(soci::session& sql, std::int64_t bureau_id, bool all_versions);

std::int64_t InsertRound(soci::session& sql, std::int64_t bureau_id, std::int64_t unit_id, const RoundInput& in,
                         std::optional<std::int64_t> user_id, EpochSeconds now);
void InsertPanelMember(soci::session& sql, std::int64_t round_id, std::int64_t bureau_id, std::int64_t user_id,
                       const std::string& name);
// The round with its unit's path (for scope) and its panel.
struct RoundRow {
  Round r;
  std::string unit_path;
};
// The display name of an active account whose unit lies under `reach_path` (a panel member), or nullopt.
std::optional<std::string> PanelCandidate(soci::session& sql, std::int64_t user_id, const std::string& reach_path);
// Active accounts under `reach_path` holding a role in `roles` (panel candidates), by name.
std::vector<PanelMember> PanelCandidates(soci::session& sql, const std::string& reach_path,
                                         const std::vector<std::string>& roles);
std::optional<RoundRow> LoadRound(soci::session& sql, std::int64_t id);
// Rounds whose unit lies under `reach_path` or whose panel holds `user_id`, newest first.
Paged<Round> ListRounds(soci::session& sql, const std::string& reach_path, std::int64_t user_id,
                        const PageRequest& page);
void SetSelection(soci::session& sql, std::int64_t round_id, const std::string& selection,
                  std::optional<std::int64_t> seed, EpochSeconds now);
void SetClosed(soci::session& sql, std::int64_t round_id, EpochSeconds at);

// Adds the case to the round unless it is there; returns whether it was added.
bool InsertRoundCase(soci::session& sql, std::int64_t bureau_id, std::int64_t round_id, const cases::EvaluableCase& c);
// The round's cases by id; with `user_id`, my_marks counts that member's marks.
std::vector<RoundCase> ListRoundCases(soci::session& sql, std::int64_t round_id, std::int64_t user_id = 0);
std::optional<RoundCase> LoadRoundCase(soci::session& sql, std::int64_t id);
void SetResult(soci::session& sql, std::int64_t round_case_id, std::optional<std::int64_t> score_x100, int marked_by,
               const std::string& grade, const std::string& anon_title, const std::string& anon_comments);

// Replaces the member's marks (and comment) of the case.
void ReplaceMarks(soci::session& sql, std::int64_t bureau_id, std::int64_t round_case_id, std::int64_t user_id,
                  const MarkInput& in, EpochSeconds now);
// Every member's sheet of the case (members of the panel without marks left out), by user id.
std::vector<MarkSheet> LoadSheets(soci::session& sql, std::int64_t round_case_id);

// The graded good/poor cases of closed rounds of bureau `bureau_id` or organised under `reach_path`
// (the teaching set is anonymised: the whole bureau may read it).
Paged<TeachingCase> ListTeaching(soci::session& sql, std::int64_t bureau_id, const std::string& reach_path,
                                 const std::string& grade, const PageRequest& page);

// Claims a round for publishing its teaching set (teaching_material_id 0): true only for the one
// transaction that found it NULL; a concurrent claimer waits on the row and then finds it taken.
bool ClaimPublish(soci::session& sql, std::int64_t round_id);
// The 以案说法 issue the round was published as; nullopt releases a failed claim.
void SetPublished(soci::session& sql, std::int64_t round_id, std::optional<std::int64_t> material_id);

}  // namespace fazhi::evaluation::store
