-- +goose Up
-- The participation service's copy of approved events, with the per-event
-- counter row that the group committer locks and updates once per batch.
CREATE TABLE participation_events (
    id               TEXT PRIMARY KEY,
    owner_id         TEXT NOT NULL,
    store_id         TEXT NOT NULL DEFAULT '',
    code             TEXT NOT NULL UNIQUE,
    title            TEXT NOT NULL,
    store_name       TEXT NOT NULL,
    benefit          TEXT NOT NULL,
    description      TEXT NOT NULL,
    method           TEXT NOT NULL,
    coupon_count     BIGINT NOT NULL DEFAULT 0,
    winner_count     BIGINT NOT NULL DEFAULT 0,
    starts_at        BIGINT NOT NULL, -- Unix microseconds
    ends_at          BIGINT NOT NULL,
    status           TEXT NOT NULL,
    entry_seq        BIGINT NOT NULL DEFAULT 0,
    store_visits     BIGINT NOT NULL DEFAULT 0,
    coupons_issued   BIGINT NOT NULL DEFAULT 0,
    coupons_redeemed BIGINT NOT NULL DEFAULT 0,
    sold_out_at      BIGINT,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX participation_events_owner ON participation_events (owner_id);

-- One row per entry. The phone number is kept as a keyed hash (unique per
-- event: the one-entry-per-phone rule lives in the database) and an AES-GCM
-- ciphertext; masked copies serve the owner's list without decrypting.
CREATE TABLE participation_entries (
    event_id           TEXT NOT NULL REFERENCES participation_events (id),
    entry_number       BIGINT NOT NULL,
    phone_hash         TEXT NOT NULL,
    phone_enc          TEXT NOT NULL,
    name_enc           TEXT NOT NULL,
    phone_masked       TEXT NOT NULL,
    name_masked        TEXT NOT NULL,
    phone_last4        TEXT NOT NULL,
    store_visit        SMALLINT NOT NULL DEFAULT 0,
    marketing          SMALLINT NOT NULL DEFAULT 0,
    channel            TEXT NOT NULL DEFAULT '',
    coupon_code        TEXT,
    coupon_redeemed_at BIGINT,
    created_at         BIGINT NOT NULL,
    purged_at          BIGINT,
    PRIMARY KEY (event_id, entry_number),
    UNIQUE (event_id, phone_hash)
);
-- Only first-come entries carry a coupon; lottery entries add nothing here.
CREATE UNIQUE INDEX participation_entries_coupon ON participation_entries (coupon_code) WHERE coupon_code IS NOT NULL;
CREATE INDEX participation_entries_last4 ON participation_entries (event_id, phone_last4);

-- +goose Down
DROP TABLE participation_entries;
DROP TABLE participation_events;
