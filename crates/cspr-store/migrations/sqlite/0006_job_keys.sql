-- Idempotency keys of the job outbox (reminders, chasers). A job enqueued under a key already
-- here is not enqueued again, so a planner can plan the same work every few minutes. `done_at`
-- is set in the transaction that completes the job, and a worker checks it before acting, so a
-- job handed out again (a crash, an expired lease) does not act twice. `outcome` says whether
-- the work was done (`done`) or found unnecessary (`skipped`: the action was completed).
CREATE TABLE job_keys (
    key        TEXT PRIMARY KEY NOT NULL,
    job_id     INTEGER REFERENCES jobs (id),
    created_at TEXT NOT NULL,
    done_at    TEXT,
    outcome    TEXT
) STRICT;
CREATE INDEX job_keys_by_job ON job_keys (job_id);
