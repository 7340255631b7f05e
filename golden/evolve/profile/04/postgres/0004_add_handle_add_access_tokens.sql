-- Migration 0004, written by authgen: add handle, add access tokens.
-- A migration that has run must never change: authgen adds new ones when authgen.yaml does.

-- +goose Up
ALTER TABLE users ADD COLUMN handle VARCHAR(255);
CREATE UNIQUE INDEX users_handle_key ON users (handle);
-- The access tokens of the database strategy.
CREATE TABLE access_tokens (
    -- The token's SHA-256 in hex: the token itself is never stored.
    token CHAR(64) NOT NULL PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX access_tokens_user_id_idx ON access_tokens (user_id);
CREATE INDEX access_tokens_created_at_idx ON access_tokens (created_at);

-- +goose Down
DROP TABLE access_tokens;
DROP INDEX users_handle_key;
ALTER TABLE users DROP COLUMN handle;
