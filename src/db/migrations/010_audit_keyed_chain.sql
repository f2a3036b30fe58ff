-- The keyed audit chain (issue 16, src/audit/README.md). Each row names how its hash was made:
-- rows written before this migration keep 'sha256' (plain SHA-256 of the row and the previous
-- hash); new rows are 'hmac-sha256' or 'hmac-sm3', keyed with the audit key kept outside the
-- database, so that someone holding only the database cannot recompute them after an edit.
ALTER TABLE audit_log ADD COLUMN alg TEXT NOT NULL DEFAULT 'sha256';
-- The check value of the audit key the chain is written with (a keyed hash of a fixed text, never
-- the key), stored by the first start that has a key. Append and verify pick the key by it, and a
-- start with another audit key is refused. Empty = no key yet (new rows stay plain SHA-256).
ALTER TABLE audit_head ADD COLUMN key_check TEXT NOT NULL DEFAULT '';
