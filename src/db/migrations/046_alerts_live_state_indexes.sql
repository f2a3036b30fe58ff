-- The two state indexes of `alerts` hold only the clocks that are not `done` (issue 16, first
-- evaluation). Four clocks in five end `done` (met in time; 8.86 M of 10.83 M at 1M cases), and
-- every one of them cost an entry in both indexes — two of the four B-tree writes of a clock row.
-- No reader looks for `done` clocks by state: the alert centre lists live states by default and
-- adds the literal condition `state <> 'done'` whenever its state filter leaves `done` out (both
-- databases use a partial index only when the query names its condition); a filter that includes
-- `done` reaches the clocks through the visible cases instead. The bulletin's count by unit scanned
-- the whole of `alerts_unit_state` before and scans the table now.
DROP INDEX alerts_state_due;
CREATE INDEX alerts_state_due ON alerts (state, due_at) WHERE state <> 'done';
DROP INDEX alerts_unit_state;
CREATE INDEX alerts_unit_state ON alerts (unit_id, state) WHERE state <> 'done';
