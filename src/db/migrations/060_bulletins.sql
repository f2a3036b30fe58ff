-- 通报 (src/bulletins, docs/bulletins.md): 执法质量通报 (monthly) and 执法规范化建设通报 (quarterly).
-- A bulletin is generated as a draft from the data of its period (`sections`: the figures with
-- their source notes, as JSON), its narrative paragraphs are edited (`narrative`, JSON), a 局领导
-- approves it and it is published with its 期号 (issue_year, issue_seq), after which it never
-- changes. A correction (更正) is a new issue naming the one it corrects (corrects_id).

CREATE TABLE bulletins (
  id @ID@,
  bureau_id BIGINT NOT NULL REFERENCES units(id),
  kind TEXT NOT NULL CHECK (kind IN ('quality', 'standardization')),
  period TEXT NOT NULL,                       -- '2023-07' or '2023-Q3'
  state TEXT NOT NULL CHECK (state IN ('draft', 'approved', 'published')),
  title TEXT NOT NULL,
  sections TEXT NOT NULL,                     -- JSON array of computed sections
  narrative TEXT NOT NULL,                    -- JSON {"intro", "sections": {id: text}, "closing"}
  corrects_id BIGINT REFERENCES bulletins(id),
  issue_year INTEGER,                         -- 期号, set at publication
  issue_seq INTEGER,
  created_by BIGINT,
  created_by_name TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  approved_by BIGINT,
  approved_by_name TEXT NOT NULL DEFAULT '',
  approved_at BIGINT,
  published_by BIGINT,
  published_by_name TEXT NOT NULL DEFAULT '',
  published_at BIGINT
);
-- One number per bureau, kind and year: a second publication of the same 期号 is impossible.
CREATE UNIQUE INDEX bulletins_issue ON bulletins (bureau_id, kind, issue_year, issue_seq);
CREATE INDEX bulletins_period ON bulletins (bureau_id, kind, period);
