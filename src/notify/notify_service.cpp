#include "notify/notify_service.h"

#include "notify/notify_store.h"

namespace fazhi::notify {

Result<Paged<Notification>> NotificationService::List(const auth::Principal& who, bool unread_only,
                                                      const PageRequest& page) const {
  return db_.Read([&](soci::session& sql) -> Result<Paged<Notification>> {
    return store::List(sql, who.user_id, unread_only, page);
  });
}

Result<std::int64_t> NotificationService::UnreadCount(const auth::Principal& who) const {
  return db_.Read([&](soci::session& sql) -> Result<std::int64_t> { return store::UnreadCount(sql, who.user_id); });
}

Result<void> NotificationService::MarkRead(const auth::Principal& who, std::int64_t id) {
  return db_.Write([&](soci::session& sql) -> Result<void> {
    if (!store::MarkRead(sql, who.user_id, id, clock_.Now())) return NotFound("通知不存在");
    return {};
  });
}

Result<std::int64_t> NotificationService::MarkAllRead(const auth::Principal& who) {
  return db_.Write(
      [&](soci::session& sql) -> Result<std::int64_t> { return store::MarkAllRead(sql, who.user_id, clock_.Now()); });
}

}  // namespace fazhi::notify
