-- +goose Up
-- Customers who agreed, on an entry, to receive a shop's advertising: one
-- row per shop owner and phone number (the entries' keyed hash), with the
-- encrypted number. Entries' personal data is destroyed after the draw, but
-- a separate marketing consent is its own purpose: the contact is copied
-- here first and kept until the customer opts out (or the consent, two
-- years old, lapses and is no longer used). Times are Unix microseconds.
CREATE TABLE participation_marketing_contacts (
    owner_id        TEXT NOT NULL,
    phone_hash      TEXT NOT NULL,
    phone_enc       TEXT NOT NULL,
    consented_at    BIGINT NOT NULL,
    source_event_id TEXT NOT NULL,
    opted_out_at    BIGINT,
    PRIMARY KEY (owner_id, phone_hash)
);

-- +goose Down
DROP TABLE participation_marketing_contacts;
