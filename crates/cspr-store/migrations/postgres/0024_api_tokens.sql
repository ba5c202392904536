-- Personal access tokens and OAuth 2 clients of the JSON API (issue 18). A token acts as its
-- person, in their partnership and role, until it expires or is revoked; only the blake3 hash
-- of its secret is stored (the secret is shown once). A client (a system integration) holds a
-- secret, stored hashed the same way, and acts as the account it was made for: the client
-- credentials grant gives it a short-lived access token, kept here as a token of kind 'client'.
CREATE TABLE api_clients (
    id           UUID PRIMARY KEY,
    user_id      UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label        TEXT NOT NULL,
    secret_hash  TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX api_clients_by_user ON api_clients (user_id);
CREATE TABLE api_tokens (
    id             UUID PRIMARY KEY,
    user_id        UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    partnership_id UUID NOT NULL,
    kind           TEXT NOT NULL,
    client_id      UUID REFERENCES api_clients (id) ON DELETE CASCADE,
    label          TEXT NOT NULL,
    token_hash     TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    expires_at     TIMESTAMPTZ NOT NULL,
    revoked_at     TIMESTAMPTZ,
    last_used_at   TIMESTAMPTZ,
    CONSTRAINT api_tokens_hash UNIQUE (token_hash)
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id, created_at);
CREATE INDEX api_tokens_by_expiry ON api_tokens (expires_at);
