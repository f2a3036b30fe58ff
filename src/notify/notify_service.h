// The notification centre (通知中心) as people use it: each signed-in user lists, counts and marks
// read his own notifications. Other modules send with notify::Send (notify.h), inside their own
// transactions.
//
// Thread safety: one NotificationService is shared by all request threads; it keeps no state
// besides the references it is given.
#pragma once

#include <cstdint>

#include "auth/principal.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/paging.h"
#include "db/database.h"
#include "notify/notify_types.h"

namespace fazhi::notify {

class NotificationService {
 public:
  // `db` and `clock` must outlive the service.
  NotificationService(db::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // The caller's own notifications, unread first, then newest first.
  Result<Paged<Notification>> List(const auth::Principal& who, bool unread_only, const PageRequest& page) const;
  Result<std::int64_t> UnreadCount(const auth::Principal& who) const;
  // NotFound when the notification is not the caller's (whether or not it exists).
  Result<void> MarkRead(const auth::Principal& who, std::int64_t id);
  // Returns how many were unread.
  Result<std::int64_t> MarkAllRead(const auth::Principal& who);

 private:
  db::Database& db_;
  const Clock& clock_;
};

}  // namespace fazhi::notify
