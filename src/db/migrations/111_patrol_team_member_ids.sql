-- 巡组成员 as people of the directory (s11 item 3): member_ids is a JSON array of people ids, each
-- an active person of the team's unit or a unit under it (checked by PatrolService on save). The
-- text column members keeps the names typed before this column existed (and nothing else), so old
-- teams stay readable; the page shows both.
ALTER TABLE patrol_teams ADD COLUMN member_ids TEXT NOT NULL DEFAULT '[]';
