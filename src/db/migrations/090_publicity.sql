-- 谁执法谁普法 (src/publicity, issue 14 item 5): each unit's duty list (the laws it is responsible for
-- publicising), the yearly cycle (plan → mid-year check → year-end summary, with due dates that
-- alert), and the publicity events (普法活动) with their audience; materials and photos are
-- attachments (owner types publicity_material / publicity_photo). The campaign calendar is fixed
-- (publicity_types.h: Campaigns).

-- 普法责任清单: one law (or regulation) a unit is responsible for publicising.
CREATE TABLE pub_duties (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  law TEXT NOT NULL,
  audience TEXT NOT NULL DEFAULT '',   -- 普法对象, e.g. 辖区群众, 企业, 学校
  note TEXT NOT NULL DEFAULT '',
  created_by BIGINT,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX pub_duties_law ON pub_duties (unit_id, law);
CREATE INDEX pub_duties_bureau ON pub_duties (bureau_id);

-- One stage of a unit's yearly cycle: plan (年初计划), midyear (年中检查), summary (年终总结).
CREATE TABLE pub_cycle_items (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  year INTEGER NOT NULL,
  stage TEXT NOT NULL CHECK (stage IN ('plan', 'midyear', 'summary')),
  due_at BIGINT NOT NULL,
  content TEXT NOT NULL DEFAULT '',
  submitted_at BIGINT,
  submitted_by BIGINT,
  warned_at BIGINT,    -- when the 即将到期 notification went out
  overdue_at BIGINT,   -- when the 已逾期 notification went out
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX pub_cycle_items_stage ON pub_cycle_items (unit_id, year, stage);
CREATE INDEX pub_cycle_items_due ON pub_cycle_items (submitted_at, due_at);

-- 普法活动: a publicity event of a unit, on a campaign day or not.
CREATE TABLE pub_events (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  campaign TEXT NOT NULL DEFAULT '',   -- a campaign code (publicity_types.h), '' = none
  title TEXT NOT NULL,
  held_at BIGINT NOT NULL,
  place TEXT NOT NULL DEFAULT '',
  audience INTEGER NOT NULL DEFAULT 0, -- 受众人数
  laws TEXT NOT NULL DEFAULT '',       -- the laws publicised
  summary TEXT NOT NULL DEFAULT '',
  created_by BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX pub_events_unit ON pub_events (unit_id, held_at);
CREATE INDEX pub_events_bureau ON pub_events (bureau_id, held_at);
