-- 谁执法谁普法 (src/publicity): the 督办 order (src/orders, source publicity_stage) the due-date sweep
-- opened on a stage left overdue — at most one per stage, ever: the sweep claims the row by setting
-- order_id only where it is still NULL, so two instances and restarts open no second order.
ALTER TABLE pub_cycle_items ADD COLUMN order_id BIGINT;
