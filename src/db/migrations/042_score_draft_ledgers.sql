-- A computed draft month's ledger, stored compactly (issue 16, docs/scoring.md 第五轮): one row per
-- bureau and month instead of a score_entries row per entry. `ledger` is the compact Ledger (rows
-- and the facts they refer to) deflated and base64-encoded (src/scoring/ledger_codec.h); entries
-- are expanded from it when shown. Publishing the month writes its entries to score_entries and
-- removes this row, so published and final months, objections and adjustments are as before.
CREATE TABLE score_draft_ledgers (
  id @ID@,
  bureau_id BIGINT NOT NULL REFERENCES units(id),
  month TEXT NOT NULL,
  entry_count INTEGER NOT NULL,
  ledger TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX score_draft_ledgers_month ON score_draft_ledgers (bureau_id, month);
