// The oversight module's sections of the bulletins (kit/bulletin_section.h):
//   “执法监督情况” — alerts (预警) and violations by rule and unit, 法制审核, 督办 status and on-time
//   rectification, and typical problems with their case numbers (no personal names or case titles
//   when the bulletin is anonymised);
//   “执法办案平台应用情况” — the 平台应用考核 metrics of the period (metrics.cpp).
// Registered through OversightModule::AddBulletinSections.
#pragma once

#include <memory>

#include "kit/bulletin_section.h"
#include "oversight/oversight_service.h"

namespace fazhi::oversight {

// `service` gives the rule names of the active catalog; it must outlive the provider.
std::unique_ptr<kit::BulletinSectionProvider> MakeOversightBulletinSection(const OversightService& service);
std::unique_ptr<kit::BulletinSectionProvider> MakePlatformBulletinSection();

}  // namespace fazhi::oversight
