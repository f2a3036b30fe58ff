#include "oversight/oversight_bulletin.h"

#include <map>

#include <fmt/format.h>

#include "db/sql.h"
#include "orders/orders_reads.h"
#include "oversight/internal.h"
#include "oversight/oversight_module.h"

namespace fazhi::oversight {

namespace {

std::string N(std::int64_t v) { return std::to_string(v); }

struct UnitRow {
  std::string name, path;
  std::int64_t violations = 0, alerts = 0, reviews = 0, reviews_failed = 0;
};
struct RuleRow {
  std::int64_t violations = 0, serious = 0, alerts = 0;
};

// What the section counts in its period: three grouped statements, the previous period's count and
// one walk of the 督办 due in the period.
struct Tally {
  std::map<std::int64_t, UnitRow> units;
  std::map<std::string, RuleRow> rules;
  std::int64_t violations = 0, serious = 0, alerts = 0, reviews = 0, fix_required = 0, rejected = 0;
  std::int64_t prev_violations = 0;
  std::int64_t due = 0, on_time = 0, late = 0, open = 0;
  UnitRow& Unit(const db::Row& r) {
    auto& u = units[r.Int("unit_id")];
    u.name = r.Str("unit_name");
    u.path = r.Str("unit_path");
    return u;
  }
};

// A clock that reached its 预警 time while still open: in 预警 or 告警 now, or finished at or after
// that time (then `since` is the finishing time). A clock met before its 预警 time, or still running,
// has `since` before `pre_warn_at` and never warned. Spelled as in the partial index `alerts_warned`
// (migration 034): both databases use it only when the query names its condition.
constexpr const char* kWarned = "a.since >= a.pre_warn_at";

Tally ReadTally(soci::session& sql, const kit::BulletinPeriod& period, const kit::BulletinScope& scope) {
  Tally t;
  {
    db::SqlArgs a;
    db::Each(sql,
             fmt::format("SELECT v.unit_id, u.name AS unit_name, u.path AS unit_path, v.rule_id, v.severity, "
                         "COUNT(*) AS n FROM violations v JOIN units u ON u.id = v.unit_id WHERE {} AND "
                         "v.detected_at >= {} AND v.detected_at < {} GROUP BY v.unit_id, u.name, u.path, v.rule_id, "
                         "v.severity",
                         db::PathUnder(a, "u.path", scope.unit_path), a.Int(period.from), a.Int(period.to)),
             a, [&](const db::Row& r) {
               const std::int64_t n = r.Int("n");
               const bool is_serious = r.Text("severity") == "serious";
               t.Unit(r).violations += n;
               auto& rule = t.rules[r.Str("rule_id")];
               rule.violations += n;
               t.violations += n;
               if (is_serious) rule.serious += n, t.serious += n;
             });
  }
  {
    db::SqlArgs a;
    db::Each(sql,
             fmt::format("SELECT a.unit_id, u.name AS unit_name, u.path AS unit_path, a.rule_id, COUNT(*) AS n FROM "
                         "alerts a JOIN units u ON u.id = a.unit_id WHERE {} AND a.pre_warn_at >= {} AND "
                         "a.pre_warn_at < {} AND {} GROUP BY a.unit_id, u.name, u.path, a.rule_id",
                         db::PathUnder(a, "u.path", scope.unit_path), a.Int(period.from), a.Int(period.to), kWarned),
             a, [&](const db::Row& r) {
               const std::int64_t n = r.Int("n");
               t.Unit(r).alerts += n;
               t.rules[r.Str("rule_id")].alerts += n;
               t.alerts += n;
             });
  }
  {
    db::SqlArgs a;
    db::Each(sql,
             fmt::format("SELECT c.unit_id, u.name AS unit_name, u.path AS unit_path, r.verdict, COUNT(*) AS n FROM "
                         "case_reviews r JOIN cases c ON c.id = r.case_id JOIN units u ON u.id = c.unit_id WHERE {} "
                         "AND r.created_at >= {} AND r.created_at < {} GROUP BY c.unit_id, u.name, u.path, r.verdict",
                         db::PathUnder(a, "u.path", scope.unit_path), a.Int(period.from), a.Int(period.to)),
             a, [&](const db::Row& r) {
               const std::int64_t n = r.Int("n");
               auto& u = t.Unit(r);
               u.reviews += n;
               t.reviews += n;
               if (r.Text("verdict") == "fix_required") t.fix_required += n, u.reviews_failed += n;
               if (r.Text("verdict") == "reject") t.rejected += n, u.reviews_failed += n;
             });
  }
  {
    const kit::BulletinPeriod prev = period.Previous();
    db::SqlArgs a;
    t.prev_violations =
        db::ScalarInt(
            sql,
            fmt::format("SELECT COUNT(*) FROM violations v JOIN units u ON u.id = v.unit_id WHERE {} AND v.detected_at "
                        ">= {} AND v.detected_at < {}",
                        db::PathUnder(a, "u.path", scope.unit_path), a.Int(prev.from), a.Int(prev.to)),
            a)
            .value_or(0);
  }
  orders::EachDue(sql, scope.unit_path, period.from, period.to, [&](const orders::DueOrder& o) {
    ++t.due;
    if (o.status == "closed" && o.closed_at && *o.closed_at <= o.deadline)
      ++t.on_time;
    else if (o.status == "closed")
      ++t.late;
    else
      ++t.open;
  });

  return t;
}

// The section's figures, each naming where it comes from.
std::vector<kit::BulletinFigure> Figures(const Tally& t, const std::string& range, const std::string& where) {
  return {
      {.key = "alerts",
       .label = "发出预警",
       .value = t.alerts,
       .unit = "条",
       .source = fmt::format("数据来源：预警 alerts，到达预警时间 pre_warn_at 时尚未办结的计时，预警时间在 {}，{}",
                             range, where)},
      {.key = "violations",
       .label = "发现执法违规",
       .value = t.violations,
       .previous = t.prev_violations,
       .unit = "起",
       .source = fmt::format("数据来源：违规记录 violations，发现时间 detected_at 在 {}，{}", range, where)},
      {.key = "serious",
       .label = "其中严重违规",
       .value = t.serious,
       .unit = "起",
       .source = fmt::format("数据来源：违规记录 violations，severity = serious，{}，{}", range, where)},
      {.key = "reviews",
       .label = "法制审核",
       .value = t.reviews,
       .unit = "次",
       .source = fmt::format("数据来源：法制审核 case_reviews，审核时间 created_at 在 {}，{}", range, where)},
      {.key = "reviews_failed",
       .label = "审核未通过（需整改或不予通过）",
       .value = t.fix_required + t.rejected,
       .unit = "次",
       .source = fmt::format("数据来源：法制审核 case_reviews，verdict 为 fix_required 或 reject，{}", range)},
      {.key = "orders_due",
       .label = "到期督办",
       .value = t.due,
       .unit = "件",
       .source = fmt::format("数据来源：督办 supervision_orders，整改期限 deadline 在 {}，未挂起，{}", range, where)},
      {.key = "orders_on_time",
       .label = "按期整改率",
       .value = t.on_time,
       .of = t.due,
       .source = fmt::format("数据来源：督办 supervision_orders，期限内办结（closed_at ≤ deadline），{}", range)},
  };
}

class OversightSection final : public kit::BulletinSectionProvider {
 public:
  explicit OversightSection(const OversightService& service) : service_(service) {}
  std::string_view id() const override { return "oversight"; }
  int order() const override { return 20; }

