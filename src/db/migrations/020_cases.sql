-- Case files (一案一档): incidents (警情), cases, people in cases, property (一物一码) and the
-- per-case event log that the supervision engine reads. Event types and attributes are the
-- engine's vocabulary (src/supervision/events.h, docs/events.md).

CREATE TABLE incidents (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units(id),
  external_id TEXT NOT NULL,                 -- 警情编号 in the 警综 system
  received_at BIGINT NOT NULL,               -- 接警时间
  category TEXT NOT NULL,                    -- 警情类别
  summary TEXT NOT NULL DEFAULT '',
  address TEXT NOT NULL DEFAULT '',
  result TEXT NOT NULL DEFAULT '',           -- 处理结果
  body_camera INTEGER NOT NULL DEFAULT 0,    -- 执法记录仪视音频 uploaded
  officer_id BIGINT REFERENCES people(id),   -- 处警民警
  case_id BIGINT,                            -- the case it became, if any
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX incidents_external ON incidents (bureau_id, external_id);
CREATE INDEX incidents_unit_time ON incidents (unit_id, received_at);

CREATE TABLE cases (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  unit_id BIGINT NOT NULL REFERENCES units(id),  -- 办案单位
  external_id TEXT NOT NULL,                      -- 案件编号 in the 警综 system
  case_type TEXT NOT NULL CHECK (case_type IN ('criminal', 'administrative')),
  cause TEXT NOT NULL,                            -- 案由
  category TEXT NOT NULL DEFAULT '',              -- 打击类别: 电信网络诈骗, 涉黑涉恶, 拐卖, 经济犯罪, 黄赌, 毒品, 民生小案 …
  title TEXT NOT NULL,
  status TEXT NOT NULL,                           -- state machine, see src/cases
  lead_officer_id BIGINT REFERENCES people(id),   -- 主办民警
  legal_officer_id BIGINT REFERENCES people(id),  -- 捆绑法制员
  incident_id BIGINT REFERENCES incidents(id),
  serious INTEGER NOT NULL DEFAULT 0,             -- 可能判处无期、死刑或其他重大犯罪
  fast_track INTEGER NOT NULL DEFAULT 0,          -- 快速办理
  accepted_at BIGINT NOT NULL,                    -- 受案时间
  closed_at BIGINT,
  alert_state TEXT NOT NULL DEFAULT 'none',       -- worst current rule state: none, pre_warn, overdue, violation
  next_due_at BIGINT,                             -- earliest open deadline (for the sweep and the list)
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX cases_external ON cases (bureau_id, external_id);
CREATE INDEX cases_unit_accepted ON cases (unit_id, accepted_at);
CREATE INDEX cases_lead ON cases (lead_officer_id, accepted_at);
CREATE INDEX cases_legal ON cases (legal_officer_id);
CREATE INDEX cases_status ON cases (status);
CREATE INDEX cases_alert ON cases (alert_state);
CREATE INDEX cases_next_due ON cases (next_due_at);

-- 主办 / 协办 officers of a case (the lead also appears here with role 'lead').
CREATE TABLE case_officers (
  case_id BIGINT NOT NULL REFERENCES cases(id),
  person_id BIGINT NOT NULL REFERENCES people(id),
  role TEXT NOT NULL CHECK (role IN ('lead', 'assist')),
  bureau_id BIGINT NOT NULL,
  PRIMARY KEY (case_id, person_id)
);
CREATE INDEX case_officers_person ON case_officers (person_id);

-- Persons involved in a case (嫌疑人/被害人/证人 …), referred to by events through `ref`.
CREATE TABLE case_persons (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  ref TEXT NOT NULL,                          -- the case's own id for the person, e.g. "p1"
  name TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL,                         -- suspect, victim, witness, … (engine PersonRoles)
  age INTEGER,
  female INTEGER NOT NULL DEFAULT 0,
  pregnant INTEGER NOT NULL DEFAULT 0,
  nursing_infant INTEGER NOT NULL DEFAULT 0,  -- 哺乳未满一周岁婴儿
  identity_unknown INTEGER NOT NULL DEFAULT 0,
  id_number_enc TEXT,                         -- encrypted (auth::Vault)
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX case_persons_ref ON case_persons (case_id, ref);

-- 涉案财物, one code per item (一物一码).
CREATE TABLE property_items (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  code TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  quantity TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'extracted',   -- extracted, in_storage, returned, disposed
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX property_items_code ON property_items (bureau_id, code);
CREATE INDEX property_items_case ON property_items (case_id);

-- The event log: every procedural act with its time, actor and attributes.
CREATE TABLE case_events (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  case_id BIGINT NOT NULL REFERENCES cases(id),
  type TEXT NOT NULL,                 -- engine event type id, e.g. "detain"
  at BIGINT NOT NULL,                 -- when the act happened (UTC)
  person_ref TEXT,                    -- case_persons.ref
  item_code TEXT,                     -- property_items.code
  attrs TEXT NOT NULL DEFAULT '{}',   -- other attributes as a JSON object (engine Attr names)
  external_id TEXT,                   -- id in the source system, for idempotent re-import
  source TEXT NOT NULL DEFAULT 'api', -- api, import, demo
  recorded_by BIGINT,                 -- users.id
  recorded_at BIGINT NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id, at, id);
CREATE UNIQUE INDEX case_events_external ON case_events (case_id, external_id);
CREATE INDEX case_events_type_time ON case_events (type, at);
