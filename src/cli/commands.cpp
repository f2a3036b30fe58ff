#include "cli/commands.h"

#include <iostream>

#include "backup/backup.h"
#include "core/clock.h"
#include "db/database.h"
#include "supervision/supervise_command.h"

namespace fazhi {

namespace {

struct Extra {
  CLI::App* supervise = nullptr;
  supervision::SuperviseOptions supervise_options;
  std::string at, calendar, catalog;

  CLI::App* backup = nullptr;
  std::string backup_out;
  bool backup_skip_verify = false;

  CLI::App* restore = nullptr;
  std::string restore_in;
};

Extra& State() {
  static Extra extra;  // CLI parsing state for one process run; not shared by App instances
  return extra;
}

int Report(const Error& e) {
  std::cerr << "错误：" << e.message << " [" << e.MachineCode() << "]\n";
  return e.code == ErrorCode::kInternal ? 1 : 2;
}

void PrintManifest(const backup::Manifest& m) {
  std::int64_t rows = 0;
  for (const auto& t : m.tables) rows += t.rows;
  std::cout << "表 " << m.tables.size() << " 张，记录 " << rows << " 条，数据库结构版本 " << m.schema_version << "\n";
}

}  // namespace

void AddExtraCommands(CLI::App& cli, Config&) {
  Extra& x = State();
  x.supervise = cli.add_subcommand("supervise", "按监管规则评估一个案件时间线，输出预警/告警（JSON）");
  x.supervise->add_option("--input", x.supervise_options.input_path, "案件时间线 JSON 文件（格式见 docs/supervision-engine.md）")
      ->required();
  x.supervise->add_option("--at", x.at, "评估时刻，如 \"2024-03-05 23:00\"（北京时间）；默认当前时间");
  x.supervise->add_option("--calendar", x.calendar, "节假日日历 JSON（默认内置 2023–2026）");
  x.supervise->add_option("--catalog", x.catalog, "规则目录 JSON（默认内置）");

  x.backup = cli.add_subcommand("backup", "备份数据库到一个文件，并立即做恢复校验");
  x.backup->add_option("--out", x.backup_out, "备份文件路径，如 fazhi-20260101.fzbak")->required();
  x.backup->add_flag("--skip-verify", x.backup_skip_verify, "不做恢复校验（不建议）");

  x.restore = cli.add_subcommand("restore", "从备份文件恢复到一个空的数据库（--db 指定），并校验内容");
  x.restore->add_option("--in", x.restore_in, "备份文件路径")->required();
}

std::optional<int> RunExtraCommands(CLI::App&, const Config& config) {
  Extra& x = State();
  if (x.supervise->parsed()) {
    if (!x.at.empty()) x.supervise_options.at = x.at;
    if (!x.calendar.empty()) x.supervise_options.calendar_path = x.calendar;
    if (!x.catalog.empty()) x.supervise_options.catalog_path = x.catalog;
    SystemClock clock;
    return supervision::RunSupervise(x.supervise_options, clock, std::cout, std::cerr);
  }
  if (x.backup->parsed() || x.restore->parsed()) {
    auto db = db::Database::Open(config.db_url, 2);
    if (!db) return Report(db.error());
    SystemClock clock;
    if (x.backup->parsed()) {
      auto m = backup::WriteBackup(**db, x.backup_out, clock);
      if (!m) return Report(m.error());
      std::cout << "已备份到 " << x.backup_out << "：";
      PrintManifest(*m);
      if (!x.backup_skip_verify) {
        auto v = backup::VerifyRoundTrip(x.backup_out);
        if (!v) {
          std::cerr << "备份文件已写出，但恢复校验失败：";
          return Report(v.error());
        }
        std::cout << "恢复校验通过：恢复到临时库后每张表的记录数和摘要一致，审计链完整。\n";
      }
      std::cout << "注意：个人信息密钥文件（" << config.key_file << "）不在备份里，请另行妥善保管。\n";
      return 0;
    }
    auto migrated = (*db)->Migrate();
    if (!migrated) return Report(migrated.error());
    auto m = backup::RestoreBackup(**db, x.restore_in);
    if (!m) return Report(m.error());
    std::cout << "已从 " << x.restore_in << " 恢复并校验：";
    PrintManifest(*m);
    return 0;
  }
  return std::nullopt;
}

}  // namespace fazhi
