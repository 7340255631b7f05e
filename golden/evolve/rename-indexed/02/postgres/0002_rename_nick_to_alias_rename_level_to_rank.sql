-- Migration 0002, written by authgen: rename nick to alias, rename level to rank.
-- A migration that has run must never change: authgen adds new ones when authgen.yaml does.

-- +goose Up
ALTER TABLE users RENAME COLUMN nick TO alias;
DROP INDEX users_nick_key;
CREATE UNIQUE INDEX users_alias_key ON users (alias);
ALTER TABLE users RENAME COLUMN level TO rank;
DROP INDEX users_level_idx;
CREATE INDEX users_rank_idx ON users (rank);

-- +goose Down
DROP INDEX users_rank_idx;
ALTER TABLE users RENAME COLUMN rank TO level;
CREATE INDEX users_level_idx ON users (level);
DROP INDEX users_alias_key;
ALTER TABLE users RENAME COLUMN alias TO nick;
CREATE UNIQUE INDEX users_nick_key ON users (nick);
