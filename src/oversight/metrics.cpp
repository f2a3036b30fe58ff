// 平台应用考核: platform-use metrics per unit and officer for one month, computed from stored data
// (definitions: docs/oversight.md §平台应用考核). Each figure is a ratio num/den so the UI can show
// both the rate and the counts behind it.
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cases/case_reads.h"
#include "core/local_time.h"
#include "files/spreadsheet.h"
#include "orders/orders_reads.h"
#include "oversight/internal.h"
#include "oversight/oversight_service.h"

namespace fazhi::oversight {

namespace {

struct Acc {
  std::map<std::int64_t, MetricRow> units;
  std::map<std::int64_t, MetricRow> officers;
  MetricRow& Unit(std::int64_t id) {
    auto& r = units[id];
    r.id = id;
    return r;
  }
  MetricRow* Officer(std::optional<std::int64_t> id) {
    if (!id) return nullptr;
    auto& r = officers[*id];
    r.id = *id;
    return &r;
  }
};

void Add(Ratio& r, bool hit) {
  ++r.den;
  if (hit) ++r.num;
}

// What the report covers: the units under `path`; with `who` (no unit chosen) the case-based
// figures cover every case visible to `who` — his subtree plus the cases bound to him (捆绑责任), the
// same rule as the case list (cases/case_reads.h).
// `within` narrows either to a chosen unit's subtree (for `who`, the cases he sees there).
struct Scope {
  std::string path;
  const auth::Principal* who = nullptr;
  std::string within;  // empty = no narrowing
};

std::string Within(db::SqlArgs& a, const Scope& s) {
  return s.within.empty() ? std::string() : " AND " + db::PathUnder(a, "u.path", s.within);
}

// Condition on a query that joins `cases c` and its unit `u`.
std::string CasesIn(db::SqlArgs& a, const Scope& s) {
  std::string in = s.who ? cases::CaseVisible(a, *s.who, "c", "u.path") : db::PathUnder(a, "u.path", s.path);
  return "(" + in + Within(a, s) + ")";
}

// The case events that mark reaching a review stage (for "cases with all required reviews").
const std::map<std::string, std::vector<std::string>>& StageEvents() {
  static const std::map<std::string, std::vector<std::string>> m = {
      {"accept", {"accept_case"}},
      {"file", {"file_case"}},
      {"coercive", {"detain", "arrest", "bail", "residential_surveillance"}},
      {"prosecution", {"transfer_prosecution"}},
  };
  return m;
}

std::optional<std::int64_t> TimeAttr(const nlohmann::json& attrs, const char* key) {
  if (!attrs.is_object() || !attrs.contains(key)) return std::nullopt;
  const auto& v = attrs[key];
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_string()) return ParseLocalDateTime(v.get<std::string>());
  return std::nullopt;
}

// 1. 警情 with body-camera video: those of the units in scope and, for `who`, those whose case is
// visible to him (a bound 法制员's 派出所 cases bring their 警情 along).
void BodyCamera(soci::session& sql, const Scope& scope, std::int64_t from, std::int64_t to, Acc& acc) {
  db::SqlArgs a;
  std::string in_scope = db::PathUnder(a, "u.path", scope.path);
  if (scope.who) in_scope = fmt::format("({} OR {})", in_scope, cases::CaseVisible(a, *scope.who, "c"));
  in_scope += Within(a, scope);
  const std::string q = fmt::format(
      "SELECT i.unit_id, i.officer_id, i.body_camera FROM incidents i JOIN units u ON u.id = i.unit_id LEFT JOIN "
      "cases c ON c.id = i.case_id WHERE {} AND i.received_at >= {} AND i.received_at < {}",
      in_scope, a.Int(from), a.Int(to));
  db::Each(sql, q, a, [&](const db::Row& r) {
    const bool hit = r.Bool("body_camera");
    Add(acc.Unit(r.Int("unit_id")).body_camera, hit);
    if (auto* o = acc.Officer(r.OptInt("officer_id"))) Add(o->body_camera, hit);
  });
}

// 2. 办案区 stays (area_enter in the month, paired with the person's next area_exit) whose A/V span
// (av_start/av_end on the enter or exit event) covers the whole stay. A stay without an exit is
// counted as incomplete.
void AreaAv(soci::session& sql, const Scope& scope, std::int64_t from, std::int64_t to, Acc& acc) {
  db::SqlArgs a;
  const std::string q = fmt::format(
      "SELECT e.case_id, c.unit_id, c.lead_officer_id, e.type, e.at, COALESCE(e.person_ref, '') AS person_ref, "
      "e.attrs FROM case_events e JOIN cases c ON c.id = e.case_id JOIN units u ON u.id = c.unit_id WHERE {} AND "
      "e.type IN ('area_enter', 'area_exit') AND e.case_id IN (SELECT case_id FROM case_events WHERE type = "
      "'area_enter' AND at >= {} AND at < {}) ORDER BY e.case_id, e.at, e.id",
      CasesIn(a, scope), a.Int(from), a.Int(to));
  struct Enter {
    std::int64_t at;
    nlohmann::json attrs;
  };
  struct Stay {
    std::int64_t unit;
    std::optional<std::int64_t> officer;
    bool complete;
  };
  std::vector<Stay> stays;
  std::int64_t current_case = -1, unit = 0;
  std::optional<std::int64_t> officer;
  std::map<std::string, std::vector<Enter>> open;  // per person, for the current case
  auto flush = [&] {
    for (auto& [person, enters] : open)
      for (const auto& e : enters)
        if (e.at >= from && e.at < to) stays.push_back({unit, officer, false});
    open.clear();
  };
  db::Each(sql, q, a, [&](const db::Row& r) {
    const std::int64_t case_id = r.Int("case_id");
    if (case_id != current_case) {
      flush();
      current_case = case_id;
      unit = r.Int("unit_id");
      officer = r.OptInt("lead_officer_id");
    }
    const std::int64_t at = r.Int("at");
    auto attrs = nlohmann::json::parse(r.Text("attrs"), nullptr, false);
    if (r.Text("type") == "area_enter") {
      open[r.Str("person_ref")].push_back({at, std::move(attrs)});
      return;
    }
    auto it = open.find(r.Str("person_ref"));
    if (it == open.end() || it->second.empty()) return;
    Enter e = std::move(it->second.front());
    it->second.erase(it->second.begin());
    if (e.at < from || e.at >= to) return;
    auto av_start = TimeAttr(e.attrs, "av_start");
    if (!av_start) av_start = TimeAttr(attrs, "av_start");
    auto av_end = TimeAttr(attrs, "av_end");
    if (!av_end) av_end = TimeAttr(e.attrs, "av_end");
    const bool complete = av_start && av_end && *av_start <= e.at && *av_end >= at;
    stays.push_back({unit, officer, complete});
  });
  flush();
  for (const auto& s : stays) {
    Add(acc.Unit(s.unit).area_av, s.complete);
    if (auto* o = acc.Officer(s.officer)) Add(o->area_av, s.complete);
  }
}

// 3. Property handed over within 24 h: PROP-01 clocks whose 提取 is in the month and that are
// decided (done in time, done late, or overdue now).
void Property24h(soci::session& sql, const Scope& scope, std::int64_t from, std::int64_t to, Acc& acc) {
  db::SqlArgs a;
  const std::string q = fmt::format(
      "SELECT c.unit_id, c.lead_officer_id, a.state FROM alerts a JOIN cases c ON c.id = a.case_id JOIN units u ON "
      "u.id = c.unit_id JOIN case_events e ON e.id = a.trigger_event_id WHERE a.rule_id = 'PROP-01' AND {} AND "
      "e.at >= {} AND e.at < {} AND a.state IN ('done', 'done_late', 'overdue')",
      CasesIn(a, scope), a.Int(from), a.Int(to));
  db::Each(sql, q, a, [&](const db::Row& r) {
    const bool hit = r.Text("state") == "done";
    Add(acc.Unit(r.Int("unit_id")).property_24h, hit);
    if (auto* o = acc.Officer(r.OptInt("lead_officer_id"))) Add(o->property_24h, hit);
  });
}

// 4. Cases that reached a gated stage in the month (its event is in the month) with the latest
// review (by created_at, then id) of every gated stage reached being a pass. One statement: the
// gates become a small derived table (case type, stage, event type), the month's case events are
// joined to it, and each (case, stage) looks up its latest review through the case_reviews_case
// index; the database returns one row per case with ok = 1 when every stage passed.
void ReviewsComplete(soci::session& sql, const Scope& scope, std::int64_t from, std::int64_t to,
                     const std::vector<ReviewGate>& gates, Acc& acc) {
  struct Need {
    std::string case_type, stage, type;
  };
  std::vector<Need> needs;
  std::vector<std::string> types;
  for (const auto& g : gates)
    for (const auto& t : StageEvents().at(g.stage)) {
      needs.push_back({g.case_type, g.stage, t});
      if (std::find(types.begin(), types.end(), t) == types.end()) types.push_back(t);
    }
  if (needs.empty()) return;
  std::sort(types.begin(), types.end());
  db::SqlArgs a;
  std::string table;
  for (const auto& n : needs)
    table += fmt::format("{}SELECT {} AS case_type, {} AS stage, {} AS type", table.empty() ? "" : " UNION ALL ",
                         a.Str(n.case_type), a.Str(n.stage), a.Str(n.type));
  const std::string q = fmt::format(
      "SELECT m.id, m.unit_id, m.lead_officer_id, MIN(m.ok) AS ok FROM (SELECT n.id, n.unit_id, n.lead_officer_id, "
      "CASE WHEN EXISTS (SELECT 1 FROM case_reviews r WHERE r.case_id = n.id AND r.stage = n.stage AND r.verdict = "
      "'pass' AND NOT EXISTS (SELECT 1 FROM case_reviews l WHERE l.case_id = r.case_id AND l.stage = r.stage AND "
      "(l.created_at > r.created_at OR (l.created_at = r.created_at AND l.id > r.id)))) THEN 1 ELSE 0 END AS ok "
      "FROM (SELECT DISTINCT c.id, c.unit_id, c.lead_officer_id, g.stage FROM case_events e JOIN cases c ON c.id = "
      "e.case_id JOIN units u ON u.id = c.unit_id JOIN ({}) g ON g.case_type = c.case_type AND g.type = e.type "
      "WHERE {} AND e.type IN {} AND e.at >= {} AND e.at < {}) n) m GROUP BY m.id, m.unit_id, m.lead_officer_id",
      table, CasesIn(a, scope), a.StrList(types), a.Int(from), a.Int(to));
  db::Each(sql, q, a, [&](const db::Row& r) {
    const bool ok = r.Int("ok") == 1;
    Add(acc.Unit(r.Int("unit_id")).reviews_complete, ok);
    if (auto* o = acc.Officer(r.OptInt("lead_officer_id"))) Add(o->reviews_complete, ok);
  });
}

// 5. Cases accepted in the month and the violations recorded on them.
void CasesAndViolations(soci::session& sql, const Scope& scope, std::int64_t from, std::int64_t to, Acc& acc) {
  db::SqlArgs a;
  const std::string q = fmt::format(
      "SELECT c.unit_id, c.lead_officer_id FROM cases c JOIN units u ON u.id = c.unit_id WHERE {} AND "
      "c.accepted_at >= {} AND c.accepted_at < {}",
      CasesIn(a, scope), a.Int(from), a.Int(to));
  db::Each(sql, q, a, [&](const db::Row& r) {
    ++acc.Unit(r.Int("unit_id")).cases;
    if (auto* o = acc.Officer(r.OptInt("lead_officer_id"))) ++o->cases;
  });
  db::SqlArgs b;
  const std::string v = fmt::format(
      "SELECT c.unit_id, v.officer_id FROM violations v JOIN cases c ON c.id = v.case_id JOIN units u ON "
      "u.id = c.unit_id WHERE {} AND c.accepted_at >= {} AND c.accepted_at < {}",
      CasesIn(b, scope), b.Int(from), b.Int(to));
  db::Each(sql, v, b, [&](const db::Row& r) {
    ++acc.Unit(r.Int("unit_id")).violations;
    if (auto* o = acc.Officer(r.OptInt("officer_id"))) ++o->violations;
  });
}

// The metrics of units in the subtree of `path` for [from, to).
void Compute(soci::session& sql, const Scope& scope, std::int64_t from, std::int64_t to,
             const std::vector<ReviewGate>& gates, Acc& acc) {
  BodyCamera(sql, scope, from, to, acc);
  AreaAv(sql, scope, from, to, acc);
  Property24h(sql, scope, from, to, acc);
  ReviewsComplete(sql, scope, from, to, gates, acc);
  CasesAndViolations(sql, scope, from, to, acc);
  // 6. 督办 due in the month (not suspended) closed by their deadline: those of the units in scope
  // and, for `who`, those on a case visible to him (his bound cases elsewhere).
  const auto on_case = [&](db::SqlArgs& a) { return cases::CaseVisible(a, *scope.who, "c"); };
  orders::EachDue(
      sql, scope.path, from, to,
      [&](const orders::DueOrder& o) {
        const bool hit = o.status == "closed" && o.closed_at && *o.closed_at <= o.deadline;
        Add(acc.Unit(o.unit_id).orders_on_time, hit);
        if (auto* officer = acc.Officer(o.responsible_person_id)) Add(officer->orders_on_time, hit);
      },
      scope.who ? orders::CaseCondition(on_case) : orders::CaseCondition(), scope.within);
}

}  // namespace

