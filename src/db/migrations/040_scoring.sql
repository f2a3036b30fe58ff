-- 执法办案积分制 (src/scoring, docs/scoring.md): versioned scoring schemes, the monthly cycle
-- (draft → 公示 → 复核 → final), the points ledger and objections. Points are stored as integer
-- hundredths (points_centi) so recomputation never drifts. Months are 'YYYY-MM' (Asia/Shanghai).

CREATE TABLE score_schemes (
  id @ID@,
  bureau_id BIGINT NOT NULL REFERENCES units(id),  -- the 分县局 the scheme applies to
  version INTEGER NOT NULL,                        -- 1, 2, … per bureau
  name TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('试行', '正式')),
  effective_from TEXT NOT NULL,                    -- first month, 'YYYY-MM'
  effective_to TEXT,                               -- last month, NULL = open-ended
  document TEXT NOT NULL,                          -- canonical scheme JSON (scoring/scheme.h)
  note TEXT NOT NULL DEFAULT '',
  created_by BIGINT,
  created_by_name TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX score_schemes_version ON score_schemes (bureau_id, version);

-- One row per bureau and month. Published and final months are frozen: the snapshot columns hold
-- the rankings as published (公示) and as finalised.
CREATE TABLE score_months (
  id @ID@,
  bureau_id BIGINT NOT NULL REFERENCES units(id),
  month TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'final')),
  scheme_id BIGINT NOT NULL REFERENCES score_schemes(id),
  scheme_version INTEGER NOT NULL,
  entry_count INTEGER NOT NULL DEFAULT 0,
  skipped_facts INTEGER NOT NULL DEFAULT 0,        -- facts naming officers outside the bureau
  ledger_hash TEXT NOT NULL DEFAULT '',            -- sha256 of the serialized computed ledger
  computed_at BIGINT NOT NULL,
  computed_by TEXT NOT NULL DEFAULT '',
  published_at BIGINT,
  published_by TEXT NOT NULL DEFAULT '',
  objection_deadline BIGINT,                       -- objections accepted while now < this
  finalized_at BIGINT,
  finalized_by TEXT NOT NULL DEFAULT '',
  published_snapshot TEXT,                         -- rankings JSON at 公示
  final_snapshot TEXT,                             -- rankings JSON after adjustments, at finalisation
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX score_months_month ON score_months (bureau_id, month);

CREATE TABLE score_entries (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  month TEXT NOT NULL,
  seq INTEGER NOT NULL,                            -- position in the canonical ledger order
  person_id BIGINT NOT NULL REFERENCES people(id),
  unit_id BIGINT NOT NULL,
  points_centi BIGINT NOT NULL,
  source TEXT NOT NULL,                            -- case_stage, violation, review_finding, order_overdue, cap, adjustment …
  act TEXT NOT NULL,
  object_type TEXT NOT NULL DEFAULT '',            -- link target: case, violation, review_finding, supervision_order, objection
  object_id BIGINT NOT NULL DEFAULT 0,
  case_id BIGINT,
  role TEXT NOT NULL DEFAULT '',
  occurred_at BIGINT NOT NULL DEFAULT 0,
  reason TEXT NOT NULL,
  scheme_version INTEGER NOT NULL,
  objection_id BIGINT
);
CREATE INDEX score_entries_month ON score_entries (bureau_id, month, person_id, seq);
CREATE INDEX score_entries_person ON score_entries (person_id, month);

CREATE TABLE score_objections (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  month TEXT NOT NULL,
  entry_id BIGINT NOT NULL REFERENCES score_entries(id),
  person_id BIGINT NOT NULL REFERENCES people(id),
  user_id BIGINT NOT NULL,
  reason TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
  created_at BIGINT NOT NULL,
  decided_by BIGINT,
  decided_by_name TEXT NOT NULL DEFAULT '',
  decided_at BIGINT,
  decision_reason TEXT NOT NULL DEFAULT '',
  adjustment_centi BIGINT,
  adjustment_entry_id BIGINT
);
CREATE INDEX score_objections_month ON score_objections (bureau_id, month, status);
CREATE INDEX score_objections_entry ON score_objections (entry_id);
CREATE INDEX score_objections_person ON score_objections (person_id, created_at);

-- Read paths of the ledger sources (src/scoring/sources.cpp) over tables of 020/030: by bureau and month.
CREATE INDEX scoring_cases_closed ON cases (bureau_id, closed_at);
CREATE INDEX scoring_case_events_bureau ON case_events (bureau_id, type, at);
CREATE INDEX scoring_violations_bureau ON violations (bureau_id, detected_at);
CREATE INDEX scoring_review_findings_bureau ON review_findings (bureau_id, created_at);
CREATE INDEX scoring_orders_bureau ON supervision_orders (bureau_id, deadline);
