-- 平安志愿者 "凤城蓝卫" (src/volunteers, src/volunteers/README.md): real-name registration and
-- vetting, teams, training and insurance records, tasks with check-in/check-out and anomaly flags,
-- clues, an append-only points ledger with caps, a reward catalogue with redemptions. Personal data
-- (身份证号, 手机号) is auth::Vault ciphertext with a blind index for the 身份证号, as for people.

-- Coordinates are WGS-84 in micro-degrees (*_e6 = degrees × 1,000,000), integers on both databases.

-- Per-bureau settings: points caps (per day and per calendar month, Asia/Shanghai), the speed
-- above which two consecutive position claims are impossible, the default radius around a place.
CREATE TABLE volunteer_settings (
  bureau_id BIGINT PRIMARY KEY,
  day_cap INTEGER NOT NULL DEFAULT 50,
  month_cap INTEGER NOT NULL DEFAULT 300,
  max_speed_kmh INTEGER NOT NULL DEFAULT 120,
  place_radius_m INTEGER NOT NULL DEFAULT 300,
  updated_at BIGINT NOT NULL
);

-- 志愿者队伍: a team of a 派出所 (unit_id).
CREATE TABLE volunteer_teams (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX volunteer_teams_unit ON volunteer_teams (unit_id);

-- 志愿者: status pending 待审核 → approved 通过 / rejected 不通过 (vet_reason). user_id: the volunteer's
-- own account (role volunteer), created on approval. lock_version: bumped by every ledger write so
-- two concurrent writers for one volunteer are serialised on PostgreSQL (row lock).
CREATE TABLE volunteers (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  team_id BIGINT REFERENCES volunteer_teams(id),
  name TEXT NOT NULL,
  gender TEXT NOT NULL DEFAULT '',
  id_number_enc TEXT NOT NULL,
  id_number_hash TEXT NOT NULL,
  phone_enc TEXT NOT NULL,
  skills TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
  vet_reason TEXT NOT NULL DEFAULT '',
  vetted_by BIGINT,
  vetted_at BIGINT,
  user_id BIGINT REFERENCES users(id),
  lock_version BIGINT NOT NULL DEFAULT 0,
  registered_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX volunteers_id_hash ON volunteers (id_number_hash);
CREATE INDEX volunteers_unit ON volunteers (unit_id, status);
CREATE INDEX volunteers_user ON volunteers (user_id);

-- 培训记录 and 保险记录 with their validity.
CREATE TABLE volunteer_trainings (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  volunteer_id BIGINT NOT NULL REFERENCES volunteers(id),
  title TEXT NOT NULL,
  trained_at BIGINT NOT NULL,
  valid_until BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX volunteer_trainings_v ON volunteer_trainings (volunteer_id);
CREATE TABLE volunteer_insurance (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  volunteer_id BIGINT NOT NULL REFERENCES volunteers(id),
  insurer TEXT NOT NULL,
  policy_no TEXT NOT NULL,
  valid_from BIGINT NOT NULL,
  valid_until BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX volunteer_insurance_v ON volunteer_insurance (volunteer_id);

-- 任务: an area (centre and radius) and/or a route (ordered places); at least one. mode dispatch 派单
-- (members named by the coordinator) or open 自选 (volunteers join up to capacity).
CREATE TABLE volunteer_tasks (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  title TEXT NOT NULL,
  content TEXT NOT NULL DEFAULT '',
  area_name TEXT NOT NULL DEFAULT '',
  area_lat_e6 BIGINT,
  area_lon_e6 BIGINT,
  area_radius_m INTEGER,
  start_at BIGINT NOT NULL,
  end_at BIGINT NOT NULL,
  points INTEGER NOT NULL,
  capacity INTEGER NOT NULL,
  min_stay_minutes INTEGER NOT NULL DEFAULT 0,
  mode TEXT NOT NULL CHECK (mode IN ('dispatch', 'open')),
  created_by BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX volunteer_tasks_unit ON volunteer_tasks (unit_id, start_at);
CREATE TABLE volunteer_task_places (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  task_id BIGINT NOT NULL REFERENCES volunteer_tasks(id),
  seq INTEGER NOT NULL,
  name TEXT NOT NULL,
  lat_e6 BIGINT NOT NULL,
  lon_e6 BIGINT NOT NULL
);
CREATE INDEX volunteer_task_places_t ON volunteer_task_places (task_id);

-- A volunteer on a task (派单 or 自选) with the check-in and check-out (server time, claimed
-- position and accuracy), the anomaly flags (comma list: impossible_speed, far_from_task,
-- short_stay, outside_window) and the review: state joined → checked_in → done (credited) / flagged
-- (awaiting the coordinator) → done / rejected.
CREATE TABLE volunteer_assignments (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  task_id BIGINT NOT NULL REFERENCES volunteer_tasks(id),
  volunteer_id BIGINT NOT NULL REFERENCES volunteers(id),
  how TEXT NOT NULL CHECK (how IN ('dispatched', 'chosen')),
  state TEXT NOT NULL CHECK (state IN ('joined', 'checked_in', 'flagged', 'done', 'rejected')),
  checkin_at BIGINT,
  checkin_lat_e6 BIGINT,
  checkin_lon_e6 BIGINT,
  checkin_accuracy_m INTEGER,
  checkout_at BIGINT,
  checkout_lat_e6 BIGINT,
  checkout_lon_e6 BIGINT,
  flags TEXT NOT NULL DEFAULT '',
  flag_notes TEXT NOT NULL DEFAULT '',
  review_note TEXT NOT NULL DEFAULT '',
  reviewed_by BIGINT,
  joined_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX volunteer_assignments_tv ON volunteer_assignments (task_id, volunteer_id);
CREATE INDEX volunteer_assignments_v ON volunteer_assignments (volunteer_id, checkin_at);

-- 线索 reported during a task; photo: attachments owner_type 'volunteer_clue'.
CREATE TABLE volunteer_clues (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  volunteer_id BIGINT NOT NULL REFERENCES volunteers(id),
  task_id BIGINT REFERENCES volunteer_tasks(id),
  unit_id BIGINT NOT NULL REFERENCES units(id),
  text TEXT NOT NULL,
  lat_e6 BIGINT,
  lon_e6 BIGINT,
  status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
  review_note TEXT NOT NULL DEFAULT '',
  points INTEGER NOT NULL DEFAULT 0,
  reviewed_by BIGINT,
  reviewed_at BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX volunteer_clues_unit ON volunteer_clues (unit_id, status);

-- 积分台账: append-only (no UPDATE, no DELETE anywhere in the code); a correction is a new entry.
-- source task / clue / manual / correction / redeem; day and month in Asia/Shanghai for the caps.
CREATE TABLE volunteer_points (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  volunteer_id BIGINT NOT NULL REFERENCES volunteers(id),
  points INTEGER NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('task', 'clue', 'manual', 'correction', 'redeem')),
  source_id BIGINT,
  approver_id BIGINT,
  reason TEXT NOT NULL,
  day TEXT NOT NULL,
  month TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX volunteer_points_v ON volunteer_points (volunteer_id, day);
CREATE INDEX volunteer_points_month ON volunteer_points (bureau_id, month);

-- 奖励目录 and 兑换.
CREATE TABLE volunteer_rewards (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  cost INTEGER NOT NULL CHECK (cost > 0),
  stock INTEGER NOT NULL CHECK (stock >= 0),
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL
);
CREATE TABLE volunteer_redemptions (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  volunteer_id BIGINT NOT NULL REFERENCES volunteers(id),
  reward_id BIGINT NOT NULL REFERENCES volunteer_rewards(id),
  cost INTEGER NOT NULL,
  ledger_id BIGINT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX volunteer_redemptions_v ON volunteer_redemptions (volunteer_id);
