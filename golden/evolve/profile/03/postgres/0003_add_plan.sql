-- Migration 0003, written by authgen: add plan.
-- A migration that has run must never change: authgen adds new ones when authgen.yaml does.

-- +goose Up
ALTER TABLE users ADD COLUMN plan VARCHAR(64) NOT NULL DEFAULT 'free';

-- +goose Down
ALTER TABLE users DROP COLUMN plan;
