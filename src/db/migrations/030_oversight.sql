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

CREATE TABLE notifications (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users(id),
  case_id BIGINT,
  kind TEXT NOT NULL,               -- pre_warn, overdue, supervision_order, review …
  title TEXT NOT NULL,
  body TEXT NOT NULL DEFAULT '',
  dedup_key TEXT NOT NULL,          -- one notification per user per event
  created_at BIGINT NOT NULL,
  read_at BIGINT
);
CREATE UNIQUE INDEX notifications_dedup ON notifications (user_id, dedup_key);
CREATE INDEX notifications_user ON notifications (user_id, read_at, created_at);

-- 督办: problem → responsible officer → 整改 → 法制员 check → closed / returned / 挂起.
CREATE TABLE supervision_orders (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  unit_id BIGINT NOT NULL,
  source TEXT NOT NULL,             -- violation, review, manual
  source_id BIGINT,                 -- violations.id or review_findings.id
  problem_type TEXT NOT NULL,       -- 证据, 程序, 定性, 超期, …
  opinion TEXT NOT NULL,            -- 整改意见
  responsible_person_id BIGINT REFERENCES people(id),
  deadline BIGINT NOT NULL,
  status TEXT NOT NULL,             -- open, answered, closed, returned, suspended
  suspend_reason TEXT NOT NULL DEFAULT '',
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  answered_at BIGINT,
  closed_at BIGINT,
  updated_at BIGINT NOT NULL
);
CREATE INDEX supervision_orders_case ON supervision_orders (case_id);
CREATE INDEX supervision_orders_status ON supervision_orders (status, deadline);
CREATE INDEX supervision_orders_person ON supervision_orders (responsible_person_id, status);

CREATE TABLE supervision_order_steps (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  order_id BIGINT NOT NULL REFERENCES supervision_orders(id),
  action TEXT NOT NULL,             -- create, answer, close, return, suspend, resume
  note TEXT NOT NULL DEFAULT '',
  actor_user_id BIGINT,
  at BIGINT NOT NULL
);
CREATE INDEX supervision_order_steps_order ON supervision_order_steps (order_id, id);

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
