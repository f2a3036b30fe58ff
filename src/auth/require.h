// Checks a service repeats on the caller (a Principal): the permission a call needs and the name an
// audit line or a record shows for him. Header only.
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "auth/principal.h"
#include "core/error.h"

namespace fazhi::auth {

// Forbidden ("没有{what}的权限", reason forbidden) unless `who` holds `perm`.
inline Result<void> Need(const Principal& who, std::string_view perm, std::string_view what) {
  if (!who.Has(perm)) return Forbidden(fmt::format("没有{}的权限", what), "forbidden");
  return {};
}

// The name shown for `who`: his display name, else his user name.
inline std::string NameOf(const Principal& who) { return who.display_name.empty() ? who.username : who.display_name; }

}  // namespace fazhi::auth
