-- The cspr store (SQLite). Ids are hyphenated lowercase text, times UTC text
-- 'YYYY-MM-DDTHH:MM:SS.ffffffZ' (sorts in time order), dates 'YYYY-MM-DD', JSON canonical text.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

-- The last row of each hash chain; writers lock it so appends serialise on the chain.
CREATE TABLE chain_heads (
    chain TEXT PRIMARY KEY NOT NULL,
    seq   INTEGER NOT NULL,
    hash  TEXT NOT NULL
) STRICT;
INSERT INTO chain_heads (chain, seq, hash) VALUES
    ('events', 0, '0000000000000000000000000000000000000000000000000000000000000000'),
    ('access_log', 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Per-case data keys wrapped by the master key; wrapped_key NULL = shredded.
CREATE TABLE case_keys (
    case_id     TEXT PRIMARY KEY NOT NULL,
    wrapped_key BLOB,
    created_at  TEXT NOT NULL,
    shredded_at TEXT
) STRICT;

CREATE TABLE events (
    seq            INTEGER PRIMARY KEY NOT NULL,
    stream_id      TEXT NOT NULL REFERENCES case_keys (case_id),
    version        INTEGER NOT NULL CHECK (version > 0),
    partnership_id TEXT NOT NULL,
    event_type     TEXT NOT NULL,
    actor          TEXT NOT NULL,
    occurred_at    TEXT NOT NULL,
    recorded_at    TEXT NOT NULL,
    plain          TEXT NOT NULL,
    sealed         BLOB NOT NULL,
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL,
    CONSTRAINT events_stream_version UNIQUE (stream_id, version)
) STRICT;

CREATE TABLE access_log (
    seq       INTEGER PRIMARY KEY NOT NULL,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    case_id   TEXT,
    detail    TEXT NOT NULL,
    source_ip TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
) STRICT;
CREATE INDEX access_log_by_case ON access_log (case_id, seq);

-- Both logs are append-only: changing or removing a row takes dropping these first.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;

-- Read models (projections), rebuildable from the events.
CREATE TABLE case_summaries (
    case_id             TEXT PRIMARY KEY NOT NULL,
    partnership_id      TEXT NOT NULL,
    reference           TEXT NOT NULL,
    stage               TEXT NOT NULL,
    stage_label         TEXT NOT NULL,
    next_deadline       TEXT,
    next_deadline_label TEXT,
    opened_on           TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    closed              INTEGER NOT NULL CHECK (closed IN (0, 1))
) STRICT;
CREATE INDEX case_summaries_by_partnership ON case_summaries (partnership_id);

CREATE TABLE case_deadlines (
    case_id     TEXT NOT NULL REFERENCES case_summaries (case_id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    label       TEXT NOT NULL,
    due         TEXT NOT NULL,
    state       TEXT NOT NULL,
    met_on      TEXT,
    explanation TEXT NOT NULL,
    PRIMARY KEY (case_id, key)
) STRICT;
CREATE INDEX case_deadlines_by_due ON case_deadlines (due);

CREATE TABLE case_actions (
    case_id        TEXT NOT NULL REFERENCES case_summaries (case_id) ON DELETE CASCADE,
    action_id      TEXT NOT NULL,
    recommendation TEXT NOT NULL,
    agency         TEXT NOT NULL,
    description    TEXT NOT NULL,
    due            TEXT,
    status         TEXT NOT NULL,
    PRIMARY KEY (case_id, action_id)
) STRICT;

CREATE TABLE case_members (
    case_id TEXT NOT NULL REFERENCES case_summaries (case_id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    role    TEXT NOT NULL,
    PRIMARY KEY (case_id, user_id, role)
) STRICT;
CREATE INDEX case_members_by_user ON case_members (user_id, case_id);

-- Outbox of follow-up jobs, enqueued in the transaction of the change that caused them.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'dead')),
    attempts     INTEGER NOT NULL,
    run_at       TEXT NOT NULL,
    locked_until TEXT,
    last_error   TEXT,
    created_at   TEXT NOT NULL,
    finished_at  TEXT
) STRICT;
CREATE INDEX jobs_ready ON jobs (state, run_at, id);

-- Files, sealed with the case key; kept in the database so backups are consistent.
CREATE TABLE blobs (
    id           TEXT PRIMARY KEY NOT NULL,
    case_id      TEXT NOT NULL REFERENCES case_keys (case_id),
    content_type TEXT NOT NULL,
    sealed_name  BLOB NOT NULL,
    size         INTEGER NOT NULL,
    sealed       BLOB NOT NULL,
    created_at   TEXT NOT NULL
) STRICT;
CREATE INDEX blobs_by_case ON blobs (case_id);
