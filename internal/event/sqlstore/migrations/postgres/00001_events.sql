-- +goose Up
-- The event service's events. Times are Unix microseconds (UTC) in both
-- dialects; 0 means unset. plan and channels are JSON documents.
CREATE TABLE events (
    id             TEXT PRIMARY KEY,
    owner_id       TEXT NOT NULL,
    store_id       TEXT NOT NULL,
    store_name     TEXT NOT NULL,
    industry       TEXT NOT NULL,
    region_sido    TEXT NOT NULL,
    region_sigungu TEXT NOT NULL,
    purpose        TEXT NOT NULL,
    purpose_text   TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL,
    plan           TEXT NOT NULL DEFAULT '',
    channels       TEXT NOT NULL DEFAULT '[]',
    ai_provider    TEXT NOT NULL DEFAULT '',
    recommended_at BIGINT NOT NULL DEFAULT 0,
    starts_at      BIGINT NOT NULL DEFAULT 0,
    ends_at        BIGINT NOT NULL DEFAULT 0,
    approved_at    BIGINT NOT NULL DEFAULT 0,
    ended_at       BIGINT NOT NULL DEFAULT 0,
    end_reason     TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    version        BIGINT NOT NULL DEFAULT 1
);
-- The owner's list, newest first (keyset pagination on created_at, id).
CREATE INDEX events_owner_created ON events (owner_id, created_at, id);
-- The ticker's two questions: which approved events start, which active end.
CREATE INDEX events_status_starts ON events (status, starts_at);
CREATE INDEX events_status_ends ON events (status, ends_at);

-- +goose Down
DROP TABLE events;
