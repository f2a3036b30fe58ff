// Internal to the case service's files (case_service.cpp, case_event_log.cpp, case_list.cpp,
// case_import.cpp): the permission check, the text checks and the hook call every write makes.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <string_view>

#include "auth/principal.h"
#include "cases/case_hooks.h"
#include "core/clock.h"
#include "core/error.h"
#include "db/soci.h"

namespace fazhi::cases::detail {

// Clocks of clients drift: an act may be recorded up to this much later than the server's now.
inline constexpr EpochSeconds kFutureTolerance = 600;

// Forbidden (permission_denied) naming the permission the caller lacks.
Result<void> Require(const auth::Principal& who, std::string_view permission);

// A text field: trimmed; InvalidArgument naming `field` when required and empty, longer than
// `max_chars`, or holding control characters or invalid UTF-8.
Result<std::string> CheckText(const std::optional<std::string>& value, const char* label, const char* field,
                              int max_chars, bool required);

// CaseHooks::OnCaseChanged when hooks are set (the re-evaluation that commits with the change).
Result<void> Changed(const std::atomic<CaseHooks*>& hooks, soci::session& sql, std::int64_t case_id);

}  // namespace fazhi::cases::detail
