-- +goose Up
-- The access token issued with each refresh token, so revoking a family
-- (reuse of a rotated token, log-out) also revokes the access tokens it
-- handed out instead of leaving them valid for up to an hour.
ALTER TABLE refresh_tokens ADD COLUMN access_jti TEXT;
ALTER TABLE refresh_tokens ADD COLUMN access_expires_at TIMESTAMPTZ;
-- +goose Down
ALTER TABLE refresh_tokens DROP COLUMN access_expires_at;
ALTER TABLE refresh_tokens DROP COLUMN access_jti;
