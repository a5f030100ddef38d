-- Bearer tokens for writes through the HTTP API. Only the SHA-256 of a token is
-- kept: the token itself is shown once, when it is made, and never stored.
-- Servers hold the hashes in memory and reload them every few seconds.

CREATE TABLE quorum.api_token (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]*$'),
    hash       bytea NOT NULL UNIQUE CHECK (length(hash) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
