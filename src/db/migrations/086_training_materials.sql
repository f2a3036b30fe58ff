-- 学法用法 materials library (src/training, issue 14 item 1): numbered issues of a series (e.g.
-- 每周法制培训 第 N 期) with every version kept, searched in Chinese by title and text (LIKE on the
-- current version, as cases and intake search), and the bureau's subscribers told when one changes.

-- One issue: series + issue_no unique in the bureau; title/body/version are the current version's.
CREATE TABLE training_materials (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  series TEXT NOT NULL,
  issue_no INTEGER NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 1,
  published_at BIGINT NOT NULL,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX training_materials_issue ON training_materials (bureau_id, series, issue_no);

-- Every version of an issue (the first included); a new version never changes an old row.
CREATE TABLE training_material_versions (
  id @ID@,
  bureau_id BIGINT NOT NULL,
  material_id BIGINT NOT NULL REFERENCES training_materials(id),
  version INTEGER NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  created_by BIGINT,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX training_material_versions_no ON training_material_versions (material_id, version);

-- Accounts told when an issue of the bureau's library is added or changes.
CREATE TABLE training_material_subscriptions (
  user_id BIGINT NOT NULL,
  bureau_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, bureau_id)
);
