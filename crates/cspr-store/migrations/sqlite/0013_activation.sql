-- One-time activation links (issue 16, finding 2): an administrator no longer chooses a first
-- password; the person gets an expiring, single-use link by email and chooses their own. Only
-- the token's hash is kept. A newer link replaces any unused one.
CREATE TABLE activations (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
) STRICT;
CREATE INDEX activations_by_user ON activations (user_id);

-- The session a pending authenticator secret was made for: set-up shows and confirms a secret
-- only in the session that made it, and each set-up makes a fresh one.
ALTER TABLE users ADD COLUMN totp_pending_session TEXT;
