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
  db::SqlArgs a;
  const std::int64_t id = db::Insert(
      sql,
      fmt::format("INSERT INTO users (bureau_id, username, display_name, password_hash, unit_id, active, "
                  "must_change_password, totp_required, password_changed_at, created_at, updated_at) VALUES ({}, {}, "
                  "{}, {}, {}, 1, {}, 0, {}, {}, {}) RETURNING id",
                  a.Int(in.bureau_id), a.Str(name), a.Str(in.display_name), a.Str(in.password_hash), a.Int(in.unit_id),
                  a.Bool(in.must_change_password), a.Int(now), a.Int(now), a.Int(now)),
      a);
  db::SqlArgs r;
  db::Exec(sql, fmt::format("INSERT INTO user_roles (user_id, role) VALUES ({}, 'volunteer')", r.Int(id)), r);
  return id;
}

}  // namespace fazhi::auth
