-- Migration 0002, written by authgen: add user sessions, add rate limits.
-- A migration that has run must never change: authgen adds new ones when authgen.yaml does.

-- +goose Up
-- When each user's sessions last ended: tokens issued before not_before
-- no longer authenticate, but kept_token, the token that changed the password.
CREATE TABLE user_sessions (
    user_id CHAR(36) NOT NULL PRIMARY KEY,
    not_before DATETIME(6) NOT NULL,
    -- The SHA-256 in hex of the token that survives, or null.
    kept_token CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
    CONSTRAINT user_sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
-- How full each bucket of the limits against guessing and floods is.
CREATE TABLE rate_limits (
    bucket CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    fill DOUBLE PRECISION NOT NULL,
    -- Microseconds since 1970.
    updated_at BIGINT NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE INDEX rate_limits_updated_at_idx ON rate_limits (updated_at);

-- +goose Down
DROP TABLE rate_limits;
DROP TABLE user_sessions;
