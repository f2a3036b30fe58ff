#include "evaluation/evaluation_service.h"

#include <algorithm>
#include <functional>
#include <map>
#include <random>
#include <regex>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "auth/require.h"
#include "auth/roles.h"
#include "core/json_fields.h"
#include "core/local_time.h"
#include "db/sql.h"
#include "evaluation/evaluation_results.h"
#include "evaluation/evaluation_store.h"
#include "files/attachments.h"
#include "files/spreadsheet.h"
#include "org/org_reads.h"

namespace fazhi::evaluation {

using auth::Principal;

namespace {

using org::Reach;

// His unit subtree; on a bureau's legal unit (法制大队), the whole bureau.
Reach ReachOf(soci::session& sql, const Principal& who) { return org::ReachOf(sql, who); }

using auth::NameOf;
using auth::Need;
using org::Under;

audit::Entry Audit(std::string action, std::string type, std::int64_t id, std::string summary,
                   nlohmann::json detail = nlohmann::json::object()) {
  return {.action = "eval." + action,
          .object_type = std::move(type),
          .object_id = std::to_string(id),
          .summary = std::move(summary),
          .detail = std::move(detail)};
}

Result<void> CheckRubric(const RubricInput& in) {
  if (in.name.empty()) return Invalid("请填写评分细则名称", "name", "required");
  if (in.items.empty()) return Invalid("评分细则至少要有一个评分项", "items", "no_items");
  for (std::size_t i = 0; i < in.items.size(); ++i) {
    const auto& it = in.items[i];
    if (it.title.empty()) return Invalid(fmt::format("第 {} 个评分项缺少名称", i + 1), "items", "required");
    if (it.weight < 1 || it.weight > 100)
      return Invalid(fmt::format("评分项“{}”的分值须在 1–100 之间", it.title), "items", "invalid_weight");
  }
  return {};
}

// The round, if `who` sees it (reaches its unit or sits on its panel).
Result<store::RoundRow> VisibleRound(soci::session& sql, const Principal& who, std::int64_t id) {
  auto row = store::LoadRound(sql, id);
  if (!row) return NotFound("评定批次不存在");
  const bool member = std::any_of(row->r.panel.begin(), row->r.panel.end(),
                                  [&](const PanelMember& m) { return m.user_id == who.user_id; });
  if (!member && !Under(row->unit_path, ReachOf(sql, who).path)) return NotFound("评定批次不存在");
  row->r.member = member;
  return *row;
}

// The round, for a manager who reaches its unit.
Result<store::RoundRow> ManagedRound(soci::session& sql, const Principal& who, std::int64_t id, bool open) {
  auto row = store::LoadRound(sql, id);
  if (!row) return NotFound("评定批次不存在");
  if (!Under(row->unit_path, ReachOf(sql, who).path)) {
    // A panel member sees the round but does not organise it.
    for (const auto& m : row->r.panel)
      if (m.user_id == who.user_id) return Forbidden("只有组织单位可以管理该评定批次", "not_organiser");
    return NotFound("评定批次不存在");
  }
  if (open && row->r.status != "open") return Conflict("该评定批次已结束，不能再修改", "round_closed");
  return *row;
}

RoundDetail Detail(soci::session& sql, const Round& r, std::int64_t member_id) {
  RoundDetail d;
  d.round = r;
  d.rubric = store::LoadRubric(sql, r.rubric_id).value_or(Rubric{});
  d.cases = store::ListRoundCases(sql, r.id, member_id);
  return d;
}

Result<std::vector<cases::EvaluableCase>> Candidates(soci::session& sql, const store::RoundRow& round,
                                                     const SelectionInput& in) {
  std::string path = round.unit_path;
  if (in.unit_id) {
    auto u = org::ReadUnit(sql, *in.unit_id);
    if (!u || !Under(u->path, round.unit_path)) return NotFound("单位不存在或不在本批次的范围内");
    path = u->path;
  }
  if (in.mode == "list") {
    std::vector<cases::EvaluableCase> out;
    for (auto id : in.case_ids) {
      auto c = cases::EvaluableCaseIn(sql, id, path);
      if (!c) return NotFound(fmt::format("案件 {} 不存在或不在本批次的范围内", id));
      out.push_back(std::move(*c));
    }
    return out;
  }
  if (in.closed_to <= in.closed_from) return Invalid("结案时间段不正确：结束须晚于开始", "closed_to", "invalid_period");
  return cases::EvaluableCases(sql, {.unit_path = path,
                                     .closed_from = in.closed_from,
                                     .closed_to = in.closed_to,
                                     .case_type = in.case_type,
                                     .category = in.category});
}

}  // namespace

std::vector<std::int64_t> DrawSeeded(std::vector<std::int64_t> ids, std::size_t count, std::uint64_t seed) {
  std::sort(ids.begin(), ids.end());
  if (count < ids.size()) {
    std::mt19937_64 rng(seed);
    // The first `count` places of a Fisher–Yates shuffle (modulo draw: the tiny bias is harmless here
    // and, unlike std::uniform_int_distribution, the same in every standard library).
    for (std::size_t i = 0; i < count; ++i) {
      const std::size_t j = i + static_cast<std::size_t>(rng() % (ids.size() - i));
      std::swap(ids[i], ids[j]);
    }
    ids.resize(count);
    std::sort(ids.begin(), ids.end());
  }
  return ids;
}

namespace {

void ReplaceAll(std::string& s, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (std::size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
}

std::string FirstChar(const std::string& s) {
  if (s.empty()) return s;
  const auto c = static_cast<unsigned char>(s[0]);
  const std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  return s.substr(0, std::min(n, s.size()));
}

}  // namespace

std::string Anonymise(std::string text, const cases::CaseNames& names) {
  // Longer names first, so that "张三丰" is not left as "张某丰".
  std::vector<std::pair<std::string, std::string>> swaps;
  for (const auto& [name, role] : names.officers) swaps.emplace_back(name, role);
  for (const auto& name : names.persons) swaps.emplace_back(name, FirstChar(name) + "某");
  std::sort(swaps.begin(), swaps.end(), [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  for (const auto& [from, to] : swaps) ReplaceAll(text, from, to);
  static const std::regex kIdNumber("[1-9][0-9]{16}[0-9Xx]");
  static const std::regex kMobile("1[3-9][0-9]{9}");
  text = std::regex_replace(text, kIdNumber, "[身份证号已隐去]");
  text = std::regex_replace(text, kMobile, "[电话已隐去]");
  return text;
}

std::vector<std::string> PersonalDataLeft(const std::string& text, const cases::CaseNames& names) {
  std::vector<std::string> left;
  bool name = false;
  for (const auto& n : names.persons) name |= !n.empty() && n != FirstChar(n) && text.find(n) != std::string::npos;
  for (const auto& [n, role] : names.officers) name |= !n.empty() && text.find(n) != std::string::npos;
  if (name) left.push_back("姓名");
  static const std::regex kIdNumber("[1-9][0-9]{16}[0-9Xx]");
  static const std::regex kMobile("1[3-9][0-9]{9}");
  if (std::regex_search(text, kIdNumber)) left.push_back("身份证号");
  if (std::regex_search(text, kMobile)) left.push_back("电话");
  return left;
}

std::string GradeOf(std::int64_t score_x100, int good_min, int poor_below) {
  if (score_x100 >= static_cast<std::int64_t>(good_min) * 100) return "good";
  if (score_x100 < static_cast<std::int64_t>(poor_below) * 100) return "poor";
  return "pass";
}

std::string GradeName(const std::string& grade) {
  if (grade == "good") return "优质";
  if (grade == "pass") return "合格";
  if (grade == "poor") return "劣质";
  return "未评定";
}

Result<std::vector<Rubric>> EvaluationService::Rubrics(const Principal& who, bool all_versions) const {
  FZ_CHECK(Need(who, auth::perm::kEvalRead, "查看评分细则"));
  return db_.Read(
      [&](soci::session& sql) { return store::ListRubrics(sql, ReachOf(sql, who).bureau_id, all_versions); });
}

Result<Rubric> EvaluationService::GetRubric(const Principal& who, std::int64_t id) const {
  FZ_CHECK(Need(who, auth::perm::kEvalRead, "查看评分细则"));
  return db_.Read([&](soci::session& sql) -> Result<Rubric> {
    auto r = store::LoadRubric(sql, id);
    if (!r || r->bureau_id != ReachOf(sql, who).bureau_id) return NotFound("评分细则不存在");
    return *r;
  });
}

Result<Rubric> EvaluationService::CreateRubric(const Principal& who, const audit::Actor& actor, const RubricInput& in) {
  FZ_CHECK(Need(who, auth::perm::kEvalManage, "制定评分细则"));
  FZ_CHECK(CheckRubric(in));
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<Rubric> {
    if (!org::ActsForWholeBureau(sql, who.unit_id))
      return Forbidden("评分细则由分局或法制大队制定，派出所不能制定或修订", "bureau_only");
    const Reach reach = ReachOf(sql, who);
    if (reach.bureau_id == 0) return Invalid("您的账号不属于任何分局，不能制定评分细则", "", "no_bureau");
    const std::int64_t id = store::InsertRubric(sql, reach.bureau_id, std::nullopt, 1, in, who.user_id, now);
    audit::Append(sql, clock_, actor,
                  Audit("rubric_create", "eval_rubric", id, fmt::format("制定评分细则“{}”（第 1 版）", in.name),
                        {{"items", in.items.size()}}));
    return *store::LoadRubric(sql, id);
  });
}

Result<Rubric> EvaluationService::ReviseRubric(const Principal& who, const audit::Actor& actor, std::int64_t id,
                                               const RubricInput& in) {
  FZ_CHECK(Need(who, auth::perm::kEvalManage, "修订评分细则"));
  FZ_CHECK(CheckRubric(in));
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<Rubric> {
    const Reach reach = ReachOf(sql, who);
    auto old = store::LoadRubric(sql, id);
    if (!old || old->bureau_id != reach.bureau_id) return NotFound("评分细则不存在");
    if (!org::ActsForWholeBureau(sql, who.unit_id))
      return Forbidden("评分细则由分局或法制大队制定，派出所不能制定或修订", "bureau_only");
    const int version = 1 + store::LatestVersion(sql, old->family_id);
    store::RetireFamily(sql, old->family_id);
    const std::int64_t nid = store::InsertRubric(sql, reach.bureau_id, old->family_id, version, in, who.user_id, now);
    audit::Append(
        sql, clock_, actor,
        Audit("rubric_revise", "eval_rubric", nid,
              fmt::format("修订评分细则“{}”为第 {} 版（原第 {} 版保留，已有评定不变）", in.name, version, old->version),
              {{"previous_id", old->id}}));
    return *store::LoadRubric(sql, nid);
  });
}

Result<std::vector<PanelMember>> EvaluationService::PanelCandidates(const Principal& who) const {
  FZ_CHECK(Need(who, auth::perm::kEvalManage, "组织案件评定"));
  std::vector<std::string> roles;
  for (const auto& r : auth::AllRoles())
    if (r.permissions.contains(std::string(auth::perm::kEvalMark))) roles.push_back(r.code);
  return db_.Read([&](soci::session& sql) { return store::PanelCandidates(sql, ReachOf(sql, who).path, roles); });
}

Result<Paged<Round>> EvaluationService::Rounds(const Principal& who, const PageRequest& page) const {
  FZ_CHECK(Need(who, auth::perm::kEvalRead, "查看评定批次"));
  return db_.Read(
      [&](soci::session& sql) { return store::ListRounds(sql, ReachOf(sql, who).path, who.user_id, page); });
}

Result<RoundDetail> EvaluationService::GetRound(const Principal& who, std::int64_t id) const {
  FZ_CHECK(Need(who, auth::perm::kEvalRead, "查看评定批次"));
  return db_.Read([&](soci::session& sql) -> Result<RoundDetail> {
    const auto row = FZ_TRY(VisibleRound(sql, who, id));
    return Detail(sql, row.r, row.r.member ? who.user_id : 0);
  });
}

Result<RoundDetail> EvaluationService::CreateRound(const Principal& who, const audit::Actor& actor,
                                                   const RoundInput& in) {
  FZ_CHECK(Need(who, auth::perm::kEvalManage, "组织案件评定"));
  if (in.name.empty()) return Invalid("请填写评定批次名称", "name", "required");
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<RoundDetail> {
    const Reach reach = ReachOf(sql, who);
    auto rubric = store::LoadRubric(sql, in.rubric_id);
    if (!rubric || rubric->bureau_id != reach.bureau_id) return NotFound("评分细则不存在");
    if (in.poor_below < 0 || in.poor_below > in.good_min || in.good_min > rubric->total)
      return Invalid(fmt::format("等次分数线须满足 0 ≤ 劣质线 ≤ 优质线 ≤ 满分 {}", rubric->total), "good_min",
                     "invalid_thresholds");
    std::int64_t unit_id = reach.unit_id;
    if (in.unit_id) {
      auto u = org::ReadUnit(sql, *in.unit_id);
      if (!u || !Under(u->path, reach.path)) return NotFound("单位不存在或不在您的管辖范围内");
      unit_id = u->id;
    }
    if (in.panel.empty()) return Invalid("评审组至少要有一名成员", "panel", "required");
    const std::int64_t id = store::InsertRound(sql, reach.bureau_id, unit_id, in, who.user_id, now);
    std::set<std::int64_t> seen;
    for (auto uid : in.panel) {
      if (!seen.insert(uid).second) continue;
      auto member = store::PanelCandidate(sql, uid, reach.path);
      if (!member) return NotFound(fmt::format("评审组成员（账号 {}）不存在或不在您的管辖范围内", uid));
      store::InsertPanelMember(sql, id, reach.bureau_id, uid, *member);
    }
    audit::Append(sql, clock_, actor,
                  Audit("round_create", "eval_round", id, fmt::format("组织案件评定“{}”", in.name),
                        {{"rubric_id", in.rubric_id}, {"panel", in.panel}}));
    return Detail(sql, store::LoadRound(sql, id)->r, 0);
  });
}

Result<RoundDetail> EvaluationService::Select(const Principal& who, const audit::Actor& actor, std::int64_t round_id,
                                              const SelectionInput& in) {
  FZ_CHECK(Need(who, auth::perm::kEvalManage, "选取评定案件"));
  if (in.mode == "random" && in.count <= 0) return Invalid("随机抽取须填写抽取件数", "count", "invalid_count");
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<RoundDetail> {
    const auto round = FZ_TRY(ManagedRound(sql, who, round_id, true));
    auto candidates = FZ_TRY(Candidates(sql, round, in));
    std::optional<std::int64_t> seed;
    std::vector<std::int64_t> chosen;
    for (const auto& c : candidates) chosen.push_back(c.id);
    if (in.mode == "random") {
      seed = in.seed ? *in.seed : static_cast<std::int64_t>(std::random_device{}() & 0x7fffffff);
      chosen = DrawSeeded(chosen, static_cast<std::size_t>(in.count), static_cast<std::uint64_t>(*seed));
    }
    const std::set<std::int64_t> pick(chosen.begin(), chosen.end());
    int added = 0;
    for (const auto& c : candidates)
      if (pick.contains(c.id) && store::InsertRoundCase(sql, round.r.bureau_id, round_id, c)) ++added;
    nlohmann::json draws = nlohmann::json::array();
    if (!round.r.selection.empty()) draws = nlohmann::json::parse(round.r.selection, nullptr, false);
    if (!draws.is_array()) draws = nlohmann::json::array();
    nlohmann::json draw = Merged(FZ_JSON(in, mode, closed_from, closed_to, case_type, category, count),
                                 {{"candidates", candidates.size()}, {"added", added}, {"at", now}});
    if (in.unit_id) draw["unit_id"] = *in.unit_id;
    if (seed) draw["seed"] = *seed;
    draws.push_back(draw);
    store::SetSelection(sql, round_id, draws.dump(), seed ? seed : round.r.seed, now);
    audit::Append(sql, clock_, actor,
                  Audit("select", "eval_round", round_id,
                        fmt::format("评定“{}”{}选取案件 {} 件（候选 {} 件）", round.r.name,
                                    in.mode == "random" ? fmt::format("随机（种子 {}）", *seed) : "按规则", added,
                                    candidates.size()),
                        draw));
    return Detail(sql, store::LoadRound(sql, round_id)->r, 0);
  });
}

