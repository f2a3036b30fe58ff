-- Faster ledger sources (measured by bench/scoring_bench.cpp): the month's case events are read
-- from a covering index (case_id included, no table lookups), and the "is this the first event of
-- its type in the case?" probe (NOT EXISTS an earlier one) gets its own index instead of scanning
-- case_events_type_time.
DROP INDEX scoring_case_events_bureau;
CREATE INDEX scoring_case_events_bureau ON case_events (bureau_id, type, at, case_id);
CREATE INDEX scoring_case_events_case_type ON case_events (case_id, type, at);
