-- An action completed is not yet an action whose impact is evidenced (issue 15): the read model
-- keeps both days. Every completion recorded before this carried its evidence of impact.
ALTER TABLE case_actions ADD COLUMN impact_evidenced_on TEXT;
UPDATE case_actions SET impact_evidenced_on = completed_on;
