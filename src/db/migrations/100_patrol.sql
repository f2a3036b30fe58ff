-- 五化巡防 (src/patrol, src/patrol/README.md): patrol geography (巡区 polygons, 必到点), shifts and
-- teams, check-ins with their anomaly flags, patrol logs (盘查 / 抓获现行 / 视频巡防 / 信息巡查),
-- 警情 with their response stamps (real and 模拟测警 test calls), response-time targets, and the
-- 巡防+ registers (矛盾纠纷, 安全隐患). Coordinates are WGS-84 degrees × 10^7 as BIGINT.

-- 巡区: ring = JSON [[lon,lat],…] (closed or not; stored as given, the first point not repeated).
CREATE TABLE patrol_areas (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  name TEXT NOT NULL,
  ring TEXT NOT NULL,
  in_town INTEGER NOT NULL DEFAULT 1,
  created_by BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX patrol_areas_unit ON patrol_areas (unit_id);

-- 必到点: a point with its radius (m) and minimum stay (s), inside one 巡区 (area_id may be NULL
-- when imported outside every area).
CREATE TABLE patrol_points (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  area_id BIGINT REFERENCES patrol_areas(id),
  name TEXT NOT NULL,
  lon_e7 BIGINT NOT NULL,
  lat_e7 BIGINT NOT NULL,
  radius_m INTEGER NOT NULL,
  min_stay_s INTEGER NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX patrol_points_unit ON patrol_points (unit_id);

-- 巡组: mode car / foot / bicycle; shift names the 班次 (e.g. 三班二运转's 一班); members and
-- equipment are JSON arrays of text.
CREATE TABLE patrol_teams (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  name TEXT NOT NULL,
  mode TEXT NOT NULL CHECK (mode IN ('car', 'foot', 'bicycle')),
  shift TEXT NOT NULL DEFAULT '',
  members TEXT NOT NULL DEFAULT '[]',
  equipment TEXT NOT NULL DEFAULT '[]',
  created_at BIGINT NOT NULL
);
CREATE INDEX patrol_teams_unit ON patrol_teams (unit_id);

-- A check-in at a 必到点: arrived_at / left_at are server time; the position is the phone's claim
-- (with its accuracy) and photo_sha256 the hash of the photo taken. flags: codes joined by ','
-- (far, speed, short_stay, outside_area); flag_reasons: the 中文 sentences, joined by '；'.
CREATE TABLE patrol_checkins (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  point_id BIGINT NOT NULL REFERENCES patrol_points(id),
  user_id BIGINT NOT NULL,
  officer_name TEXT NOT NULL DEFAULT '',
  arrived_at BIGINT NOT NULL,
  left_at BIGINT,
  lon_e7 BIGINT NOT NULL,
  lat_e7 BIGINT NOT NULL,
  accuracy_m INTEGER NOT NULL,
  photo_sha256 TEXT NOT NULL DEFAULT '',
  distance_m INTEGER NOT NULL,
  flags TEXT NOT NULL DEFAULT '',
  flag_reasons TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX patrol_checkins_unit_at ON patrol_checkins (unit_id, arrived_at);
CREATE INDEX patrol_checkins_user_at ON patrol_checkins (user_id, arrived_at);

-- Patrol logs: kind stop_check (盘查), catch (抓获现行), video (视频巡防: camera, finding), info
-- (信息巡查: source, finding).
CREATE TABLE patrol_logs (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  user_id BIGINT,
  officer_name TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL CHECK (kind IN ('stop_check', 'catch', 'video', 'info')),
  at BIGINT NOT NULL,
  camera TEXT NOT NULL DEFAULT '',
  place TEXT NOT NULL DEFAULT '',
  finding TEXT NOT NULL DEFAULT '',
  result TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE INDEX patrol_logs_unit_at ON patrol_logs (unit_id, at);

-- 警情 and their stamps: 接警 received, 派警 dispatched, 签收 signed, 出警 departed, 到达 arrived, 反馈
-- feedback, 结案 closed (NULL until stamped). shift: the 班次 the call fell in. drill_id: a 模拟测警
-- test call of that drill (is_test 1).
CREATE TABLE patrol_drills (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  name TEXT NOT NULL,
  seed BIGINT NOT NULL,
  draws INTEGER NOT NULL,
  drawn TEXT NOT NULL DEFAULT '[]',
  created_by BIGINT,
  created_at BIGINT NOT NULL
);

CREATE TABLE patrol_calls (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  kind TEXT NOT NULL DEFAULT '',
  place TEXT NOT NULL DEFAULT '',
  lon_e7 BIGINT,
  lat_e7 BIGINT,
  in_town INTEGER NOT NULL DEFAULT 1,
  shift TEXT NOT NULL DEFAULT '',
  is_test INTEGER NOT NULL DEFAULT 0,
  drill_id BIGINT REFERENCES patrol_drills(id),
  point_id BIGINT,
  received_at BIGINT NOT NULL,
  dispatched_at BIGINT,
  signed_at BIGINT,
  departed_at BIGINT,
  arrived_at BIGINT,
  feedback_at BIGINT,
  closed_at BIGINT
);
CREATE INDEX patrol_calls_unit_at ON patrol_calls (unit_id, received_at);
CREATE INDEX patrol_calls_bureau_at ON patrol_calls (bureau_id, received_at);

-- A bureau's patrol settings: response-time targets (seconds) and the optional tile-server URL of an
-- intranet map service (PGIS; '' = the plain offline base).
CREATE TABLE patrol_targets (
  bureau_id BIGINT PRIMARY KEY,
  sign_s INTEGER NOT NULL,
  arrive_town_s INTEGER NOT NULL,
  arrive_rural_s INTEGER NOT NULL,
  tile_url TEXT NOT NULL DEFAULT '',
  updated_at BIGINT NOT NULL
);

-- 矛盾纠纷: grade red / orange / yellow / green with its reasons; the 包案 officer (people.id); the
-- linked repeat calls (JSON array of patrol_calls ids); actions (JSON array of {at,text}); revisit_at
-- the next 回访; status open / closed; order_id the 督办 issued when overdue.
CREATE TABLE patrol_disputes (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  title TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('romance', 'family', 'neighbour', 'debt', 'labour', 'land')),
  parties TEXT NOT NULL DEFAULT '[]',
  grade TEXT NOT NULL CHECK (grade IN ('red', 'orange', 'yellow', 'green')),
  grade_reasons TEXT NOT NULL DEFAULT '',
  officer_person_id BIGINT,
  linked_calls TEXT NOT NULL DEFAULT '[]',
  actions TEXT NOT NULL DEFAULT '[]',
  revisit_at BIGINT,
  status TEXT NOT NULL DEFAULT 'open',
  closed_at BIGINT,
  closure TEXT NOT NULL DEFAULT '',
  order_id BIGINT,
  created_by BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX patrol_disputes_unit ON patrol_disputes (unit_id, status);

-- 安全隐患: place, kind, 整改 due, re-check; status open / fixed / closed.
CREATE TABLE patrol_hazards (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  place TEXT NOT NULL,
  kind TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  officer_person_id BIGINT,
  fix_due BIGINT NOT NULL,
  fixed_at BIGINT,
  recheck_at BIGINT,
  recheck_note TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'open',
  order_id BIGINT,
  created_by BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX patrol_hazards_unit ON patrol_hazards (unit_id, status);
