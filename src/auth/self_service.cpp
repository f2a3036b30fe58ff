#include "auth/self_service.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "db/sql.h"

namespace fazhi::auth {

Result<std::int64_t> CreateSelfServiceAccount(soci::session& sql, const SelfServiceAccount& in, EpochSeconds now) {
  const std::string& name = in.username;
  if (name.size() < 3 || name.size() > 32 || !std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
      }))
    return Invalid("用户名须为 3–32 位字母、数字、下划线、点或连字符", "username", "invalid_username");
  db::SqlArgs c;
  if (db::Count(sql, "SELECT COUNT(*) FROM users WHERE username = " + c.Str(name), c) > 0)
    return Conflict("账号名“" + name + "”已被使用", "username_taken");
  db::Values v;
  FZ_VALUES(v, in, bureau_id, display_name, password_hash, unit_id, must_change_password);
  v.Str("username", name)
      .Sql("active", "1")
      .Sql("totp_required", "0")
      .Int("password_changed_at", now)
      .Int("created_at", now)
      .Int("updated_at", now);
  const std::int64_t id = db::InsertRow(sql, "users", v);
  db::Values role;
  role.Int("user_id", id).Sql("role", "'volunteer'");
  db::InsertValues(sql, "user_roles", role);
  return id;
}

}  // namespace fazhi::auth
