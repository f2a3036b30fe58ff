// Demo data (`fazhi demo`): the 晋城市公安局 (city) → 城区分局 (bureau) → 12 科所队 organisation,
// 400 generated people and one login per role. Every name, 警号, 身份证号 and phone number is
// generated (身份证号 use the unassigned area code 140599, phones the 1990356xxxx block), never real.
#pragma once

#include "auth/vault.h"
#include "core/clock.h"
#include "core/error.h"
#include "db/database.h"

namespace fazhi::org {

struct DemoSummary {
  int units = 0;
  int people = 0;
  int users = 0;
  bool already_present = false;  // the demo city unit or a demo login existed: nothing was written
};

// The demo logins, all with password "Demo@2026" and must_change_password = 0.
inline constexpr const char* kDemoPassword = "Demo@2026";

// Creates the demo organisation, people and logins in one transaction, with audit rows (actor
// "system"). Idempotent: if the demo city unit or any demo username already exists, writes nothing
// and returns the counts found with already_present = true. Errors: Internal on a database failure.
// Takes ~1 s (nine Argon2id hashes).
Result<DemoSummary> GenerateDemo(db::Database& db, const Clock& clock, const auth::Vault& vault);

}  // namespace fazhi::org
