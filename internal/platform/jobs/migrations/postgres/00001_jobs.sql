-- +goose Up
CREATE TABLE jobs (
    id          TEXT PRIMARY KEY,
    owner_id    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    subject_id  TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,
    progress    INTEGER NOT NULL DEFAULT 0,
    message     TEXT NOT NULL DEFAULT '',
    input       TEXT NOT NULL DEFAULT '{}',
    result_url  TEXT NOT NULL DEFAULT '',
    error_code  TEXT NOT NULL DEFAULT '',
    attempts    INTEGER NOT NULL DEFAULT 0,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX jobs_owner ON jobs (owner_id, created_at);
CREATE INDEX jobs_status ON jobs (status);
CREATE INDEX jobs_expires ON jobs (expires_at);
-- +goose Down
DROP TABLE jobs;
