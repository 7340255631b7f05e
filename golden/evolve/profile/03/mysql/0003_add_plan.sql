-- Migration 0003, written by authgen: add plan.
-- A migration that has run must never change: authgen adds new ones when authgen.yaml does.

-- +goose Up
ALTER TABLE users ADD COLUMN plan VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT 'free';

-- +goose Down
ALTER TABLE users DROP COLUMN plan;
