#include "evaluation/evaluation_results.h"

#include <fmt/format.h>

#include "cases/case_reads.h"
#include "evaluation/evaluation_service.h"
#include "evaluation/evaluation_store.h"

namespace fazhi::evaluation {

namespace {

// The members' comments on a case, one line each: the overall 评语, then each item's reason.
std::string CommentsText(const std::vector<MarkSheet>& sheets, const Rubric& rubric) {
  std::string out;
  int n = 0;
  for (const auto& s : sheets) {
    ++n;
    std::string line;
    if (!s.comment.empty()) line = s.comment;
    for (const auto& m : s.marks) {
      if (m.comment.empty()) continue;
      for (const auto& it : rubric.items)
        if (it.id == m.item_id)
          line += fmt::format("{}【{}，{}/{} 分】{}", line.empty() ? "" : "；", it.title, m.mark, it.weight, m.comment);
    }
    if (!line.empty()) out += fmt::format("{}评审意见{}：{}", out.empty() ? "" : "\n", n, line);
  }
  return out;
}

}  // namespace

CloseSummary CloseRoundIn(soci::session& sql, const Round& round, EpochSeconds now) {
  CloseSummary sum;
  const Rubric rubric = store::LoadRubric(sql, round.rubric_id).value_or(Rubric{});
  for (const auto& c : store::ListRoundCases(sql, round.id)) {
    const auto sheets = store::LoadSheets(sql, c.id);
    std::int64_t total = 0;
    int members = 0;
    for (const auto& s : sheets)
      if (s.marks.size() == rubric.items.size()) {
        total += s.total;
        ++members;
      }
    if (members == 0) {
      store::SetResult(sql, c.id, std::nullopt, 0, "", "", "");
      ++sum.unmarked;
      continue;
    }
    // Mean of the members' totals, × 100, rounded half up.
    const std::int64_t score = (total * 200 + members) / (2 * members);
    const std::string grade = GradeOf(score, round.good_min, round.poor_below);
    (grade == "good" ? sum.good : grade == "poor" ? sum.poor : sum.pass)++;
    std::string title, comments;
    if (grade != "pass") {
      const cases::CaseNames names = cases::NamesOfCase(sql, c.case_id);
      title = Anonymise(c.title, names);
      comments = Anonymise(CommentsText(sheets, rubric), names);
    }
    store::SetResult(sql, c.id, score, members, grade, title, comments);
  }
  store::SetClosed(sql, round.id, now);
  return sum;
}

}  // namespace fazhi::evaluation
