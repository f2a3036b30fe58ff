// Notifications (通知) as other modules send them: inside the sender's own write transaction, so a
// notification commits with the change it reports or not at all.
//
//   notify::Send(sql, {.bureau_id = c.bureau_id, .kind = "review", .title = "立案审核：需整改", .body = …,
//                      .object_type = "review", .object_id = review_id, .case_id = c.id,
//                      .dedup_key = fmt::format("review:{}", review_id)},
//                {.persons = {*c.lead_officer_id}}, clock.Now());
#pragma once

#include <cstdint>
#include <vector>

#include "core/clock.h"
#include "db/soci.h"
#include "notify/notify_types.h"

namespace fazhi::notify {

// Inserts one notification per distinct recipient account (people resolved to their active
// accounts), in ascending account order, skipping accounts that already have `m.dedup_key`.
// Returns how many were inserted. Database errors throw (they roll the caller's transaction back).
int Send(soci::session& sql, const Message& m, const Recipients& to, EpochSeconds now);

// Active accounts linked to a person (users.person_id), ascending.
std::vector<std::int64_t> UsersOfPerson(soci::session& sql, std::int64_t person_id);

}  // namespace fazhi::notify