void detail::SumMetrics(MetricRow& into, const MetricRow& r) {
  auto add = [](Ratio& a, const Ratio& b) {
    a.num += b.num;
    a.den += b.den;
  };
  add(into.body_camera, r.body_camera);
  add(into.area_av, r.area_av);
  add(into.property_24h, r.property_24h);
  add(into.reviews_complete, r.reviews_complete);
  add(into.orders_on_time, r.orders_on_time);
  into.cases += r.cases;
  into.violations += r.violations;
}

std::map<std::string, detail::UnitMetrics> detail::MetricsByUnit(soci::session& sql, const std::string& path,
                                                                 std::int64_t from, std::int64_t to) {
  Acc acc;
  Compute(sql, Scope{.path = path}, from, to, ReviewGates(sql), acc);
  std::map<std::string, UnitMetrics> out;
  if (acc.units.empty()) return out;
  // Every unit with figures lies under `path` (no principal, no bound cases from outside it).
  db::SqlArgs a;
  db::Each(sql, fmt::format("SELECT u.id, u.name, u.path FROM units u WHERE {}", db::PathUnder(a, "u.path", path)), a,
           [&](const db::Row& r) {
             auto it = acc.units.find(r.Int("id"));
             if (it == acc.units.end()) return;
             UnitMetrics m{it->second};
             m.row.name = r.Str("name");
             out.emplace(r.Str("path"), std::move(m));
           });
  return out;
}

