// Everything an installation can set, in one place (STYLE §5). Validated once at start-up.
#pragma once

#include <string>
#include <vector>

#include "auth/auth_service.h"
#include "core/error.h"

namespace fazhi {

struct Config {
  // Database: "sqlite:PATH" (default, one file, WAL) or "postgresql://user@host:port/db".
  std::string db_url = "sqlite:fazhi.db";
  // 32-byte key for personal data at rest; created on first use. Keep it out of the database
  // directory's backups, and back it up separately.
  std::string key_file = "fazhi.key";
  // The audit chain's key (src/audit/README.md): a second 32-byte key file, created on first use
  // (0600) and then required, kept out of the database like key_file but never rotated with it.
  // Empty = "fazhi-audit.key" in key_file's folder.
  std::string audit_key_file;
  // How new audit rows and checkpoints are keyed: "hmac-sha256", or "hmac-sm3" (国密 SM3).
  std::string audit_hash = "hmac-sha256";
  // Folder of the signed checkpoints of the audit chain (audit/checkpoint.h); empty =
  // "audit-checkpoints" in key_file's folder. Must be writable by `serve`.
  std::string audit_checkpoint_dir;
  // Minutes between audit checkpoints written by `serve` (also one at start and one at stop); 0 = none.
  int audit_checkpoint_minutes = 5;
  // HOST:PORT to listen on. Port 0 = any free port (tests).
  std::string listen = "127.0.0.1:8080";
  // Built web app (web/dist). Empty = look for ./web/dist, then <binary>/../../web/dist.
  std::string web_root;
  // HTTP worker threads; each keep-alive connection holds one, so keep above expected connections.
  int http_threads = 96;
  // Database connections in the pool. SQLite serialises writers anyway; readers run in parallel.
  int db_pool = 16;
  // API requests that run at once; the others wait in arrival order (http/gate.h). 0 = twice the
  // number of cores, never more than db_pool.
  int max_active = 0;
  // Slow clients (http/connection_guard.h): seconds for a complete request head, seconds for each
  // read of a body, open connections per client address (trusted proxies exempt; 0 = no limit).
  int header_timeout_seconds = 10;
  int read_timeout_seconds = 15;
  int max_connections_per_address = 64;
  // Reverse proxies whose X-Forwarded-For names the client (login throttling, audit, sessions).
  std::vector<std::string> trusted_proxies;
  // Intranet map-tile services (scheme://host[:port]) the patrol map may load images from.
  std::vector<std::string> map_tile_origins;
  // Mark the session cookie Secure (set when served over HTTPS behind a proxy).
  bool secure_cookie = false;
  // Apply pending migrations when the App starts.
  bool migrate_on_start = true;
  // Seconds between supervision sweeps (deadlines that pass with no new event); 0 = no sweeping
  // (tests drive OversightService::Sweep() themselves). With PostgreSQL only one instance sweeps.
  int sweep_interval_seconds = 60;
  // Where 督办 attachments are stored; empty = FAZHI_ATTACHMENT_DIR, else beside the SQLite file.
  std::string attachment_dir;
  auth::AuthConfig auth;

  // InvalidArgument naming the bad setting.
  Result<void> Validate() const;
  // Splits `listen` into host and port (call after Validate()).
  std::pair<std::string, int> ListenHostPort() const;
  // audit_key_file and audit_checkpoint_dir with their defaults filled in.
  std::string AuditKeyFile() const;
  std::string AuditCheckpointDir() const;
};

}  // namespace fazhi
