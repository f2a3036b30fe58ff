-- Case list at province scale (measured by bench/case_list_bench.sh on 1,000,000 cases): a 市局 or
-- the 省厅 pages through its cases newest first by walking these indexes and checking the unit inside
-- them (CaseService::ListCases), instead of reading and sorting every case in scope. The status and
-- alert indexes become composite (same leading column, so lookups by status / alert state still use
-- them).
CREATE INDEX cases_accepted ON cases (accepted_at, unit_id);
DROP INDEX cases_status;
CREATE INDEX cases_status_accepted ON cases (status, accepted_at, unit_id);
DROP INDEX cases_alert;
CREATE INDEX cases_alert_accepted ON cases (alert_state, accepted_at, unit_id);
