-- +goose Up
-- One content set per event: the snapshot it was made from, the jobs and
-- the state the content page shows.
CREATE TABLE content_sets (
    event_id     TEXT PRIMARY KEY,
    owner_id     TEXT NOT NULL,
    status       TEXT NOT NULL,
    job_id       TEXT NOT NULL DEFAULT '',
    video_job_id TEXT NOT NULL DEFAULT '',
    notice       TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL DEFAULT '{}',
    styles       TEXT NOT NULL DEFAULT '[]',
    done         INTEGER NOT NULL DEFAULT 0,
    total        INTEGER NOT NULL DEFAULT 0,
    updated_at   INTEGER NOT NULL -- Unix microseconds
);
CREATE INDEX content_sets_owner ON content_sets (owner_id);

-- The current assets of each event; ids are stable per slot (kind, style
-- column, size), so regenerating replaces the row.
CREATE TABLE content_assets (
    id           TEXT PRIMARY KEY,
    event_id     TEXT NOT NULL,
    kind         TEXT NOT NULL,
    slot         TEXT NOT NULL DEFAULT '',
    style        TEXT NOT NULL DEFAULT '',
    size         TEXT NOT NULL DEFAULT '',
    width        INTEGER NOT NULL DEFAULT 0,
    height       INTEGER NOT NULL DEFAULT 0,
    duration_ms  INTEGER NOT NULL DEFAULT 0,
    blob_key     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    provider     TEXT NOT NULL DEFAULT '',
    sha256       TEXT NOT NULL DEFAULT '',
    bytes        INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL
);
CREATE INDEX content_assets_event ON content_assets (event_id, kind, slot, size);
CREATE INDEX content_assets_blob ON content_assets (blob_key);

-- Per-platform copy (one JSON document per platform).
CREATE TABLE content_copy (
    event_id TEXT NOT NULL,
    platform TEXT NOT NULL,
    doc      TEXT NOT NULL,
    PRIMARY KEY (event_id, platform)
);

-- Which style goes to which channel (the distribution service reads it).
CREATE TABLE content_channel_styles (
    event_id TEXT NOT NULL,
    channel  TEXT NOT NULL,
    style    TEXT NOT NULL,
    PRIMARY KEY (event_id, channel)
);

-- The owner's edits of single images (text, colours, style).
CREATE TABLE content_edits (
    event_id TEXT NOT NULL,
    asset_id TEXT NOT NULL,
    doc      TEXT NOT NULL,
    PRIMARY KEY (event_id, asset_id)
);

-- Every blob the service wrote or reused, for the 7-day cleanup of those
-- no asset points at any more.
CREATE TABLE content_blobs (
    blob_key  TEXT PRIMARY KEY,
    last_used INTEGER NOT NULL
);
CREATE INDEX content_blobs_last_used ON content_blobs (last_used);

-- +goose Down
DROP TABLE content_blobs;
DROP TABLE content_edits;
DROP TABLE content_channel_styles;
DROP TABLE content_copy;
DROP TABLE content_assets;
DROP TABLE content_sets;
