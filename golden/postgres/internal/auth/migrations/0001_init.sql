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
    is_verified BOOLEAN NOT NULL DEFAULT FALSE,
    first_name VARCHAR(255) NOT NULL,
    bio TEXT,
    age BIGINT DEFAULT 18,
    score DOUBLE PRECISION,
    newsletter BOOLEAN NOT NULL DEFAULT FALSE,
    handle VARCHAR(255),
    birthdate DATE,
    joined TIMESTAMPTZ,
    team_id UUID,
    plan VARCHAR(64) DEFAULT 'free'
);

CREATE UNIQUE INDEX users_normalized_email_key ON users (normalized_email);
CREATE UNIQUE INDEX users_handle_key ON users (handle);
CREATE INDEX users_team_id_idx ON users (team_id);

-- The access tokens of the database strategy.
CREATE TABLE access_tokens (
    -- The token's SHA-256 in hex: the token itself is never stored.
    token CHAR(64) NOT NULL PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX access_tokens_user_id_idx ON access_tokens (user_id);
CREATE INDEX access_tokens_created_at_idx ON access_tokens (created_at);

-- The JWTs that logout revoked, until they expire.
CREATE TABLE revoked_tokens (
    -- The token's SHA-256 in hex: the token itself is never stored.
    digest CHAR(64) NOT NULL PRIMARY KEY,
    expires_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX revoked_tokens_expires_at_idx ON revoked_tokens (expires_at);

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

-- The provider accounts linked to users: one user per (oauth_name, account_id).
CREATE TABLE oauth_accounts (
    id UUID NOT NULL PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The provider's name in authgen.yaml, and its id of the account.
    oauth_name VARCHAR(100) NOT NULL,
    account_id VARCHAR(320) NOT NULL,
    account_email VARCHAR(320) NOT NULL,
    -- The provider's tokens, encrypted with a key derived from the service's secret.
    access_token TEXT NOT NULL,
    refresh_token TEXT NULL,
    -- Epoch seconds.
    expires_at BIGINT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE UNIQUE INDEX oauth_accounts_oauth_name_account_id_key ON oauth_accounts (oauth_name, account_id);
CREATE INDEX oauth_accounts_user_id_idx ON oauth_accounts (user_id);

-- +goose Down
DROP TABLE oauth_accounts;
DROP TABLE rate_limits;
DROP TABLE user_sessions;
DROP TABLE revoked_tokens;
DROP TABLE access_tokens;
DROP TABLE users;
