-- 接报案大厅 (src/intake, docs/intake.md), issue 13 item 6 and the deadline alerts of item 2:
-- the hall's 24-hour duty roster (值班表) and the record of the deadline notifications.

-- One shift (班次) of a hall: a name (白班, 夜班, …) and its start and end (UTC seconds; a night shift
-- ends the next morning). hall_unit_id: the desk unit whose roster it is (the unit tickets are
-- registered at).
CREATE TABLE intake_duty_shifts (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  hall_unit_id BIGINT NOT NULL REFERENCES units(id),
  name TEXT NOT NULL,
  start_at BIGINT NOT NULL,
  end_at BIGINT NOT NULL,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX intake_duty_shifts_hall ON intake_duty_shifts (hall_unit_id, start_at);
CREATE INDEX intake_duty_shifts_bureau ON intake_duty_shifts (bureau_id, start_at);

-- The people on duty in a shift, in order (position 0 is the 值班民警 a new ticket is pre-filled
-- with). start_at / end_at repeat the shift's, so that "is this person already on duty then" is one
-- indexed read.
CREATE TABLE intake_duty_people (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  shift_id BIGINT NOT NULL REFERENCES intake_duty_shifts(id),
  person_id BIGINT NOT NULL REFERENCES people(id),
  position INTEGER NOT NULL DEFAULT 0,
  start_at BIGINT NOT NULL,
  end_at BIGINT NOT NULL
);
CREATE INDEX intake_duty_people_shift ON intake_duty_people (shift_id, position);
CREATE INDEX intake_duty_people_person ON intake_duty_people (person_id, start_at);

-- 即将超期: when the warning before the deadline was sent (overdue_notified_at, migration 070, records
-- the overdue one). Both are cleared when the ticket is routed again or reopened (a new episode).
ALTER TABLE intake_tickets ADD COLUMN warn_notified_at BIGINT;
