#include "evaluation/evaluation_demo.h"

#include <fmt/format.h>

#include "auth/password.h"
#include "cases/case_reads.h"
#include "core/local_time.h"
#include "db/sql.h"
#include "evaluation/evaluation_results.h"
#include "evaluation/evaluation_service.h"
#include "evaluation/evaluation_store.h"
#include "org/org_demo.h"
#include "org/org_reads.h"
#include "org/org_store.h"

namespace fazhi::evaluation {

namespace {

constexpr const char* kRoundName = "年度优劣质案件评定";
constexpr std::int64_t kSeed = 20231231;
constexpr int kDrawn = 20, kGood = 7, kPoor = 2;

RubricInput DemoRubric() {
  return {.name = "案件质量评查评分细则",
          .note = "满分 100 分；90 分以上为优质案件，60 分以下为劣质案件。",
          .items = {{0, 0, "受案立案", "受案登记及时、立案审查准确，法律文书齐全", 15},
                    {0, 0, "证据收集", "证据收集全面、合法、固定规范，证据链完整", 30},
                    {0, 0, "定性与法律适用", "事实认定清楚，定性准确，适用法律正确", 25},
                    {0, 0, "办案程序", "程序合法，期限遵守，强制措施适用得当，权利告知到位", 20},
                    {0, 0, "卷宗规范", "卷宗装订规范，文书制作规范，涉案财物管理规范", 10}}};
}

// The demo's panel: fazhiyuan and two more 法制大队 法制员 accounts (created when absent).
std::vector<std::pair<std::int64_t, std::string>> Panel(soci::session& sql, std::int64_t bureau_id,
                                                        const org::UnitRef& legal, EpochSeconds now) {
  std::vector<std::pair<std::int64_t, std::string>> out;
  const auto people = org::ReadPeopleUnder(sql, legal.path);
  const char* names[] = {"fazhiyuan", "pingshen2", "pingshen3"};
  for (int i = 0; i < 3; ++i) {
    db::SqlArgs a;
    std::optional<std::int64_t> id =
        db::ScalarInt(sql, fmt::format("SELECT id FROM users WHERE username = {}", a.Str(names[i])), a);
    std::string display;
    if (!id) {
      const std::size_t k = static_cast<std::size_t>(5 + i);
      if (k >= people.size()) continue;
      display = people[k].name;
      id = org::detail::InsertDemoLogin(sql,
                                        {.bureau_id = bureau_id,
                                         .unit_id = legal.id,
                                         .person_id = people[k].id,
                                         .username = names[i],
                                         .display_name = display,
                                         .password_hash = auth::HashPassword(org::kDemoPassword),
                                         .role = "legal_officer"},
                                        now);
    } else {
      db::SqlArgs b;
      display = db::ScalarText(sql, fmt::format("SELECT display_name FROM users WHERE id = {}", b.Int(*id)), b)
                    .value_or(names[i]);
    }
    out.emplace_back(*id, display);
  }
  return out;
}

// Member m's marks of the k-th case: 优质 cases lose at most one point an item, 劣质 cases score
// about half, the others about 80%.
MarkInput DemoMarks(const Rubric& rubric, int k, int m, const cases::CaseNames& names) {
  MarkInput in;
  const bool good = k < kGood, poor = k >= kGood && k < kGood + kPoor;
  int i = 0;
  for (const auto& it : rubric.items) {
    const int wobble = (k + m + i++) % 2;
    const int mark = good ? it.weight - wobble : poor ? it.weight / 2 + wobble : it.weight * 8 / 10 - wobble;
    std::string why;
    if (poor && it.title == "证据收集")
      why = fmt::format("未调取关键视频监控，对{}的询问笔录未载明权利义务告知",
                        names.persons.empty() ? "当事人" : names.persons.front());
    if (poor && it.title == "办案程序" && !names.officers.empty())
      why = fmt::format("{}超期送达处罚决定书，未及时告知当事人（电话 13800000000）", names.officers.front().first);
    in.marks.push_back({it.id, mark, why});
  }
  in.comment = good   ? "证据扎实，程序规范，文书制作规范，可作为同类案件办理范例。"
               : poor ? "证据链存在缺口，程序瑕疵较多，须组织整改并在全局通报。"
                      : "案件办理基本规范，个别文书制作有待改进。";
  return in;
}

}  // namespace

Result<std::vector<std::string>> GenerateEvaluationDemo(db::Database& db, const Clock& clock, int year) {
  const std::string round_name = fmt::format("{}{}", year, kRoundName);
  return db.Write([&](soci::session& sql) -> Result<std::vector<std::string>> {
    db::SqlArgs a;
    const auto bureau_id = db::ScalarInt(
        sql, fmt::format("SELECT id FROM units WHERE name = {} AND level = 'bureau'", a.Str("城区分局")), a);
    if (!bureau_id) return std::vector<std::string>{"优劣质案件评定：没有演示单位，未生成。"};
    db::SqlArgs b;
    if (db::ScalarInt(sql,
                      fmt::format("SELECT COUNT(*) FROM eval_rounds WHERE bureau_id = {} AND name = {}",
                                  b.Int(*bureau_id), b.Str(round_name)),
                      b)
            .value_or(0) > 0)
      return std::vector<std::string>{"优劣质案件评定演示数据已存在，未做改动。"};
    const auto bureau = org::ReadUnit(sql, *bureau_id);
    std::optional<org::UnitRef> legal;
    for (auto& u : org::ReadUnitsUnder(sql, bureau->path))
      if (u.level == "team" && org::IsLegalUnit(u.name, u.category)) legal = u;
    if (!legal) return std::vector<std::string>{"优劣质案件评定：演示分局没有法制大队，未生成。"};
    const EpochSeconds from = LocalMidnight(CivilDate{year, 1, 1}), to = LocalMidnight(CivilDate{year + 1, 1, 1});
    const auto candidates =
        cases::EvaluableCases(sql, {.unit_path = bureau->path, .closed_from = from, .closed_to = to});
    if (candidates.size() < static_cast<std::size_t>(kDrawn))
      return std::vector<std::string>{fmt::format("优劣质案件评定：{} 年结案不足 {} 件，未生成。", year, kDrawn)};
    const EpochSeconds now = LocalMidnight(CivilDate{year, 12, 28}) + 10 * 3600;
    const auto panel = Panel(sql, *bureau_id, *legal, now);
    const std::int64_t rubric_id =
        store::InsertRubric(sql, *bureau_id, std::nullopt, 1, DemoRubric(), std::nullopt, now);
    const Rubric rubric = *store::LoadRubric(sql, rubric_id);
    RoundInput ri{.name = round_name, .rubric_id = rubric_id, .good_min = 90, .poor_below = 60};
    const std::int64_t round_id = store::InsertRound(sql, *bureau_id, legal->id, ri, std::nullopt, now);
    for (const auto& [uid, name] : panel) store::InsertPanelMember(sql, round_id, *bureau_id, uid, name);
    std::vector<std::int64_t> ids;
    for (const auto& c : candidates) ids.push_back(c.id);
    const auto drawn = DrawSeeded(ids, kDrawn, kSeed);
    std::size_t next = 0;
    for (const auto& c : candidates)
      if (next < drawn.size() && c.id == drawn[next]) {
        store::InsertRoundCase(sql, *bureau_id, round_id, c);
        ++next;
      }
    store::SetSelection(sql, round_id,
                        fmt::format(R"([{{"mode":"random","closed_from":{},"closed_to":{},"candidates":{},"count":{},)"
                                    R"("added":{},"seed":{},"at":{}}}])",
                                    from, to, candidates.size(), kDrawn, drawn.size(), kSeed, now),
                        kSeed, now);
    int k = 0;
    for (const auto& c : store::ListRoundCases(sql, round_id)) {
      const auto names = cases::NamesOfCase(sql, c.case_id);
      for (std::size_t m = 0; m < panel.size(); ++m)
        store::ReplaceMarks(sql, *bureau_id, c.id, panel[m].first, DemoMarks(rubric, k, static_cast<int>(m), names),
                            now);
      ++k;
    }
    const CloseSummary s = CloseRoundIn(sql, store::LoadRound(sql, round_id)->r, now + 3600);
    (void)clock;
    return std::vector<std::string>{fmt::format(
        "已生成 {} 年优劣质案件评定：评分细则 1 套（5 项，满分 100），随机抽取（种子 {}）{} 件结案案件，评审组 "
        "{} 人；优质 {} 件、合格 {} 件、劣质 {} 件，优质与劣质案件已作为教学案例（已脱敏）。",
        year, kSeed, drawn.size(), panel.size(), s.good, s.pass, s.poor)};
  });
}

}  // namespace fazhi::evaluation
