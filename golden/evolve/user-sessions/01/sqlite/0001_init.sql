-- Migration 0001, written by authgen: the users table.
-- A migration that has run must never change: authgen adds new ones when authgen.yaml does.

-- +goose Up
CREATE TABLE users (
    id TEXT NOT NULL PRIMARY KEY,
    email TEXT NOT NULL,
    -- The email lower-cased: two addresses differing only in case are one account.
    normalized_email TEXT NOT NULL,
    hashed_password TEXT NOT NULL,
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    is_superuser BOOLEAN NOT NULL DEFAULT FALSE,
    is_verified BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE UNIQUE INDEX users_normalized_email_key ON users (normalized_email);

-- The access tokens of the database strategy.
CREATE TABLE access_tokens (
    -- The token's SHA-256 in hex: the token itself is never stored.
    token TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL
);

CREATE INDEX access_tokens_user_id_idx ON access_tokens (user_id);
CREATE INDEX access_tokens_created_at_idx ON access_tokens (created_at);

-- The JWTs that logout revoked, until they expire.
CREATE TABLE revoked_tokens (
    -- The token's SHA-256 in hex: the token itself is never stored.
    digest TEXT NOT NULL PRIMARY KEY,
    expires_at TIMESTAMP NOT NULL
);

CREATE INDEX revoked_tokens_expires_at_idx ON revoked_tokens (expires_at);

-- +goose Down
DROP TABLE revoked_tokens;
DROP TABLE access_tokens;
DROP TABLE users;
