// Read side: alert centre, a case's clocks, violations.
#include <fmt/format.h>

#include "cases/case_reads.h"
#include "core/local_time.h"
#include "files/spreadsheet.h"
#include "oversight/internal.h"
#include "oversight/oversight_service.h"

namespace fazhi::oversight {

namespace {

// The alert centre opens on live items only: 告警 (overdue) and 预警 (pre_warn); finished ones
// (done_late, done) and missing requirements only through the state filter.
const std::vector<std::string> kLiveStates = {"overdue", "pre_warn"};
const std::vector<std::string> kAllStates = {"running", "pre_warn", "overdue", "done_late", "done", "missing"};

constexpr const char* kAlertSelect =
    "SELECT a.id, a.case_id, c.title AS case_title, c.external_id, a.unit_id, u.name AS unit_name, c.lead_officer_id, "
    "COALESCE(p.name, '') AS lead_officer_name, a.rule_id, a.clock_key, a.state, a.due_at, a.pre_warn_at, a.since, "
    "a.person_ref, a.trigger_event_id, a.message, a.legal_basis, a.updated_at "
    "FROM alerts a JOIN cases c ON c.id = a.case_id JOIN units u ON u.id = a.unit_id "
    "LEFT JOIN people p ON p.id = c.lead_officer_id";

Alert AlertFrom(const db::Row& r, const supervision::Catalog& catalog) {
  Alert a;
  FZ_READ(r, a, id, case_id, case_title, unit_id, unit_name, lead_officer_id, lead_officer_name, rule_id, clock_key,
          state, due_at, pre_warn_at, since, person_ref, trigger_event_id, message, legal_basis, updated_at);
  a.case_external_id = r.Str("external_id");
  a.rule_name = {};
  if (int i = catalog.FindRule(a.rule_id); i >= 0) a.rule_name = catalog.rules[i].name;
  if (a.rule_id == detail::kQualificationRule) a.rule_name = detail::kQualificationRuleName;
  return a;
}

}  // namespace

std::vector<Alert> detail::CaseClocks(soci::session& sql, std::int64_t case_id, const supervision::Catalog& catalog) {
  std::vector<Alert> out;
  db::SqlArgs a;
  const std::string q =
      fmt::format("{} WHERE a.case_id = {} ORDER BY CASE WHEN a.due_at IS NULL THEN 1 ELSE 0 END, a.due_at, a.id",
                  kAlertSelect, a.Int(case_id));
  db::Each(sql, q, a, [&](const db::Row& r) { out.push_back(AlertFrom(r, catalog)); });
  return out;
}

Result<Paged<Alert>> OversightService::ListAlerts(const auth::Principal& who, const AlertFilter& f,
                                                  const PageRequest& page) const {
  for (const auto& s : f.states)
    if (std::find(kAllStates.begin(), kAllStates.end(), s) == kAllStates.end())
      return Invalid(fmt::format("状态“{}”无效，可选：running、pre_warn、overdue、done_late、done、missing", s),
                     "state");
  const auto rules = Rules();
  return db_.Read([&](soci::session& sql) -> Result<Paged<Alert>> {
    db::SqlArgs a;
    // Scope: the case is visible to the caller (unit subtree or bound 法制员/办案民警), as in the case list.
    std::string w = fmt::format(" WHERE {}", cases::CaseVisible(a, who, "c"));
    // A selection names its rows whatever their state; otherwise the live ones by default.
    if (!f.states.empty() || f.ids.empty()) {
      const auto& states = f.states.empty() ? kLiveStates : f.states;
      w += " AND a.state IN " + a.StrList(states);
      // Said literally, so that the state indexes, which leave `done` clocks out (migration 046),
      // may serve the list: neither database sees it implied by a list of bound states.
      if (std::find(states.begin(), states.end(), "done") == states.end()) w += " AND a.state <> 'done'";
    }
    if (!f.ids.empty()) w += " AND a.id IN " + a.IntList(f.ids);
    if (f.unit_id)
      w += fmt::format(" AND {}", db::PathUnder(a, "u.path", FZ_TRY(detail::UnitPathInScope(sql, who, *f.unit_id))));
    if (f.rule_id) w += fmt::format(" AND a.rule_id = {}", a.Str(*f.rule_id));
    if (f.officer_id) w += fmt::format(" AND c.lead_officer_id = {}", a.Int(*f.officer_id));
    if (f.case_id) w += fmt::format(" AND a.case_id = {}", a.Int(*f.case_id));
    if (f.due_from) w += fmt::format(" AND a.due_at >= {}", a.Int(*f.due_from));
    if (f.due_to) w += fmt::format(" AND a.due_at < {}", a.Int(*f.due_to));
    Paged<Alert> out;
    out.total = db::Count(
        sql, "SELECT COUNT(*) FROM alerts a JOIN cases c ON c.id = a.case_id JOIN units u ON u.id = a.unit_id" + w, a);
    // Default: 告警 first, then 预警, then the rest, each by due time.
    std::string order = "a.due_at";
    std::string first;
    if (page.sort.empty())
      first = "CASE a.state WHEN 'overdue' THEN 0 WHEN 'pre_warn' THEN 1 WHEN 'missing' THEN 2 ELSE 3 END, ";
    if (page.sort == "updated_at") order = "a.updated_at";
    if (page.sort == "rule_id") order = "a.rule_id";
    if (page.sort == "state") order = "a.state";
    const std::string dir = page.descending ? "DESC" : "ASC";
    // NULL due times last in both directions and on both backends.
    const std::string q =
        fmt::format("{}{} ORDER BY {}CASE WHEN {} IS NULL THEN 1 ELSE 0 END, {} {}, a.id {} LIMIT {} OFFSET {}",
                    kAlertSelect, w, first, order, order, dir, dir, a.Int(page.page_size), a.Int(page.Offset()));
    db::Each(sql, q, a, [&](const db::Row& r) { out.items.push_back(AlertFrom(r, rules->catalog)); });
    return out;
  });
}

Result<std::string> OversightService::AlertsXlsx(const auth::Principal& who, const AlertFilter& f) const {
  const auto list = FZ_TRY(ListAlerts(who, f, PageRequest{.page = 1, .page_size = 10000}));
  auto time = [](const std::optional<std::int64_t>& t) { return t ? FormatLocalDateTime(*t) : std::string(); };
  files::SheetData sheet{"预警告警", {}, {10, 22, 24, 16, 10, 30, 20, 20, 40, 30}};
  sheet.rows.push_back(
      {"状态", "案件编号", "案件名称", "办案单位", "主办民警", "规则", "期限", "预警时间", "提示", "法律依据"});
  for (const auto& a : list.items)
    sheet.rows.push_back({detail::ClockStateZh(a.state), a.case_external_id, a.case_title, a.unit_name,
                          a.lead_officer_name, a.rule_name.empty() ? a.rule_id : a.rule_name, time(a.due_at),
                          time(a.pre_warn_at), a.message, a.legal_basis});
  return files::WriteXlsx({std::move(sheet)});
}

Result<std::vector<Alert>> OversightService::CaseAlerts(const auth::Principal& who, std::int64_t case_id) const {
  const auto rules = Rules();
  return db_.Read([&](soci::session& sql) -> Result<std::vector<Alert>> {
    FZ_CHECK(detail::LoadCaseInScope(sql, who, case_id));
    return detail::CaseClocks(sql, case_id, rules->catalog);
  });
}

Result<Paged<Violation>> OversightService::ListViolations(const auth::Principal& who, const ViolationFilter& f,
                                                          const PageRequest& page) const {
  return db_.Read([&](soci::session& sql) -> Result<Paged<Violation>> {
    db::SqlArgs a;
    std::string w = fmt::format(" WHERE {}", cases::CaseVisible(a, who, "c"));
    if (f.unit_id)
      w += fmt::format(" AND {}", db::PathUnder(a, "u.path", FZ_TRY(detail::UnitPathInScope(sql, who, *f.unit_id))));
    if (f.officer_id) w += fmt::format(" AND v.officer_id = {}", a.Int(*f.officer_id));
    if (f.case_id) w += fmt::format(" AND v.case_id = {}", a.Int(*f.case_id));
    if (f.rule_id) w += fmt::format(" AND v.rule_id = {}", a.Str(*f.rule_id));
    if (f.from) w += fmt::format(" AND v.detected_at >= {}", a.Int(*f.from));
    if (f.to) w += fmt::format(" AND v.detected_at < {}", a.Int(*f.to));
    const std::string from =
        " FROM violations v JOIN cases c ON c.id = v.case_id JOIN units u ON u.id = v.unit_id "
        "LEFT JOIN people p ON p.id = v.officer_id";
    Paged<Violation> out;
    out.total = db::Count(sql, "SELECT COUNT(*)" + from + w, a);
    const char* dir = page.descending ? "ASC" : "DESC";
    const std::string q = fmt::format(
        "SELECT v.id, v.case_id, c.title AS case_title, v.unit_id, u.name AS unit_name, v.officer_id, "
        "COALESCE(p.name, '') AS officer_name, v.rule_id, v.clock_key, v.kind, v.severity, v.due_at, v.detected_at, "
        "v.message, v.legal_basis{}{} ORDER BY v.detected_at {}, v.id {} LIMIT {} OFFSET {}",
        from, w, dir, dir, a.Int(page.page_size), a.Int(page.Offset()));
    db::Each(sql, q, a, [&](const db::Row& r) {
      out.items.push_back({.id = r.Int("id"),
                           .case_id = r.Int("case_id"),
                           .case_title = r.Str("case_title"),
                           .unit_id = r.Int("unit_id"),
                           .unit_name = r.Str("unit_name"),
                           .officer_id = r.OptInt("officer_id"),
                           .officer_name = r.Str("officer_name"),
                           .rule_id = r.Str("rule_id"),
                           .clock_key = r.Str("clock_key"),
                           .kind = r.Str("kind"),
                           .severity = r.Str("severity"),
                           .due_at = r.OptInt("due_at"),
                           .detected_at = r.Int("detected_at"),
                           .message = r.Str("message"),
                           .legal_basis = r.Str("legal_basis")});
    });
    return out;
  });
}

}  // namespace fazhi::oversight
