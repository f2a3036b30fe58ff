#include "notify/notify_routes.h"

#include "core/json_fields.h"
#include "http/json_opt.h"
#include "http/query.h"

namespace fazhi::notify {

using http::Ctx;
using http::Reply;
using nlohmann::json;

namespace {

Result<Reply> ListNotifications(Ctx& ctx, NotificationService& s) {
  http::QueryReader q(ctx);
  const bool unread = q.Bool("unread").value_or(false);
  const PageRequest page = q.Page({"created_at"});
  FZ_CHECK(q.Finish());
  const auto list = FZ_TRY(s.List(ctx.user(), unread, page));
  json items = json::array();
  for (const auto& n : list.items) items.push_back(NotificationJson(n));
  return Reply::Json(http::PagedJson(std::move(items), list.total, page));
}

Result<Reply> UnreadCount(Ctx& ctx, NotificationService& s) {
  return Reply::Json({{"unread", FZ_TRY(s.UnreadCount(ctx.user()))}});
}

Result<Reply> MarkAllRead(Ctx& ctx, NotificationService& s) {
  return Reply::Json({{"ok", true}, {"marked", FZ_TRY(s.MarkAllRead(ctx.user()))}});
}

Result<Reply> MarkRead(Ctx& ctx, NotificationService& s) {
  FZ_CHECK(s.MarkRead(ctx.user(), FZ_TRY(ctx.PathId())));
  return Reply::Json({{"ok", true}});
}

}  // namespace

json NotificationJson(const Notification& n) {
  return Merged(
      FZ_JSON(n, id, case_id, kind, title, body, object_id, created_at, read_at),
      {{"object_type", n.object_type.empty() ? json() : json(n.object_type)}, {"read", n.read_at.has_value()}});
}

void RegisterRoutes(http::Router& router, NotificationService& s) {
  http::Routes<NotificationService> r(router, s);
  r.Get("/api/notifications", http::kSignedIn, ListNotifications);
  r.Get("/api/notifications/unread-count", http::kSignedIn, UnreadCount);
  r.Post("/api/notifications/read-all", http::kSignedIn, MarkAllRead);
  r.Post("/api/notifications/{id}/read", http::kSignedIn, MarkRead);
}

}  // namespace fazhi::notify
