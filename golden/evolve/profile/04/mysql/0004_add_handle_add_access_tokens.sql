-- Migration 0004, written by authgen: add handle, add access tokens.
-- A migration that has run must never change: authgen adds new ones when authgen.yaml does.

-- +goose Up
ALTER TABLE users ADD COLUMN handle VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE UNIQUE INDEX users_handle_key ON users (handle);
-- The access tokens of the database strategy.
CREATE TABLE access_tokens (
    -- The token's SHA-256 in hex: the token itself is never stored.
    token CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    user_id CHAR(36) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    CONSTRAINT access_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE INDEX access_tokens_created_at_idx ON access_tokens (created_at);

-- +goose Down
DROP TABLE access_tokens;
DROP INDEX users_handle_key ON users;
ALTER TABLE users DROP COLUMN handle;
