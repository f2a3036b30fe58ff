-- 巡防班次模式 (src/patrol/patrol_shifts.cpp): one pattern per unit, e.g. 三班二运转 — slots = JSON
-- [{"name":"白班","start":480,"end":1200},…] (minutes after Beijing midnight; end ≤ start runs past
-- midnight), cycle = JSON [[team_id per slot] per cycle day] (0 = nobody), anchor_day = the Beijing
-- date of cycle day 0 as days since 1970-01-01. The calendar is computed from it, not stored.
CREATE TABLE patrol_shift_patterns (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  unit_id BIGINT NOT NULL UNIQUE REFERENCES units(id),
  name TEXT NOT NULL,
  slots TEXT NOT NULL,
  cycle TEXT NOT NULL,
  anchor_day BIGINT NOT NULL,
  updated_by BIGINT,
  updated_at BIGINT NOT NULL
);
