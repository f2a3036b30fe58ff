// Account administration (系统管理员 / 安全管理员) and the security policy of AuthService. Every read
// is limited to the caller's unit subtree: an account outside it is answered as not found.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "auth/auth_service.h"
#include "auth/password.h"
#include "auth/roles.h"
#include "auth/self_service.h"
#include "core/json_fields.h"
#include "db/sql.h"

namespace fazhi::auth {

namespace {

constexpr const char* kAdminTotpSetting = "security.admin_totp_required";

bool HasSeparatedAdminRole(const std::vector<std::string>& roles) {
  for (const auto& r : roles)
    if (const RoleDef* d = FindRole(r); d && d->separated_admin) return true;
  return false;
}

std::string RoleNames(const std::vector<std::string>& roles) {
  std::string out;
  for (const auto& r : roles) {
    const RoleDef* d = FindRole(r);
    out += (out.empty() ? "" : "、") + (d ? d->name : r);
  }
  return out.empty() ? "（无）" : out;
}

// 三员分立: who may give or take `roles`. Any 系统/安全/审计管理员 role among them needs the 安全管理员;
// business roles need the 系统管理员.
Result<void> CheckSeparatedDuty(const Principal& caller, const std::vector<std::string>& roles) {
  if (HasSeparatedAdminRole(roles)) {
    if (!caller.Has(perm::kSecurityAdmin))
      return Forbidden("三员分立：系统管理员、安全管理员、审计管理员角色只能由安全管理员分配或撤销",
                       "separated_admin_needs_security_admin");
  } else if (!caller.Has(perm::kUserAdmin)) {
    return Forbidden("只有系统管理员可以分配业务角色", "permission_denied");
  }
  return {};
}

bool CanAdminister(const Principal& caller) { return caller.Has(perm::kUserAdmin) || caller.Has(perm::kSecurityAdmin); }

// Fills the roles of `users` (one query for all of them).
void LoadRoles(soci::session& sql, std::vector<UserView>& users) {
  if (users.empty()) return;
  std::map<std::int64_t, UserView*> by_id;
  std::vector<std::int64_t> ids;
  for (auto& u : users) {
    by_id[u.id] = &u;
    ids.push_back(u.id);
  }
  db::SqlArgs a;
  db::Each(sql, "SELECT user_id, role FROM user_roles WHERE user_id IN " + a.IntList(ids) + " ORDER BY user_id, role",
           a, [&](const db::Row& r) { by_id.at(r.Int("user_id"))->roles.push_back(r.Str("role")); });
}

struct UnitRow {
  std::string path;
  std::optional<std::int64_t> bureau_id;
};

std::optional<UnitRow> LoadUnit(soci::session& sql, std::int64_t id) {
  std::optional<UnitRow> out;
  db::SqlArgs a;
  db::First(sql, "SELECT path, bureau_id FROM units WHERE id = " + a.Int(id), a,
            [&](const db::Row& r) { out = UnitRow{.path = r.Str("path"), .bureau_id = r.OptInt("bureau_id")}; });
  return out;
}

// The person record an account is linked to: it exists, lies in the caller's subtree, and no other
// account is linked to it. Returns the person's name.
Result<std::string> CheckPersonLink(soci::session& sql, const Principal& caller, std::int64_t person_id,
                                    std::optional<std::int64_t> account_id) {
  std::optional<std::string> name, path;
  db::SqlArgs a;
  db::First(sql,
            "SELECT p.name, un.path FROM people p JOIN units un ON un.id = p.unit_id WHERE p.id = " + a.Int(person_id),
            a, [&](const db::Row& r) {
              name = r.Str("name");
              path = r.Str("path");
            });
  if (!name || !caller.InScope(*path))
    return Invalid("对应人员不存在或不在您的管辖范围内", "person_id", "no_such_person");
  db::SqlArgs c;
  std::string other;
  db::First(sql,
            fmt::format("SELECT username FROM users WHERE person_id = {} AND id <> {}", c.Int(person_id),
                        c.Int(account_id.value_or(0))),
            c, [&](const db::Row& r) { other = r.Str("username"); });
  if (!other.empty())
    return Conflict(fmt::format("人员“{}”已关联账号 {}，一个人员只能关联一个账号", *name, other), "person_linked");
  return *name;
}

constexpr const char* kUserColumns =
    "u.id, u.username, u.display_name, u.unit_id, un.name AS unit_name, u.person_id, "
    "(SELECT p.name FROM people p WHERE p.id = u.person_id) AS person_name, u.active, "
    "u.must_change_password, u.totp_enabled, u.totp_required, u.locked_until, u.last_login_at, u.created_at";

UserView UserFromRow(const db::Row& r) {
  UserView u;
  FZ_READ(r, u, id, username, display_name, unit_id, unit_name, person_id, active, must_change_password, totp_enabled,
          totp_required, locked_until, last_login_at, created_at);
  u.person_name = r.OptStr("person_name").value_or("");
  return u;
}

Result<UserView> LoadUserInScope(soci::session& sql, const Principal& caller, std::int64_t id) {
  db::SqlArgs a;
  const std::string q = fmt::format("SELECT {} FROM users u JOIN units un ON un.id = u.unit_id WHERE u.id = {} AND {}",
                                    kUserColumns, a.Int(id), db::PathUnder(a, "un.path", caller.unit_path));
  std::vector<UserView> found;
  db::First(sql, q, a, [&](const db::Row& r) { found.push_back(UserFromRow(r)); });
  if (found.empty()) return NotFound("账号不存在或不在您的管辖范围内");
  LoadRoles(sql, found);
  return std::move(found.front());
}

void InsertRoles(soci::session& sql, std::int64_t user_id, const std::vector<std::string>& roles) {
  for (const auto& role : roles) {
    db::Values v;
    v.Int("user_id", user_id).Str("role", role);
    db::InsertValues(sql, "user_roles", v);
  }
}

}  // namespace

Result<Paged<UserView>> AuthService::ListUsers(const Principal& caller, const std::optional<std::string>& q,
                                               const PageRequest& page, bool locked_only) {
  if (!CanAdminister(caller)) return Forbidden("没有权限查看账号", "permission_denied");
  static const std::map<std::string, std::string> kSort = {{"username", "u.username"},
                                                           {"display_name", "u.display_name"},
                                                           {"unit", "un.name"},
                                                           {"last_login_at", "u.last_login_at"},
                                                           {"created_at", "u.created_at"}};
  auto it = kSort.find(page.sort);
  const std::string order = (it == kSort.end() ? "u.username" : it->second) + (page.descending ? " DESC" : " ASC");
  db::SqlArgs a;
  std::string where =
      " FROM users u JOIN units un ON un.id = u.unit_id WHERE " + db::PathUnder(a, "un.path", caller.unit_path);
  if (q) {
    const std::string like = db::ContainsPattern(*q);
    where += fmt::format(" AND (u.username LIKE {} ESCAPE '\\' OR u.display_name LIKE {} ESCAPE '\\')", a.Str(like),
                         a.Str(like));
  }
  if (locked_only) where += " AND u.locked_until > " + a.Int(clock_.Now());
  return db_.Read([&](soci::session& sql) -> Result<Paged<UserView>> {
    Paged<UserView> out;
    out.total = db::Count(sql, "SELECT COUNT(*)" + where, a);
    db::SqlArgs pa = a;
    const std::string rows = fmt::format("SELECT {}{} ORDER BY {}, u.id LIMIT {} OFFSET {}", kUserColumns, where, order,
                                         pa.Int(page.page_size), pa.Int(page.Offset()));
    db::Each(sql, rows, pa, [&](const db::Row& r) { out.items.push_back(UserFromRow(r)); });
    LoadRoles(sql, out.items);
    return out;
  });
}

Result<UserView> AuthService::GetUser(const Principal& caller, std::int64_t id) {
  if (!CanAdminister(caller)) return Forbidden("没有权限查看账号", "permission_denied");
  return db_.Read([&](soci::session& sql) { return LoadUserInScope(sql, caller, id); });
}

Result<UserView> AuthService::CreateUser(const Principal& caller, const NewUser& nu, const audit::Actor& actor) {
  if (!caller.Has(perm::kUserAdmin) && !caller.Has(perm::kSecurityAdmin))
    return Forbidden("只有系统管理员可以创建账号", "permission_denied");
  if (nu.username.size() < 3 || nu.username.size() > 32 ||
      !std::all_of(nu.username.begin(), nu.username.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
      }))
    return Invalid("用户名须为 3–32 位字母、数字、下划线、点或连字符", "username", "invalid_username");
  if (auto why = CheckRoleCombination(nu.roles); !why.empty()) return Invalid(why, "roles", "invalid_roles");
  FZ_CHECK(CheckSeparatedDuty(caller, nu.roles));
  FZ_CHECK(CheckPasswordPolicy(nu.password, nu.username));
  const std::string hash = HashPassword(nu.password);
  const bool admin_totp = AdminTotpRequired() && HasSeparatedAdminRole(nu.roles);
  const std::int64_t id = FZ_TRY(db_.Write([&](soci::session& sql) -> Result<std::int64_t> {
    auto unit = LoadUnit(sql, nu.unit_id);
    if (!unit || !caller.InScope(unit->path)) return Invalid("所属单位不存在或不在您的管辖范围内", "unit_id");
    std::string person_name;
    if (nu.person_id) person_name = FZ_TRY(CheckPersonLink(sql, caller, *nu.person_id, std::nullopt));
    db::SqlArgs c;
    if (db::Count(sql, "SELECT COUNT(*) FROM users WHERE username = " + c.Str(nu.username), c) > 0)
      return Conflict("用户名“" + nu.username + "”已被使用", "username_taken");
    const EpochSeconds now = clock_.Now();
    // Accounts created by an administrator must choose their own password at first sign-in.
    const std::int64_t new_id = InsertAccount(sql,
                                              {.bureau_id = unit->bureau_id,
                                               .unit_id = nu.unit_id,
                                               .person_id = nu.person_id,
                                               .username = nu.username,
                                               .display_name = nu.display_name,
                                               .password_hash = hash,
                                               .must_change_password = true,
                                               .totp_required = admin_totp,
                                               .roles = nu.roles},
                                              now);
    nlohmann::json after = FZ_JSON(nu, username, display_name, roles, unit_id);
    if (nu.person_id) {
      after["person_id"] = *nu.person_id;
      after["person_name"] = person_name;
    }
    audit::Append(sql, clock_, actor,
                  {"user.create",
                   "user",
                   std::to_string(new_id),
                   "创建账号 " + nu.username + (nu.person_id ? "，关联人员 " + person_name : ""),
                   {{"after", after}}});
    if (HasSeparatedAdminRole(nu.roles)) {
      UserView target;
      target.id = new_id;
      target.username = nu.username;
      target.unit_id = nu.unit_id;
      TellAdminAct(sql, caller, target, "创建三员账号 " + nu.username + "，角色 " + RoleNames(nu.roles));
    }
    return new_id;
  }));
  return GetUser(caller, id);
}

