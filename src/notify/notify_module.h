// The notification centre as the App sees it (kit::Module): its routes. Modules send through
// notify::Send inside their own transactions and need nothing from this object.
#pragma once

#include "kit/module.h"
#include "notify/notify_service.h"

namespace fazhi::notify {

class NotifyModule final : public kit::Module {
 public:
  explicit NotifyModule(const kit::Services& s) : service_(s.db, s.clock) {}
  std::string_view Name() const override { return "notify"; }
  std::string_view Title() const override { return "通知中心"; }
  void RegisterRoutes(http::Router& router) override;

  NotificationService& service() { return service_; }

  static kit::ModuleSpec Spec();

 private:
  NotificationService service_;
};

}  // namespace fazhi::notify
