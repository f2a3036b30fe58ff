// fazhi — command-line entry point. Every subcommand takes --db and --key-file. This file holds the
// program's own subcommands (serve, migrate, demo, routes); the foundation's are registered in
// cli/commands.h and each module's through its ModuleSpec (src/cli/README.md).
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/app.h"
#include "app/modules.h"
#include "cli/commands.h"
#include "kit/cli_output.h"
#include "kit/commands.h"

namespace fazhi {
namespace {

// `serve` stops on SIGTERM (systemd, a rolling restart) and SIGINT (Ctrl-C). The signals are
// blocked in every thread and taken by one thread with sigwait, which then stops the App like any
// other caller: a signal handler itself may not join threads or take locks.
class StopOnSignal {
 public:
  // Call before the App starts any thread, so that all of them inherit the blocked mask.
  StopOnSignal() {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGTERM);
    sigaddset(&signals_, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
  }
  // Starts the thread that waits for a signal and then calls app.Stop().
  void Watch(App& app) {
    waiter_ = std::thread([this, &app] {
      int sig = 0;
      sigwait(&signals_, &sig);
      if (!done_) spdlog::info("收到信号 {}，停止服务：不再接受新连接，处理中的请求完成后退出", sig);
      app.Stop();
    });
  }
  ~StopOnSignal() {
    if (waiter_.joinable()) {
      done_ = true;  // Serve ended without a signal: wake the waiter so it can be joined
      pthread_kill(waiter_.native_handle(), SIGTERM);
      waiter_.join();
    }
  }
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;

 private:
  sigset_t signals_{};
  std::atomic<bool> done_{false};
  std::thread waiter_;
};

using kit::PrintError;

// The first line of `path`, trimmed: the database URL kept out of the command line.
Result<std::string> ReadDbFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Invalid("无法读取数据库地址文件 " + path + "（--db-file）", "db-file");
  std::string line;
  std::getline(in, line);
  const auto first = line.find_first_not_of(" \t\r");
  const auto last = line.find_last_not_of(" \t\r");
  if (first == std::string::npos) return Invalid("数据库地址文件 " + path + " 的第一行是空的（--db-file）", "db-file");
  std::error_code ec;
  const auto perms = std::filesystem::status(path, ec).permissions();
  if (!ec && (perms & std::filesystem::perms::others_read) != std::filesystem::perms::none)
    spdlog::warn("数据库地址文件 {} 对所有用户可读，其中的口令可能泄露：请 chmod 0640 或 0600", path);
  return line.substr(first, last - first + 1);
}

// `serve` and its options (written into `config`).
CLI::App* AddServeCommand(CLI::App& cli, Config& config) {
  auto* serve = cli.add_subcommand("serve", "启动 Web 服务（接口在 /api/，网页端在 /）");
  serve->add_option("--listen", config.listen, "监听地址 主机:端口")->capture_default_str();
  serve->add_option("--web-root", config.web_root, "网页端构建目录（默认自动查找 web/dist）");
  serve->add_option("--threads", config.http_threads, "HTTP 工作线程数")->capture_default_str();
  serve->add_option("--db-pool", config.db_pool, "数据库连接数")->capture_default_str();
  serve->add_option("--trusted-proxy", config.trusted_proxies,
                    "反向代理地址（可多次指定）：只相信来自这些地址的 X-Forwarded-For，用于登录限流、审计和会话记录");
  serve->add_option(
      "--map-tile-origin", config.map_tile_origins,
      "巡防地图可加载瓦片图片的内网地图服务地址 http(s)://主机[:端口]（可多次指定）；不指定时页面只加载本系统的图片");
  serve->add_option("--max-active", config.max_active, "同时处理的接口请求数，其余按到达顺序排队（0 = 核数的两倍）")
      ->capture_default_str();
  serve
      ->add_option("--header-timeout", config.header_timeout_seconds,
                   "请求头超时（秒）：连接建立或上一个应答之后须在此时间内发来完整的请求头，否则断开")
      ->capture_default_str();
  serve->add_option("--body-timeout", config.read_timeout_seconds, "请求体每次读取的超时（秒）")->capture_default_str();
  serve
      ->add_option("--max-conn-per-address", config.max_connections_per_address,
                   "同一客户端地址的连接数上限（受信代理不受限；0 表示不限）")
      ->capture_default_str();
  serve
      ->add_option("--session-cache-ms", config.auth.session_cache_ms,
                   "每个实例读到的会话可信多少毫秒后须重新读库（退出、改密、改角色、停用在各实例上于此时间内生效）；0 "
                   "表示每个请求都读库")
      ->check(CLI::Range(0, 1000))
      ->capture_default_str();
  serve->add_flag("--secure-cookie", config.secure_cookie, "会话 Cookie 加 Secure 标记（HTTPS 部署时使用）");
  serve->add_option("--sweep-interval", config.sweep_interval_seconds, "执法监督巡检间隔（秒），0 表示不巡检")
      ->capture_default_str();
  serve->add_option("--attachment-dir", config.attachment_dir, "督办附件存放目录（默认在数据库文件旁）");
  serve
      ->add_option("--audit-checkpoint-interval", config.audit_checkpoint_minutes,
                   "每隔多少分钟把审计链的链头签名写入检查点目录和日志（启动和停止时也各写一次），0 表示不写")
      ->capture_default_str();
  return serve;
}

// `routes`: every route with its method, path and permission, as JSON.
int PrintRoutes(App& app) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : app.router().Routes())
    out.push_back({{"method", http::MethodName(r.method)},
                   {"path", r.pattern},
                   {"public", r.access.public_route},
                   {"permission", r.access.permission}});
  std::cout << out.dump(1) << std::endl;
  return 0;
}

