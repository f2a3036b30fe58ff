-- 涉案人数众多 as a fact of the case (docs/events.md §Case facts): from 2026-01-01 it gives
-- ADM-SUMMON-01 its 12 hours by law (治安管理处罚法 2025 §97), without an approval. Set on the case
-- form, by the API (many_people) and by the case import (列“涉案人数众多”).
ALTER TABLE cases ADD COLUMN many_people INTEGER NOT NULL DEFAULT 0;
