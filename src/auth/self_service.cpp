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
  return InsertAccount(sql,
                       {.bureau_id = in.bureau_id,
                        .unit_id = in.unit_id,
                        .username = name,
                        .display_name = in.display_name,
                        .password_hash = in.password_hash,
                        .must_change_password = in.must_change_password,
                        .roles = {"volunteer"}},
                       now);
}

std::int64_t InsertAccount(soci::session& sql, const NewAccount& account, EpochSeconds now) {
  db::Values v;
  FZ_VALUES(v, account, bureau_id, unit_id, person_id, username, display_name, password_hash, must_change_password,
            totp_required);
  v.Sql("active", "1").Int("password_changed_at", now).Int("created_at", now).Int("updated_at", now);
  const std::int64_t id = db::InsertRow(sql, "users", v);
  for (const std::string& role : account.roles) {
    db::Values r;
    r.Int("user_id", id).Str("role", role);
    db::InsertValues(sql, "user_roles", r);
  }
  return id;
}

}  // namespace fazhi::auth
