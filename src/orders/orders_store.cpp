#include "orders/orders_store.h"

#include <fmt/format.h>

#include <algorithm>

#include "db/sql.h"

namespace fazhi::orders::store {

namespace {

// The case columns come from the cases table: its title, and its bound 法制员 (who always sees the
// orders of his cases).
constexpr const char* kSelect =
    "SELECT o.id, o.bureau_id, o.case_id, COALESCE(c.title, '') AS case_title, COALESCE(c.external_id, '') AS "
    "case_external_id, c.legal_officer_id AS case_legal, "
    "o.unit_id, u.name AS unit_name, u.path AS unit_path, o.source, o.source_id, o.title, o.problem_type, o.opinion, "
    "o.responsible_person_id, COALESCE(p.name, '') AS responsible_name, o.deadline, o.status, "
    "COALESCE(o.status_before_suspend, '') AS status_before_suspend, o.suspend_reason, o.created_by, o.created_at, "
    "o.answered_at, o.closed_at, o.updated_at ";
constexpr const char* kFrom =
    "FROM supervision_orders o JOIN units u ON u.id = o.unit_id LEFT JOIN cases c ON c.id = o.case_id "
    "LEFT JOIN people p ON p.id = o.responsible_person_id";

Order OrderFrom(const db::Row& r, EpochSeconds now) {
  Order o;
  FZ_READ(r, o, id, bureau_id, case_id, case_title, case_external_id, unit_id, unit_name, unit_path, source, source_id,
          title, problem_type, opinion, responsible_person_id, responsible_name, deadline, status,
          status_before_suspend, suspend_reason, created_by, created_at, answered_at, closed_at, updated_at);
  o.case_legal_officer_id = r.OptInt("case_legal");
  // Orders issued before sources had titles (migration 006) are named by their case.
  if (o.title.empty()) o.title = o.case_title;
  o.overdue = (o.status == "open" || o.status == "returned") && o.deadline < now;
  return o;
}

Attachment AttachmentFrom(const db::Row& r) {
  Attachment out;
  FZ_READ(r, out, id, filename, content_type, size, sha256, uploaded_by, uploaded_at);
  return out;
}

void LoadSteps(soci::session& sql, Order& o) {
  db::SqlArgs a;
  db::Each(sql,
           fmt::format("SELECT s.id, s.action, s.note, s.actor_user_id, COALESCE(u.display_name, '') AS actor_name, "
                       "s.at FROM supervision_order_steps s LEFT JOIN users u ON u.id = s.actor_user_id "
                       "WHERE s.order_id = {} ORDER BY s.id",
                       a.Int(o.id)),
           a, [&](const db::Row& r) {
             o.steps.push_back({.id = r.Int("id"),
                                .action = r.Str("action"),
                                .note = r.Str("note"),
                                .actor_user_id = r.OptInt("actor_user_id"),
                                .actor_name = r.Str("actor_name"),
                                .at = r.Int("at")});
           });
  db::SqlArgs b;
  db::Each(sql,
           fmt::format("SELECT a.id, a.filename, a.content_type, a.size, a.sha256, a.uploaded_by, a.uploaded_at, "
                       "a.owner_id FROM attachments a JOIN supervision_order_steps s ON s.id = a.owner_id "
                       "WHERE a.owner_type = 'supervision_order_step' AND s.order_id = {} ORDER BY a.id",
                       b.Int(o.id)),
           b, [&](const db::Row& r) {
             const std::int64_t step = r.Int("owner_id");
             for (auto& s : o.steps)
               if (s.id == step) s.attachments.push_back(AttachmentFrom(r));
           });
}

}  // namespace

std::optional<Order> Find(soci::session& sql, std::int64_t id, EpochSeconds now, bool steps) {
  std::optional<Order> out;
  db::SqlArgs a;
  db::First(sql, fmt::format("{}{} WHERE o.id = {}", kSelect, kFrom, a.Int(id)), a,
            [&](const db::Row& r) { out = OrderFrom(r, now); });
  if (out && steps) LoadSteps(sql, *out);
  return out;
}

Paged<Order> List(soci::session& sql, const auth::Principal& who, const OrderFilter& f,
                  const std::optional<std::string>& unit_path, const PageRequest& page, EpochSeconds now) {
  db::SqlArgs a;
  // Visible: in the caller's unit subtree, or issued by him, or he is its responsible officer or the
  // bound 法制员 of its case.
  std::string w =
      fmt::format(" WHERE ({} OR o.created_by = {}", db::PathUnder(a, "u.path", who.unit_path), a.Int(who.user_id));
  if (who.person_id)
    w += fmt::format(" OR o.responsible_person_id = {} OR c.legal_officer_id = {}", a.Int(*who.person_id),
                     a.Int(*who.person_id));
  w += ")";
  if (f.mine) w += fmt::format(" AND o.responsible_person_id = {}", a.Int(who.person_id.value_or(-1)));
  if (f.status == "active")
    w += " AND o.status IN ('open', 'answered', 'returned')";
  else if (f.status)
    w += fmt::format(" AND o.status = {}", a.Str(*f.status));
  if (f.source) w += fmt::format(" AND o.source = {}", a.Str(*f.source));
  if (unit_path) w += fmt::format(" AND {}", db::PathUnder(a, "u.path", *unit_path));
  if (f.person_id) w += fmt::format(" AND o.responsible_person_id = {}", a.Int(*f.person_id));
  if (f.case_id) w += fmt::format(" AND o.case_id = {}", a.Int(*f.case_id));
  if (f.overdue_only) w += fmt::format(" AND o.status IN ('open', 'returned') AND o.deadline < {}", a.Int(now));
  Paged<Order> out;
  out.total = db::Count(sql, fmt::format("SELECT COUNT(*) {}{}", kFrom, w), a);
  std::string order = "o.deadline";
  if (page.sort == "created_at") order = "o.created_at";
  if (page.sort == "updated_at") order = "o.updated_at";
  const char* dir = page.descending ? "DESC" : "ASC";
  db::Each(sql,
           fmt::format("{}{}{} ORDER BY {} {}, o.id {} LIMIT {} OFFSET {}", kSelect, kFrom, w, order, dir, dir,
                       a.Int(page.page_size), a.Int(page.Offset())),
           a, [&](const db::Row& r) { out.items.push_back(OrderFrom(r, now)); });
  return out;
}

std::optional<std::int64_t> OpenOrderFor(soci::session& sql, const std::string& source, std::int64_t source_id) {
  db::SqlArgs a;
  return db::ScalarInt(sql,
                       fmt::format("SELECT MIN(id) FROM supervision_orders WHERE source = {} AND source_id = {} AND "
                                   "status <> 'closed'",
                                   a.Str(source), a.Int(source_id)),
                       a);
}

std::int64_t Insert(soci::session& sql, const Order& o) {
  db::Values v;
  FZ_VALUES(v, o, bureau_id, case_id, unit_id, source, source_id, title, problem_type, opinion, responsible_person_id,
            deadline, created_by, created_at);
  v.Sql("status", "'open'").Int("updated_at", o.created_at);
  const std::int64_t id = db::InsertRow(sql, "supervision_orders", v);
  InsertStep(sql, o.bureau_id, id, "create", o.opinion, o.created_by, o.created_at);
  return id;
}

std::int64_t InsertStep(soci::session& sql, std::int64_t bureau_id, std::int64_t order_id, const std::string& action,
                        const std::string& note, std::optional<std::int64_t> actor, EpochSeconds at) {
  db::Values v;
  v.Int("bureau_id", bureau_id)
      .Int("order_id", order_id)
      .Str("action", action)
      .Str("note", note)
      .OptInt("actor_user_id", actor)
      .Int("at", at);
  return db::InsertRow(sql, "supervision_order_steps", v);
}

void MarkAnswered(soci::session& sql, std::int64_t id, EpochSeconds now) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE supervision_orders SET status = 'answered', answered_at = {}, updated_at = {} WHERE "
                       "id = {}",
                       a.Int(now), a.Int(now), a.Int(id)),
           a);
}

