-- Identity (PostgreSQL): partnerships, their agencies and settings, staff accounts with their
-- second factor and recovery codes, server-side sessions and login throttling counters.
-- partnership_id and agency_id carry no foreign key, like events.partnership_id: partnerships
-- and agencies are created by administration, not by the store's own transactions.

CREATE TABLE partnerships (
    id   UUID PRIMARY KEY,
    name TEXT NOT NULL
);

-- One JSON document of settings per partnership, kept as canonical text (not jsonb) so the
-- canonical export is byte-identical to SQLite's.
CREATE TABLE partnership_settings (
    partnership_id UUID PRIMARY KEY,
    settings       TEXT NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE agencies (
    id             UUID PRIMARY KEY,
    partnership_id UUID NOT NULL,
    kind           TEXT NOT NULL,
    name           TEXT NOT NULL,
    active         BOOLEAN NOT NULL
);
CREATE INDEX agencies_by_partnership ON agencies (partnership_id);

-- email is stored lower-case by the store; totp_secret is sealed under totp_wrapped_key, a
-- per-user data key wrapped by the master key; last_totp_step 0 = no code used yet.
CREATE TABLE users (
    id               UUID PRIMARY KEY,
    partnership_id   UUID NOT NULL,
    email            TEXT NOT NULL,
    display_name     TEXT NOT NULL,
    role             TEXT NOT NULL,
    agency_id        UUID,
    password_hash    TEXT,
    totp_wrapped_key BYTEA,
    totp_secret      BYTEA,
    totp_enabled     BOOLEAN NOT NULL,
    last_totp_step   BIGINT NOT NULL CHECK (last_totp_step >= 0),
    disabled         BOOLEAN NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    oidc_issuer      TEXT,
    oidc_subject     TEXT,
    CONSTRAINT users_email UNIQUE (email),
    CONSTRAINT users_oidc UNIQUE (oidc_issuer, oidc_subject),
    CHECK ((oidc_issuer IS NULL) = (oidc_subject IS NULL)),
    CHECK ((totp_wrapped_key IS NULL) = (totp_secret IS NULL)),
    CHECK (NOT totp_enabled OR totp_secret IS NOT NULL)
);
CREATE INDEX users_by_partnership ON users (partnership_id);

-- Hashes of unused recovery codes; using one deletes its row.
CREATE TABLE recovery_codes (
    user_id   UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    PRIMARY KEY (user_id, code_hash)
);

-- Server-side sessions: only the blake3 hash (hex) of the cookie's random token is kept.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    mfa_done     BOOLEAN NOT NULL,
    reauth_at    TIMESTAMPTZ
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_last_seen ON sessions (last_seen_at);
CREATE INDEX sessions_by_created ON sessions (created_at);

-- Failed sign-in counters per opaque key (account hash or source address).
CREATE TABLE login_failures (
    key      TEXT PRIMARY KEY,
    failures BIGINT NOT NULL CHECK (failures > 0),
    last_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_by_last ON login_failures (last_at);