namespace {

// Who may change what in an account (UpdateUser); empty when allowed.
Result<void> CheckPatchAllowed(const Principal& caller, std::int64_t id, const UserPatch& patch) {
  // Roles: CheckSeparatedDuty once the account's current roles are known (UpdateUser).
  const bool touches_admin_fields = patch.display_name || patch.unit_id || patch.active || patch.person_id;
  if (touches_admin_fields && !caller.Has(perm::kUserAdmin))
    return Forbidden("只有系统管理员可以修改账号信息", "permission_denied");
  if (patch.totp_required && !caller.Has(perm::kSecurityAdmin))
    return Forbidden("只有安全管理员可以设置两步验证要求", "permission_denied");
  if (!CanAdminister(caller)) return Forbidden("没有权限修改账号", "permission_denied");
  if (patch.roles) {
    if (auto why = CheckRoleCombination(*patch.roles); !why.empty()) return Invalid(why, "roles", "invalid_roles");
    if (id == caller.user_id) return Forbidden("不能修改自己的角色", "self_role_change");
  }
  if (patch.active && !*patch.active && id == caller.user_id) return Forbidden("不能停用自己的账号", "self_disable");
  return {};
}

// Sets one column of the account.
void SetUserColumn(soci::session& sql, std::int64_t id, const char* column, std::int64_t value) {
  db::SqlArgs a;
  db::Exec(sql, fmt::format("UPDATE users SET {} = {} WHERE id = {}", column, a.Int(value), a.Int(id)), a);
}

}  // namespace

