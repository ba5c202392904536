-- One-time activation links (issue 16, finding 2): an administrator no longer chooses a first
-- password; the person gets an expiring, single-use link by email and chooses their own. Only
-- the token's hash is kept. A newer link replaces any unused one.
CREATE TABLE activations (
    token_hash TEXT PRIMARY KEY,
    user_id    UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);
CREATE INDEX activations_by_user ON activations (user_id);

-- The session a pending authenticator secret was made for: set-up shows and confirms a secret
-- only in the session that made it, and each set-up makes a fresh one.
ALTER TABLE users ADD COLUMN totp_pending_session TEXT;
