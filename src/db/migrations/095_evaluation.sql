-- 优劣质案件评定 (src/evaluation, issue 14 item 6): rubrics in versions, evaluation rounds with their
-- selected cases, panel and marks, and the anonymised teaching set. Case facts are copied in through
-- cases/case_reads.h when a case is selected, so that the results, the ledger source and the
-- teaching set read only these tables.

-- A rubric (评分细则) version. A new version is a new row (family_id = the first version's id);
-- rounds name the version they use, so editing a rubric never changes a past evaluation.
CREATE TABLE eval_rubrics (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  family_id BIGINT,                 -- the first version's id (NULL on the first version itself)
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  total INTEGER NOT NULL,           -- sum of the items' weights (满分)
  current INTEGER NOT NULL DEFAULT 1,  -- 1 on the newest version of its family
  created_by BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX eval_rubrics_bureau ON eval_rubrics (bureau_id, current);

-- One item of a rubric version: a mark of 0..weight (分值) is given for it.
CREATE TABLE eval_rubric_items (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  rubric_id BIGINT NOT NULL REFERENCES eval_rubrics(id),
  position INTEGER NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  weight INTEGER NOT NULL
);
CREATE INDEX eval_rubric_items_rubric ON eval_rubric_items (rubric_id, position);

-- An evaluation round (评定批次), organised by a unit (its subtree is where cases come from).
-- Thresholds are in points of the rubric's total: mean ≥ good_min → 优质, mean < poor_below → 劣质.
CREATE TABLE eval_rounds (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  name TEXT NOT NULL,
  rubric_id BIGINT NOT NULL REFERENCES eval_rubrics(id),
  good_min INTEGER NOT NULL,
  poor_below INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'open',   -- open (selecting and marking), closed (results final)
  selection TEXT NOT NULL DEFAULT '',    -- JSON: how the cases were drawn (rule, count, seed)
  seed BIGINT,                           -- the random draw's seed (NULL: selected by rule only)
  closed_at BIGINT,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX eval_rounds_bureau ON eval_rounds (bureau_id, created_at);

-- A case of a round, with the facts copied at selection and the result once the round closes.
CREATE TABLE eval_round_cases (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  round_id BIGINT NOT NULL REFERENCES eval_rounds(id),
  case_id BIGINT NOT NULL REFERENCES cases(id),
  external_id TEXT NOT NULL,
  title TEXT NOT NULL,
  case_type TEXT NOT NULL,
  cause TEXT NOT NULL DEFAULT '',
  category TEXT NOT NULL DEFAULT '',
  unit_id BIGINT NOT NULL,
  unit_name TEXT NOT NULL DEFAULT '',
  lead_officer_id BIGINT,               -- 主办民警 (points go to him)
  closed_at BIGINT,
  score_x100 BIGINT,                    -- mean of the members' totals × 100 (NULL until closed)
  marked_by INTEGER NOT NULL DEFAULT 0, -- members whose marks count in the mean
  grade TEXT,                           -- good (优质), pass (合格), poor (劣质); NULL until closed
  anon_title TEXT NOT NULL DEFAULT '',  -- teaching set: anonymised title and comments (at close)
  anon_comments TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX eval_round_cases_case ON eval_round_cases (round_id, case_id);
CREATE INDEX eval_round_cases_grade ON eval_round_cases (bureau_id, grade);

-- The panel (评审组) of a round: accounts that mark.
CREATE TABLE eval_panel (
  round_id BIGINT NOT NULL REFERENCES eval_rounds(id),
  user_id BIGINT NOT NULL REFERENCES users(id),
  bureau_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (round_id, user_id)
);
CREATE INDEX eval_panel_user ON eval_panel (user_id);

-- A member's mark for one item of one case of a round, with his reason (扣分理由).
CREATE TABLE eval_marks (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  round_case_id BIGINT NOT NULL REFERENCES eval_round_cases(id),
  user_id BIGINT NOT NULL,
  item_id BIGINT NOT NULL REFERENCES eval_rubric_items(id),
  mark INTEGER NOT NULL,
  comment TEXT NOT NULL DEFAULT '',
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX eval_marks_one ON eval_marks (round_case_id, user_id, item_id);

-- A member's overall comment (评语) on a case of a round.
CREATE TABLE eval_comments (
  round_case_id BIGINT NOT NULL REFERENCES eval_round_cases(id),
  user_id BIGINT NOT NULL,
  bureau_id BIGINT NOT NULL,
  comment TEXT NOT NULL DEFAULT '',
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (round_case_id, user_id)
);
