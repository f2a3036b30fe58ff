// Read side: alert centre, a case's clocks, violations, and the caller's notifications.
#include <fmt/format.h>

#include "oversight/internal.h"
#include "oversight/oversight_service.h"

namespace fazhi::oversight {

using detail::Args;
using detail::ForEachRow;

namespace {

const std::vector<std::string> kAlertingStates = {"pre_warn", "overdue", "done_late", "missing"};
const std::vector<std::string> kAllStates = {"running", "pre_warn", "overdue", "done_late", "done", "missing"};

constexpr const char* kAlertSelect =
    "SELECT a.id, a.case_id, c.title, c.external_id, a.unit_id, u.name, c.lead_officer_id, COALESCE(p.name, ''), "
    "a.rule_id, a.clock_key, a.state, a.due_at, a.pre_warn_at, a.since, a.person_ref, a.trigger_event_id, a.message, "
    "a.legal_basis, a.updated_at "
    "FROM alerts a JOIN cases c ON c.id = a.case_id JOIN units u ON u.id = a.unit_id "
    "LEFT JOIN people p ON p.id = c.lead_officer_id";

Alert AlertFrom(const soci::row& r, const supervision::Catalog& catalog) {
  Alert a;
  a.id = db::GetInt64(r, 0);
  a.case_id = db::GetInt64(r, 1);
  a.case_title = db::GetText(r, 2);
  a.case_external_id = db::GetText(r, 3);
  a.unit_id = db::GetInt64(r, 4);
  a.unit_name = db::GetText(r, 5);
  a.lead_officer_id = detail::OptInt(r, 6);
  a.lead_officer_name = db::GetText(r, 7);
  a.rule_id = db::GetText(r, 8);
  a.clock_key = db::GetText(r, 9);
  a.state = db::GetText(r, 10);
  a.due_at = detail::OptInt(r, 11);
  a.pre_warn_at = detail::OptInt(r, 12);
  a.since = detail::OptInt(r, 13);
  a.person_ref = db::GetText(r, 14);
  a.trigger_event_id = detail::OptInt(r, 15);
  a.message = db::GetText(r, 16);
  a.legal_basis = db::GetText(r, 17);
  a.updated_at = db::GetInt64(r, 18);
  if (int i = catalog.FindRule(a.rule_id); i >= 0) a.rule_name = catalog.rules[i].name;
  return a;
}

std::string In(Args& a, const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ", ") + a.Str(v);
  return "(" + out + ")";
}

}  // namespace

Result<Paged<Alert>> OversightService::ListAlerts(const auth::Principal& who, const AlertFilter& f,
                                                  const PageRequest& page) const {
  for (const auto& s : f.states)
    if (std::find(kAllStates.begin(), kAllStates.end(), s) == kAllStates.end())
      return Invalid(fmt::format("状态“{}”无效，可选：running、pre_warn、overdue、done_late、done、missing", s), "state");
  const auto rules = Rules();
  try {
    return db_.Read([&](soci::session& sql) -> Result<Paged<Alert>> {
      Args a;
      std::string w = fmt::format(" WHERE {}", db::PathUnder(a, "u.path", who.unit_path));
      w += " AND a.state IN " + In(a, f.states.empty() ? kAlertingStates : f.states);
      if (f.unit_id) {
        auto path = detail::UnitPathInScope(sql, who, *f.unit_id);
        if (!path) return std::unexpected(path.error());
        w += fmt::format(" AND {}", db::PathUnder(a, "u.path", *path));
      }
      if (f.rule_id) w += fmt::format(" AND a.rule_id = {}", a.Str(*f.rule_id));
      if (f.officer_id) w += fmt::format(" AND c.lead_officer_id = {}", a.Int(*f.officer_id));
      if (f.case_id) w += fmt::format(" AND a.case_id = {}", a.Int(*f.case_id));
      if (f.due_from) w += fmt::format(" AND a.due_at >= {}", a.Int(*f.due_from));
      if (f.due_to) w += fmt::format(" AND a.due_at < {}", a.Int(*f.due_to));
      Paged<Alert> out;
      out.total = detail::QueryInt(
          sql,
          "SELECT COUNT(*) FROM alerts a JOIN cases c ON c.id = a.case_id JOIN units u ON u.id = a.unit_id" + w, a);
      std::string order = "a.due_at";
      if (page.sort == "updated_at") order = "a.updated_at";
      if (page.sort == "rule_id") order = "a.rule_id";
      if (page.sort == "state") order = "a.state";
      const std::string dir = page.descending ? "DESC" : "ASC";
      // NULL due times last in both directions and on both backends.
      const std::string q =
          fmt::format("{}{} ORDER BY CASE WHEN {} IS NULL THEN 1 ELSE 0 END, {} {}, a.id {} LIMIT {} OFFSET {}",
                      kAlertSelect, w, order, order, dir, dir, a.Int(page.page_size), a.Int(page.Offset()));
      ForEachRow(sql, q, a, [&](const soci::row& r) { out.items.push_back(AlertFrom(r, rules->catalog)); });
      return out;
    });
  } catch (const std::exception& e) {
    return Internal(e.what());
  }
}