// `serve`: binds, prints the address, serves until a signal stops the App.
int Serve(App& app, StopOnSignal& stop_on_signal) {
  auto port = app.Bind();
  if (!port) return PrintError(port.error());
  std::cout << "fazhi 已启动：http://" << app.config().ListenHostPort().first << ":" << *port << "  数据库："
            << app.db().url().display << std::endl;
  stop_on_signal.Watch(app);
  app.Serve();
  return 0;
}

}  // namespace

int Main(int argc, char** argv) {
  CLI::App cli{"fazhi 法治 — 公安执法规范化管理平台"};
  cli.require_subcommand(1);
  cli.fallthrough();
  Config config;
  CLI::Option* db_opt =
      cli.add_option("--db", config.db_url,
                     "数据库：sqlite:文件路径 或 postgresql://用户@主机:端口/库名（含口令时请改用环境变量 FAZHI_DB "
                     "或 --db-file，命令行参数对本机所有用户可见）")
          ->capture_default_str();
  std::string db_file;
  cli.add_option("--db-file", db_file, "从文件读取数据库地址（第一行；文件应只有属主可读）")->excludes(db_opt);
  cli.add_option("--key-file", config.key_file, "个人信息加密密钥文件（不存在时自动创建）")->capture_default_str();
  cli.add_option(
      "--audit-key-file", config.audit_key_file,
      "审计密钥文件（审计链的 HMAC 密钥；默认为 --key-file 所在目录下的 fazhi-audit.key，首次启动时自动创建）");
  cli.add_option("--audit-hash", config.audit_hash, "新审计记录和检查点的算法：hmac-sha256 或 hmac-sm3（国密）")
      ->envname("FAZHI_AUDIT_HASH")
      ->capture_default_str();
  cli.add_option("--audit-checkpoint-dir", config.audit_checkpoint_dir,
                 "审计检查点目录（默认为 --key-file 所在目录下的 audit-checkpoints）");
  std::string log_level = "info";
  cli.add_option("--log-level", log_level, "日志级别：debug/info/warn/error")->capture_default_str();

  auto* serve = AddServeCommand(cli, config);

  auto* migrate = cli.add_subcommand("migrate", "执行数据库迁移（升级表结构）");
  auto* demo = cli.add_subcommand(
      "demo",
      "生成演示数据：城区分局组织机构、人员、各角色演示账号，2023 年全年警情、案件、预警、积分和通报（可重复运行）");
  int demo_year = 2023;
  demo->add_option("--year", demo_year, "案件演示数据的年份")->capture_default_str();

  auto* routes = cli.add_subcommand("routes", "列出全部接口（方法、路径、所需权限），JSON；用于核对 docs/openapi.json");
  routes->group("");  // developer tool: not shown in --help

  // The foundation's subcommands (user, audit, supervise, backup, restore), then the modules'.
  kit::Commands commands(cli);
  cli::AddFoundationCommands(commands, config);
  for (const auto& spec : AllModules())
    if (spec.add_commands) spec.add_commands(commands);

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }
  // Logs go to stderr so that stdout carries only a command's own output (JSON, reports).
  spdlog::set_default_logger(spdlog::stderr_logger_mt("fazhi"));
  spdlog::set_level(spdlog::level::from_str(log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");

  // The database URL: --db, else --db-file, else $FAZHI_DB, else the default. A password in --db
  // is readable by every user in /proc/PID/cmdline; the other two keep it out of argv.
  if (db_opt->count() == 0) {
    if (!db_file.empty()) {
      auto url = ReadDbFile(db_file);
      if (!url) return PrintError(url.error());
      config.db_url = *url;
    } else if (const char* env = std::getenv("FAZHI_DB"); env && *env) {
      config.db_url = env;
    }
  }

  const bool serving = serve->parsed();
  const auto chosen = commands.Parsed();
  if (chosen && chosen->standalone) return (*chosen->standalone)();
  if (!serving) config.db_pool = chosen ? chosen->db_pool : 2;
  std::optional<StopOnSignal> stop_on_signal;
  if (serving) stop_on_signal.emplace();
  auto app = App::Create(config);
  if (!app) return PrintError(app.error());

  if (serving) {
    const int rc = Serve(**app, *stop_on_signal);
    stop_on_signal.reset();  // its thread refers to the App: end it while the App lives
    return rc;
  }
  if (chosen) return (*chosen->run)((*app)->modules());
  if (routes->parsed()) return PrintRoutes(**app);
  if (migrate->parsed()) {
    std::cout << "数据库结构版本：" << (*app)->db().SchemaVersion() << "（已是最新）" << std::endl;
    return 0;
  }
  if (demo->parsed()) {
    for (const auto& m : (*app)->modules().all()) {
      auto lines = m->GenerateDemo(kit::DemoOptions{.year = demo_year});
      if (!lines) return PrintError(lines.error());
      for (const auto& line : *lines) std::cout << line << std::endl;
    }
    return 0;
  }
  return 0;
}

}  // namespace fazhi

int main(int argc, char** argv) {
  try {
    return fazhi::Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "内部错误：" << e.what() << "\n";
    return 1;
  }
}
