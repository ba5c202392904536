-- Passkeys (WebAuthn, issue 16): a person may register several, each with a name they choose.
-- credential_id is the authenticator's id for it (base64url), unique across every account;
-- credential is the relying party's record of it as JSON (public key, counter, flags): nothing
-- in it is secret, and a copy of it cannot sign anything.
CREATE TABLE passkeys (
    id            TEXT PRIMARY KEY NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id TEXT NOT NULL,
    name          TEXT NOT NULL,
    credential    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    last_used_at  TEXT,
    CONSTRAINT passkeys_credential UNIQUE (credential_id)
) STRICT;
CREATE INDEX passkeys_by_user ON passkeys (user_id);