Result<CaseSheet> EvaluationService::Sheet(const Principal& who, std::int64_t round_case_id) const {
  FZ_CHECK(Need(who, auth::perm::kEvalRead, "查看评分"));
  return db_.Read([&](soci::session& sql) -> Result<CaseSheet> {
    auto rc = store::LoadRoundCase(sql, round_case_id);
    if (!rc) return NotFound("评定案件不存在");
    const auto round = FZ_TRY(VisibleRound(sql, who, rc->round_id));
    CaseSheet out{round.r, store::LoadRubric(sql, round.r.rubric_id).value_or(Rubric{}), *rc, {}};
    const bool manager = who.Has(auth::perm::kEvalManage) && Under(round.unit_path, ReachOf(sql, who).path);
    for (auto& s : store::LoadSheets(sql, round_case_id))
      if (manager || s.user_id == who.user_id || round.r.status == "closed") out.sheets.push_back(std::move(s));
    return out;
  });
}

Result<CaseSheet> EvaluationService::SaveMarks(const Principal& who, const audit::Actor& actor,
                                               std::int64_t round_case_id, const MarkInput& in) {
  FZ_CHECK(Need(who, auth::perm::kEvalMark, "评分"));
  const EpochSeconds now = clock_.Now();
  FZ_CHECK(db_.Write([&](soci::session& sql) -> Result<void> {
    auto rc = store::LoadRoundCase(sql, round_case_id);
    if (!rc) return NotFound("评定案件不存在");
    const auto round = FZ_TRY(VisibleRound(sql, who, rc->round_id));
    if (!round.r.member) return Forbidden("您不是该评定批次的评审组成员，不能评分", "not_panel_member");
    if (round.r.status != "open") return Conflict("该评定批次已结束，不能再评分", "round_closed");
    const Rubric rubric = store::LoadRubric(sql, round.r.rubric_id).value_or(Rubric{});
    std::map<std::int64_t, const RubricItem*> items;
    for (const auto& it : rubric.items) items[it.id] = &it;
    std::set<std::int64_t> given;
    for (const auto& m : in.marks) {
      auto it = items.find(m.item_id);
      if (it == items.end())
        return Invalid(fmt::format("评分项 {} 不属于本批次的评分细则", m.item_id), "marks", "unknown_item");
      if (m.mark < 0 || m.mark > it->second->weight)
        return Invalid(
            fmt::format("“{}”的得分 {} 超出范围：应在 0–{} 分之间", it->second->title, m.mark, it->second->weight),
            "marks", "mark_out_of_range");
      if (!given.insert(m.item_id).second)
        return Invalid(fmt::format("评分项“{}”重复打分", it->second->title), "marks", "duplicate_item");
    }
    if (given.size() != items.size())
      return Invalid(fmt::format("请为全部 {} 个评分项打分（已打 {} 项）", items.size(), given.size()), "marks",
                     "incomplete_marks");
    store::ReplaceMarks(sql, round.r.bureau_id, round_case_id, who.user_id, in, now);
    int total = 0;
    for (const auto& m : in.marks) total += m.mark;
    audit::Append(sql, clock_, actor,
                  Audit("mark", "eval_round_case", round_case_id,
                        fmt::format("{}为评定案件 {} 评分，合计 {} 分", NameOf(who), rc->external_id, total),
                        {{"total", total}}));
    return {};
  }));
  return Sheet(who, round_case_id);
}

