-- A unit's 简称 next to its 全称 (units.name): rosters and case exports write either (刑事侦查大队 /
-- 刑侦大队), and the imports match both (docs/org.md). Empty = the unit has no separate short name.
ALTER TABLE units ADD COLUMN short_name TEXT NOT NULL DEFAULT '';
