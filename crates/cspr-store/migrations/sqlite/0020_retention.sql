-- Retention and erasure (SQLite). The case list keeps each case's closure day and whether a
-- legal hold keeps it, so the daily retention run decides from read models without opening a
-- case. Rows written before this migration have no closure day until the read models are
-- rebuilt (the run rebuilds them when it finds one).
ALTER TABLE case_summaries ADD COLUMN closed_on TEXT;
ALTER TABLE case_summaries ADD COLUMN legal_hold INTEGER NOT NULL DEFAULT 0 CHECK (legal_hold IN (0, 1));

-- The access log stays append-only, except that rows at or below the keyed record of where the
-- retention run erased the log up to (`meta."chain_pruned_until:access_log"`, written first,
-- in the same transaction) may be deleted. `cspr verify` checks that record's key, so a row
-- deleted without it is still caught.
DROP TRIGGER access_log_no_delete;
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
WHEN OLD.seq > COALESCE((SELECT CAST(substr(value, 1, instr(value, ' ') - 1) AS INTEGER)
                         FROM meta WHERE key = 'chain_pruned_until:access_log'), 0)
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