  Result<kit::BulletinSection> Compute(soci::session& sql, const kit::BulletinPeriod& period,
                                       const kit::BulletinScope& scope) const override {
    const Tally t = ReadTally(sql, period, scope);
    kit::BulletinSection s;
    s.id = "oversight";
    s.title = "执法监督情况";
    s.has_data = t.violations + t.alerts + t.reviews + t.due > 0;
    s.empty_text = fmt::format("本期（{}）无执法监督（预警、违规、法制审核、督办）数据。", period.Label());
    if (!s.has_data) return s;
    const std::string where = fmt::format("{}（含下级单位）", scope.unit_name);
    const std::string range = period.RangeText();
    s.figures = Figures(t, range, where);
    s.summary = fmt::format(
        "本期系统共发出执法预警{}条，发现执法违规{}起（其中严重违规{}起），{}；法制部门开展法制审核{}次，"
        "其中需整改{}次、不予通过{}次。本期到期督办{}件，按期办结{}件，逾期办结{}件，尚未办结{}件，按期整改率{}。",
        t.alerts, t.violations, t.serious, kit::ChangeText(s.figures[1]), t.reviews, t.fix_required, t.rejected, t.due,
        t.on_time, t.late, t.open, kit::RatioText(t.on_time, t.due));
    RulesTable(s, t.rules, range, where);
    UnitsTable(s, t.units, range, where);
    TypicalProblems(sql, s, period, scope);
    return s;
  }

