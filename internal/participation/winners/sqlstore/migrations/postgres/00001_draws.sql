-- +goose Up
-- Draw records are immutable once DRAWN: a redraw is a new row that names
-- the draw it replaces (redraw_of). Times are Unix microseconds (UTC).
CREATE TABLE draws (
    id                   TEXT PRIMARY KEY,
    event_id             TEXT NOT NULL,
    owner_id             TEXT NOT NULL,
    status               TEXT NOT NULL CHECK (status IN ('PENDING', 'DRAWN')),
    commitment           TEXT NOT NULL,
    seed_enc             TEXT NOT NULL,
    seed                 TEXT NOT NULL DEFAULT '',
    algorithm            TEXT NOT NULL DEFAULT '',
    entry_list_hash      TEXT NOT NULL DEFAULT '',
    entry_count          BIGINT NOT NULL DEFAULT 0,
    visit_count          BIGINT NOT NULL DEFAULT 0,
    winner_count         BIGINT NOT NULL DEFAULT 0,
    visit_bonus_weight   DOUBLE PRECISION NOT NULL DEFAULT 0,
    exclusions           TEXT NOT NULL DEFAULT '[]',
    redraw_of            TEXT REFERENCES draws (id),
    reason               TEXT NOT NULL DEFAULT '',
    committed_in_advance BOOLEAN NOT NULL DEFAULT FALSE,
    committed_at         BIGINT NOT NULL,
    drawn_at             BIGINT,
    created_at           BIGINT NOT NULL
);
CREATE INDEX draws_event ON draws (event_id, created_at);
-- One pending commitment per event, one first draw per event, and a draw
-- can be redrawn only once: concurrent requests cannot fork the history.
CREATE UNIQUE INDEX draws_one_pending ON draws (event_id) WHERE status = 'PENDING';
CREATE UNIQUE INDEX draws_one_first ON draws (event_id) WHERE status = 'DRAWN' AND redraw_of IS NULL;
CREATE UNIQUE INDEX draws_one_redraw ON draws (redraw_of) WHERE redraw_of IS NOT NULL;

-- One row per winner and draw: the primary key is what makes a second
-- notification for the same winner and draw impossible.
CREATE TABLE draw_winners (
    draw_id            TEXT NOT NULL REFERENCES draws (id),
    entry_number       BIGINT NOT NULL,
    win_rank           BIGINT NOT NULL,
    store_visit        BOOLEAN NOT NULL DEFAULT FALSE,
    name_masked        TEXT NOT NULL DEFAULT '',
    phone_masked       TEXT NOT NULL DEFAULT '',
    notify_status      TEXT NOT NULL,
    notify_channel     TEXT NOT NULL DEFAULT '',
    notify_request_id  TEXT NOT NULL DEFAULT '',
    notify_message_id  TEXT NOT NULL DEFAULT '',
    notify_fallback    BOOLEAN NOT NULL DEFAULT FALSE,
    notify_attempts    BIGINT NOT NULL DEFAULT 0,
    notify_code        TEXT NOT NULL DEFAULT '',
    notify_updated_at  BIGINT NOT NULL,
    prize_delivered_at BIGINT,
    PRIMARY KEY (draw_id, entry_number)
);
CREATE INDEX draw_winners_status ON draw_winners (notify_status, notify_updated_at);

-- The entry list drawn from (entry numbers and store-visit flags only).
CREATE TABLE draw_entry_lists (
    draw_id TEXT PRIMARY KEY REFERENCES draws (id),
    data    BYTEA NOT NULL
);

-- Events whose participants' personal data is still to be destroyed.
CREATE TABLE draw_retention (
    event_id             TEXT PRIMARY KEY,
    method               TEXT NOT NULL DEFAULT '',
    ended_at             BIGINT,
    cancelled            BOOLEAN NOT NULL DEFAULT FALSE,
    nonwinners_purged_at BIGINT,
    done_at              BIGINT
);
CREATE INDEX draw_retention_done ON draw_retention (done_at);

-- +goose Down
DROP TABLE draw_retention;
DROP TABLE draw_entry_lists;
DROP TABLE draw_winners;
DROP TABLE draws;
