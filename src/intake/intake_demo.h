// The demo year of the 接报案大厅 (`fazhi demo`): deterministic (seeded), idempotent, through the store.
#pragma once

#include "auth/vault.h"
#include "core/error.h"
#include "db/database.h"
#include "intake/intake_service.h"

namespace fazhi::intake {

struct IntakeDemoSummary {
  bool already_present = false;
  int tickets = 0, reports = 0, complaints = 0, consults = 0, helps = 0, on_time = 0, rated = 0;
  int shifts = 0;  // 值班表 shifts written
};

// A year of the bureau 城区分局's hall (the demo's 接报案窗口 account jiebao): about 9 tickets a day,
// fewer at night (02–06 h) and at weekends, more on Monday mornings; 报案 routed to the 派出所s by
// place, complaints to the 法制大队; most decided and concluded in time, 反馈 given and rated. The hall's
// 值班表 for the year and for this week and the next (白班 08–20 h and 夜班 20–08 h, two officers of
// the 指挥情报中心 each, in a fixed rotation), each ticket's 值班民警 taken from it. Each part is
// written only when absent.
Result<IntakeDemoSummary> GenerateIntakeDemo(db::Database& db, const auth::Vault& vault, const IntakeService& service,
                                             int year);

}  // namespace fazhi::intake
