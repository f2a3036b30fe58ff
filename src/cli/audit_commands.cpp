// `fazhi audit verify`: walks the audit hash chain. Exit code 0 intact, 3 broken, 4 empty (no audit
// record at all: a new database, or a restore that did not happen; never "complete with 0 rows").
#include <iostream>

#include "audit/audit_log.h"
#include "cli/commands.h"

namespace fazhi::cli {

void AddAuditCommands(kit::Commands& commands) {
  kit::Commands audit = commands.Group("audit", "审计日志");
  audit.Add("verify", "校验审计日志哈希链，报告第一条异常记录", [](kit::ModuleSet& m) {
    const audit::VerifyReport rep = audit::Verify(m.services().db);
    if (rep.ok && rep.rows == 0) {
      std::cout << "审计链为空：数据库中没有任何审计记录，无可校验。新建的库如此；如果这是恢复或迁移后的库，"
                   "说明数据没有恢复进来，请检查恢复步骤"
                << std::endl;
      return 4;
    }
    std::cout << rep.message << std::endl;
    return rep.ok ? 0 : 3;
  });
}

}  // namespace fazhi::cli