void MarkClosed(soci::session& sql, std::int64_t id, EpochSeconds now) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE supervision_orders SET status = 'closed', closed_at = {}, updated_at = {} WHERE id = {}",
                       a.Int(now), a.Int(now), a.Int(id)),
           a);
}

void MarkReturned(soci::session& sql, std::int64_t id, EpochSeconds deadline, EpochSeconds now) {
  db::SqlArgs a;
  db::Exec(
      sql,
      fmt::format("UPDATE supervision_orders SET status = 'returned', deadline = {}, updated_at = {} WHERE id = {}",
                  a.Int(deadline), a.Int(now), a.Int(id)),
      a);
}

void MarkSuspended(soci::session& sql, std::int64_t id, const std::string& before, const std::string& reason,
                   EpochSeconds now) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE supervision_orders SET status = 'suspended', status_before_suspend = {}, "
                       "suspend_reason = {}, updated_at = {} WHERE id = {}",
                       a.Str(before), a.Str(reason), a.Int(now), a.Int(id)),
           a);
}

void MarkResumed(soci::session& sql, std::int64_t id, const std::string& to, EpochSeconds now) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE supervision_orders SET status = {}, status_before_suspend = NULL, suspend_reason = '', "
                       "updated_at = {} WHERE id = {}",
                       a.Str(to), a.Int(now), a.Int(id)),
           a);
}

