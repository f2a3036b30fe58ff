-- 三级执法巡查 (src/inspections, docs/inspections.md): checklists per domain (versioned data), plans
-- per level with a cadence, tasks (who inspects whom, which domains, by when) with their seeded
-- random sample of real records, the inspector's item-by-item results and the findings (failed
-- items) that enter the 督办 loop as order source "inspection".

-- One row per version of a domain's checklist; the highest version is in force. A task keeps the
-- version it was judged against. items: JSON [{"key","text","method","weight"}].
CREATE TABLE inspection_checklists (
  id @ID@,
  domain TEXT NOT NULL CHECK (domain IN ('incident', 'filing', 'property', 'area')),
  version INTEGER NOT NULL,
  items TEXT NOT NULL,
  created_by BIGINT,
  created_by_name TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX inspection_checklists_version ON inspection_checklists (domain, version);

-- A plan of one level: 市巡分县局 (city_bureau: a city inspects its bureaus), 分县局巡基层科所队
-- (bureau_team: a bureau inspects its teams), 基层科所队巡办案民警 (team_officer: a team inspects
-- its officers). unit_id is the inspecting unit; bureau_id its 分县局 (the city's own id for a city plan).
CREATE TABLE inspection_plans (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  level TEXT NOT NULL CHECK (level IN ('city_bureau', 'bureau_team', 'team_officer')),
  name TEXT NOT NULL,
  domains TEXT NOT NULL,                    -- comma list of domains
  cadence_days INTEGER NOT NULL DEFAULT 7,  -- 周期 (weekly by default)
  sample_size INTEGER NOT NULL DEFAULT 2,   -- records drawn per domain
  due_days INTEGER NOT NULL DEFAULT 5,      -- a task is due this many days after its period starts
  active INTEGER NOT NULL DEFAULT 1,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX inspection_plans_unit ON inspection_plans (unit_id);

-- A task: the plan's unit inspects one target (a unit, or an officer of a team) for one period.
-- seed: the random draw's seed (the sample is re-drawn identically from it).
CREATE TABLE inspection_tasks (
  id @ID@,
  bureau_id BIGINT NOT NULL,                 -- the target's 分县局
  plan_id BIGINT NOT NULL REFERENCES inspection_plans(id),
  level TEXT NOT NULL,
  inspector_unit_id BIGINT NOT NULL REFERENCES units(id),
  target_unit_id BIGINT NOT NULL REFERENCES units(id),
  target_person_id BIGINT REFERENCES people(id),
  target_key TEXT NOT NULL,                  -- 'u<id>' or 'p<id>', for the uniqueness below
  domains TEXT NOT NULL,
  period_start BIGINT NOT NULL,
  due_at BIGINT NOT NULL,
  seed BIGINT NOT NULL,
  sample_from BIGINT NOT NULL,               -- the window records are drawn from
  sample_to BIGINT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'done')),
  completed_at BIGINT,
  completed_by BIGINT,
  completed_by_name TEXT NOT NULL DEFAULT '',
  overdue_notified INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX inspection_tasks_once ON inspection_tasks (plan_id, target_key, period_start);
CREATE INDEX inspection_tasks_target ON inspection_tasks (target_unit_id, period_start);
CREATE INDEX inspection_tasks_due ON inspection_tasks (status, due_at);
CREATE INDEX inspection_tasks_bureau ON inspection_tasks (bureau_id, period_start);

-- The drawn records of a task, per domain, in draw order.
CREATE TABLE inspection_samples (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  task_id BIGINT NOT NULL REFERENCES inspection_tasks(id),
  domain TEXT NOT NULL,
  record_kind TEXT NOT NULL,                 -- incident, case, property, area_stay
  record_id BIGINT NOT NULL,
  label TEXT NOT NULL,
  officer_id BIGINT,
  seq INTEGER NOT NULL
);
CREATE INDEX inspection_samples_task ON inspection_samples (task_id, seq);

-- The inspector's judgement of one checklist item of a task (one row per task, domain, item).
CREATE TABLE inspection_results (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  task_id BIGINT NOT NULL REFERENCES inspection_tasks(id),
  checklist_id BIGINT NOT NULL REFERENCES inspection_checklists(id),
  domain TEXT NOT NULL,
  item_key TEXT NOT NULL,
  passed INTEGER NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  sample_id BIGINT REFERENCES inspection_samples(id),
  video_ref TEXT NOT NULL DEFAULT '',        -- 视频巡查: a timestamped video reference
  judged_by BIGINT,
  judged_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX inspection_results_item ON inspection_results (task_id, domain, item_key);

-- A failed item of a submitted task: a problem for the 督办 loop and a points deduction.
CREATE TABLE inspection_findings (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  task_id BIGINT NOT NULL REFERENCES inspection_tasks(id),
  result_id BIGINT NOT NULL REFERENCES inspection_results(id),
  unit_id BIGINT NOT NULL REFERENCES units(id),     -- whose scope sees it (the target's unit)
  person_id BIGINT REFERENCES people(id),           -- 责任民警
  domain TEXT NOT NULL,
  item_key TEXT NOT NULL,
  item_text TEXT NOT NULL,
  weight INTEGER NOT NULL,
  record_label TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  order_id BIGINT,                                  -- its 督办单
  deadline BIGINT NOT NULL,                         -- 整改期限
  closed_at BIGINT,                                 -- 督办办结 (re-checked)
  on_time INTEGER,                                  -- rectified by the deadline (set when closed)
  created_at BIGINT NOT NULL
);
CREATE INDEX inspection_findings_bureau ON inspection_findings (bureau_id, created_at);
CREATE INDEX inspection_findings_task ON inspection_findings (task_id);
