-- 学法用法 (src/training, issue 14 items 1 and 4): training sessions of every kind (法制每周一学, 法制夜校,
-- 行政执法大讲堂, 法制员例会, joint training, 中心组学法, 会前学法), their target units and attendance
-- (by roster or by QR check-in with the server's time), and each unit's monthly study plan
-- (每月学法计划). Materials and photos of a session are attachments (owner "training_material" /
-- "training_photo", owner_id = the session).

-- A session. unit_id: the organising unit (scope). kind: weekly / night_school / lecture / liaison /
-- joint / center_group / pre_meeting. speaker_kind: internal (speaker_person_id) or invited
-- (speaker_name + speaker_title). format: the 法制夜校's 以案说法 (case_study), 挑错改错 (fix_errors),
-- 现场答疑 (qa) or ''.
CREATE TABLE training_sessions (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  kind TEXT NOT NULL,
  topic TEXT NOT NULL,
  start_at BIGINT NOT NULL,
  end_at BIGINT NOT NULL,
  place TEXT NOT NULL DEFAULT '',
  online_url TEXT NOT NULL DEFAULT '',
  speaker_kind TEXT NOT NULL DEFAULT '',
  speaker_person_id BIGINT REFERENCES people(id),
  speaker_name TEXT NOT NULL DEFAULT '',
  speaker_title TEXT NOT NULL DEFAULT '',
  format TEXT NOT NULL DEFAULT '',
  minutes TEXT NOT NULL DEFAULT '',
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX training_sessions_bureau ON training_sessions (bureau_id, start_at);
CREATE INDEX training_sessions_unit ON training_sessions (unit_id, start_at);

-- The units a session is for (参训单位): their people make up the roster and the attendance rate.
CREATE TABLE training_session_units (
  session_id BIGINT NOT NULL REFERENCES training_sessions(id),
  unit_id BIGINT NOT NULL REFERENCES units(id),
  bureau_id BIGINT NOT NULL,
  PRIMARY KEY (session_id, unit_id)
);
CREATE INDEX training_session_units_unit ON training_session_units (unit_id);

-- One person present at one session (a second check-in finds the row and counts nothing).
-- method: roster (ticked by the organiser) or qr (checked in on a phone; checked_at is the
-- server's time). unit_id: the person's unit at the time.
CREATE TABLE training_attendance (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  session_id BIGINT NOT NULL REFERENCES training_sessions(id),
  person_id BIGINT NOT NULL REFERENCES people(id),
  unit_id BIGINT NOT NULL REFERENCES units(id),
  method TEXT NOT NULL,
  checked_at BIGINT NOT NULL,
  recorded_by BIGINT
);
CREATE UNIQUE INDEX training_attendance_once ON training_attendance (session_id, person_id);
CREATE INDEX training_attendance_person ON training_attendance (person_id);

-- 每月学法计划: one planned item of a unit for a month ("2023-03"); session_id: the session that
-- carried it out (NULL = not yet; after the month it is 未落实).
CREATE TABLE training_plan_items (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  month TEXT NOT NULL,
  kind TEXT NOT NULL,
  topic TEXT NOT NULL,
  session_id BIGINT REFERENCES training_sessions(id),
  notified_at BIGINT,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX training_plan_items_unit ON training_plan_items (unit_id, month);
CREATE INDEX training_plan_items_bureau ON training_plan_items (bureau_id, month);