Result<RoundDetail> EvaluationService::Close(const Principal& who, const audit::Actor& actor, std::int64_t round_id) {
  FZ_CHECK(Need(who, auth::perm::kEvalManage, "结束评定"));
  const EpochSeconds now = clock_.Now();
  return db_.Write([&](soci::session& sql) -> Result<RoundDetail> {
    const auto round = FZ_TRY(ManagedRound(sql, who, round_id, true));
    const CloseSummary s = CloseRoundIn(sql, round.r, now);
    audit::Append(sql, clock_, actor,
                  Audit("close", "eval_round", round_id,
                        fmt::format("结束评定“{}”：优质 {} 件、合格 {} 件、劣质 {} 件、未评 {} 件", round.r.name,
                                    s.good, s.pass, s.poor, s.unmarked)));
    return Detail(sql, store::LoadRound(sql, round_id)->r, 0);
  });
}

Result<FileDownload> EvaluationService::ResultsXlsx(const Principal& who, std::int64_t round_id) const {
  const RoundDetail d = FZ_TRY(GetRound(who, round_id));
  using files::Cell;
  std::vector<files::CellRow> rows = {
      {"案件编号", "案件名称", "办案单位", "案件类型", "打击类别", "结案日期", "评审人数", "平均得分", "等次"}};
  for (const auto& c : d.cases)
    rows.push_back({Cell(c.external_id), Cell(c.title), Cell(c.unit_name),
                    Cell(c.case_type == "criminal" ? "刑事" : "行政"), Cell(c.category),
                    Cell(c.closed_at ? FormatDate(LocalDateOf(*c.closed_at)) : ""), Cell::Int(c.marked_by),
                    c.score_x100 ? Cell::Number(static_cast<double>(*c.score_x100) / 100.0, "0.00") : Cell(""),
                    Cell(GradeName(c.grade))});
  auto bytes =
      FZ_TRY(files::WriteXlsx({files::SheetData("评定结果", std::move(rows), {18, 28, 16, 8, 12, 12, 8, 10, 8})}));
  return FileDownload{std::move(bytes), std::string(files::kXlsx), fmt::format("{}-评定结果.xlsx", d.round.name)};
}

