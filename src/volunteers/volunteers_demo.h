// The volunteers demo (`fazhi demo`): 450 "凤城蓝卫" volunteers of 城区分局's 派出所 (90 each, three teams
// per 派出所), a year of weekly tasks (Friday-evening 夜间巡防 and Saturday-morning 社区巡逻) with
// check-ins and check-outs (a few flagged), clues, the points ledger, a reward catalogue with some
// redemptions. Generated (no real names, 身份证号 or phones), deterministic, idempotent.
#pragma once

#include <string>

#include "auth/vault.h"
#include "core/error.h"
#include "db/database.h"

namespace fazhi::volunteers {

// The demo volunteer's own login (password org::kDemoPassword).
inline constexpr const char* kDemoVolunteerLogin = "zhiyuanzhe";

struct VolunteerDemoSummary {
  bool already_present = false;
  int volunteers = 0, teams = 0, tasks = 0, assignments = 0, flagged = 0, clues = 0, entries = 0, redemptions = 0;
  std::string Summary(int year) const;
};

// `weeks`: how many weeks of tasks from 1 January (the full year by default; tests use fewer).
Result<VolunteerDemoSummary> GenerateVolunteerDemo(db::Database& db, const auth::Vault& vault, int year,
                                                   int weeks = 53);

}  // namespace fazhi::volunteers
