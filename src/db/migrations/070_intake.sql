-- 接报案大厅 (src/intake, docs/intake.md): tickets of the 24-hour intake desk (报案 / 投诉 / 咨询 /
-- 求助) with the reporter's personal data encrypted (auth::Vault), the evidence taken on the spot,
-- the routing rules (统一分流) as data, and each ticket's history (全程留痕; the audit trail holds
-- the same steps, hash-chained).

-- 分流规则: a ticket whose kind / category / place matches goes to unit_id. Empty = any; place
-- matches when the ticket's place contains it. The most specific rule wins (most non-empty fields),
-- then the lowest priority number, then the lowest id.
CREATE TABLE intake_routing_rules (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  kind TEXT NOT NULL DEFAULT '',
  category TEXT NOT NULL DEFAULT '',
  place TEXT NOT NULL DEFAULT '',
  unit_id BIGINT NOT NULL REFERENCES units(id),
  priority INTEGER NOT NULL DEFAULT 100,
  created_by BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX intake_routing_rules_bureau ON intake_routing_rules (bureau_id);

-- A ticket. desk_unit_id: the hall (the clerk's unit); unit_id: where it was routed (NULL until
-- routed). reporter_*_enc: auth::Vault ciphertext. query_index: the blind index (keyed hash) of the
-- query code, whose ciphertext query_code_enc lets the receipt be printed again. due_at: the
-- deadline of the current route (deadline_basis names the rule or setting it came from).
CREATE TABLE intake_tickets (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  ticket_no TEXT NOT NULL,
  query_index TEXT NOT NULL,
  query_code_enc TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('report', 'complaint', 'consult', 'help')),
  case_type TEXT NOT NULL DEFAULT '',
  category TEXT NOT NULL DEFAULT '',
  reporter_name_enc TEXT NOT NULL,
  reporter_id_enc TEXT NOT NULL DEFAULT '',
  reporter_phone_enc TEXT NOT NULL,
  summary TEXT NOT NULL,
  occurred_at BIGINT,
  place TEXT NOT NULL DEFAULT '',
  subject_person_id BIGINT REFERENCES people(id),
  duty_person_id BIGINT REFERENCES people(id),
  clerk_user_id BIGINT,
  desk_unit_id BIGINT NOT NULL REFERENCES units(id),
  unit_id BIGINT REFERENCES units(id),
  route_rule_id BIGINT,
  route_reason TEXT NOT NULL DEFAULT '',
  routed_at BIGINT,
  due_at BIGINT,
  deadline_basis TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  accepted INTEGER,
  accept_note TEXT NOT NULL DEFAULT '',
  decided_at BIGINT,
  outcome TEXT NOT NULL DEFAULT '',
  concluded_at BIGINT,
  feedback_method TEXT NOT NULL DEFAULT '',
  feedback_at BIGINT,
  feedback_text TEXT NOT NULL DEFAULT '',
  satisfaction INTEGER,
  reopen_count INTEGER NOT NULL DEFAULT 0,
  receipt_at BIGINT,
  overdue_notified_at BIGINT,
  case_id BIGINT,
  incident_id BIGINT,
  order_id BIGINT,
  substantiated INTEGER,
  received_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX intake_tickets_no ON intake_tickets (bureau_id, ticket_no);
CREATE UNIQUE INDEX intake_tickets_query ON intake_tickets (query_index);
CREATE INDEX intake_tickets_received ON intake_tickets (bureau_id, received_at);
CREATE INDEX intake_tickets_open ON intake_tickets (status, due_at);
CREATE INDEX intake_tickets_unit ON intake_tickets (unit_id, received_at);

-- 当场取证: one item of evidence taken at the desk; its files are attachments (owner
-- "intake_evidence").
CREATE TABLE intake_evidence (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  ticket_id BIGINT NOT NULL REFERENCES intake_tickets(id),
  description TEXT NOT NULL,
  created_by BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX intake_evidence_ticket ON intake_evidence (ticket_id);

-- The ticket's history as the ticket page shows it: every state change, print and view of the
-- reporter's personal data.
CREATE TABLE intake_history (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  ticket_id BIGINT NOT NULL REFERENCES intake_tickets(id),
  at BIGINT NOT NULL,
  user_id BIGINT,
  user_name TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX intake_history_ticket ON intake_history (ticket_id, id);
