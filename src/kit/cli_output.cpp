#include "kit/cli_output.h"

#include <iostream>

#include "auth/roles.h"

namespace fazhi::kit {

int PrintError(const Error& e) {
  std::cerr << "错误：" << e.message;
  if (!e.field.empty()) std::cerr << "（" << e.field << "）";
  std::cerr << " [" << e.MachineCode() << "]\n";
  return e.code == ErrorCode::kInternal ? 1 : 2;
}

auth::Principal CliPrincipal() {
  auth::Principal p;
  p.username = "system";
  p.unit_path = "/";
  for (const auto& r : auth::AllRoles()) p.permissions.insert(r.permissions.begin(), r.permissions.end());
  return p;
}

audit::Actor CliActor() { return audit::Actor{std::nullopt, "system", std::nullopt, "cli", ""}; }

}  // namespace fazhi::kit
