-- Notifications (src/notify): the table moves from the oversight migration (030) to the shared
-- notification service, and each notification names the object it opens (object_type + object_id:
-- supervision_order 12, case 34, review 5 …) besides the case it concerns.
--
-- Applied in both histories: a database created before this migration already has the table
-- (030 made it, without the two columns); a new database runs this before 030, which no longer
-- creates it. Existing rows get their object from the key they were deduplicated by
-- (order:<id>:…, review:<id>, alert:<case>:…).
-- @sqlite
CREATE TABLE IF NOT EXISTS notifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  bureau_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users(id),
  case_id BIGINT,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL DEFAULT '',
  dedup_key TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  read_at BIGINT
);
CREATE TEMP TABLE notifications_copy AS SELECT * FROM notifications;
CREATE TEMP TABLE notifications_seq AS SELECT name, seq FROM sqlite_sequence WHERE name = 'notifications';
DROP TABLE notifications;
-- @all
CREATE TABLE IF NOT EXISTS notifications (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users(id),
  case_id BIGINT,                   -- the case it concerns, if any
  kind TEXT NOT NULL,               -- pre_warn, overdue, supervision_order, supervision_overdue, review …
  title TEXT NOT NULL,
  body TEXT NOT NULL DEFAULT '',
  object_type TEXT NOT NULL DEFAULT '',  -- what it opens: supervision_order, case, review … ('' = nothing)
  object_id BIGINT,
  dedup_key TEXT NOT NULL,          -- one notification per user per event
  created_at BIGINT NOT NULL,
  read_at BIGINT
);
-- @sqlite
INSERT INTO notifications (id, bureau_id, user_id, case_id, kind, title, body, object_type, object_id, dedup_key,
                           created_at, read_at)
SELECT id, bureau_id, user_id, case_id, kind, title, body,
       CASE WHEN dedup_key LIKE 'order:%' THEN 'supervision_order'
            WHEN dedup_key LIKE 'review:%' THEN 'review'
            WHEN case_id IS NOT NULL THEN 'case' ELSE '' END,
       CASE WHEN dedup_key LIKE 'order:%' OR dedup_key LIKE 'review:%'
              THEN CAST(substr(dedup_key, instr(dedup_key, ':') + 1,
                               CASE WHEN instr(substr(dedup_key, instr(dedup_key, ':') + 1), ':') = 0 THEN 20
                                    ELSE instr(substr(dedup_key, instr(dedup_key, ':') + 1), ':') - 1 END) AS INTEGER)
            ELSE case_id END,
       dedup_key, created_at, read_at
FROM notifications_copy;
INSERT INTO sqlite_sequence (name, seq) SELECT name, seq FROM notifications_seq
  WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence s WHERE s.name = 'notifications');
UPDATE sqlite_sequence SET seq = (SELECT MAX(t.seq) FROM notifications_seq t)
  WHERE name = 'notifications' AND seq < (SELECT MAX(t.seq) FROM notifications_seq t);
DROP TABLE notifications_copy;
DROP TABLE notifications_seq;
-- @postgresql
ALTER TABLE notifications ADD COLUMN IF NOT EXISTS object_type TEXT NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN IF NOT EXISTS object_id BIGINT;
UPDATE notifications SET object_type = 'supervision_order', object_id = CAST(split_part(dedup_key, ':', 2) AS BIGINT)
  WHERE dedup_key LIKE 'order:%' AND object_type = '';
UPDATE notifications SET object_type = 'review', object_id = CAST(split_part(dedup_key, ':', 2) AS BIGINT)
  WHERE dedup_key LIKE 'review:%' AND object_type = '';
UPDATE notifications SET object_type = 'case', object_id = case_id WHERE case_id IS NOT NULL AND object_type = '';
-- @all
CREATE UNIQUE INDEX IF NOT EXISTS notifications_dedup ON notifications (user_id, dedup_key);
CREATE INDEX IF NOT EXISTS notifications_user ON notifications (user_id, read_at, created_at);
