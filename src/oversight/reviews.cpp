// 法制员 stage reviews (受案, 立案, 强制措施, 移送起诉) with findings classified 证据/程序/定性, and the
// review gates that case transitions must pass.
#include <spdlog/spdlog.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "auth/roles.h"
#include "cases/state_machine.h"
#include "core/json_fields.h"
#include "notify/notify.h"
#include "org/org_reads.h"
#include "oversight/internal.h"
#include "oversight/oversight_service.h"
#include "oversight/review_document.h"

namespace fazhi::oversight {

namespace {

bool OneOf(const std::string& v, std::initializer_list<const char*> list) {
  for (const char* x : list)
    if (v == x) return true;
  return false;
}

// A review stage the case type has no such step for: 移送起诉 (transfer for prosecution) exists only
// in criminal procedure — an administrative (治安) case is decided by the police itself (治安管理处罚法
// 第九章) and never goes to the procuratorate. Empty when the stage applies.
std::string StageNotApplicable(const std::string& case_type, const std::string& stage) {
  if (stage == "prosecution" && case_type != "criminal")
    return "行政案件没有移送起诉环节，不能进行移送起诉审核（移送起诉审核仅适用于刑事案件）";
  return {};
}

std::vector<Review> LoadReviews(soci::session& sql, std::int64_t case_id, std::optional<std::int64_t> only) {
  std::vector<Review> out;
  db::SqlArgs a;
  std::string w = fmt::format(" WHERE r.case_id = {}", a.Int(case_id));
  if (only) w += fmt::format(" AND r.id = {}", a.Int(*only));
  db::Each(sql,
           "SELECT r.id, r.case_id, r.stage, r.verdict, r.comment, r.reviewer_user_id, COALESCE(u.display_name, '') "
           "AS reviewer_name, r.reviewer_person_id, r.created_at FROM case_reviews r LEFT JOIN users u ON u.id = "
           "r.reviewer_user_id" +
               w + " ORDER BY r.created_at, r.id",
           a, [&](const db::Row& r) {
             out.push_back({.id = r.Int("id"),
                            .case_id = r.Int("case_id"),
                            .stage = r.Str("stage"),
                            .verdict = r.Str("verdict"),
                            .comment = r.Str("comment"),
                            .reviewer_user_id = r.OptInt("reviewer_user_id"),
                            .reviewer_name = r.Str("reviewer_name"),
                            .reviewer_person_id = r.OptInt("reviewer_person_id"),
                            .created_at = r.Int("created_at")});
           });
  db::SqlArgs b;
  db::Each(sql,
           fmt::format("SELECT id, review_id, category, severity, description FROM review_findings WHERE case_id = {} "
                       "ORDER BY id",
                       b.Int(case_id)),
           b, [&](const db::Row& r) {
             const std::int64_t review = r.Int("review_id");
             for (auto& v : out)
               if (v.id == review)
                 v.findings.push_back({r.Int("id"), r.Str("category"), r.Str("severity"), r.Str("description")});
           });
  return out;
}

Result<void> ValidateReview(const NewReview& in) {
  if (!OneOf(in.stage, {"accept", "file", "coercive", "prosecution"}))
    return Invalid("审核环节应为 accept（受案）、file（立案）、coercive（强制措施）或 prosecution（移送起诉）",
                   "stage");
  if (!OneOf(in.verdict, {"pass", "fix_required", "reject"}))
    return Invalid("审核结论应为 pass（通过）、fix_required（需整改）或 reject（不通过）", "verdict");
  if (!IsValidUtf8(in.comment) || Utf8Length(in.comment) > 2000) return Invalid("审核意见不能超过 2000 字", "comment");
  if (in.findings.size() > 50) return Invalid("一次审核最多记录 50 个问题", "findings");
  for (std::size_t i = 0; i < in.findings.size(); ++i) {
    const auto& f = in.findings[i];
    const std::string where = fmt::format("findings[{}]", i);
    if (!OneOf(f.category, {"evidence", "procedure", "characterization"}))
      return Invalid(
          fmt::format("第 {} 个问题的类别应为 evidence（证据）、procedure（程序）或 characterization（定性）", i + 1),
          where + ".category");
    if (!OneOf(f.severity, {"normal", "serious"}))
      return Invalid(fmt::format("第 {} 个问题的严重程度应为 normal 或 serious", i + 1), where + ".severity");
    const std::string d = Trim(f.description);
    if (d.empty() || !IsValidUtf8(d) || Utf8Length(d) > 2000)
      return Invalid(fmt::format("第 {} 个问题须有描述（不超过 2000 字）", i + 1), where + ".description");
  }
  if (in.verdict == "pass" &&
      std::any_of(in.findings.begin(), in.findings.end(), [](const Finding& f) { return f.severity == "serious"; }))
    return Invalid("存在严重问题时审核结论不能为“通过”", "verdict");
  return {};
}

}  // namespace

Result<Review> OversightService::AddReview(const auth::Principal& who, const audit::Actor& actor, std::int64_t case_id,
                                           const NewReview& in) {
  if (!who.Has(auth::perm::kCaseReview)) return Forbidden("只有法制员或领导可以审核案件");
  FZ_CHECK(ValidateReview(in));
  return db_.Write([&](soci::session& sql) -> Result<Review> {
    const auto c = FZ_TRY(detail::LoadCaseInScope(sql, who, case_id));
    if (auto why = StageNotApplicable(c.case_type, in.stage); !why.empty())
      return Invalid(why, "stage", "stage_not_applicable");
    const EpochSeconds now = clock_.Now();
    const std::string comment = Trim(in.comment);
    db::Values v;
    FZ_VALUES(v, in, stage, verdict);
    v.Int("bureau_id", c.bureau_id)
        .Int("case_id", case_id)
        .Str("comment", comment)
        .Int("reviewer_user_id", who.user_id)
        .OptInt("reviewer_person_id", who.person_id)
        .Int("created_at", now);
    const std::int64_t id = db::InsertRow(sql, "case_reviews", v);
    nlohmann::json findings = nlohmann::json::array();
    for (const auto& f : in.findings) {
      const std::string d = Trim(f.description);
      db::Values v;
      FZ_VALUES(v, f, category, severity);
      v.Int("bureau_id", c.bureau_id)
          .Int("review_id", id)
          .Int("case_id", case_id)
          .Str("description", d)
          .Int("created_at", now);
      db::InsertValues(sql, "review_findings", v);
      findings.push_back({{"category", f.category}, {"severity", f.severity}, {"description", d}});
    }
    audit::Append(
        sql, clock_, actor,
        {"case.review",
         "case",
         std::to_string(case_id),
         fmt::format("{}审核：{}（{}），问题 {} 个", detail::StageZh(in.stage), c.title, ReviewVerdictName(in.verdict),
                     in.findings.size()),
         {{"after", {{"review_id", id}, {"stage", in.stage}, {"verdict", in.verdict}, {"findings", findings}}}}});
    if (in.verdict != "pass" && c.lead_officer_id) {
      std::string body = fmt::format("案件：{}\n审核意见：{}", c.title, comment);
      for (const auto& f : in.findings)
        body += fmt::format("\n【{}】{}", detail::CategoryZh(f.category), Trim(f.description));
      notify::Send(sql,
                   {.bureau_id = c.bureau_id,
                    .kind = "review",
                    .title = fmt::format("{}审核：{}", detail::StageZh(in.stage), ReviewVerdictName(in.verdict)),
                    .body = std::move(body),
                    .object_type = "review",
                    .object_id = id,
                    .case_id = case_id,
                    .dedup_key = fmt::format("review:{}", id)},
                   {.persons = {*c.lead_officer_id}}, now);
    }
    auto list = LoadReviews(sql, case_id, id);
    if (list.empty()) return Internal("审核记录保存后读取失败");
    return list.front();
  });
}

Result<std::vector<Review>> OversightService::CaseReviews(const auth::Principal& who, std::int64_t case_id) const {
  return db_.Read([&](soci::session& sql) -> Result<std::vector<Review>> {
    FZ_CHECK(detail::LoadCaseInScope(sql, who, case_id));
    return LoadReviews(sql, case_id, std::nullopt);
  });
}

std::vector<Review> detail::CaseReviewRows(soci::session& sql, std::int64_t case_id) {
  return LoadReviews(sql, case_id, std::nullopt);
}

Result<files::Document> OversightService::ReviewOpinion(const auth::Principal& who, std::int64_t case_id,
                                                        std::int64_t review_id) const {
  return db_.Read([&](soci::session& sql) -> Result<files::Document> {
    const detail::CaseRow c = FZ_TRY(detail::LoadCaseInScope(sql, who, case_id));
    const auto list = LoadReviews(sql, case_id, review_id);
    if (list.empty()) return NotFound("审核记录不存在");
    const Review& r = list.front();
    const auto unit = org::ReadUnit(sql, c.unit_id);
    std::string reviewer_unit = "法制部门";
    if (r.reviewer_person_id)
      if (const auto person = org::ReadPerson(sql, *r.reviewer_person_id))
        if (const auto u = org::ReadUnit(sql, person->unit_id)) reviewer_unit = u->name;
    return ReviewOpinionDocument(
        {.case_no = c.external_id, .title = c.title, .case_type = c.case_type, .unit_name = unit ? unit->name : ""}, r,
        reviewer_unit);
  });
}

// ---------------------------------------------------------------------------------------------
// Review gates

namespace {

constexpr const char* kGatesKey = "oversight.review_gates";

const char* kDefaultGates = R"([
  {"case_type": "criminal", "to": "filed", "stage": "file"},
  {"case_type": "criminal", "to": "transferred", "stage": "prosecution"}
])";

