-- 优劣质案件评定 (src/evaluation): the 以案说法 issue of the training materials library (src/training,
-- training_materials.id) the round's teaching set was published as. Set once: the publish claims the
-- row (0 while the issue is being written, NULL again if that fails), so a round is published once.
ALTER TABLE eval_rounds ADD COLUMN teaching_material_id BIGINT;