 private:
  void RulesTable(kit::BulletinSection& s, const std::map<std::string, RuleRow>& rules, const std::string& range,
                  const std::string& where) const {
    if (rules.empty()) return;
    const auto set = service_.Rules();
    kit::BulletinTable t;
    t.caption = "预警与违规（按监督规则）";
    t.header = {"规则", "规则名称", "预警", "违规", "其中严重"};
    t.numeric = {false, false, true, true, true};
    for (const auto& [id, r] : rules) {
      std::string name;
      if (set)
        if (int i = set->catalog.FindRule(id); i >= 0) name = set->catalog.rules[static_cast<std::size_t>(i)].name;
      t.rows.push_back({id, name, N(r.alerts), N(r.violations), N(r.serious)});
    }
    t.source = fmt::format(
        "数据来源：预警 alerts（pre_warn_at，到达预警时间时尚未办结的计时）与违规记录 "
        "violations（detected_at），{}，{}，按 rule_id 分组",
        range, where);
    s.tables.push_back(std::move(t));
  }

  static void UnitsTable(kit::BulletinSection& s, const std::map<std::int64_t, UnitRow>& units,
                         const std::string& range, const std::string& where) {
    std::vector<const UnitRow*> order;
    for (const auto& [id, u] : units) order.push_back(&u);
    std::sort(order.begin(), order.end(), [](const UnitRow* a, const UnitRow* b) { return a->path < b->path; });
    kit::BulletinTable t;
    t.caption = "各单位执法监督情况";
    t.header = {"单位", "预警", "违规", "法制审核", "审核未通过"};
    t.numeric = {false, true, true, true, true};
    for (const UnitRow* u : order)
      t.rows.push_back({u->name, N(u->alerts), N(u->violations), N(u->reviews), N(u->reviews_failed)});
    t.source = fmt::format("数据来源：alerts、violations、case_reviews，{}，{}，按办案单位分组", range, where);
    s.tables.push_back(std::move(t));
  }

  // Up to three violations (serious first), then two review findings: case number and unit, the
  // rule by its id and catalog name. The violation's own message names the person it is about
  // (“（张三）”), so it and the case title are printed only when the bulletin is not anonymised.
  void TypicalProblems(soci::session& sql, kit::BulletinSection& s, const kit::BulletinPeriod& period,
                       const kit::BulletinScope& scope) const {
    auto label = [&](const db::Row& r) {
      std::string out = fmt::format("案件 {}（{}）", r.Str("external_id"), r.Str("unit_name"));
      if (!scope.anonymise) out += fmt::format("《{}》", r.Str("title"));
      return out;
    };
    {
      db::SqlArgs a;
      db::Each(sql,
               fmt::format(
                   "SELECT c.external_id, c.title, u.name AS unit_name, v.rule_id, v.kind, v.message FROM violations v "
                   "JOIN cases c ON c.id = v.case_id JOIN units u ON u.id = v.unit_id WHERE {} AND "
                   "v.detected_at >= {} AND v.detected_at < {} ORDER BY CASE WHEN v.severity = 'serious' THEN 0 "
                   "ELSE 1 END, v.detected_at, v.id LIMIT 3",
                   db::PathUnder(a, "u.path", scope.unit_path), a.Int(period.from), a.Int(period.to)),
               a, [&](const db::Row& r) {
                 const std::string rule = r.Str("rule_id");
                 const std::string name = RuleName(rule);
                 const std::string_view kind = r.Text("kind");
                 const char* what = kind == "missing"     ? "应办环节缺失"
                                    : kind == "done_late" ? "超期办理"
                                                          : "超过法定期限未办理";
                 std::string text = fmt::format("{}：{}{}（规则 {}）", label(r),
                                                name.empty() ? std::string() : "违反“" + name + "”，", what, rule);
                 if (!scope.anonymise) text += "；" + r.Str("message");
                 s.items.push_back(text + "。");
               });
    }
    {
      db::SqlArgs a;
      db::Each(sql,
               fmt::format("SELECT c.external_id, c.title, u.name AS unit_name, f.category, f.description FROM "
                           "review_findings f JOIN cases c ON c.id = f.case_id JOIN units u ON u.id = c.unit_id WHERE "
                           "{} AND f.created_at >= {} AND f.created_at < {} ORDER BY CASE WHEN f.severity = 'serious' "
                           "THEN 0 ELSE 1 END, f.created_at, f.id LIMIT 2",
                           db::PathUnder(a, "u.path", scope.unit_path), a.Int(period.from), a.Int(period.to)),
               a, [&](const db::Row& r) {
                 std::string text =
                     fmt::format("{}：法制审核发现{}问题", label(r), detail::CategoryZh(r.Str("category")));
                 if (!scope.anonymise) text += "，" + r.Str("description");
                 s.items.push_back(text + "。");
               });
    }
    if (s.items.empty()) return;
    s.items_title = "典型问题";
    s.items_source =
        fmt::format("数据来源：violations（严重违规优先）与 review_findings，{}；{}", period.RangeText(),
                    scope.anonymise ? "仅列案件编号与规则，不列人员姓名、案件名称和问题描述" : "含案件名称");
  }