Result<std::vector<Alert>> OversightService::CaseAlerts(const auth::Principal& who, std::int64_t case_id) const {
  const auto rules = Rules();
  try {
    return db_.Read([&](soci::session& sql) -> Result<std::vector<Alert>> {
      auto c = detail::LoadCaseInScope(sql, who, case_id);
      if (!c) return std::unexpected(c.error());
      std::vector<Alert> out;
      Args a;
      const std::string q = fmt::format(
          "{} WHERE a.case_id = {} ORDER BY CASE WHEN a.due_at IS NULL THEN 1 ELSE 0 END, a.due_at, a.id", kAlertSelect,
          a.Int(case_id));
      ForEachRow(sql, q, a, [&](const soci::row& r) { out.push_back(AlertFrom(r, rules->catalog)); });
      return out;
    });
  } catch (const std::exception& e) {
    return Internal(e.what());
  }
}

Result<Paged<Violation>> OversightService::ListViolations(const auth::Principal& who, const ViolationFilter& f,
                                                          const PageRequest& page) const {
  try {
    return db_.Read([&](soci::session& sql) -> Result<Paged<Violation>> {
      Args a;
      std::string w = fmt::format(" WHERE {}", db::PathUnder(a, "u.path", who.unit_path));
      if (f.unit_id) {
        auto path = detail::UnitPathInScope(sql, who, *f.unit_id);
        if (!path) return std::unexpected(path.error());
        w += fmt::format(" AND {}", db::PathUnder(a, "u.path", *path));
      }
      if (f.officer_id) w += fmt::format(" AND v.officer_id = {}", a.Int(*f.officer_id));
      if (f.case_id) w += fmt::format(" AND v.case_id = {}", a.Int(*f.case_id));
      if (f.rule_id) w += fmt::format(" AND v.rule_id = {}", a.Str(*f.rule_id));
      if (f.from) w += fmt::format(" AND v.detected_at >= {}", a.Int(*f.from));
      if (f.to) w += fmt::format(" AND v.detected_at < {}", a.Int(*f.to));
      const std::string from =
          " FROM violations v JOIN cases c ON c.id = v.case_id JOIN units u ON u.id = v.unit_id "
          "LEFT JOIN people p ON p.id = v.officer_id";
      Paged<Violation> out;
      out.total = detail::QueryInt(sql, "SELECT COUNT(*)" + from + w, a);
      const std::string q = fmt::format(
          "SELECT v.id, v.case_id, c.title, v.unit_id, u.name, v.officer_id, COALESCE(p.name, ''), v.rule_id, "
          "v.clock_key, v.kind, v.severity, v.due_at, v.detected_at, v.message, v.legal_basis{}{} "
          "ORDER BY v.detected_at {}, v.id {} LIMIT {} OFFSET {}",
          from, w, page.descending ? "ASC" : "DESC", page.descending ? "ASC" : "DESC", a.Int(page.page_size),
          a.Int(page.Offset()));
      ForEachRow(sql, q, a, [&](const soci::row& r) {
        Violation v;
        v.id = db::GetInt64(r, 0);
        v.case_id = db::GetInt64(r, 1);
        v.case_title = db::GetText(r, 2);
        v.unit_id = db::GetInt64(r, 3);
        v.unit_name = db::GetText(r, 4);
        v.officer_id = detail::OptInt(r, 5);
        v.officer_name = db::GetText(r, 6);
        v.rule_id = db::GetText(r, 7);
        v.clock_key = db::GetText(r, 8);
        v.kind = db::GetText(r, 9);
        v.severity = db::GetText(r, 10);
        v.due_at = detail::OptInt(r, 11);
        v.detected_at = db::GetInt64(r, 12);
        v.message = db::GetText(r, 13);
        v.legal_basis = db::GetText(r, 14);
        out.items.push_back(std::move(v));
      });
      return out;
    });
  } catch (const std::exception& e) {
    return Internal(e.what());
  }
}

