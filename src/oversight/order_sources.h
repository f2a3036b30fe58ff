// The 督办 order sources of the oversight module (src/orders/order_source.h): violations (违规记录),
// 法制员 review findings (审核问题), a case by hand (手工督办) and a clock of the alert centre (预警告警).
// Registered by OversightModule::Init.
#pragma once

#include "core/error.h"
#include "orders/orders_service.h"

namespace fazhi::oversight {

// Registers the four sources with `orders`. Conflict when one of the kinds is taken.
Result<void> RegisterOrderSources(orders::OrderService& orders);

}  // namespace fazhi::oversight
