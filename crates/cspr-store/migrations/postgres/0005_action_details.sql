-- What the action tracker and the recurrent-themes view need from the read models: an action's
-- owner, themes (one per line), last progress and completion days; a case's themes.
ALTER TABLE case_actions ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE case_actions ADD COLUMN themes TEXT NOT NULL DEFAULT '';
ALTER TABLE case_actions ADD COLUMN last_progress DATE;
ALTER TABLE case_actions ADD COLUMN completed_on DATE;
ALTER TABLE case_summaries ADD COLUMN themes TEXT NOT NULL DEFAULT '';
