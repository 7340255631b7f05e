-- Migration 0002, written by authgen: add revoked tokens.
-- A migration that has run must never change: authgen adds new ones when authgen.yaml does.

-- +goose Up
-- The JWTs that logout revoked, until they expire.
CREATE TABLE revoked_tokens (
    -- The token's SHA-256 in hex: the token itself is never stored.
    digest CHAR(64) NOT NULL PRIMARY KEY,
    expires_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX revoked_tokens_expires_at_idx ON revoked_tokens (expires_at);

-- +goose Down
DROP TABLE revoked_tokens;
