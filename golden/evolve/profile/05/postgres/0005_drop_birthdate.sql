-- Migration 0005, written by authgen: drop birthdate.
-- A migration that has run must never change: authgen adds new ones when authgen.yaml does.

-- +goose Up
ALTER TABLE users DROP COLUMN birthdate;

-- +goose Down
ALTER TABLE users ADD COLUMN birthdate DATE;
