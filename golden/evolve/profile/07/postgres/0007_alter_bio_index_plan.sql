-- Migration 0007, written by authgen: alter bio, index plan.
-- A migration that has run must never change: authgen adds new ones when authgen.yaml does.

-- +goose Up
ALTER TABLE users ALTER COLUMN bio TYPE TEXT;
CREATE INDEX users_plan_idx ON users (plan);

-- +goose Down
DROP INDEX users_plan_idx;
ALTER TABLE users ALTER COLUMN bio TYPE VARCHAR(100);