void InsertAttachment(soci::session& sql, std::int64_t bureau_id, std::int64_t step_id, const Attachment& at,
                      const std::string& storage_path) {
  db::Values v;
  FZ_VALUES(v, at, filename, content_type, size, sha256, uploaded_by, uploaded_at);
  v.Int("bureau_id", bureau_id)
      .Sql("owner_type", "'supervision_order_step'")
      .Int("owner_id", step_id)
      .Str("storage_path", storage_path);
  db::InsertValues(sql, "attachments", v);
}

std::optional<StoredAttachment> FindAttachment(soci::session& sql, std::int64_t id) {
  std::optional<StoredAttachment> out;
  db::SqlArgs a;
  db::First(sql,
            fmt::format("SELECT a.id, a.filename, a.content_type, a.size, a.sha256, a.uploaded_by, a.uploaded_at, "
                        "a.storage_path, s.order_id FROM attachments a JOIN supervision_order_steps s ON "
                        "s.id = a.owner_id WHERE a.owner_type = 'supervision_order_step' AND a.id = {}",
                        a.Int(id)),
            a, [&](const db::Row& r) {
              out = StoredAttachment{
                  .meta = AttachmentFrom(r), .storage_path = r.Str("storage_path"), .order_id = r.Int("order_id")};
            });
  return out;
}

std::vector<Order> OverdueUnnotified(soci::session& sql, EpochSeconds now) {
  std::vector<Order> out;
  db::SqlArgs a;
  db::Each(
      sql,
      fmt::format("{}{} WHERE o.status IN ('open', 'returned') AND o.deadline < {} AND "
                  "(o.overdue_notified_deadline IS NULL OR o.overdue_notified_deadline <> o.deadline) ORDER BY o.id",
                  kSelect, kFrom, a.Int(now)),
      a, [&](const db::Row& r) { out.push_back(OrderFrom(r, now)); });
  return out;
}

void MarkOverdueNotified(soci::session& sql, std::int64_t id, EpochSeconds deadline) {
  db::SqlArgs a;
  db::Exec(sql,
           fmt::format("UPDATE supervision_orders SET overdue_notified_deadline = {} WHERE id = {}", a.Int(deadline),
                       a.Int(id)),
           a);
}

std::optional<std::string> UnitPath(soci::session& sql, std::int64_t unit_id) {
  db::SqlArgs a;
  return db::ScalarText(sql, fmt::format("SELECT path FROM units WHERE id = {}", a.Int(unit_id)), a);
}

std::optional<std::string> UserUnitName(soci::session& sql, std::int64_t user_id) {
  db::SqlArgs a;
  return db::ScalarText(
      sql, fmt::format("SELECT n.name FROM users u JOIN units n ON n.id = u.unit_id WHERE u.id = {}", a.Int(user_id)),
      a);
}

bool PersonActive(soci::session& sql, std::int64_t person_id) {
  db::SqlArgs a;
  return db::Count(sql, fmt::format("SELECT COUNT(*) FROM people WHERE id = {} AND active = 1", a.Int(person_id)), a) >
         0;
}

bool PersonActiveUnder(soci::session& sql, std::int64_t person_id, const std::vector<std::string>& paths) {
  db::SqlArgs a;
  const auto path = db::ScalarText(sql,
                                   fmt::format("SELECT u.path FROM people p JOIN units u ON u.id = p.unit_id WHERE "
                                               "p.id = {} AND p.active = 1",
                                               a.Int(person_id)),
                                   a);
  if (!path) return false;
  return std::any_of(paths.begin(), paths.end(), [&](const std::string& p) { return path->starts_with(p); });
}

}  // namespace fazhi::orders::store
