// The 督办 order sources of the oversight module (src/orders/order_source.h): violations (违规记录),
// 法制员 review findings (审核问题) and a case by hand (手工督办). Registered by OversightModule::Init.
#pragma once

#include "core/error.h"
#include "orders/orders_service.h"

namespace fazhi::oversight {

// Registers the three sources with `orders`. Conflict when one of the kinds is taken.
Result<void> RegisterOrderSources(orders::OrderService& orders);

}  // namespace fazhi::oversight
