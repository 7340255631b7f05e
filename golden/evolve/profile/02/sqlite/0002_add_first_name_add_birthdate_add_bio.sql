-- Migration 0002, written by authgen: add first name, add birthdate, add bio.
-- A migration that has run must never change: authgen adds new ones when authgen.yaml does.

-- +goose Up
ALTER TABLE users ADD COLUMN first_name TEXT DEFAULT '';
ALTER TABLE users ADD COLUMN birthdate DATE;
ALTER TABLE users ADD COLUMN bio TEXT;

-- +goose Down
ALTER TABLE users DROP COLUMN bio;
ALTER TABLE users DROP COLUMN birthdate;
ALTER TABLE users DROP COLUMN first_name;
