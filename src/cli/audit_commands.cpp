// `fazhi audit verify`: walks the audit hash chain (keyed rows with the audit key) and holds it
// against the signed checkpoints of the checkpoint folder (--checkpoints, default
// Config::AuditCheckpointDir). Exit code 0 intact, 3 broken (an edited or re-hashed row, rows cut
// off the end, a forged checkpoint), 4 empty (no audit record at all and no checkpoint: a new
// database, or a restore that did not happen; never "complete with 0 rows"). `--allow-empty` makes
// an empty chain exit 0 (a new installation's backup timer).
//
// `fazhi audit checkpoint`: writes one signed checkpoint of the chain's head now (what `serve` does
// every --audit-checkpoint-interval minutes) and prints it.
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
#include "audit/checkpoint.h"
#include "cli/commands.h"
#include "core/json_fields.h"
#include "core/local_time.h"
#include "kit/cli_output.h"

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
    nlohmann::json j = Merged(FZ_JSON(r, id, action, object_type, object_id, summary, ip, request_id, hash),
                              {{"at", FormatLocalDateTime(r.at)}, {"ts", r.at}, {"user", r.username}});
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

struct VerifyArgs {
  bool allow_empty = false;
  std::string checkpoints;  // empty = the configured folder
  bool no_checkpoints = false;
};

// The key this process registered for the database (App::Create did, or refused to start).
std::shared_ptr<const audit::ChainKey> DatabaseKey(db::Database& db) {
  const auto found = audit::FindKey(audit::NamedKeyCheck(db));
  return found ? found->key : nullptr;
}

int RunVerify(const VerifyArgs& a, const Config& config, kit::ModuleSet& m) {
  db::Database& db = m.services().db;
  audit::VerifyOptions options;
  options.key = DatabaseKey(db);
  const std::string dir = a.checkpoints.empty() ? config.AuditCheckpointDir() : a.checkpoints;
  if (!a.no_checkpoints) {
    if (!a.checkpoints.empty() && !std::filesystem::is_directory(a.checkpoints)) {
      std::cerr << "检查点目录 " << a.checkpoints << " 不存在" << std::endl;
      return 2;
    }
    options.checkpoints = audit::ReadCheckpoints(dir, options.key.get());
  }
  const audit::VerifyReport rep = audit::Verify(db, options);
  if (rep.ok && rep.rows == 0) {
    std::cout << "审计链为空：数据库中没有任何审计记录，无可校验。新建的库如此；如果这是恢复或迁移后的库，"
                 "说明数据没有恢复进来，请检查恢复步骤"
              << std::endl;
    return a.allow_empty ? 0 : 4;
  }
  std::cout << rep.message << std::endl;
  for (std::size_t i = 1; i < rep.checkpoint_problems.size() && i <= 20; ++i)
    std::cout << rep.checkpoint_problems[i] << std::endl;
  if (rep.checkpoint_problems.size() > 21)
    std::cout << "……另有 " << rep.checkpoint_problems.size() - 21 << " 个检查点不符" << std::endl;
  if (!a.no_checkpoints && rep.checkpoints == 0)
    std::cout << "提示：检查点目录 " << dir
              << " 中没有审计检查点，只校验了链本身；删除末尾记录并回退链头的截断要靠检查点才能发现"
                 "（docs/operations.md 第 9 节）"
              << std::endl;
  return rep.ok ? 0 : 3;
}

int RunCheckpoint(const Config& config, kit::ModuleSet& m) {
  db::Database& db = m.services().db;
  const auto key = DatabaseKey(db);
  if (!key) {
    std::cerr << "没有加载与数据库相符的审计密钥，不能写检查点" << std::endl;
    return 1;
  }
  const auto alg = audit::ParseAlg(config.audit_hash).value_or(audit::MacAlg::kHmacSha256);
  auto cp = audit::WriteAndLogCheckpoint(db, m.services().clock, *key, alg, config.AuditCheckpointDir());
  if (!cp) return kit::PrintError(cp.error());
  if (!*cp) {
    std::cout << "审计链为空，没有写检查点" << std::endl;
    return 0;
  }
  std::cout << audit::ToJsonLine(**cp) << std::endl;
  return 0;
}

}  // namespace

void AddAuditCommands(kit::Commands& commands, const Config& config) {
  const Config* cfg = &config;
  kit::Commands audit = commands.Group("audit", "审计日志");
  auto va = std::make_shared<VerifyArgs>();
  CLI::App* verify = audit.Add("verify", "校验审计日志哈希链和检查点，报告第一条异常记录",
                               [va, cfg](kit::ModuleSet& m) { return RunVerify(*va, *cfg, m); });
  verify->add_flag("--allow-empty", va->allow_empty, "审计链为空时也以 0 退出（新装系统的定时备份用）");
  verify->add_option("--checkpoints", va->checkpoints,
                     "审计检查点目录（默认为 --audit-checkpoint-dir，即密钥文件旁的 audit-checkpoints）");
  verify->add_flag("--no-checkpoints", va->no_checkpoints, "只校验链本身，不核对检查点");
  audit.Add("checkpoint", "立即把审计链的链头（最后一条的编号和哈希、记录数、时间）签名写入检查点目录和日志",
            [cfg](kit::ModuleSet& m) { return RunCheckpoint(*cfg, m); });

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
