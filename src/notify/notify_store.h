// The only code that reads and writes the notifications table. Functions take the caller's session
// (inside its transaction where they write).
#pragma once

#include <cstdint>

#include "core/clock.h"
#include "core/paging.h"
#include "db/soci.h"
#include "notify/notify_types.h"

namespace fazhi::notify::store {

// One row unless (user, dedup_key) exists; true when inserted.
bool Insert(soci::session& sql, const Message& m, std::int64_t user_id, EpochSeconds now);
// The user's notifications, unread first, then newest first.
Paged<Notification> List(soci::session& sql, std::int64_t user_id, bool unread_only, const PageRequest& page);
std::int64_t UnreadCount(soci::session& sql, std::int64_t user_id);
// False when the notification is not the user's. Reading one already read changes nothing.
bool MarkRead(soci::session& sql, std::int64_t user_id, std::int64_t id, EpochSeconds now);
// Returns how many were unread.
std::int64_t MarkAllRead(soci::session& sql, std::int64_t user_id, EpochSeconds now);

}  // namespace fazhi::notify::store