Result<UserView> AuthService::UpdateUser(const Principal& caller, std::int64_t id, const UserPatch& patch,
                                         const audit::Actor& actor) {
  FZ_CHECK(CheckPatchAllowed(caller, id, patch));
  FZ_CHECK(db_.Write([&](soci::session& sql) -> Result<void> {
    const UserView before = FZ_TRY(LoadUserInScope(sql, caller, id));
    if (patch.roles) {
      std::vector<std::string> both = before.roles;
      both.insert(both.end(), patch.roles->begin(), patch.roles->end());
      FZ_CHECK(CheckSeparatedDuty(caller, both));
    }
    nlohmann::json after = nlohmann::json::object();
    if (patch.display_name) {
      db::SqlArgs a;
      db::Exec(sql,
               fmt::format("UPDATE users SET display_name = {} WHERE id = {}", a.Str(*patch.display_name), a.Int(id)),
               a);
      after["display_name"] = *patch.display_name;
    }
    if (patch.unit_id) {
      auto unit = LoadUnit(sql, *patch.unit_id);
      if (!unit || !caller.InScope(unit->path)) return Invalid("所属单位不存在或不在您的管辖范围内", "unit_id");
      db::SqlArgs a;
      db::Exec(sql,
               fmt::format("UPDATE users SET unit_id = {}, bureau_id = {} WHERE id = {}", a.Int(*patch.unit_id),
                           a.OptInt(unit->bureau_id), a.Int(id)),
               a);
      after["unit_id"] = *patch.unit_id;
    }
    std::string link_note;
    if (patch.person_id && *patch.person_id != before.person_id) {
      db::SqlArgs a;
      if (*patch.person_id) {
        const std::string name = FZ_TRY(CheckPersonLink(sql, caller, **patch.person_id, id));
        after["person_id"] = **patch.person_id;
        after["person_name"] = name;
        link_note = "，关联人员 " + name;
      } else {
        after["person_id"] = nullptr;
        link_note = "，取消关联人员 " + before.person_name;
      }
      db::Exec(sql, fmt::format("UPDATE users SET person_id = {} WHERE id = {}", a.OptInt(*patch.person_id), a.Int(id)),
               a);
    }
    if (patch.active) {
      SetUserColumn(sql, id, "active", *patch.active ? 1 : 0);
      if (!*patch.active) {
        db::SqlArgs a;
        db::Exec(sql, "DELETE FROM sessions WHERE user_id = " + a.Int(id), a);
      }
      after["active"] = *patch.active;
    }
    if (patch.totp_required) {
      SetUserColumn(sql, id, "totp_required", *patch.totp_required ? 1 : 0);
      after["totp_required"] = *patch.totp_required;
    }
    if (patch.roles) {
      db::SqlArgs a;
      db::Exec(sql, "DELETE FROM user_roles WHERE user_id = " + a.Int(id), a);
      InsertRoles(sql, id, *patch.roles);
      after["roles"] = *patch.roles;
      if (HasSeparatedAdminRole(before.roles) || HasSeparatedAdminRole(*patch.roles))
        TellAdminAct(
            sql, caller, before,
            "将账号 " + before.username + " 的角色由 " + RoleNames(before.roles) + " 改为 " + RoleNames(*patch.roles));
    }
    SetUserColumn(sql, id, "updated_at", clock_.Now());
    const nlohmann::json b = ToJson(before);
    nlohmann::json before_subset = nlohmann::json::object();
    for (auto it = after.begin(); it != after.end(); ++it)
      before_subset[it.key()] = b.value(it.key(), nlohmann::json());
    audit::Append(sql, clock_, actor,
                  {"user.update",
                   "user",
                   std::to_string(id),
                   "修改账号 " + before.username + link_note,
                   {{"before", before_subset}, {"after", after}}});
    return {};
  }));
  ForgetSessions();  // roles, unit, person or state may have changed
  return GetUser(caller, id);
}

