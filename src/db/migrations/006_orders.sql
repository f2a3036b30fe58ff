-- 督办 orders (src/orders): the two tables move from the oversight migrations (030, 031) to the
-- shared order service, which runs the loop for any registered source (violation, review finding,
-- a case by hand; later inspection findings, complaints, disputes, hazards). The table names stay
-- (scoring reads them). Changes: case_id may be NULL (sources without a case) and no longer
-- references cases (the source checks it; this migration runs before the cases tables exist on a
-- new database); title holds the source's 中文 title when the order was issued.
--
-- Applied in both histories: an existing database has the tables from 030/031 and keeps every row
-- and id (SQLite cannot drop NOT NULL: the tables are rebuilt by copying through temporary tables,
-- the child dropped before its parent); a new database runs this before 030, which no longer
-- creates them.
-- @sqlite
CREATE TABLE IF NOT EXISTS supervision_orders (
  id INTEGER PRIMARY KEY AUTOINCREMENT, bureau_id BIGINT NOT NULL, case_id BIGINT NOT NULL, unit_id BIGINT NOT NULL,
  source TEXT NOT NULL, source_id BIGINT, problem_type TEXT NOT NULL, opinion TEXT NOT NULL,
  responsible_person_id BIGINT, deadline BIGINT NOT NULL, status TEXT NOT NULL,
  suspend_reason TEXT NOT NULL DEFAULT '', created_by BIGINT, created_at BIGINT NOT NULL, answered_at BIGINT,
  closed_at BIGINT, updated_at BIGINT NOT NULL, status_before_suspend TEXT, overdue_notified_deadline BIGINT
);
CREATE TABLE IF NOT EXISTS supervision_order_steps (
  id INTEGER PRIMARY KEY AUTOINCREMENT, bureau_id BIGINT NOT NULL, order_id BIGINT NOT NULL, action TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '', actor_user_id BIGINT, at BIGINT NOT NULL
);
CREATE TEMP TABLE supervision_orders_copy AS SELECT * FROM supervision_orders;
CREATE TEMP TABLE supervision_order_steps_copy AS SELECT * FROM supervision_order_steps;
CREATE TEMP TABLE supervision_orders_seq AS SELECT name, seq FROM sqlite_sequence
  WHERE name IN ('supervision_orders', 'supervision_order_steps');
DROP TABLE supervision_order_steps;
DROP TABLE supervision_orders;
-- @all
CREATE TABLE IF NOT EXISTS supervision_orders (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  case_id BIGINT,                   -- the case it concerns, if the source has one
  unit_id BIGINT NOT NULL,          -- whose scope sees it (from the source)
  source TEXT NOT NULL,             -- a registered source kind: violation, review, manual …
  source_id BIGINT,                 -- the source's id (violations.id, review_findings.id …); NULL for manual
  title TEXT NOT NULL DEFAULT '',   -- the source's 中文 title when issued
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
  updated_at BIGINT NOT NULL,
  status_before_suspend TEXT,       -- 挂起 → 恢复 returns here
  overdue_notified_deadline BIGINT  -- the deadline whose overdue notice was sent
);
CREATE TABLE IF NOT EXISTS supervision_order_steps (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  order_id BIGINT NOT NULL REFERENCES supervision_orders(id),
  action TEXT NOT NULL,             -- create, answer, close, return, suspend, resume
  note TEXT NOT NULL DEFAULT '',
  actor_user_id BIGINT,
  at BIGINT NOT NULL
);
-- @sqlite
INSERT INTO supervision_orders (id, bureau_id, case_id, unit_id, source, source_id, title, problem_type, opinion,
                                responsible_person_id, deadline, status, suspend_reason, created_by, created_at,
                                answered_at, closed_at, updated_at, status_before_suspend, overdue_notified_deadline)
SELECT id, bureau_id, case_id, unit_id, source, source_id, '', problem_type, opinion, responsible_person_id, deadline,
       status, suspend_reason, created_by, created_at, answered_at, closed_at, updated_at, status_before_suspend,
       overdue_notified_deadline
FROM supervision_orders_copy;
INSERT INTO supervision_order_steps (id, bureau_id, order_id, action, note, actor_user_id, at)
SELECT id, bureau_id, order_id, action, note, actor_user_id, at FROM supervision_order_steps_copy;
INSERT INTO sqlite_sequence (name, seq) SELECT t.name, t.seq FROM supervision_orders_seq t
  WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence s WHERE s.name = t.name);
UPDATE sqlite_sequence SET seq = (SELECT t.seq FROM supervision_orders_seq t WHERE t.name = sqlite_sequence.name)
  WHERE seq < (SELECT t.seq FROM supervision_orders_seq t WHERE t.name = sqlite_sequence.name);
DROP TABLE supervision_order_steps_copy;
DROP TABLE supervision_orders_copy;
DROP TABLE supervision_orders_seq;
-- @postgresql
ALTER TABLE supervision_orders ALTER COLUMN case_id DROP NOT NULL;
ALTER TABLE supervision_orders DROP CONSTRAINT IF EXISTS supervision_orders_case_id_fkey;
ALTER TABLE supervision_orders ADD COLUMN IF NOT EXISTS title TEXT NOT NULL DEFAULT '';
ALTER TABLE supervision_orders ADD COLUMN IF NOT EXISTS status_before_suspend TEXT;
ALTER TABLE supervision_orders ADD COLUMN IF NOT EXISTS overdue_notified_deadline BIGINT;
-- @all
CREATE INDEX IF NOT EXISTS supervision_orders_case ON supervision_orders (case_id);
CREATE INDEX IF NOT EXISTS supervision_orders_status ON supervision_orders (status, deadline);
CREATE INDEX IF NOT EXISTS supervision_orders_person ON supervision_orders (responsible_person_id, status);
CREATE INDEX IF NOT EXISTS supervision_orders_source ON supervision_orders (source, source_id);
CREATE INDEX IF NOT EXISTS supervision_orders_creator ON supervision_orders (created_by);
CREATE INDEX IF NOT EXISTS supervision_order_steps_order ON supervision_order_steps (order_id, id);
