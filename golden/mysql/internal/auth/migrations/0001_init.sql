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
    is_verified BOOLEAN NOT NULL DEFAULT FALSE,
    nickname VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    bio LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    age BIGINT NOT NULL,
    score DOUBLE,
    newsletter BOOLEAN,
    handle VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    birthdate DATE NOT NULL DEFAULT '2000-01-01',
    joined DATETIME(6) DEFAULT '2024-01-01 00:00:00',
    team_id CHAR(36),
    plan VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT 'free',
    motto LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT ('it''s \\ fine')
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE UNIQUE INDEX users_normalized_email_key ON users (normalized_email);
CREATE UNIQUE INDEX users_handle_key ON users (handle);

-- The JWTs that logout revoked, until they expire.
CREATE TABLE revoked_tokens (
    -- The token's SHA-256 in hex: the token itself is never stored.
    digest CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    expires_at DATETIME(6) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE INDEX revoked_tokens_expires_at_idx ON revoked_tokens (expires_at);

-- When each user's sessions last ended: tokens issued before not_before
-- no longer authenticate, but kept_token, the token that changed the password.
CREATE TABLE user_sessions (
    user_id CHAR(36) NOT NULL PRIMARY KEY,
    not_before DATETIME(6) NOT NULL,
    -- The SHA-256 in hex of the token that survives, or null.
    kept_token CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
    CONSTRAINT user_sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- The provider accounts linked to users: one user per (oauth_name, account_id).
CREATE TABLE oauth_accounts (
    id CHAR(36) NOT NULL PRIMARY KEY,
    user_id CHAR(36) NOT NULL,
    -- The provider's name in authgen.yaml, and its id of the account.
    oauth_name VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    account_id VARCHAR(320) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    account_email VARCHAR(320) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    -- The provider's tokens, encrypted with a key derived from the service's secret.
    access_token LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    refresh_token LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    -- Epoch seconds.
    expires_at BIGINT NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    CONSTRAINT oauth_accounts_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE UNIQUE INDEX oauth_accounts_oauth_name_account_id_key ON oauth_accounts (oauth_name, account_id);

-- +goose Down
DROP TABLE oauth_accounts;
DROP TABLE user_sessions;
DROP TABLE revoked_tokens;
DROP TABLE users;
