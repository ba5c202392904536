-- The two-person rule (issue 16, finding 3): a role that sees every case (partnership team,
-- chair) is granted only when a second person approves. Each request and its decision is kept.
CREATE TABLE role_grants (
    id             UUID PRIMARY KEY,
    partnership_id UUID NOT NULL,
    user_id        UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role           TEXT NOT NULL,
    agency_id      UUID,
    opens_account    BOOLEAN NOT NULL,
    requested_by   UUID NOT NULL,
    requested_at   TIMESTAMPTZ NOT NULL,
    decided_by     UUID,
    decided_at     TIMESTAMPTZ,
    approved       BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX role_grants_pending ON role_grants (partnership_id, decided_at);
