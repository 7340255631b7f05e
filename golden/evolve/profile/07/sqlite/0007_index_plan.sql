-- Migration 0007, written by authgen: index plan.
-- A migration that has run must never change: authgen adds new ones when authgen.yaml does.

-- +goose Up
CREATE INDEX users_plan_idx ON users (plan);

-- +goose Down
DROP INDEX users_plan_idx;
