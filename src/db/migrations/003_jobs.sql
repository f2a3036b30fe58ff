-- Background jobs (src/jobs): imports, re-evaluations and other long work, with their progress in
-- the database so that every instance can report them and a restart marks an interrupted job.
CREATE TABLE jobs (
  id @ID@,
  bureau_id BIGINT,
  kind TEXT NOT NULL,               -- case_import, reevaluate, …
  title TEXT NOT NULL,              -- 中文: what runs (导入案件 cases.xlsx, 启用规则目录第 3 版 …)
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'interrupted')),
  done BIGINT NOT NULL DEFAULT 0,
  total BIGINT NOT NULL DEFAULT 0,
  message TEXT NOT NULL DEFAULT '',  -- 中文 progress line or the failure shown to people
  result TEXT NOT NULL DEFAULT '',   -- JSON written by the job when it ends
  instance TEXT NOT NULL,            -- the process that runs it
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  started_at BIGINT,
  finished_at BIGINT,
  heartbeat_at BIGINT NOT NULL
);
CREATE INDEX jobs_kind ON jobs (kind, created_at);
CREATE INDEX jobs_state ON jobs (state, heartbeat_at);