// ---- notifications ----

Result<Paged<Notification>> OversightService::ListNotifications(const auth::Principal& who, bool unread_only,
                                                                const PageRequest& page) const {
  try {
    return db_.Read([&](soci::session& sql) -> Result<Paged<Notification>> {
      Args a;
      std::string w = fmt::format(" WHERE user_id = {}", a.Int(who.user_id));
      if (unread_only) w += " AND read_at IS NULL";
      Paged<Notification> out;
      out.total = detail::QueryInt(sql, "SELECT COUNT(*) FROM notifications" + w, a);
      // Unread first, then newest first.
      const std::string q = fmt::format(
          "SELECT id, case_id, kind, title, body, created_at, read_at FROM notifications{} ORDER BY CASE WHEN read_at "
          "IS NULL THEN 0 ELSE 1 END, created_at DESC, id DESC LIMIT {} OFFSET {}",
          w, a.Int(page.page_size), a.Int(page.Offset()));
      ForEachRow(sql, q, a, [&](const soci::row& r) {
        Notification n;
        n.id = db::GetInt64(r, 0);
        n.case_id = detail::OptInt(r, 1);
        n.kind = db::GetText(r, 2);
        n.title = db::GetText(r, 3);
        n.body = db::GetText(r, 4);
        n.created_at = db::GetInt64(r, 5);
        n.read_at = detail::OptInt(r, 6);
        out.items.push_back(std::move(n));
      });
      return out;
    });
  } catch (const std::exception& e) {
    return Internal(e.what());
  }
}

Result<std::int64_t> OversightService::UnreadCount(const auth::Principal& who) const {
  try {
    return db_.Read([&](soci::session& sql) -> Result<std::int64_t> {
      Args a;
      return detail::QueryInt(
          sql, fmt::format("SELECT COUNT(*) FROM notifications WHERE user_id = {} AND read_at IS NULL", a.Int(who.user_id)),
          a);
    });
  } catch (const std::exception& e) {
    return Internal(e.what());
  }
}

Result<void> OversightService::MarkRead(const auth::Principal& who, std::int64_t id) {
  return db_.Write([&](soci::session& sql) -> Result<void> {
    long long nid = id, uid = who.user_id, now = clock_.Now();
    long long found = 0;
    sql << "SELECT COUNT(*) FROM notifications WHERE id = :id AND user_id = :u", soci::use(nid), soci::use(uid),
        soci::into(found);
    if (found == 0) return NotFound("通知不存在");
    sql << "UPDATE notifications SET read_at = :t WHERE id = :id AND read_at IS NULL", soci::use(now), soci::use(nid);
    return {};
  });
}

Result<std::int64_t> OversightService::MarkAllRead(const auth::Principal& who) {
  return db_.Write([&](soci::session& sql) -> Result<std::int64_t> {
    long long uid = who.user_id, now = clock_.Now();
    soci::statement st = (sql.prepare << "UPDATE notifications SET read_at = :t WHERE user_id = :u AND read_at IS NULL",
                          soci::use(now), soci::use(uid));
    st.execute(true);
    return static_cast<std::int64_t>(st.get_affected_rows());
  });
}

}  // namespace fazhi::oversight
