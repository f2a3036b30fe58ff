#include "notify/notify_module.h"

#include "notify/notify_routes.h"

namespace fazhi::notify {

void NotifyModule::RegisterRoutes(http::Router& router) { notify::RegisterRoutes(router, service_); }

kit::ModuleSpec NotifyModule::Spec() {
  return {.name = "notify",
          .create = [](const kit::Services& s) -> std::unique_ptr<kit::Module> {
            return std::make_unique<NotifyModule>(s);
          },
          .add_commands = nullptr};
}

}  // namespace fazhi::notify