Result<Paged<TeachingCase>> EvaluationService::Teaching(const Principal& who, const std::string& grade,
                                                        const PageRequest& page) const {
  FZ_CHECK(Need(who, auth::perm::kEvalRead, "查看教学案例"));
  return db_.Read([&](soci::session& sql) {
    const Reach reach = ReachOf(sql, who);
    return store::ListTeaching(sql, reach.bureau_id, reach.path, grade, page);
  });
}

namespace {

// The text of a 以案说法 issue: the round, then each 优质 and 劣质 case with its anonymised title and
// comments, anonymised again with `names_of` (its case's names and the bureau's roster) and checked.
Result<std::pair<std::string, int>> TeachingBody(const Round& r, const std::vector<RoundCase>& cases,
                                                 const std::function<cases::CaseNames(std::int64_t)>& names_of) {
  std::string body =
      fmt::format("本期选自{}“{}”的评定结果（{}结束）。案件名称与评语中的人员姓名、身份证号和电话均已隐去。\n",
                  r.unit_name, r.name, r.closed_at ? FormatDate(LocalDateOf(*r.closed_at)) : "");
  int n = 0;
  for (const char* grade : {"good", "poor"}) {
    int k = 0;
    for (const auto& c : cases) {
      if (c.grade != grade) continue;
      const cases::CaseNames names = names_of(c.case_id);
      const std::string title = Anonymise(c.anon_title, names), comments = Anonymise(c.anon_comments, names);
      for (const auto* text : {&title, &comments})
        if (const auto left = PersonalDataLeft(*text, names); !left.empty()) {
          std::string what;
          for (const auto& w : left) what += (what.empty() ? "" : "、") + w;
          return Conflict(fmt::format("案件 {} 的教学文本仍含有{}，未发布", c.external_id, what), "personal_data_left");
        }
      if (k++ == 0) body += fmt::format("\n{}、{}案件\n", n == 0 ? "一" : "二", GradeName(grade));
      body += fmt::format("\n{}. {}（{}，{}，平均得分 {:.2f}）\n{}\n", k, title,
                          c.case_type == "criminal" ? "刑事" : "行政", c.category,
                          static_cast<double>(c.score_x100.value_or(0)) / 100.0, comments);
    }
    n += k;
  }
  if (n == 0) return Conflict("该批次没有优质或劣质案件，无可发布的教学案例", "no_teaching_cases");
  return std::make_pair(std::move(body), n);
}

}  // namespace