namespace {

std::string MonthText(int year, int month) { return fmt::format("{:04d}-{:02d}", year, month); }

std::string Pct(const Ratio& r) {
  if (r.den == 0) return "—";
  return fmt::format("{:.1f}%（{}/{}）", 100.0 * static_cast<double>(r.num) / static_cast<double>(r.den), r.num, r.den);
}
std::string Per100(const MetricRow& r) {
  if (r.cases == 0) return r.violations ? fmt::format("—（{} 起）", r.violations) : "—";
  return fmt::format("{:.1f}（{}/{}）", 100.0 * static_cast<double>(r.violations) / static_cast<double>(r.cases),
                     r.violations, r.cases);
}

}  // namespace

Result<MetricsReport> OversightService::Metrics(const auth::Principal& who, const std::string& month,
                                                std::optional<std::int64_t> unit_id) const {
  const auto range = detail::MonthRange(month);
  if (!range) return Invalid("月份格式应为 2023-07", "month");
  const auto gates = FZ_TRY(GetReviewGates());
  return db_.Read([&](soci::session& sql) -> Result<MetricsReport> {
    const Scope scope{.path = who.unit_path,
                      .who = &who,
                      .within = unit_id ? FZ_TRY(detail::UnitPathInScope(sql, who, *unit_id)) : std::string()};
    MetricsReport rep;
    rep.month = month;
    rep.unit_id = unit_id;
    Acc acc;
    Compute(sql, scope, range->first, range->second, gates, acc);
    // Names: the units under the scope's path and those of the bound cases outside it.
    db::SqlArgs a;
    std::vector<std::int64_t> unit_ids;
    for (const auto& [id, row] : acc.units) unit_ids.push_back(id);
    if (unit_ids.empty()) unit_ids.push_back(0);
    db::Each(sql, fmt::format("SELECT u.id, u.name FROM units u WHERE u.id IN {} ORDER BY u.path", a.IntList(unit_ids)),
             a, [&](const db::Row& r) {
               auto it = acc.units.find(r.Int("id"));
               if (it == acc.units.end()) return;
               it->second.name = r.Str("name");
               rep.units.push_back(it->second);
             });
    if (!acc.officers.empty()) {
      std::vector<std::int64_t> ids;
      for (const auto& [id, row] : acc.officers) ids.push_back(id);
      db::SqlArgs b;
      db::Each(sql,
               fmt::format("SELECT id, name, unit_id FROM people WHERE id IN {} ORDER BY unit_id, id", b.IntList(ids)),
               b, [&](const db::Row& r) {
                 MetricRow row = acc.officers.at(r.Int("id"));
                 row.name = r.Str("name");
                 row.unit_id = r.Int("unit_id");
                 rep.officers.push_back(std::move(row));
               });
    }
    rep.total.name = "合计";
    for (const auto& [id, row] : acc.units) detail::SumMetrics(rep.total, row);
    // 12-month trend ending with `month` (scope totals).
    const CivilDate first = LocalDateOf(range->first);
    for (int back = 11; back >= 0; --back) {
      int y = first.year, m = first.month - back;
      while (m <= 0) m += 12, --y;
      const std::string label = MonthText(y, m);
      MetricRow total;
      if (back == 0) {
        total = rep.total;
      } else {
        const auto r = detail::MonthRange(label);
        Acc month_acc;
        Compute(sql, scope, r->first, r->second, gates, month_acc);
        for (const auto& [id, row] : month_acc.units) detail::SumMetrics(total, row);
      }
      total.name = label;
      rep.trend.emplace_back(label, total);
    }
    return rep;
  });
}

