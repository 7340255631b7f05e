-- Migration 0001, written by authgen: the users table.
-- A migration that has run must never change: authgen adds new ones when authgen.yaml does.

-- +goose Up
CREATE TABLE users (
    id UUID NOT NULL PRIMARY KEY,
    email TEXT NOT NULL,
    -- The email lower-cased: two addresses differing only in case are one account.
    -- Byte order ("C") lets the user list page through it with its index.
    normalized_email TEXT COLLATE "C" NOT NULL,
    hashed_password TEXT NOT NULL,
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    is_superuser BOOLEAN NOT NULL DEFAULT FALSE,
    is_verified BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE UNIQUE INDEX users_normalized_email_key ON users (normalized_email);

-- The access tokens of the database strategy.
CREATE TABLE access_tokens (
    -- The token's SHA-256 in hex: the token itself is never stored.
    token CHAR(64) NOT NULL PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX access_tokens_user_id_idx ON access_tokens (user_id);
CREATE INDEX access_tokens_created_at_idx ON access_tokens (created_at);

-- When each user's sessions last ended: tokens issued before not_before
-- no longer authenticate, but kept_token, the token that changed the password.
CREATE TABLE user_sessions (
    user_id UUID NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    not_before TIMESTAMPTZ NOT NULL,
    -- The SHA-256 in hex of the token that survives, or null.
    kept_token CHAR(64) NULL
);

-- How full each bucket of the limits against guessing and floods is.
CREATE TABLE rate_limits (
    bucket CHAR(64) NOT NULL PRIMARY KEY,
    fill DOUBLE PRECISION NOT NULL,
    -- Microseconds since 1970.
    updated_at BIGINT NOT NULL
);

CREATE INDEX rate_limits_updated_at_idx ON rate_limits (updated_at);

-- +goose Down
DROP TABLE rate_limits;
DROP TABLE user_sessions;
DROP TABLE access_tokens;
DROP TABLE users;
