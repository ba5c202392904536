-- The agencies involved in each case, for the dashboard's agency filter: their ids, space
-- separated (a read model, rebuilt from the events like the rest of the row).
ALTER TABLE case_summaries ADD COLUMN agencies TEXT NOT NULL DEFAULT '';
