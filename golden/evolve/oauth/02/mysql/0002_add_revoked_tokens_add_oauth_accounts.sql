-- Migration 0002, written by authgen: add revoked tokens, add oauth accounts.
-- A migration that has run must never change: authgen adds new ones when authgen.yaml does.

-- +goose Up
-- The JWTs that logout revoked, until they expire.
CREATE TABLE revoked_tokens (
    -- The token's SHA-256 in hex: the token itself is never stored.
    digest CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    expires_at DATETIME(6) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE INDEX revoked_tokens_expires_at_idx ON revoked_tokens (expires_at);
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
DROP TABLE revoked_tokens;
