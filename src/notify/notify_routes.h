// HTTP routes of the notification centre (signed in; each caller sees only his own):
//
//   GET  /api/notifications?unread=1&page=&page_size=   unread first, newest first
//   GET  /api/notifications/unread-count                 {unread}
//   POST /api/notifications/{id}/read                    {ok}
//   POST /api/notifications/read-all                     {ok, marked}
//
// Each item: {id, case_id, kind, title, body, object_type, object_id, created_at, read_at, read};
// object_type/object_id name what the notification opens (supervision_order, case, review …).
#pragma once

#include <nlohmann/json.hpp>

#include "http/router.h"
#include "notify/notify_service.h"

namespace fazhi::notify {

// `service` must outlive the router.
void RegisterRoutes(http::Router& router, NotificationService& service);

nlohmann::json NotificationJson(const Notification& n);

}  // namespace fazhi::notify
