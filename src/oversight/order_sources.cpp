// Each source reads its problem (and the case it lies on) and answers NotFound — like a problem
// that does not exist — when the case is outside what the caller may see (his unit subtree, or a
// case he is bound to: 主办/协办/法制员).
#include "oversight/order_sources.h"

#include <memory>

#include <fmt/format.h>

#include "db/sql.h"
#include "oversight/internal.h"

namespace fazhi::oversight {

namespace {

orders::SourceInfo OnCase(const detail::CaseRow& c) {
  return {.bureau_id = c.bureau_id,
          .unit_id = c.unit_id,
          .case_id = c.id,
          .title = c.title,
          .problem_type = {},
          .responsible_person_id = c.lead_officer_id};
}

// 违规记录: defaults 问题类型 超期 (程序 for a missing act) and the officer it was recorded against.
class ViolationSource final : public orders::OrderSource {
 public:
  std::string_view Kind() const override { return "violation"; }
  std::string_view Name() const override { return "违规记录"; }
  Result<orders::SourceInfo> Describe(soci::session& sql, const auth::Principal& who, std::int64_t id) const override {
    struct Found {
      std::int64_t case_id;
      std::optional<std::int64_t> officer;
      std::string kind, message;
    };
    std::optional<Found> v;
    db::SqlArgs a;
    db::First(sql, fmt::format("SELECT case_id, officer_id, kind, message FROM violations WHERE id = {}", a.Int(id)), a,
              [&](const db::Row& r) {
                v = Found{r.Int("case_id"), r.OptInt("officer_id"), r.Str("kind"), r.Str("message")};
              });
    if (!v) return NotFound("违规记录不存在");
    // A violation of a case the issuer cannot see answers exactly like one that does not exist.
    const auto c = detail::LoadCaseInScope(sql, who, v->case_id);
    if (!c) return NotFound("违规记录不存在");
    orders::SourceInfo info = OnCase(*c);
    info.title = fmt::format("违规：{}", v->message);
    info.problem_type = v->kind == "missing" ? "程序" : "超期";
    if (v->officer) info.responsible_person_id = v->officer;
    return info;
  }
};

// 审核问题: 问题类型 from the finding's category (证据/程序/定性); the case's 主办民警.
class ReviewFindingSource final : public orders::OrderSource {
 public:
  std::string_view Kind() const override { return "review"; }
  std::string_view Name() const override { return "审核问题"; }
  Result<orders::SourceInfo> Describe(soci::session& sql, const auth::Principal& who, std::int64_t id) const override {
    struct Found {
      std::int64_t case_id;
      std::string category, description;
    };
    std::optional<Found> f;
    db::SqlArgs a;
    db::First(sql, fmt::format("SELECT case_id, category, description FROM review_findings WHERE id = {}", a.Int(id)),
              a, [&](const db::Row& r) {
                f = Found{r.Int("case_id"), r.Str("category"), r.Str("description")};
              });
    if (!f) return NotFound("审核问题不存在");
    const auto c = detail::LoadCaseInScope(sql, who, f->case_id);
    if (!c) return NotFound("审核问题不存在");  // out of scope: the same answer
    orders::SourceInfo info = OnCase(*c);
    info.title = fmt::format("{}问题：{}", detail::CategoryZh(f->category), f->description);
    info.problem_type = detail::CategoryZh(f->category);
    return info;
  }
};

// 预警告警 (a clock of the alert centre): 问题类型 超期 for a clock past its deadline, 程序 for a
// missing act, 期限临近 otherwise; the case's 主办民警.
class AlertSource final : public orders::OrderSource {
 public:
  std::string_view Kind() const override { return "alert"; }
  std::string_view Name() const override { return "预警告警"; }
  Result<orders::SourceInfo> Describe(soci::session& sql, const auth::Principal& who, std::int64_t id) const override {
    struct Found {
      std::int64_t case_id;
      std::string state, message;
    };
    std::optional<Found> f;
    db::SqlArgs a;
    db::First(sql, fmt::format("SELECT case_id, state, message FROM alerts WHERE id = {}", a.Int(id)), a,
              [&](const db::Row& r) {
                f = Found{r.Int("case_id"), r.Str("state"), r.Str("message")};
              });
    if (!f) return NotFound("预警告警不存在");
    const auto c = detail::LoadCaseInScope(sql, who, f->case_id);
    if (!c) return NotFound("预警告警不存在");  // out of scope: the same answer
    orders::SourceInfo info = OnCase(*c);
    info.title = fmt::format("{}：{}", detail::ClockStateZh(f->state), f->message);
    info.problem_type = f->state == "overdue" || f->state == "done_late" ? "超期"
                        : f->state == "missing"                          ? "程序"
                                                                         : "期限临近";
    return info;
  }
};

// 手工督办 on a case: the issuer names the 问题类型; the case's 主办民警.
class ManualSource final : public orders::OrderSource {
 public:
  std::string_view Kind() const override { return "manual"; }
  std::string_view Name() const override { return "手工督办"; }
  bool IdIsCase() const override { return true; }
  Result<orders::SourceInfo> Describe(soci::session& sql, const auth::Principal& who,
                                      std::int64_t case_id) const override {
    return OnCase(FZ_TRY(detail::LoadCaseInScope(sql, who, case_id)));
  }
};

}  // namespace

Result<void> RegisterOrderSources(orders::OrderService& orders) {
  FZ_CHECK(orders.RegisterSource(std::make_unique<ViolationSource>()));
  FZ_CHECK(orders.RegisterSource(std::make_unique<ReviewFindingSource>()));
  FZ_CHECK(orders.RegisterSource(std::make_unique<ManualSource>()));
  FZ_CHECK(orders.RegisterSource(std::make_unique<AlertSource>()));
  return {};
}

}  // namespace fazhi::oversight
