// `fazhi user add` and `fazhi user passwd`: the first administrator of a new installation, and a
// password reset when nobody can sign in. They act as the CLI principal (kit::CliPrincipal) and are
// audited as "system".
#include <unistd.h>

#include <iostream>
#include <memory>

#include "auth/auth_service.h"
#include "cli/commands.h"
#include "kit/cli_output.h"

namespace fazhi::cli {

namespace {

std::string ReadPasswordFromStdin() {
  if (isatty(STDIN_FILENO)) std::cerr << "请输入密码：";
  std::string pw;
  std::getline(std::cin, pw);
  return pw;
}

// The account functions need no session settings: the default AuthConfig serves.
auth::AuthService Accounts(const kit::ModuleSet& m) {
  const kit::Services& s = m.services();
  return auth::AuthService(s.db, s.clock, s.vault);
}

struct AddOptions {
  auth::NewUser user;
  std::string password;
};

struct PasswdOptions {
  std::string username, password;
};

int RunAdd(const AddOptions& o, kit::ModuleSet& m) {
  auth::NewUser nu = o.user;
  nu.password = o.password.empty() ? ReadPasswordFromStdin() : o.password;
  auto u = Accounts(m).CreateUser(kit::CliPrincipal(), nu, kit::CliActor());
  if (!u) return kit::PrintError(u.error());
  std::cout << "已创建账号 " << u->username << "（编号 " << u->id << "），首次登录须修改密码。" << std::endl;
  return 0;
}

int RunPasswd(const PasswdOptions& o, kit::ModuleSet& m) {
  const std::string pw = o.password.empty() ? ReadPasswordFromStdin() : o.password;
  auth::AuthService accounts = Accounts(m);
  const auth::Principal cli = kit::CliPrincipal();
  auto users = accounts.ListUsers(cli, o.username, PageRequest{1, 200, "username", false});
  if (!users) return kit::PrintError(users.error());
  for (const auto& u : users->items) {
    if (u.username != o.username) continue;
    auto ok = accounts.ResetPassword(cli, u.id, pw, kit::CliActor());
    if (!ok) return kit::PrintError(ok.error());
    std::cout << "已重置 " << o.username << " 的密码，下次登录须修改。" << std::endl;
    return 0;
  }
  return kit::PrintError(Error{ErrorCode::kNotFound, "账号不存在：" + o.username});
}

}  // namespace

void AddUserCommands(kit::Commands& commands) {
  kit::Commands user = commands.Group("user", "账号管理");

  auto add = std::make_shared<AddOptions>();
  CLI::App* add_cmd =
      user.Add("add", "新建账号（首次登录须修改密码）", [add](kit::ModuleSet& m) { return RunAdd(*add, m); });
  add_cmd->add_option("--username", add->user.username, "用户名")->required();
  add_cmd->add_option("--name", add->user.display_name, "姓名")->required();
  add_cmd
      ->add_option("--role", add->user.roles,
                   "角色代码，可多次指定：sys_admin sec_admin audit_admin leader legal_officer case_officer inspector "
                   "intake volunteer_admin")
      ->required();
  add_cmd->add_option("--unit-id", add->user.unit_id, "所属单位编号")->required();
  add_cmd->add_option("--password", add->password, "初始密码（省略则从标准输入读取）");

  auto passwd = std::make_shared<PasswdOptions>();
  CLI::App* passwd_cmd = user.Add("passwd", "重置账号密码（之后登录须修改）",
                                  [passwd](kit::ModuleSet& m) { return RunPasswd(*passwd, m); });
  passwd_cmd->add_option("--username", passwd->username, "用户名")->required();
  passwd_cmd->add_option("--password", passwd->password, "新密码（省略则从标准输入读取）");
}

}  // namespace fazhi::cli