Result<void> AuthService::ResetPassword(const Principal& caller, std::int64_t id, const std::string& new_password,
                                        const audit::Actor& actor) {
  if (!CanAdminister(caller)) return Forbidden("只有系统管理员可以重置密码", "permission_denied");
  const UserView target = FZ_TRY(GetUser(caller, id));
  if (id == caller.user_id) return Forbidden("请在个人设置中修改自己的密码", "self_password_reset");
  // 三员分立: an administrator's password is reset by the 安全管理员 only (else the 系统管理员 could
  // sign in as the auditor); other accounts by the 系统管理员.
  if (HasSeparatedAdminRole(target.roles) ? !caller.Has(perm::kSecurityAdmin) : !caller.Has(perm::kUserAdmin))
    return Forbidden(
        HasSeparatedAdminRole(target.roles) ? "三员分立：三员账号的密码只能由安全管理员重置"
                                            : "只有系统管理员可以重置密码",
        HasSeparatedAdminRole(target.roles) ? "separated_admin_needs_security_admin" : "permission_denied");
  FZ_CHECK(CheckPasswordPolicy(new_password, target.username));
  const std::string current_hash = db_.Read([&](soci::session& sql) {
    db::SqlArgs a;
    return db::ScalarText(sql, "SELECT password_hash FROM users WHERE id = " + a.Int(id), a).value_or("");
  });
  FZ_CHECK(CheckNotRecent(id, current_hash, new_password));
  const std::string hash = HashPassword(new_password);
  return AfterSessionWrite(db_.Write([&](soci::session& sql) -> Result<void> {
    const EpochSeconds now = clock_.Now();
    RememberPassword(sql, id, current_hash, now);
    db::SqlArgs a;
    db::Exec(sql,
             fmt::format("UPDATE users SET password_hash = {}, must_change_password = 1, password_changed_at = {}, "
                         "updated_at = {} WHERE id = {}",
                         a.Str(hash), a.Int(now), a.Int(now), a.Int(id)),
             a);
    db::SqlArgs d;
    db::Exec(sql, "DELETE FROM sessions WHERE user_id = " + d.Int(id), d);
    audit::Append(sql, clock_, actor,
                  {"user.password_reset", "user", std::to_string(id), "重置账号 " + target.username + " 的密码"});
    if (HasSeparatedAdminRole(target.roles))
      TellAdminAct(sql, caller, target, "重置三员账号 " + target.username + " 的密码");
    return {};
  }));
}

