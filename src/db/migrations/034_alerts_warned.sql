-- The clocks that reached their 预警 time while still open (issue 16, noticed in the monthly
-- bulletin): the “发出预警” figure of the 执法监督情况 section counts them by `pre_warn_at` in the
-- period. Without an index that count read every clock of the bureau, `done` ones included (four in
-- five), at every bulletin. Partial: a clock met before its 预警 time never enters it, so a first
-- evaluation writes no entry for most clocks. The bulletin names the condition literally
-- (oversight_bulletin.cpp, kWarned), which both databases need before they use a partial index.
CREATE INDEX alerts_warned ON alerts (pre_warn_at) WHERE since >= pre_warn_at;