Result<std::vector<ReviewGate>> ParseGates(const std::string& text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return Invalid("审核关口表必须是 JSON 数组", "gates");
  std::vector<ReviewGate> out;
  for (std::size_t i = 0; i < j.size(); ++i) {
    const auto& g = j[i];
    const std::string where = fmt::format("gates[{}]", i);
    if (!g.is_object()) return Invalid(fmt::format("审核关口第 {} 行必须是对象", i + 1), where);
    for (auto it = g.begin(); it != g.end(); ++it)
      if (it.key() != "case_type" && it.key() != "to" && it.key() != "stage")
        return Invalid(fmt::format("审核关口第 {} 行含有不认识的字段“{}”", i + 1, it.key()), where + "." + it.key(),
                       "unknown_field");
    ReviewGate r;
    r.case_type = g.value("case_type", "");
    r.to = g.value("to", "");
    r.stage = g.value("stage", "");
    if (r.case_type != "criminal" && r.case_type != "administrative")
      return Invalid(
          fmt::format("审核关口第 {} 行的案件类型“{}”无效，应为 criminal 或 administrative", i + 1, r.case_type),
          where + ".case_type");
    if (r.to.empty() || r.to.size() > 64)
      return Invalid(fmt::format("审核关口第 {} 行缺少目标状态 to", i + 1), where + ".to");
    if (r.stage != "accept" && r.stage != "file" && r.stage != "coercive" && r.stage != "prosecution")
      return Invalid(
          fmt::format("审核关口第 {} 行的审核环节“{}”无效，应为 accept、file、coercive 或 prosecution", i + 1, r.stage),
          where + ".stage");
    if (auto why = StageNotApplicable(r.case_type, r.stage); !why.empty())
      return Invalid(fmt::format("审核关口第 {} 行：{}", i + 1, why), where + ".stage", "stage_not_applicable");
    if (!cases::IsStatus(r.case_type, r.to))
      return Invalid(fmt::format("审核关口第 {} 行的目标状态“{}”不是{}案件的状态", i + 1, Utf8Prefix(r.to, 32),
                                 cases::CaseTypeName(r.case_type)),
                     where + ".to", "invalid_value");
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<ReviewGate> LoadGates(soci::session& sql) {
  db::SqlArgs a;
  if (auto value = db::ScalarText(sql, fmt::format("SELECT value FROM settings WHERE key = {}", a.Str(kGatesKey)), a)) {
    if (auto g = ParseGates(*value)) return *g;
    spdlog::error("oversight: stored review gates do not parse; using the defaults");
  }
  return *ParseGates(kDefaultGates);
}

nlohmann::json GatesJson(const std::vector<ReviewGate>& gates) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& g : gates) j.push_back(FZ_JSON(g, case_type, to, stage));
  return j;
}

}  // namespace

