-- Supervision in the running system (执法监督): versioned rule catalogs and holiday calendars, the
-- current state of every rule clock per case (alerts), recorded violations, notifications, 督办
-- orders with their steps and attachments, and 法制员 stage reviews with findings.

CREATE TABLE rule_catalog_versions (
  id @ID@,
  version INTEGER NOT NULL UNIQUE,
  catalog TEXT NOT NULL,            -- the catalog JSON (same format as the shipped one)
  note TEXT NOT NULL DEFAULT '',    -- what changed and why
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  active INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE calendar_versions (
  id @ID@,
  version INTEGER NOT NULL UNIQUE,
  calendar TEXT NOT NULL,           -- holiday calendar JSON (same format as the shipped one)
  note TEXT NOT NULL DEFAULT '',
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  active INTEGER NOT NULL DEFAULT 0
);

-- Current state of each rule clock of each case, rewritten whenever the case is re-evaluated.
CREATE TABLE alerts (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  unit_id BIGINT NOT NULL,
  rule_id TEXT NOT NULL,
  clock_key TEXT NOT NULL,          -- rule id + subject + trigger event: stable across re-evaluations
  state TEXT NOT NULL,              -- running, pre_warn, overdue, done_late, done, missing, …
  due_at BIGINT,
  pre_warn_at BIGINT,
  since BIGINT,
  person_ref TEXT,
  trigger_event_id BIGINT,
  message TEXT NOT NULL DEFAULT '',
  legal_basis TEXT NOT NULL DEFAULT '',
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX alerts_clock ON alerts (case_id, clock_key);
CREATE INDEX alerts_state_due ON alerts (state, due_at);
CREATE INDEX alerts_unit_state ON alerts (unit_id, state);

-- A violation is recorded once, when a clock first goes overdue / done late / missing, and stays
-- (it feeds 督办, scoring and the metrics even after the act is finally done).
CREATE TABLE violations (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  unit_id BIGINT NOT NULL,
  officer_id BIGINT,                -- 主办民警 when detected
  rule_id TEXT NOT NULL,
  clock_key TEXT NOT NULL,
  kind TEXT NOT NULL,               -- overdue, done_late, missing
  severity TEXT NOT NULL DEFAULT 'normal',  -- normal, serious (from the catalog)
  due_at BIGINT,
  detected_at BIGINT NOT NULL,
  message TEXT NOT NULL DEFAULT '',
  legal_basis TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX violations_clock ON violations (case_id, clock_key);
CREATE INDEX violations_unit_time ON violations (unit_id, detected_at);
CREATE INDEX violations_officer_time ON violations (officer_id, detected_at);

-- notifications, supervision_orders and supervision_order_steps were created here until the shared
-- services took them over: migration 004_notify.sql and 006_orders.sql now create (or, on a database
-- made before them, convert) them, and run before this one on a new database.

-- Files attached to 督办 answers (and later to other objects); bytes on disk, sha256 recorded.
CREATE TABLE attachments (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  owner_type TEXT NOT NULL,
  owner_id BIGINT NOT NULL,
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL DEFAULT 'application/octet-stream',
  size BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  storage_path TEXT NOT NULL,
  uploaded_by BIGINT,
  uploaded_at BIGINT NOT NULL
);
CREATE INDEX attachments_owner ON attachments (owner_type, owner_id);

-- 法制员 stage reviews (受案, 立案, 强制措施, 移送起诉) and their findings.
CREATE TABLE case_reviews (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  stage TEXT NOT NULL CHECK (stage IN ('accept', 'file', 'coercive', 'prosecution')),
  verdict TEXT NOT NULL CHECK (verdict IN ('pass', 'fix_required', 'reject')),
  comment TEXT NOT NULL DEFAULT '',
  reviewer_user_id BIGINT,
  reviewer_person_id BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX case_reviews_case ON case_reviews (case_id, stage);

CREATE TABLE review_findings (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  review_id BIGINT NOT NULL REFERENCES case_reviews(id),
  case_id BIGINT NOT NULL REFERENCES cases(id),
  category TEXT NOT NULL CHECK (category IN ('evidence', 'procedure', 'characterization')),  -- 证据/程序/定性
  severity TEXT NOT NULL DEFAULT 'normal',
  description TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX review_findings_case ON review_findings (case_id);
