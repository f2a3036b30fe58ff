-- 复查 (re-inspection) of a finding's 整改 (src/inspections, docs/inspections.md): once the
-- responsible officer has answered the finding's 督办, the inspecting side looks again and records
-- whether the problem is rectified. Passed: the 督办 closes (办结) and the finding with it. Not
-- passed: the 督办 goes back to the officer with the note and a new deadline. One row per 复查.
CREATE TABLE inspection_rechecks (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  finding_id BIGINT NOT NULL REFERENCES inspection_findings(id),
  order_id BIGINT NOT NULL,
  passed INTEGER NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  new_deadline BIGINT,                       -- not passed: the new 整改期限
  checked_by BIGINT,
  checked_by_name TEXT NOT NULL DEFAULT '',
  checked_at BIGINT NOT NULL
);
CREATE INDEX inspection_rechecks_finding ON inspection_rechecks (finding_id, checked_at);

-- The latest 复查 of a finding, for its lists (the history is in inspection_rechecks).
ALTER TABLE inspection_findings ADD COLUMN rechecks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE inspection_findings ADD COLUMN last_recheck_at BIGINT;
ALTER TABLE inspection_findings ADD COLUMN last_recheck_passed INTEGER;