std::vector<ReviewGate> detail::ReviewGates(soci::session& sql) { return LoadGates(sql); }

std::string ReviewStageName(std::string_view stage) {
  if (stage == "accept") return "受案审核";
  if (stage == "file") return "立案审核";
  if (stage == "coercive") return "强制措施审核";
  if (stage == "prosecution") return "移送起诉审核";
  return std::string(stage);
}

std::string ReviewVerdictName(std::string_view verdict) {
  if (verdict == "pass") return "通过";
  if (verdict == "fix_required") return "需整改";
  if (verdict == "reject") return "不通过";
  return std::string(verdict);
}

Result<void> OversightService::CheckTransition(soci::session& sql, std::int64_t case_id, const std::string& from,
                                               const std::string& to) {
  (void)from;
  const auto c = FZ_TRY(detail::LoadCase(sql, case_id));
  for (const auto& g : LoadGates(sql)) {
    if (g.case_type != c.case_type || g.to != to) continue;
    db::SqlArgs a;
    const auto verdict = db::ScalarText(
        sql,
        fmt::format("SELECT verdict FROM case_reviews WHERE case_id = {} AND stage = {} ORDER BY created_at DESC, "
                    "id DESC LIMIT 1",
                    a.Int(case_id), a.Str(g.stage)),
        a);
    if (verdict == "pass") continue;
    const std::string now_text =
        verdict ? fmt::format("最近一次{}审核结论为“{}”", detail::StageZh(g.stage), ReviewVerdictName(*verdict))
                : fmt::format("尚无{}审核记录", detail::StageZh(g.stage));
    return Conflict(fmt::format("案件进入“{}”前须经法制员“{}”审核通过（{}）", cases::StatusName(c.case_type, to),
                                detail::StageZh(g.stage), now_text),
                    "review_required");
  }
  return {};
}

