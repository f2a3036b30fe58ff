#include "notify/notify_store.h"

#include <algorithm>

#include <fmt/format.h>

#include "db/sql.h"
#include "notify/notify.h"

namespace fazhi::notify {

namespace store {

bool Insert(soci::session& sql, const Message& m, std::int64_t user_id, EpochSeconds now) {
  db::SqlArgs a;
  const std::string q = fmt::format(
      "INSERT INTO notifications (bureau_id, user_id, case_id, kind, title, body, object_type, object_id, dedup_key, "
      "created_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}) ON CONFLICT (user_id, dedup_key) DO NOTHING",
      a.Int(m.bureau_id), a.Int(user_id), a.OptInt(m.case_id), a.Str(m.kind), a.Str(m.title), a.Str(m.body),
      a.Str(m.object_type), a.OptInt(m.object_id), a.Str(m.dedup_key), a.Int(now));
  return db::Exec(sql, q, a) > 0;
}

Paged<Notification> List(soci::session& sql, std::int64_t user_id, bool unread_only, const PageRequest& page) {
  db::SqlArgs a;
  std::string where = fmt::format(" WHERE user_id = {}", a.Int(user_id));
  if (unread_only) where += " AND read_at IS NULL";
  Paged<Notification> out;
  out.total = db::Count(sql, "SELECT COUNT(*) FROM notifications" + where, a);
  // Unread first, then newest first.
  const std::string q = fmt::format(
      "SELECT id, case_id, kind, title, body, object_type, object_id, created_at, read_at FROM notifications{} "
      "ORDER BY CASE WHEN read_at IS NULL THEN 0 ELSE 1 END, created_at DESC, id DESC LIMIT {} OFFSET {}",
      where, a.Int(page.page_size), a.Int(page.Offset()));
  db::Each(sql, q, a, [&](const db::Row& r) {
    out.items.push_back({.id = r.Int("id"),
                         .case_id = r.OptInt("case_id"),
                         .kind = r.Str("kind"),
                         .title = r.Str("title"),
                         .body = r.Str("body"),
                         .object_type = r.Str("object_type"),
                         .object_id = r.OptInt("object_id"),
                         .created_at = r.Int("created_at"),
                         .read_at = r.OptInt("read_at")});
  });
  return out;
}

std::int64_t UnreadCount(soci::session& sql, std::int64_t user_id) {
  db::SqlArgs a;
  return db::Count(
      sql, fmt::format("SELECT COUNT(*) FROM notifications WHERE user_id = {} AND read_at IS NULL", a.Int(user_id)), a);
}

bool MarkRead(soci::session& sql, std::int64_t user_id, std::int64_t id, EpochSeconds now) {
  db::SqlArgs a;
  if (db::Count(
          sql,
          fmt::format("SELECT COUNT(*) FROM notifications WHERE id = {} AND user_id = {}", a.Int(id), a.Int(user_id)),
          a) == 0)
    return false;
  db::SqlArgs b;
  db::Exec(
      sql,
      fmt::format("UPDATE notifications SET read_at = {} WHERE id = {} AND read_at IS NULL", b.Int(now), b.Int(id)), b);
  return true;
}

std::int64_t MarkAllRead(soci::session& sql, std::int64_t user_id, EpochSeconds now) {
  db::SqlArgs a;
  return db::Exec(sql,
                  fmt::format("UPDATE notifications SET read_at = {} WHERE user_id = {} AND read_at IS NULL",
                              a.Int(now), a.Int(user_id)),
                  a);
}

}  // namespace store

std::vector<std::int64_t> UsersOfPerson(soci::session& sql, std::int64_t person_id) {
  std::vector<std::int64_t> out;
  db::SqlArgs a;
  db::Each(sql, fmt::format("SELECT id FROM users WHERE person_id = {} AND active = 1 ORDER BY id", a.Int(person_id)),
           a, [&](const db::Row& r) { out.push_back(r.Int("id")); });
  return out;
}

int Send(soci::session& sql, const Message& m, const Recipients& to, EpochSeconds now) {
  std::vector<std::int64_t> users = to.users;
  for (std::int64_t person : to.persons) {
    const auto linked = UsersOfPerson(sql, person);
    users.insert(users.end(), linked.begin(), linked.end());
  }
  std::sort(users.begin(), users.end());
  users.erase(std::unique(users.begin(), users.end()), users.end());
  int sent = 0;
  for (std::int64_t u : users)
    if (store::Insert(sql, m, u, now)) ++sent;
  return sent;
}

}  // namespace fazhi::notify
