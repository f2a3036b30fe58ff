// 法制员 stage reviews (受案, 立案, 强制措施, 移送起诉) with findings classified 证据/程序/定性.
#include <fmt/format.h>

#include "auth/roles.h"
#include "oversight/internal.h"
#include "oversight/oversight_service.h"

namespace fazhi::oversight {

using detail::Args;
using detail::ForEachRow;

namespace {

bool OneOf(const std::string& v, std::initializer_list<const char*> list) {
  for (const char* x : list)
    if (v == x) return true;
  return false;
}

Result<std::vector<Review>> LoadReviews(soci::session& sql, std::int64_t case_id, std::optional<std::int64_t> only) {
  std::vector<Review> out;
  Args a;
  std::string w = fmt::format(" WHERE r.case_id = {}", a.Int(case_id));
  if (only) w += fmt::format(" AND r.id = {}", a.Int(*only));
  ForEachRow(sql,
             "SELECT r.id, r.case_id, r.stage, r.verdict, r.comment, r.reviewer_user_id, COALESCE(u.display_name, ''), "
             "r.reviewer_person_id, r.created_at FROM case_reviews r LEFT JOIN users u ON u.id = r.reviewer_user_id" +
                 w + " ORDER BY r.created_at, r.id",
             a, [&](const soci::row& r) {
               Review v;
               v.id = db::GetInt64(r, 0);
               v.case_id = db::GetInt64(r, 1);
               v.stage = db::GetText(r, 2);
               v.verdict = db::GetText(r, 3);
               v.comment = db::GetText(r, 4);
               v.reviewer_user_id = detail::OptInt(r, 5);
               v.reviewer_name = db::GetText(r, 6);
               v.reviewer_person_id = detail::OptInt(r, 7);
               v.created_at = db::GetInt64(r, 8);
               out.push_back(std::move(v));
             });
  Args b;
  ForEachRow(sql,
             fmt::format("SELECT id, review_id, category, severity, description FROM review_findings WHERE case_id = {} "
                         "ORDER BY id",
                         b.Int(case_id)),
             b, [&](const soci::row& r) {
               const std::int64_t review = db::GetInt64(r, 1);
               for (auto& v : out)
                 if (v.id == review)
                   v.findings.push_back({db::GetInt64(r, 0), db::GetText(r, 2), db::GetText(r, 3), db::GetText(r, 4)});
             });
  return out;
}

}  // namespace

Result<Review> OversightService::AddReview(const auth::Principal& who, const audit::Actor& actor, std::int64_t case_id,
                                           const NewReview& in) {
  if (!who.Has(auth::perm::kCaseReview)) return Forbidden("只有法制员或领导可以审核案件");
  if (!OneOf(in.stage, {"accept", "file", "coercive", "prosecution"}))
    return Invalid("审核环节应为 accept（受案）、file（立案）、coercive（强制措施）或 prosecution（移送起诉）", "stage");
  if (!OneOf(in.verdict, {"pass", "fix_required", "reject"}))
    return Invalid("审核结论应为 pass（通过）、fix_required（需整改）或 reject（不通过）", "verdict");
  if (!IsValidUtf8(in.comment) || Utf8Length(in.comment) > 2000) return Invalid("审核意见不能超过 2000 字", "comment");
  if (in.findings.size() > 50) return Invalid("一次审核最多记录 50 个问题", "findings");
  for (std::size_t i = 0; i < in.findings.size(); ++i) {
    const auto& f = in.findings[i];
    const std::string where = fmt::format("findings[{}]", i);
    if (!OneOf(f.category, {"evidence", "procedure", "characterization"}))
      return Invalid(fmt::format("第 {} 个问题的类别应为 evidence（证据）、procedure（程序）或 characterization（定性）", i + 1),
                     where + ".category");
    if (!OneOf(f.severity, {"normal", "serious"}))
      return Invalid(fmt::format("第 {} 个问题的严重程度应为 normal 或 serious", i + 1), where + ".severity");
    const std::string d = Trim(f.description);
    if (d.empty() || !IsValidUtf8(d) || Utf8Length(d) > 2000)
      return Invalid(fmt::format("第 {} 个问题须有描述（不超过 2000 字）", i + 1), where + ".description");
  }
  if (in.verdict == "pass" && std::any_of(in.findings.begin(), in.findings.end(),
                                          [](const Finding& f) { return f.severity == "serious"; }))
    return Invalid("存在严重问题时审核结论不能为“通过”", "verdict");

  return db_.Write([&](soci::session& sql) -> Result<Review> {
    auto c = detail::LoadCaseInScope(sql, who, case_id);
    if (!c) return std::unexpected(c.error());
    long long bureau = c->bureau_id, cid = case_id, by = who.user_id, now = clock_.Now(), id = 0;
    db::NullableInt person(who.person_id);
    const std::string comment = Trim(in.comment);
    sql << "INSERT INTO case_reviews (bureau_id, case_id, stage, verdict, comment, reviewer_user_id, reviewer_person_id, "
           "created_at) VALUES (:b, :c, :s, :v, :cm, :u, :p, :t) RETURNING id",
        soci::use(bureau), soci::use(cid), soci::use(in.stage), soci::use(in.verdict), soci::use(comment), soci::use(by),
        soci::use(person.value, person.ind), soci::use(now), soci::into(id);
    nlohmann::json findings = nlohmann::json::array();
    for (const auto& f : in.findings) {
      const std::string d = Trim(f.description);
      sql << "INSERT INTO review_findings (bureau_id, review_id, case_id, category, severity, description, created_at) "
             "VALUES (:b, :r, :c, :cat, :sev, :d, :t)",
          soci::use(bureau), soci::use(id), soci::use(cid), soci::use(f.category), soci::use(f.severity), soci::use(d),
          soci::use(now);
      findings.push_back({{"category", f.category}, {"severity", f.severity}, {"description", d}});
    }
    audit::Append(sql, clock_, actor,
                  {"case.review", "case", std::to_string(case_id),
                   fmt::format("{}审核：{}（{}），问题 {} 个", detail::StageZh(in.stage), c->title,
                               detail::VerdictZh(in.verdict), in.findings.size()),
                   {{"after", {{"review_id", id}, {"stage", in.stage}, {"verdict", in.verdict}, {"findings", findings}}}}});
    if (in.verdict != "pass" && c->lead_officer_id) {
      const std::string title = fmt::format("{}审核：{}", detail::StageZh(in.stage), detail::VerdictZh(in.verdict));
      std::string body = fmt::format("案件：{}\n审核意见：{}", c->title, comment);
      for (const auto& f : in.findings) body += fmt::format("\n【{}】{}", detail::CategoryZh(f.category), Trim(f.description));
      const std::string dedup = fmt::format("review:{}", id);
      for (std::int64_t u : detail::UsersOfPerson(sql, *c->lead_officer_id))
        detail::Notify(sql, c->bureau_id, u, case_id, "review", title, body, dedup, now);
    }
    auto list = LoadReviews(sql, case_id, id);
    if (!list || list->empty()) return Internal("审核记录保存后读取失败");
    return list->front();
  });
}

Result<std::vector<Review>> OversightService::CaseReviews(const auth::Principal& who, std::int64_t case_id) const {
  try {
    return db_.Read([&](soci::session& sql) -> Result<std::vector<Review>> {
      auto c = detail::LoadCaseInScope(sql, who, case_id);
      if (!c) return std::unexpected(c.error());
      return LoadReviews(sql, case_id, std::nullopt);
    });
  } catch (const std::exception& e) {
    return Internal(e.what());
  }
}

}  // namespace fazhi::oversight
