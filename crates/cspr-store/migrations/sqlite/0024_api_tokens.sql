-- Personal access tokens and OAuth 2 clients of the JSON API (issue 18). A token acts as its
-- person, in their partnership and role, until it expires or is revoked; only the blake3 hash
-- of its secret is stored (the secret is shown once). A client (a system integration) holds a
-- secret, stored hashed the same way, and acts as the account it was made for: the client
-- credentials grant gives it a short-lived access token, kept here as a token of kind 'client'.
CREATE TABLE api_clients (
    id           TEXT PRIMARY KEY NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label        TEXT NOT NULL,
    secret_hash  TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    revoked_at   TEXT
) STRICT;
CREATE INDEX api_clients_by_user ON api_clients (user_id);
CREATE TABLE api_tokens (
    id             TEXT PRIMARY KEY NOT NULL,
    user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    partnership_id TEXT NOT NULL,
    kind           TEXT NOT NULL,
    client_id      TEXT REFERENCES api_clients (id) ON DELETE CASCADE,
    label          TEXT NOT NULL,
    token_hash     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    expires_at     TEXT NOT NULL,
    revoked_at     TEXT,
    last_used_at   TEXT,
    CONSTRAINT api_tokens_hash UNIQUE (token_hash)
) STRICT;
CREATE INDEX api_tokens_by_user ON api_tokens (user_id, created_at);
CREATE INDEX api_tokens_by_expiry ON api_tokens (expires_at);
