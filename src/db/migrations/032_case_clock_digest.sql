-- A fingerprint of each case's stored alert clocks (64-bit hash of every clock's rule texts, state,
-- times, subject and trigger, written with them by OversightService::ApplyPlan). Full re-evaluation
-- compares it with the fingerprint of a fresh evaluation and reads and writes the stored clocks only
-- of the cases where the two differ. NULL = not evaluated since this column exists.
ALTER TABLE cases ADD COLUMN clock_digest BIGINT;
