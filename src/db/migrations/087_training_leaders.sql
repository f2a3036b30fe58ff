-- 领导干部学法用法 (src/training, issue 14 item 4): the annual 述法 reports with peer ratings, and the
-- court records — 负责人出庭应诉 (kind appearance) and 民警旁听庭审 (kind hearing). 中心组学法 and
-- 会前学法 are training_sessions kinds (085).

-- A 述法 report of a leader (person_id) of a unit for a year; form: written / oral.
CREATE TABLE training_law_reports (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  year INTEGER NOT NULL,
  person_id BIGINT NOT NULL REFERENCES people(id),
  form TEXT NOT NULL,
  title TEXT NOT NULL,
  summary TEXT NOT NULL DEFAULT '',
  held_at BIGINT NOT NULL,
  created_by BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX training_law_reports_unit ON training_law_reports (unit_id, year);

-- One peer rating (1–5) of a report per rating account; rating again replaces it.
CREATE TABLE training_law_ratings (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  report_id BIGINT NOT NULL REFERENCES training_law_reports(id),
  rater_user_id BIGINT NOT NULL,
  score INTEGER NOT NULL,
  comment TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX training_law_ratings_once ON training_law_ratings (report_id, rater_user_id);

-- 出庭应诉 (appearance: case, court, date, who appeared, whether the unit's 负责人 appeared in person)
-- and 旁听庭审 (hearing: court, case, attendees, lessons).
CREATE TABLE training_court_records (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  kind TEXT NOT NULL,
  case_name TEXT NOT NULL,
  court TEXT NOT NULL,
  held_at BIGINT NOT NULL,
  attendees TEXT NOT NULL DEFAULT '',
  head_appeared INTEGER NOT NULL DEFAULT 0,
  lessons TEXT NOT NULL DEFAULT '',
  created_by BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX training_court_records_unit ON training_court_records (unit_id, held_at);