Result<std::string> OversightService::MetricsXlsx(const auth::Principal& who, const std::string& month,
                                                  std::optional<std::int64_t> unit_id) const {
  const MetricsReport rep = FZ_TRY(Metrics(who, month, unit_id));
  const std::vector<std::string> header = {"警情视音频",   "办案区视音频完整", "涉案财物24小时入库",
                                           "案件审核完整", "每百案违规数",     "督办按期办结"};
  auto cells = [](const MetricRow& r) {
    return std::vector<std::string>{Pct(r.body_camera),      Pct(r.area_av), Pct(r.property_24h),
                                    Pct(r.reviews_complete), Per100(r),      Pct(r.orders_on_time)};
  };
  files::SheetData units{"单位", {}, {24, 18, 18, 20, 18, 18, 18}};
  units.rows.push_back({"单位"});
  units.rows.back().insert(units.rows.back().end(), header.begin(), header.end());
  for (const auto& r : rep.units) {
    units.rows.push_back({r.name});
    auto c = cells(r);
    units.rows.back().insert(units.rows.back().end(), c.begin(), c.end());
  }
  units.rows.push_back({rep.total.name});
  auto tc = cells(rep.total);
  units.rows.back().insert(units.rows.back().end(), tc.begin(), tc.end());

  files::SheetData officers{"民警", {}, {14, 18, 18, 18, 20, 18, 18}};
  officers.rows.push_back({"民警"});
  officers.rows.back().insert(officers.rows.back().end(), header.begin(), header.end());
  for (const auto& r : rep.officers) {
    officers.rows.push_back({r.name});
    auto c = cells(r);
    officers.rows.back().insert(officers.rows.back().end(), c.begin(), c.end());
  }
  files::SheetData trend{"趋势", {}, {12, 18, 18, 18, 20, 18, 18}};
  trend.rows.push_back({"月份"});
  trend.rows.back().insert(trend.rows.back().end(), header.begin(), header.end());
  for (const auto& [label, r] : rep.trend) {
    trend.rows.push_back({label});
    auto c = cells(r);
    trend.rows.back().insert(trend.rows.back().end(), c.begin(), c.end());
  }
  return files::WriteXlsx({units, officers, trend});
}

}  // namespace fazhi::oversight
