-- 督办 state machine support (oversight module): the status an order had before it was suspended
-- (挂起 → 恢复 returns there), and the deadline for which the sweep last sent the overdue
-- notification (so a new deadline set on 退回 alerts again).
ALTER TABLE supervision_orders ADD COLUMN status_before_suspend TEXT;
ALTER TABLE supervision_orders ADD COLUMN overdue_notified_deadline BIGINT;
