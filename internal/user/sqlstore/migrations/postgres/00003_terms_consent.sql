-- +goose Up
-- When the owner agreed to the terms and the privacy notice at sign-up
-- (NULL for accounts made before the consent step, or through the API
-- without it).
ALTER TABLE users ADD COLUMN terms_agreed_at TIMESTAMPTZ;
-- +goose Down
ALTER TABLE users DROP COLUMN terms_agreed_at;
