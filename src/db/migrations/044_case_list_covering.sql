-- The case list's time-ordered reads without a visit of each case row (issue 16, case list on
-- PostgreSQL). A 市局 or 省厅 list walks `cases_accepted` or `cases_alert_accepted` backwards and keeps
-- the rows of its units; the page then needs only the case id. SQLite's index entries carry the
-- rowid (= id) already; PostgreSQL's need it included, or every row walked is read from the table
-- (303 rows for the first page of a city's year, 1,021 for the third page of its overdue cases).
-- @postgresql
CREATE INDEX cases_accepted_id ON cases (accepted_at, unit_id) INCLUDE (id);
DROP INDEX cases_accepted;
CREATE INDEX cases_alert_accepted_id ON cases (alert_state, accepted_at, unit_id) INCLUDE (id);
DROP INDEX cases_alert_accepted;
