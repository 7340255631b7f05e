-- Migration 0002, written by authgen: add user sessions, add rate limits.
-- A migration that has run must never change: authgen adds new ones when authgen.yaml does.

-- +goose Up
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
