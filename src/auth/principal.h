// The authenticated caller of one request.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace fazhi::auth {

struct Principal {
  std::int64_t user_id = 0;
  std::string username;
  std::string display_name;
  std::vector<std::string> roles;
  std::set<std::string> permissions;
  std::int64_t unit_id = 0;
  std::string unit_name;
  std::string unit_path;  // "/1/2/"; the caller sees units whose path starts with this (scope; in SQL
                          // db::PathUnder(args, "u.path", unit_path))
  std::optional<std::int64_t> bureau_id;
  std::optional<std::int64_t> person_id;
  std::string csrf_token;
  std::string session_hash;
  bool must_change_password = false;
  bool totp_enabled = false;
  bool totp_setup_required = false;  // totp_required but not yet enabled

  bool Has(std::string_view permission) const { return permissions.contains(std::string(permission)); }
  bool InScope(std::string_view path) const { return path.starts_with(unit_path); }
};

}  // namespace fazhi::auth
