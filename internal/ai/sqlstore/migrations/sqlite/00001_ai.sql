-- +goose Up
-- The last recommendation per event: the durable copy behind the
-- ai:recommendation:{eventId} cache (1 h), so the "cached previous result"
-- fallback and the owner's choice survive restarts and cache expiry.
CREATE TABLE ai_recommendations (
    event_id     TEXT PRIMARY KEY,
    owner_id     TEXT NOT NULL,
    variant      INTEGER NOT NULL DEFAULT 0,
    job_id       TEXT NOT NULL DEFAULT '',
    ai_provider  TEXT NOT NULL,
    doc          TEXT NOT NULL,
    generated_at INTEGER NOT NULL, -- Unix microseconds
    updated_at   INTEGER NOT NULL
);

-- +goose Down
DROP TABLE ai_recommendations;
