#include "app/app.h"

#include "app/key_rotation.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <optional>
#include <thread>

#include "app/modules.h"
#include "audit/audit_log.h"
#include "auth/vault.h"
#include "cases/cases_module.h"
#include "db/sql.h"
#include "files/attachments.h"
#include "org/org_module.h"
#include "oversight/oversight_module.h"
#include "scoring/scoring_module.h"

namespace fazhi {

Result<void> Config::Validate() const {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return Invalid("监听地址应为 主机:端口，例如 127.0.0.1:8080", "listen");
  int port = -1;
  const std::string p = listen.substr(colon + 1);
  auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
  if (ec != std::errc() || ptr != p.data() + p.size() || port < 0 || port > 65535)
    return Invalid("监听端口无效：" + p, "listen");
  if (http_threads < 4 || http_threads > 4096) return Invalid("HTTP 线程数应在 4 到 4096 之间", "threads");
  if (db_pool < 1 || db_pool > 256) return Invalid("数据库连接数应在 1 到 256 之间", "db_pool");
  if (max_active < 0 || max_active > 4096) return Invalid("同时处理的请求数应在 0 到 4096 之间", "max_active");
  if (header_timeout_seconds < 1 || header_timeout_seconds > 600)
    return Invalid("请求头超时应在 1 到 600 秒之间", "header_timeout");
  if (read_timeout_seconds < 1 || read_timeout_seconds > 600)
    return Invalid("请求体读取超时应在 1 到 600 秒之间", "body_timeout");
  if (max_connections_per_address < 0 || max_connections_per_address > 100000)
    return Invalid("同一地址的连接数上限应在 0 到 100000 之间", "max_conn_per_address");
  for (const auto& origin : map_tile_origins)
    if (!http::IsImageOrigin(origin))
      return Invalid("地图瓦片服务地址应为 http(s)://主机[:端口]，不带路径，例如 http://pgis.local:8080：" + origin,
                     "map_tile_origin");
  if (key_file.empty()) return Invalid("必须指定密钥文件路径", "key_file");
  if (sweep_interval_seconds < 0) return Invalid("巡检间隔不能为负数", "sweep_interval_seconds");
  const auto audit_alg = audit::ParseAlg(audit_hash);
  if (!audit_alg) return Invalid("审计哈希算法应为 hmac-sha256 或 hmac-sm3：" + audit_hash, "audit_hash");
  if (*audit_alg == audit::MacAlg::kHmacSm3 && !audit::Sm3Available())
    return Invalid("本机的 OpenSSL 不提供 SM3，不能使用 hmac-sm3", "audit_hash");
  if (audit_checkpoint_minutes < 0 || audit_checkpoint_minutes > 1440)
    return Invalid("审计检查点间隔应在 0 到 1440 分钟之间", "audit_checkpoint_interval");
  if (auth.session_idle_seconds < 60) return Invalid("会话空闲超时不能少于 60 秒", "session_idle_seconds");
  if (auth.session_cache_ms < 0 || auth.session_cache_ms > 1000)
    return Invalid("会话缓存时间应在 0 到 1000 毫秒之间（撤销须在 1 秒内到达每个实例）", "session_cache_ms");
  return {};
}

std::pair<std::string, int> Config::ListenHostPort() const {
  const auto colon = listen.rfind(':');
  return {listen.substr(0, colon), std::stoi(listen.substr(colon + 1))};
}

// Beside the personal-data key by default, under a fixed name: `key rotate` puts a new key file in
// place of key_file, and the audit key must not change with it.
std::string Config::AuditKeyFile() const {
  if (!audit_key_file.empty()) return audit_key_file;
  return (std::filesystem::path(key_file).parent_path() / "fazhi-audit.key").string();
}

std::string Config::AuditCheckpointDir() const {
  if (!audit_checkpoint_dir.empty()) return audit_checkpoint_dir;
  return (std::filesystem::path(key_file).parent_path() / "audit-checkpoints").string();
}

namespace {

std::string FindWebRoot(const std::string& configured) {
  namespace fs = std::filesystem;
  if (!configured.empty()) return configured;
  std::error_code ec;
  if (fs::exists("web/dist/index.html", ec)) return "web/dist";
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (fs::path dir = exe.parent_path(); !dir.empty() && dir != dir.root_path(); dir = dir.parent_path())
      if (fs::exists(dir / "web/dist/index.html", ec)) return (dir / "web/dist").string();
  }
  return {};
}

// The key file is a secret: refuse one that users other than its owner may read or write.
Result<void> CheckKeyFilePermissions(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::perms perms = fs::status(path, ec).permissions();
  if (ec) return {};  // missing or unreadable: Vault::Open says so
  if ((perms & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none) return {};
  return Fail(ErrorCode::kInvalidArgument,
              fmt::format("密钥文件 {} 的权限为 {:04o}，除属主外的用户也能读取或改写：请执行 chmod 600 {}"
                          "（属主应是运行 fazhi 的系统用户），然后重新启动",
                          path, static_cast<unsigned>(perms & fs::perms::all), path),
              "key_file", "key_file_permissions");
}

// One encrypted value of the database, if any (people's 身份证号/手机号, TOTP secrets).
std::optional<std::string> AnySealedValue(soci::session& sql) {
  std::optional<std::string> out;
  for (const char* q : {"SELECT phone_enc AS v FROM people WHERE phone_enc IS NOT NULL AND phone_enc <> '' LIMIT 1",
                        "SELECT id_number_enc AS v FROM people WHERE id_number_enc IS NOT NULL AND id_number_enc <> '' "
                        "LIMIT 1",
                        "SELECT totp_secret_enc AS v FROM users WHERE totp_secret_enc IS NOT NULL AND "
                        "totp_secret_enc <> '' LIMIT 1"}) {
    db::First(sql, q, {}, [&](const db::Row& r) { out = r.Str("v"); });
    if (out) return out;
  }
  return out;
}

// The key of --key-file against the database: the check value stored by the first start must
// match. A database without one (new, or from before migration 008) adopts this key, after one
// of its encrypted values, if any, decrypts with it.
Result<void> CheckKeyMatchesDatabase(db::Database& db, const auth::Vault& vault, const std::string& key_file,
                                     EpochSeconds now) {
  const std::string mine = KeyCheckValue(vault);
  const auto mismatch = [&] {
    return Fail(ErrorCode::kConflict,
                "密钥文件 " + key_file +
                    " 与数据库不匹配：数据库中的身份证号、手机号等是用另一把密钥加密的。请用 --key-file "
                    "指向这个数据库原来的密钥文件（见 docs/operations.md“密钥文件”）；不要换用新密钥",
                "key_file", "key_mismatch");
  };
  return db.Write([&](soci::session& sql) -> Result<void> {
    std::optional<std::string> stored;
    db::First(sql, "SELECT check_value FROM key_check WHERE id = 1", {},
              [&](const db::Row& r) { stored = r.Str("check_value"); });
    if (stored) {
      if (*stored != mine) return mismatch();
      return {};
    }
    if (auto sealed = AnySealedValue(sql); sealed && !vault.Decrypt(*sealed)) return mismatch();
    db::SqlArgs a;
    db::Exec(sql,
             "INSERT INTO key_check (id, check_value, created_at) VALUES (1, " + a.Str(mine) + ", " + a.Int(now) +
                 ") ON CONFLICT (id) DO NOTHING",
             a);
    db::First(sql, "SELECT check_value FROM key_check WHERE id = 1", {},
              [&](const db::Row& r) { stored = r.Str("check_value"); });
    if (stored && *stored != mine) return mismatch();  // another instance stored its key first
    return {};
  });
}

// The audit chain's key: a database that names none (new, or from before migration 010) adopts the
// key of `path`, creating the file if absent; one that names a key requires that key's file, so a
// wrong path is refused instead of silently starting a second key whose rows nobody can verify.
// `created` says whether this call created the file (the caller removes it on a later refusal).
Result<std::shared_ptr<const audit::ChainKey>> OpenAuditKey(db::Database& db, const std::string& path, bool& created) {
  const std::string named = audit::NamedKeyCheck(db);
  std::error_code ec;
  const bool existed = std::filesystem::exists(path, ec);
  if (existed) FZ_CHECK(CheckKeyFilePermissions(path));
  if (!existed && !named.empty())
    return Fail(ErrorCode::kConflict,
                "找不到审计密钥文件 " + path +
                    "：这个数据库的审计链是用它写的。请用 --audit-key-file 指向原来的审计密钥文件（见 "
                    "docs/operations.md“审计密钥”）；不要让程序新建一把",
                "audit_key_file", "audit_key_missing");
  auto key = FZ_TRY(audit::ChainKey::Open(path, named.empty()));
  created = !existed;
  FZ_CHECK(audit::AdoptKey(db, *key));
  return key;
}

}  // namespace

Result<std::unique_ptr<App>> App::Create(Config config, const Clock* clock) {
  FZ_CHECK(config.Validate());
  std::unique_ptr<App> app(new App());
  app->config_ = std::move(config);
  app->clock_ = clock ? clock : &app->system_clock_;
  const std::string& key_file = app->config_.key_file;
  std::error_code exists_ec;
  const bool key_existed = std::filesystem::exists(key_file, exists_ec);
  if (key_existed) FZ_CHECK(CheckKeyFilePermissions(key_file));
  app->vault_ = std::make_unique<auth::Vault>(FZ_TRY(auth::Vault::Open(key_file)));
  // A key file this start created must not outlive a refusal: the next start would find it.
  const auto forget_new_key = [&](Error e) -> Result<std::unique_ptr<App>> {
    if (!key_existed) {
      std::error_code ec;
      std::filesystem::remove(key_file, ec);
      e.message += "（本次启动新建的密钥文件 " + key_file + " 已删除）";
    }
    return std::unexpected(std::move(e));
  };
  auto opened = db::Database::Open(app->config_.db_url, static_cast<std::size_t>(app->config_.db_pool));
  if (!opened) return forget_new_key(opened.error());
  app->db_ = std::move(*opened);
  if (app->config_.migrate_on_start) {
    if (auto m = app->db_->Migrate(); !m) return forget_new_key(m.error());
  } else if (app->db_->SchemaVersion() < db::Database::LatestVersion()) {
    return forget_new_key(
        Error{ErrorCode::kConflict, "数据库结构不是最新版本，请先运行 fazhi migrate", "db", "schema_outdated"});
  }
  if (auto k = CheckKeyMatchesDatabase(*app->db_, *app->vault_, key_file, app->clock_->Now()); !k)
    return forget_new_key(k.error());
  const std::string audit_key_file = app->config_.AuditKeyFile();
  bool audit_key_created = false;
  auto audit_key = OpenAuditKey(*app->db_, audit_key_file, audit_key_created);
  if (!audit_key) {
    if (audit_key_created) {
      std::error_code ec;
      std::filesystem::remove(audit_key_file, ec);
    }
    return forget_new_key(audit_key.error());
  }
  app->audit_key_ = std::move(*audit_key);
  app->audit_alg_ = *audit::ParseAlg(app->config_.audit_hash);
  audit::RegisterKey(app->audit_key_, app->audit_alg_);
  // Attachment files an older installation kept on disk are copied into the database once (src/files).
  files::AttachmentStore(*app->db_, files::LegacyAttachmentDir(app->config_.attachment_dir, *app->db_))
      .ImportLegacyFiles(app->clock_->Now());
  app->auth_ = std::make_unique<auth::AuthService>(*app->db_, *app->clock_, *app->vault_, app->config_.auth);
  app->started_at_ = app->system_clock_.Now();
  app->jobs_ = std::make_unique<jobs::JobRunner>(*app->db_, *app->clock_);
  FZ_CHECK(app->jobs_->RecoverInterrupted());
  app->settings_.attachment_dir = app->config_.attachment_dir;
  app->settings_.sweep_interval_seconds = app->config_.sweep_interval_seconds;
  app->modules_ = std::make_unique<kit::ModuleSet>(
      kit::Services{*app->db_, *app->clock_, *app->vault_, *app->jobs_, app->settings_});
  for (const auto& spec : AllModules()) app->modules_->Add(spec.create(app->modules_->services()));
  for (const auto& m : app->modules_->all()) FZ_CHECK(m->Init(*app->modules_));
  RegisterCoreRoutes(app->router_, *app);
  for (const auto& m : app->modules_->all()) m->RegisterRoutes(app->router_);
  return app;
}

App::~App() {
  Stop();
  // Background jobs use module services: let them finish, then the modules go before the job
  // runner and the database they use.
  if (jobs_) jobs_->WaitAll();
  modules_.reset();
}

org::OrgService& App::org() { return modules_->Find<org::OrgModule>()->service(); }
cases::CaseService& App::cases() { return modules_->Find<cases::CasesModule>()->service(); }
oversight::OversightService& App::oversight() { return modules_->Find<oversight::OversightModule>()->service(); }
scoring::ScoringService& App::scoring() { return modules_->Find<scoring::ScoringModule>()->service(); }

Result<int> App::Bind() {
  auto [host, port] = config_.ListenHostPort();
  http::ServerOptions o;
  o.host = host;
  o.port = port;
  o.threads = config_.http_threads;
  o.trusted_proxies = config_.trusted_proxies;
  o.image_origins = config_.map_tile_origins;
  o.header_timeout_seconds = config_.header_timeout_seconds;
  o.read_timeout_seconds = config_.read_timeout_seconds;
  o.max_connections_per_address = static_cast<std::size_t>(config_.max_connections_per_address);
  o.max_active = static_cast<std::size_t>(
      config_.max_active > 0
          ? config_.max_active
          : std::min(config_.db_pool, 2 * std::max(1, static_cast<int>(std::thread::hardware_concurrency()))));
  o.web_root = FindWebRoot(config_.web_root);
  o.secure_cookie = config_.secure_cookie;
  db::Database* db = db_.get();
  o.backend_available = [db] { return db->Ping(); };
  o.metrics = &metrics_;
  auth::AuthService* auth = auth_.get();
  server_ = std::make_unique<http::Server>(
      router_, [auth](std::string_view token) { return auth->Authenticate(token); }, o);
  return server_->Bind();
}

void App::Serve() {
  if (!server_) return;
  if (!background_started_) {
    background_started_ = true;
    for (const auto& m : modules_->all()) m->StartBackground();
  }
  if (!checkpointer_) {
    checkpointer_ = std::make_unique<db::Checkpointer>(*db_, std::chrono::milliseconds(1000));
    checkpointer_->Start();
  }
  if (!audit_checkpoints_ && config_.audit_checkpoint_minutes > 0) {
    audit_checkpoints_ =
        std::make_unique<audit::CheckpointTimer>(*db_, *clock_, audit_key_, audit_alg_, config_.AuditCheckpointDir(),
                                                 std::chrono::minutes(config_.audit_checkpoint_minutes));
    audit_checkpoints_->Start();
  }
  server_->Run();
}

Result<int> App::StartInBackground() {
  auto port = Bind();
  if (!port) return port;
  background_ = std::thread([this] { Serve(); });
  return port;
}

void App::Stop() {
  if (modules_)
    for (const auto& m : modules_->all()) m->StopBackground();
  if (checkpointer_) checkpointer_->Stop();
  if (server_) server_->Stop();
  if (background_.joinable()) background_.join();
  // After the server: the last checkpoint pins the head as the stopped server left it.
  if (audit_checkpoints_) audit_checkpoints_->Stop();
}

}  // namespace fazhi
