-- Migration 0007, written by authgen: alter bio, index plan.
-- A migration that has run must never change: authgen adds new ones when authgen.yaml does.

-- +goose Up
ALTER TABLE users MODIFY COLUMN bio LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE INDEX users_plan_idx ON users (plan);

-- +goose Down
DROP INDEX users_plan_idx ON users;
ALTER TABLE users MODIFY COLUMN bio VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
