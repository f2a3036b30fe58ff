// Plain data of the notifications service (通知中心). No logic.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"

namespace fazhi::notify {

// One notification of one user (table notifications).
struct Notification {
  std::int64_t id = 0;
  std::optional<std::int64_t> case_id;  // the case it concerns, if any (kept beside the object)
  std::string kind;                     // pre_warn, overdue, supervision_order, supervision_overdue, review …
  std::string title;
  std::string body;
  // The object it opens (对象): supervision_order 12, case 34, review 5 … Empty type = nothing to open.
  std::string object_type;
  std::optional<std::int64_t> object_id;
  EpochSeconds created_at = 0;
  std::optional<EpochSeconds> read_at;
};

// What a module sends (notify::Send).
struct Message {
  std::int64_t bureau_id = 0;  // the owning 分县局 of what it is about
  std::string kind;
  std::string title;
  std::string body;
  std::string object_type;  // the object it opens (see Notification)
  std::optional<std::int64_t> object_id;
  std::optional<std::int64_t> case_id;
  // One notification per user and key: sending the same key again to the same user does nothing.
  std::string dedup_key;
};

// Who receives it: accounts directly, and people through their active accounts (users.person_id).
struct Recipients {
  std::vector<std::int64_t> users;    // users.id
  std::vector<std::int64_t> persons;  // people.id
};

}  // namespace fazhi::notify
