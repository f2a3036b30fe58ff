// 谁执法谁普法 in the 督办 loop (src/orders): the order source `publicity_stage` — one stage of a
// unit's yearly cycle left overdue (年初计划 / 年中检查 / 年终总结 逾期未报送). The module's due-date
// sweep issues its orders (PublicityService::OpenOverdueOrders); the 督办 pages answer, close and
// return them. Closing is refused (Conflict stage_not_submitted) while the stage is still unsubmitted.
#pragma once

#include <memory>

#include "orders/order_source.h"

namespace fazhi::publicity {

std::unique_ptr<orders::OrderSource> MakeStageOrderSource();

}  // namespace fazhi::publicity
