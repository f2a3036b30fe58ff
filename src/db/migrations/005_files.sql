-- Files service (src/files): the bytes of every attachment, once per content. A row of
-- `attachments` (migration 030: owner, file name, type, size, sha256) points here by sha256, so the
-- bytes are in the database: a backup holds them, a restore on another machine or database serves
-- them, and several instances on one PostgreSQL share them. `attachments.storage_path` is legacy:
-- files written to the attachment directory before this migration are copied in at start-up
-- (files::AttachmentStore::ImportLegacyFiles).
CREATE TABLE file_blobs (
  sha256 TEXT PRIMARY KEY,        -- lower-case hex of the bytes
  size BIGINT NOT NULL,           -- bytes before encoding
  data TEXT NOT NULL,             -- the bytes, base64 (standard alphabet, padded)
  created_at BIGINT NOT NULL
);
