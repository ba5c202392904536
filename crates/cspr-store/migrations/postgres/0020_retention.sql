-- Retention and erasure (PostgreSQL). The case list keeps each case's closure day and whether a
-- legal hold keeps it, so the daily retention run decides from read models without opening a
-- case. Rows written before this migration have no closure day until the read models are
-- rebuilt (the run rebuilds them when it finds one).
ALTER TABLE case_summaries ADD COLUMN closed_on DATE;
ALTER TABLE case_summaries ADD COLUMN legal_hold BOOLEAN NOT NULL DEFAULT FALSE;

-- The access log stays append-only, except that rows at or below the keyed record of where the
-- retention run erased the log up to (`meta."chain_pruned_until:access_log"`, written first,
-- in the same transaction) may be deleted. `cspr verify` checks that record's key, so a row
-- deleted without it is still caught. Updates and TRUNCATE stay refused.
CREATE FUNCTION cspr_access_log_prune_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.seq <= COALESCE((
        SELECT split_part(value, ' ', 1)::BIGINT FROM meta
        WHERE key = 'chain_pruned_until:access_log'), 0) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME;
END;
$$;
DROP TRIGGER access_log_append_only ON access_log;
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION cspr_access_log_prune_only();