Result<std::vector<ReviewGate>> OversightService::GetReviewGates() const {
  return db_.Read([&](soci::session& sql) -> Result<std::vector<ReviewGate>> { return LoadGates(sql); });
}

Result<void> OversightService::SetReviewGates(const auth::Principal& who, const audit::Actor& actor,
                                              const std::vector<ReviewGate>& gates) {
  // Validate through the same parser the loader uses.
  const std::string text = GatesJson(gates).dump();
  FZ_CHECK(ParseGates(text));
  (void)who;
  return db_.Write([&](soci::session& sql) -> Result<void> {
    const auto before = LoadGates(sql);
    db::SqlArgs a;
    db::Exec(
        sql,
        fmt::format("INSERT INTO settings (key, value, updated_at) VALUES ({}, {}, {}) ON CONFLICT (key) DO UPDATE "
                    "SET value = excluded.value, updated_at = excluded.updated_at",
                    a.Str(kGatesKey), a.Str(text), a.Int(clock_.Now())),
        a);
    audit::Append(sql, clock_, actor,
                  {"oversight.review_gates.update",
                   "review_gates",
                   "",
                   fmt::format("修改审核关口表（{} 条）", gates.size()),
                   {{"before", GatesJson(before)}, {"after", GatesJson(gates)}}});
    return {};
  });
}

}  // namespace fazhi::oversight
