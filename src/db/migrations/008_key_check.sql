-- The personal-data key's check value (src/app/app.cpp): a keyed hash of a fixed text under the key
-- of --key-file, stored by the first start. Every later start compares: a different key file (a new
-- path, a lost or swapped key) is refused instead of silently creating a new key whose reads fail.
-- One row at most. Backups carry it, so a restored database keeps asking for the key of its data.
CREATE TABLE key_check (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  check_value TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
