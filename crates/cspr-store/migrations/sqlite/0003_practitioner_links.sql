-- Practitioner links (SQLite): single-purpose, expiring links that let a practitioner outside
-- the system fill in one form of one case, after a one-time code sent by email.
-- Durable (exported): who was invited to which form, by whom, until when, and what became of
-- the link. The practitioner's email address is sealed with the case key (crypto-shredding the
-- case erases it); the link's token, like the codes and the form-session token, is kept only as
-- a blake3 hash.
-- Ephemeral (not exported; defaults on import): the pending code, its attempts, the number of
-- codes sent and the short form session.
CREATE TABLE practitioner_links (
    id                   TEXT PRIMARY KEY NOT NULL,
    token_hash           TEXT NOT NULL,
    partnership_id       TEXT NOT NULL,
    case_id              TEXT NOT NULL,
    form                 TEXT NOT NULL,
    sealed_email         BLOB NOT NULL,
    created_by           TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    expires_at           TEXT NOT NULL,
    revoked              INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)),
    used_at              TEXT,
    contribution_blob_id TEXT,
    code_hash            TEXT,
    code_expires_at      TEXT,
    code_attempts        INTEGER NOT NULL DEFAULT 0 CHECK (code_attempts >= 0),
    codes_sent           INTEGER NOT NULL DEFAULT 0 CHECK (codes_sent >= 0),
    session_hash         TEXT,
    session_expires_at   TEXT,
    CONSTRAINT practitioner_links_token UNIQUE (token_hash),
    CHECK ((code_hash IS NULL) = (code_expires_at IS NULL)),
    CHECK ((session_hash IS NULL) = (session_expires_at IS NULL))
) STRICT;
CREATE INDEX practitioner_links_by_case ON practitioner_links (case_id);
