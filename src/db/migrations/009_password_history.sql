-- Earlier password hashes of each account (src/auth): a new password, chosen by the user or set by
-- an administrator's reset, may not repeat the current one or the newest (password_history − 1) of
-- these (AuthConfig::password_history, 5 by default). Older rows are pruned on each change.
CREATE TABLE password_history (
  id @ID@,
  user_id BIGINT NOT NULL REFERENCES users(id),
  password_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX password_history_user ON password_history (user_id, id);
