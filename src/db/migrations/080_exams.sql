-- 考试 (src/exams, issue 14 items 2 and 3): the question bank, papers drawn by rules, exams with
-- their examinees, attempts with every answer as given (server clock), the short-answer marking
-- (anonymous, by a second person), the log of unusual behaviour, and the 执法资格 per officer.

-- 题库: one question of a bureau's bank. kind: single 单选 / multi 多选 / judge 判断 / short 简答.
-- options: a JSON array of texts (single, multi); answer: the right letters of the original order
-- ("B", "ACD"), "T"/"F" for judge, the reference answer for short.
CREATE TABLE exam_questions (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  topic TEXT NOT NULL,
  level INTEGER NOT NULL DEFAULT 1 CHECK (level BETWEEN 1 AND 3),
  kind TEXT NOT NULL CHECK (kind IN ('single', 'multi', 'judge', 'short')),
  stem TEXT NOT NULL,
  options TEXT NOT NULL DEFAULT '[]',
  answer TEXT NOT NULL,
  analysis TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX exam_questions_draw ON exam_questions (bureau_id, topic, kind, active);

-- 试卷: rules (JSON [{topic, kind, level|null, count, score}]) from which each examinee's questions
-- are drawn when he starts.
CREATE TABLE exam_papers (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  title TEXT NOT NULL,
  rules TEXT NOT NULL,
  total_score INTEGER NOT NULL,
  created_by BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX exam_papers_bureau ON exam_papers (bureau_id);

-- 考试: a paper, a window, a duration, a pass mark and how many retakes. unit_id: the organising
-- unit (the manager's), whose reach decides who manages it.
CREATE TABLE exams (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  paper_id BIGINT NOT NULL REFERENCES exam_papers(id),
  title TEXT NOT NULL,
  category TEXT NOT NULL DEFAULT 'other' CHECK (category IN ('night_school', 'qualification', 'other')),
  opens_at BIGINT NOT NULL,
  closes_at BIGINT NOT NULL,
  duration_minutes INTEGER NOT NULL,
  pass_score INTEGER NOT NULL,
  retakes INTEGER NOT NULL DEFAULT 0,
  created_by BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX exams_bureau ON exams (bureau_id, opens_at);

CREATE TABLE exam_examinees (
  exam_id BIGINT NOT NULL REFERENCES exams(id),
  person_id BIGINT NOT NULL REFERENCES people(id),
  bureau_id BIGINT NOT NULL,
  PRIMARY KEY (exam_id, person_id)
);
CREATE INDEX exam_examinees_person ON exam_examinees (person_id);

-- 答卷: one attempt. ends_at = min(started_at + duration, closes_at), fixed at the start (server
-- clock). tab_token: the browser tab that holds the attempt (the newest tab to open it takes it over;
-- an older tab's saves are refused). code: the anonymous number the marker sees.
-- status: open 作答中 → marking 待阅卷 (short answers) → done 已出分.
CREATE TABLE exam_attempts (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  exam_id BIGINT NOT NULL REFERENCES exams(id),
  person_id BIGINT NOT NULL REFERENCES people(id),
  attempt_no INTEGER NOT NULL,
  code TEXT NOT NULL,
  tab_token TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  ends_at BIGINT NOT NULL,
  submitted_at BIGINT,
  submit_kind TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('open', 'marking', 'done')),
  objective_score INTEGER NOT NULL DEFAULT 0,
  subjective_score INTEGER NOT NULL DEFAULT 0,
  score INTEGER,
  passed INTEGER
);
CREATE UNIQUE INDEX exam_attempts_no ON exam_attempts (exam_id, person_id, attempt_no);
CREATE INDEX exam_attempts_open ON exam_attempts (status, ends_at);
CREATE INDEX exam_attempts_person ON exam_attempts (person_id);

-- One question of an attempt, in the order the examinee sees it. option_order: the original
-- indices in the displayed order ("2031"). answer: as given (original letters / T / F / text);
-- version counts the saves. auto_score: objective questions at submit; mark_score: the marker's.
CREATE TABLE exam_attempt_items (
  attempt_id BIGINT NOT NULL REFERENCES exam_attempts(id),
  position INTEGER NOT NULL,
  question_id BIGINT NOT NULL REFERENCES exam_questions(id),
  points INTEGER NOT NULL,
  option_order TEXT NOT NULL DEFAULT '',
  answer TEXT,
  version INTEGER NOT NULL DEFAULT 0,
  answered_at BIGINT,
  auto_score INTEGER,
  mark_score INTEGER,
  marker_user_id BIGINT,
  marked_at BIGINT,
  PRIMARY KEY (attempt_id, position)
);
CREATE INDEX exam_attempt_items_question ON exam_attempt_items (question_id);

-- 异常行为记录: what the page reported (tab switch, paste, …). Informs a reviewer; never scored.
CREATE TABLE exam_events (
  id @ID@,
  attempt_id BIGINT NOT NULL REFERENCES exam_attempts(id),
  kind TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '',
  at BIGINT NOT NULL
);
CREATE INDEX exam_events_attempt ON exam_events (attempt_id);

-- 执法资格: one qualification of an officer. level: basic 基本级 / intermediate 中级 / senior 高级.
CREATE TABLE exam_qualifications (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  person_id BIGINT NOT NULL REFERENCES people(id),
  level TEXT NOT NULL CHECK (level IN ('basic', 'intermediate', 'senior')),
  obtained_at BIGINT NOT NULL,
  score INTEGER,
  valid_until BIGINT NOT NULL,
  exam_id BIGINT,
  created_by BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX exam_qualifications_person ON exam_qualifications (person_id, valid_until);
