-- Migration 0002, written by authgen: add user sessions.
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

-- +goose Down
DROP TABLE user_sessions;
