-- The two-person rule (issue 16, finding 3): a role that sees every case (partnership team,
-- chair) is granted only when a second person approves. Each request and its decision is kept.
CREATE TABLE role_grants (
    id             TEXT PRIMARY KEY NOT NULL,
    partnership_id TEXT NOT NULL,
    user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role           TEXT NOT NULL,
    agency_id      TEXT,
    opens_account    INTEGER NOT NULL CHECK (opens_account IN (0, 1)),
    requested_by   TEXT NOT NULL,
    requested_at   TEXT NOT NULL,
    decided_by     TEXT,
    decided_at     TEXT,
    approved       INTEGER NOT NULL DEFAULT 0 CHECK (approved IN (0, 1))
) STRICT;
CREATE INDEX role_grants_pending ON role_grants (partnership_id, decided_at);