Result<void> AuthService::Unlock(const Principal& caller, std::int64_t id, const audit::Actor& actor) {
  if (!CanAdminister(caller)) return Forbidden("没有权限解锁账号", "permission_denied");
  const UserView target = FZ_TRY(GetUser(caller, id));
  return AfterSessionWrite(db_.Write([&](soci::session& sql) -> Result<void> {
    db::SqlArgs a;
    db::Exec(sql, "UPDATE users SET locked_until = 0, failed_logins = 0 WHERE id = " + a.Int(id), a);
    audit::Append(sql, clock_, actor, {"user.unlock", "user", std::to_string(id), "解锁账号 " + target.username});
    return {};
  }));
}

void AuthService::TellAdminAct(soci::session& sql, const Principal& caller, const UserView& target,
                               std::string summary) {
  if (!admin_act_hook_) return;
  AdminAct act;
  act.target_id = target.id;
  act.target_username = target.username;
  if (auto unit = LoadUnit(sql, target.unit_id)) {
    act.bureau_id = unit->bureau_id.value_or(0);
    act.target_unit_path = unit->path;
  }
  act.actor_username = caller.username;
  for (const auto& r : caller.roles)
    if (const RoleDef* d = FindRole(r); d && d->separated_admin) act.actor_roles.push_back(r);
  act.summary = std::move(summary);
  admin_act_hook_(sql, act);
}

bool AuthService::AdminTotpRequired() {
  return db_.Read([&](soci::session& sql) {
    db::SqlArgs a;
    return db::ScalarText(sql, "SELECT value FROM settings WHERE key = " + a.Str(kAdminTotpSetting), a) == "1";
  });
}

Result<void> AuthService::SetAdminTotpRequired(bool required, const audit::Actor& actor) {
  return AfterSessionWrite(db_.Write([&](soci::session& sql) -> Result<void> {
    db::SqlArgs a;
    db::Exec(
        sql,
        fmt::format("INSERT INTO settings (key, value, updated_at) VALUES ({}, {}, {}) ON CONFLICT (key) DO UPDATE "
                    "SET value = excluded.value, updated_at = excluded.updated_at",
                    a.Str(kAdminTotpSetting), a.Str(required ? "1" : "0"), a.Int(clock_.Now())),
        a);
    if (required) {
      // Every current holder of an administrator role must now use TOTP.
      db::Exec(sql,
               "UPDATE users SET totp_required = 1 WHERE id IN (SELECT user_id FROM user_roles WHERE role IN "
               "('sys_admin', 'sec_admin', 'audit_admin'))");
    }
    audit::Append(sql, clock_, actor,
                  {"security.policy",
                   "setting",
                   kAdminTotpSetting,
                   required ? "要求三员账号启用两步验证" : "取消三员账号两步验证要求",
                   {{"after", {{"admin_totp_required", required}}}}});
    return {};
  }));
}

}  // namespace fazhi::auth
