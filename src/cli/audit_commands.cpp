// `fazhi audit verify`: walks the audit hash chain; exit code 3 when it is broken.
#include <iostream>

#include "audit/audit_log.h"
#include "cli/commands.h"

namespace fazhi::cli {

void AddAuditCommands(kit::Commands& commands) {
  kit::Commands audit = commands.Group("audit", "审计日志");
  audit.Add("verify", "校验审计日志哈希链，报告第一条异常记录", [](kit::ModuleSet& m) {
    const audit::VerifyReport rep = audit::Verify(m.services().db);
    std::cout << rep.message << std::endl;
    return rep.ok ? 0 : 3;
  });
}

}  // namespace fazhi::cli
