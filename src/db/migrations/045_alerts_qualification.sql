-- The 执法资格 alerts of a batch of cases (issue 16, a full re-evaluation on PostgreSQL): the check
-- reads `alerts WHERE rule_id = 'no_qualification' AND case_id IN (…)` for every chunk. Without an
-- index on the rule PostgreSQL chose a scan of the whole table (every clock of every case) each
-- time. This index holds only the alerts of that rule, a few per thousand clocks, so the clocks
-- written by an evaluation do not enter it; the query names the rule as a literal so that both
-- databases may use it.
CREATE INDEX alerts_qualification ON alerts (case_id) WHERE rule_id = 'no_qualification';
