-- The patrol sweep (src/patrol, PatrolService::Sweep): when a 矛盾纠纷 became `escalate` (red, or
-- three linked calls) its 包案 officer and the unit's leaders are told once. escalation_notified_at
-- is set by the sweep with a conditional UPDATE (so two instances tell them once) and cleared when
-- the dispute stops being escalate, so a later escalation is told again; escalations counts them and
-- keys the notification.
ALTER TABLE patrol_disputes ADD COLUMN escalation_notified_at BIGINT;
ALTER TABLE patrol_disputes ADD COLUMN escalations INTEGER NOT NULL DEFAULT 0;
