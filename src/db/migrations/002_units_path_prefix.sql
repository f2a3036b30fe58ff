-- Scope checks select a unit's subtree by its path prefix (units.path, e.g. '/1/1001/'). They are
-- written as a range, `path >= '/1/1001/' AND path < '/1/10010'` (db::PathUnder), which an index
-- answers directly. That range is the prefix only when paths compare byte by byte: SQLite's default
-- collation does; on PostgreSQL the column takes the C collation (the database's own may sort
-- punctuation differently), and its index is rebuilt with it.
-- @postgresql
ALTER TABLE units ALTER COLUMN path TYPE TEXT COLLATE "C";
