-- Identity (SQLite): partnerships, their agencies and settings, staff accounts with their
-- second factor and recovery codes, server-side sessions and login throttling counters.
-- partnership_id and agency_id carry no foreign key, like events.partnership_id: partnerships
-- and agencies are created by administration, not by the store's own transactions.

CREATE TABLE partnerships (
    id   TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL
) STRICT;

-- One JSON document of settings per partnership, kept as canonical text.
CREATE TABLE partnership_settings (
    partnership_id TEXT PRIMARY KEY NOT NULL,
    settings       TEXT NOT NULL,
    updated_at     TEXT NOT NULL
) STRICT;

CREATE TABLE agencies (
    id             TEXT PRIMARY KEY NOT NULL,
    partnership_id TEXT NOT NULL,
    kind           TEXT NOT NULL,
    name           TEXT NOT NULL,
    active         INTEGER NOT NULL CHECK (active IN (0, 1))
) STRICT;
CREATE INDEX agencies_by_partnership ON agencies (partnership_id);

-- email is stored lower-case by the store; totp_secret is sealed under totp_wrapped_key, a
-- per-user data key wrapped by the master key; last_totp_step 0 = no code used yet.
CREATE TABLE users (
    id               TEXT PRIMARY KEY NOT NULL,
    partnership_id   TEXT NOT NULL,
    email            TEXT NOT NULL,
    display_name     TEXT NOT NULL,
    role             TEXT NOT NULL,
    agency_id        TEXT,
    password_hash    TEXT,
    totp_wrapped_key BLOB,
    totp_secret      BLOB,
    totp_enabled     INTEGER NOT NULL CHECK (totp_enabled IN (0, 1)),
    last_totp_step   INTEGER NOT NULL CHECK (last_totp_step >= 0),
    disabled         INTEGER NOT NULL CHECK (disabled IN (0, 1)),
    created_at       TEXT NOT NULL,
    oidc_issuer      TEXT,
    oidc_subject     TEXT,
    CONSTRAINT users_email UNIQUE (email),
    CONSTRAINT users_oidc UNIQUE (oidc_issuer, oidc_subject),
    CHECK ((oidc_issuer IS NULL) = (oidc_subject IS NULL)),
    CHECK ((totp_wrapped_key IS NULL) = (totp_secret IS NULL)),
    CHECK (totp_enabled = 0 OR totp_secret IS NOT NULL)
) STRICT;
CREATE INDEX users_by_partnership ON users (partnership_id);

-- Hashes of unused recovery codes; using one deletes its row.
CREATE TABLE recovery_codes (
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    PRIMARY KEY (user_id, code_hash)
) STRICT;

-- Server-side sessions: only the blake3 hash (hex) of the cookie's random token is kept.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    mfa_done     INTEGER NOT NULL CHECK (mfa_done IN (0, 1)),
    reauth_at    TEXT
) STRICT;
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_last_seen ON sessions (last_seen_at);
CREATE INDEX sessions_by_created ON sessions (created_at);

-- Failed sign-in counters per opaque key (account hash or source address).
CREATE TABLE login_failures (
    key      TEXT PRIMARY KEY NOT NULL,
    failures INTEGER NOT NULL CHECK (failures > 0),
    last_at  TEXT NOT NULL
) STRICT;
CREATE INDEX login_failures_by_last ON login_failures (last_at);
