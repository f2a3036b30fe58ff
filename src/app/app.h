// The application object (STYLE §3): built from a Config, owns every component and hands out
// references. No globals, so a test can run two instances in one process.
#pragma once

#include <memory>
#include <thread>

#include "app/config.h"
#include "audit/chain_key.h"
#include "audit/checkpoint.h"
#include "auth/auth_service.h"
#include "auth/vault.h"
#include "core/clock.h"
#include "db/checkpointer.h"
#include "db/database.h"
#include "http/router.h"
#include "http/server.h"
#include "jobs/job_runner.h"
#include "kit/module.h"

namespace fazhi {

namespace org {
class OrgService;
}
namespace cases {
class CaseService;
}
namespace oversight {
class OversightService;
}
namespace scoring {
class ScoringService;
}

class App {
 public:
  // Opens the database (and migrates it when config.migrate_on_start), loads or creates the key
  // file, and registers all routes. `clock` defaults to the system clock; tests pass a ManualClock
  // (which must outlive the App).
  static Result<std::unique_ptr<App>> Create(Config config, const Clock* clock = nullptr);
  ~App();

  const Config& config() const { return config_; }
  db::Database& db() { return *db_; }
  const Clock& clock() const { return *clock_; }
  const auth::Vault& vault() const { return *vault_; }
  // The audit chain's key (Config::AuditKeyFile), registered for Append and Verify, and the
  // algorithm of new rows and checkpoints.
  const std::shared_ptr<const audit::ChainKey>& audit_key() const { return audit_key_; }
  audit::MacAlg audit_alg() const { return audit_alg_; }
  auth::AuthService& auth() { return *auth_; }
  jobs::JobRunner& jobs() { return *jobs_; }
  kit::ModuleSet& modules() { return *modules_; }
  // The services of the four original modules (tests and the CLI use them directly).
  org::OrgService& org();
  cases::CaseService& cases();
  oversight::OversightService& oversight();
  scoring::ScoringService& scoring();
  const http::Router& router() const { return router_; }
  // The running server (after Bind), or null; and its request figures (GET /api/ops/metrics).
  const http::Server* server() const { return server_.get(); }
  const http::Metrics& metrics() const { return metrics_; }
  // When this App was created (UTC seconds of the system clock).
  EpochSeconds started_at() const { return started_at_; }

  // Binds the listening socket; returns the port. Then Serve() blocks until Stop(). Serve() also
  // starts every module's background work (the supervision sweep), the audit checkpoints
  // (Config::audit_checkpoint_minutes) and, on SQLite, the background WAL checkpointer.
  Result<int> Bind();
  void Serve();
  // Bind + serve on a background thread (tests). Returns the port.
  Result<int> StartInBackground();
  void Stop();

 private:
  App() = default;

  Config config_;
  SystemClock system_clock_;
  const Clock* clock_ = nullptr;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<auth::Vault> vault_;
  std::shared_ptr<const audit::ChainKey> audit_key_;
  audit::MacAlg audit_alg_ = audit::MacAlg::kHmacSha256;
  std::unique_ptr<audit::CheckpointTimer> audit_checkpoints_;
  std::unique_ptr<auth::AuthService> auth_;
  std::unique_ptr<jobs::JobRunner> jobs_;
  kit::Settings settings_;
  std::unique_ptr<kit::ModuleSet> modules_;
  bool background_started_ = false;
  std::unique_ptr<db::Checkpointer> checkpointer_;
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  http::Metrics metrics_;
  EpochSeconds started_at_ = 0;
  std::thread background_;
};

// Registers health, auth, me, users, roles, security policy and audit routes.
void RegisterCoreRoutes(http::Router& router, App& app);

}  // namespace fazhi