  std::string RuleName(const std::string& id) const {
    const auto set = service_.Rules();
    if (!set) return {};
    const int i = set->catalog.FindRule(id);
    return i >= 0 ? set->catalog.rules[static_cast<std::size_t>(i)].name : std::string();
  }

  const OversightService& service_;
};

std::string Pct(const Ratio& r) { return kit::RatioText(r.num, r.den); }

class PlatformSection final : public kit::BulletinSectionProvider {
 public:
  std::string_view id() const override { return "platform"; }
  int order() const override { return 30; }

  Result<kit::BulletinSection> Compute(soci::session& sql, const kit::BulletinPeriod& period,
                                       const kit::BulletinScope& scope) const override {
    const auto by_unit = detail::MetricsByUnit(sql, scope.unit_path, period.from, period.to);
    MetricRow total;
    for (const auto& [id, r] : by_unit) detail::SumMetrics(total, r.row);
    kit::BulletinSection s;
    s.id = "platform";
    s.title = "执法办案平台应用情况";
    s.has_data = total.body_camera.den + total.area_av.den + total.property_24h.den + total.reviews_complete.den +
                     total.orders_on_time.den >
                 0;
    s.empty_text = fmt::format("本期（{}）无执法办案平台应用考核数据。", period.Label());
    if (!s.has_data) return s;
    const std::string src =
        fmt::format("数据来源：平台应用考核（docs/oversight.md §平台应用考核），{}，{}（含下级单位）",
                    period.RangeText(), scope.unit_name);
    auto fig = [&](const char* key, const char* label, const Ratio& r, const char* detail) {
      return kit::BulletinFigure{
          .key = key, .label = label, .value = r.num, .of = r.den, .source = src + "；" + detail};
    };
    s.figures = {
        fig("body_camera", "警情执法记录仪视音频上传率", total.body_camera, "incidents.body_camera"),
        fig("area_av", "办案区全程视音频覆盖率", total.area_av, "case_events area_enter/area_exit 的 av_start/av_end"),
        fig("property_24h", "涉案财物24小时内移交率", total.property_24h, "alerts rule_id = PROP-01"),
        fig("reviews_complete", "法制审核完整率", total.reviews_complete, "case_reviews 最近一次审核为通过"),
        fig("orders_on_time", "督办按期整改率", total.orders_on_time, "supervision_orders closed_at ≤ deadline"),
    };
    s.summary = fmt::format(
        "平台应用方面，警情执法记录仪视音频上传率{}，办案区全程视音频覆盖率{}，涉案财物24小时内移交率{}，"
        "法制审核完整率{}，督办按期整改率{}。",
        Pct(total.body_camera), Pct(total.area_av), Pct(total.property_24h), Pct(total.reviews_complete),
        Pct(total.orders_on_time));
    kit::BulletinTable t;
    t.caption = "各单位平台应用考核情况";
    t.header = {"单位", "视音频上传", "办案区视音频", "财物24小时移交", "审核完整", "督办按期"};
    t.numeric = {false, true, true, true, true, true};
    for (const auto& [path, r] : by_unit)
      t.rows.push_back({r.row.name, Pct(r.row.body_camera), Pct(r.row.area_av), Pct(r.row.property_24h),
                        Pct(r.row.reviews_complete), Pct(r.row.orders_on_time)});
    t.rows.push_back({"合计", Pct(total.body_camera), Pct(total.area_av), Pct(total.property_24h),
                      Pct(total.reviews_complete), Pct(total.orders_on_time)});
    t.source = src;
    s.tables.push_back(std::move(t));
    return s;
  }
};

}  // namespace

std::unique_ptr<kit::BulletinSectionProvider> MakeOversightBulletinSection(const OversightService& service) {
  return std::make_unique<OversightSection>(service);
}
std::unique_ptr<kit::BulletinSectionProvider> MakePlatformBulletinSection() {
  return std::make_unique<PlatformSection>();
}

void OversightModule::AddBulletinSections(std::vector<std::unique_ptr<kit::BulletinSectionProvider>>& out) {
  out.push_back(MakeOversightBulletinSection(service_));
  out.push_back(MakePlatformBulletinSection());
}

}  // namespace fazhi::oversight
