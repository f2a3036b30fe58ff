#include "notify/notify_module.h"

#include "notify/notify_routes.h"

namespace fazhi::notify {

void NotifyModule::RegisterRoutes(http::Router& router) { notify::RegisterRoutes(router, service_); }

kit::ModuleSpec NotifyModule::Spec() { return kit::SpecOf<NotifyModule>("notify"); }

}  // namespace fazhi::notify
