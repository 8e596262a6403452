-- +goose Up
CREATE TABLE users (
    id                     TEXT PRIMARY KEY,
    email                  TEXT NOT NULL UNIQUE,
    password_hash          TEXT NOT NULL,
    owner_name             TEXT NOT NULL,
    phone_enc              TEXT NOT NULL,
    phone_hash             TEXT NOT NULL,
    business_number_enc    TEXT NOT NULL,
    business_number_hash   TEXT NOT NULL UNIQUE,
    verification           TEXT NOT NULL,
    failed_logins          INTEGER NOT NULL DEFAULT 0,
    locked_until           TIMESTAMP,
    created_at             TIMESTAMP NOT NULL,
    updated_at             TIMESTAMP NOT NULL
);
CREATE TABLE stores (
    id          TEXT PRIMARY KEY,
    owner_id    TEXT NOT NULL UNIQUE REFERENCES users (id),
    name        TEXT NOT NULL,
    industry    TEXT NOT NULL,
    sido        TEXT NOT NULL,
    sigungu     TEXT NOT NULL,
    address     TEXT NOT NULL,
    phone       TEXT NOT NULL DEFAULT '',
    updated_at  TIMESTAMP NOT NULL
);
CREATE TABLE refresh_tokens (
    token_hash  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id),
    family_id   TEXT NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP,
    revoked_at  TIMESTAMP,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE TABLE user_identities (
    provider    TEXT NOT NULL,
    subject     TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id),
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (provider, subject)
);
-- +goose Down
DROP TABLE user_identities;
DROP TABLE refresh_tokens;
DROP TABLE stores;
DROP TABLE users;
