-- Bearer tokens for writes through the HTTP API. Only the SHA-256 of a token is
-- kept: the token itself is shown once, when it is made, and never stored.

CREATE TABLE quorum.api_token (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]*$'),
    hash       bytea NOT NULL UNIQUE CHECK (length(hash) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

-- Servers keep the hashes in memory and reload them when this is announced.
CREATE FUNCTION quorum.announce_token_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('quorum_tokens', '');
    RETURN NULL;
END $$;

CREATE TRIGGER api_token_changed AFTER INSERT OR UPDATE OR DELETE ON quorum.api_token
    FOR EACH STATEMENT EXECUTE FUNCTION quorum.announce_token_change();
