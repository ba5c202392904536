-- Sign-in ceremonies in progress (issue 18): an OpenID Connect sign-in's state, nonce and PKCE
-- verifier, or a passkey ceremony's challenge, kept for minutes between the start and the
-- browser's return. In the database, not one server's memory, so the return may reach any
-- server behind a load balancer. id_hash is the blake3 of the random id the browser holds (as
-- for sessions); sealed is the value encrypted under the store's key, bound to its kind and
-- id; source is the client's address or IPv6 network, bounding how many one source may hold.
CREATE TABLE ceremonies (
    id_hash    TEXT PRIMARY KEY NOT NULL,
    kind       TEXT NOT NULL,
    source     TEXT NOT NULL,
    sealed     BLOB NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) STRICT;
CREATE INDEX ceremonies_by_source ON ceremonies (kind, source, created_at);
CREATE INDEX ceremonies_by_age ON ceremonies (kind, created_at);
CREATE INDEX ceremonies_by_expiry ON ceremonies (expires_at);
