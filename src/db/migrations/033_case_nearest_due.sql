-- 最近期限 as people read it in the case list: the earliest due time of the case's live clocks
-- (计时中, 预警, 告警), past or not; NULL when none runs. Written with alert_state by
-- OversightService::ApplyPlan. (next_due_at stays the next moment a clock changes state: the sweep's
-- wake-up time, NULL for a case whose only live clocks are already overdue.)
ALTER TABLE cases ADD COLUMN nearest_due_at BIGINT;
UPDATE cases SET nearest_due_at = (SELECT MIN(a.due_at) FROM alerts a
                                   WHERE a.case_id = cases.id AND a.state IN ('running', 'pre_warn', 'overdue'));
CREATE INDEX cases_nearest_due ON cases (nearest_due_at);
