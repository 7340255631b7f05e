-- Migration 0006, written by authgen: rename first name to given name.
-- A migration that has run must never change: authgen adds new ones when authgen.yaml does.

-- +goose Up
ALTER TABLE users RENAME COLUMN first_name TO given_name;

-- +goose Down
ALTER TABLE users RENAME COLUMN given_name TO first_name;
