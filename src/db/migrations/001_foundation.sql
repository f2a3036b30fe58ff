-- Foundation: organisation units, accounts, sessions, audit trail, settings.
-- Times are UTC epoch seconds (BIGINT). Every table holding bureau data carries bureau_id, the
-- owning 分县局 (for the city bureau's own rows: the city unit), so the schema can be distributed by it.

CREATE TABLE units (
  id @ID@,
  bureau_id BIGINT,
  parent_id BIGINT REFERENCES units(id),
  name TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('city', 'bureau', 'team')),
  category TEXT NOT NULL DEFAULT '',
  code TEXT NOT NULL DEFAULT '',
  path TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX units_parent_name ON units (parent_id, name);
CREATE INDEX units_path ON units (path);

CREATE TABLE people (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  name TEXT NOT NULL,
  badge_no TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('民警', '辅警')),
  position TEXT NOT NULL DEFAULT '',
  is_legal_officer INTEGER NOT NULL DEFAULT 0,
  id_number_enc TEXT,
  id_number_hash TEXT,
  phone_enc TEXT,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX people_badge_no ON people (badge_no);
CREATE INDEX people_unit ON people (unit_id);
CREATE INDEX people_id_hash ON people (id_number_hash);

CREATE TABLE users (
  id @ID@,
  bureau_id BIGINT,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  person_id BIGINT REFERENCES people(id),
  active INTEGER NOT NULL DEFAULT 1,
  must_change_password INTEGER NOT NULL DEFAULT 0,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until BIGINT NOT NULL DEFAULT 0,
  totp_secret_enc TEXT,
  totp_enabled INTEGER NOT NULL DEFAULT 0,
  totp_required INTEGER NOT NULL DEFAULT 0,
  totp_last_step BIGINT NOT NULL DEFAULT 0,
  password_changed_at BIGINT NOT NULL DEFAULT 0,
  last_login_at BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX users_unit ON users (unit_id);

CREATE TABLE user_roles (
  user_id BIGINT NOT NULL REFERENCES users(id),
  role TEXT NOT NULL,
  PRIMARY KEY (user_id, role)
);

-- Server-side sessions: the cookie carries a random token; only its SHA-256 is stored.
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id),
  csrf_token TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  ip TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Append-only, hash-chained audit trail (全程留痕). Ids are assigned under the chain lock in
-- audit_head, so they are gap-free and the chain order is the id order.
CREATE TABLE audit_log (
  id BIGINT PRIMARY KEY,
  bureau_id BIGINT,
  at BIGINT NOT NULL,
  user_id BIGINT,
  username TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  object_type TEXT NOT NULL DEFAULT '',
  object_id TEXT NOT NULL DEFAULT '',
  summary TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '{}',
  ip TEXT NOT NULL DEFAULT '',
  request_id TEXT NOT NULL DEFAULT '',
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_user ON audit_log (user_id, id);
CREATE INDEX audit_object ON audit_log (object_type, object_id, id);
CREATE INDEX audit_at ON audit_log (at);

CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_id BIGINT NOT NULL,
  last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- No application path may edit or delete audit rows (网络安全法 第21条: keep ≥ 6 months).
-- @sqlite
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- @postgresql
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
-- @all

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
