-- Migration 0001, written by authgen: the users table.
-- A migration that has run must never change: authgen adds new ones when authgen.yaml does.

-- +goose Up
CREATE TABLE users (
    id CHAR(36) NOT NULL PRIMARY KEY,
    email VARCHAR(320) NOT NULL,
    -- The email lower-cased: two addresses differing only in case are one account.
    -- Binary collation compares it byte for byte, as the service does.
    normalized_email VARCHAR(320) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    hashed_password VARCHAR(1024) NOT NULL,
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    is_superuser BOOLEAN NOT NULL DEFAULT FALSE,
    is_verified BOOLEAN NOT NULL DEFAULT FALSE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE UNIQUE INDEX users_normalized_email_key ON users (normalized_email);

-- The access tokens of the database strategy.
CREATE TABLE access_tokens (
    -- The token's SHA-256 in hex: the token itself is never stored.
    token CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    user_id CHAR(36) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    CONSTRAINT access_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE INDEX access_tokens_created_at_idx ON access_tokens (created_at);

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
DROP TABLE access_tokens;
DROP TABLE users;
