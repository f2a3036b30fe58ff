// `fazhi audit verify`: walks the audit hash chain. Exit code 0 intact, 3 broken, 4 empty (no audit
// record at all: a new database, or a restore that did not happen; never "complete with 0 rows").
// `--allow-empty` makes an empty chain exit 0 (a new installation's backup timer).
//
// `fazhi audit export`: the audit rows after a given id as JSON lines on stdout, oldest first, for
// shipping the trail to syslog or a log server (docs/operations.md). With --state-file it remembers
// the last id it printed, so a timer sends each row once.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "cli/commands.h"
#include "core/local_time.h"

namespace fazhi::cli {

namespace {

struct ExportOptions {
  std::int64_t after_id = 0;
  std::string state_file;
  int limit = 10000;
};

int RunExport(const ExportOptions& o, kit::ModuleSet& m) {
  std::int64_t after = o.after_id;
  if (!o.state_file.empty()) {
    std::ifstream in(o.state_file);
    if (in && !(in >> after)) {
      std::cerr << "状态文件 " << o.state_file << " 的内容不是一个审计记录编号" << std::endl;
      return 2;
    }
  }
  const auto rows = audit::After(m.services().db, after, o.limit);
  for (const auto& r : rows) {
    nlohmann::json j = {{"id", r.id},
                        {"at", FormatLocalDateTime(r.at)},
                        {"ts", r.at},
                        {"user", r.username},
                        {"action", r.action},
                        {"object_type", r.object_type},
                        {"object_id", r.object_id},
                        {"summary", r.summary},
                        {"ip", r.ip},
                        {"request_id", r.request_id},
                        {"hash", r.hash}};
    if (r.bureau_id) j["bureau_id"] = *r.bureau_id;
    std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  }
  std::cout.flush();
  if (!std::cout) return 1;
  if (!o.state_file.empty() && !rows.empty()) {
    // Written to a new file and renamed: a crash leaves the old id, so rows are sent again rather
    // than lost.
    const std::string tmp = o.state_file + ".tmp";
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << rows.back().id << '\n';
      if (!out) {
        std::cerr << "无法写入状态文件 " << tmp << std::endl;
        return 1;
      }
    }
    std::filesystem::rename(tmp, o.state_file);
  }
  return 0;
}

}  // namespace

void AddAuditCommands(kit::Commands& commands) {
  kit::Commands audit = commands.Group("audit", "审计日志");
  auto allow_empty = std::make_shared<bool>(false);
  CLI::App* verify = audit.Add("verify", "校验审计日志哈希链，报告第一条异常记录", [allow_empty](kit::ModuleSet& m) {
    const audit::VerifyReport rep = audit::Verify(m.services().db);
    if (rep.ok && rep.rows == 0) {
      std::cout << "审计链为空：数据库中没有任何审计记录，无可校验。新建的库如此；如果这是恢复或迁移后的库，"
                   "说明数据没有恢复进来，请检查恢复步骤"
                << std::endl;
      return *allow_empty ? 0 : 4;
    }
    std::cout << rep.message << std::endl;
    return rep.ok ? 0 : 3;
  });
  verify->add_flag("--allow-empty", *allow_empty, "审计链为空时也以 0 退出（新装系统的定时备份用）");

  auto ex = std::make_shared<ExportOptions>();
  CLI::App* export_cmd = audit.Add("export", "按编号顺序输出审计记录（每行一条 JSON），用于发送到 syslog 或日志服务器",
                                   [ex](kit::ModuleSet& m) { return RunExport(*ex, m); });
  export_cmd->add_option("--after-id", ex->after_id, "只输出编号大于此数的记录")->capture_default_str();
  export_cmd->add_option("--state-file", ex->state_file, "记住已输出的最后编号（定时发送时每条只发一次）");
  export_cmd->add_option("--limit", ex->limit, "一次最多输出的条数")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
}

}  // namespace fazhi::cli