Result<PublishedTeaching> EvaluationService::PublishTeaching(const Principal& who, const audit::Actor& actor,
                                                             std::int64_t round_id) {
  FZ_CHECK(Need(who, auth::perm::kEvalManage, "发布以案说法"));
  FZ_CHECK(Need(who, auth::perm::kTrainingManage, "发布学法资料"));
  if (!training_) return Internal("学法资料库未启用");
  // 1. Claim the round and write the text (anonymised and checked again), in one transaction.
  Round round;
  const auto text = FZ_TRY(db_.Write([&](soci::session& sql) -> Result<std::pair<std::string, int>> {
    const auto row = FZ_TRY(ManagedRound(sql, who, round_id, false));
    round = row.r;
    if (round.status != "closed") return Conflict("评定尚未结束，不能发布教学案例", "round_open");
    if (!store::ClaimPublish(sql, round_id)) return Conflict("该批次的教学案例已发布为以案说法", "already_published");
    std::vector<std::string> roster;
    if (auto bureau = org::ReadUnit(sql, round.bureau_id))
      for (const auto& p : org::ReadPeopleUnder(sql, bureau->path)) roster.push_back(p.name);
    return TeachingBody(round, store::ListRoundCases(sql, round_id), [&](std::int64_t case_id) {
      cases::CaseNames names = cases::NamesOfCase(sql, case_id);
      std::set<std::string> known(names.persons.begin(), names.persons.end());
      for (const auto& o : names.officers) known.insert(o.first);
      for (const auto& n : roster)
        if (known.insert(n).second) names.persons.push_back(n);
      return names;
    });
  }));
  // 2. The next issue of the series in the library (its own transaction, its subscribers told).
  int issue = 1;
  for (int page = 1;; ++page) {
    const auto list = FZ_TRY(training_->SearchMaterials(who, kTeachingSeries, "", PageRequest{page, 200, "", false}));
    for (const auto& m : list.items)
      if (m.series == kTeachingSeries) issue = std::max(issue, m.issue_no + 1);
    if (list.items.size() < 200) break;
  }
  const std::string title = fmt::format("以案说法：{}（{} 件）", round.name, text.second);
  auto material = training_->CreateMaterial(
      who, actor, {.series = kTeachingSeries, .issue_no = issue, .title = title, .body = text.first, .note = ""});
  // 3. Record it (or release the claim when the library refused).
  FZ_CHECK(db_.Write([&](soci::session& sql) -> Result<void> {
    store::SetPublished(sql, round_id, material ? std::optional(material->material.id) : std::nullopt);
    if (material)
      audit::Append(sql, clock_, actor,
                    Audit("publish", "eval_round", round_id,
                          fmt::format("“{}”的教学案例 {} 件发布为学法资料：{} 第{}期", round.name, text.second,
                                      kTeachingSeries, issue)));
    return {};
  }));
  if (!material) return std::unexpected(material.error());
  return PublishedTeaching{.material_id = material->material.id,
                           .series = kTeachingSeries,
                           .title = title,
                           .issue_no = issue,
                           .cases = text.second};
}

}  // namespace fazhi::evaluation
