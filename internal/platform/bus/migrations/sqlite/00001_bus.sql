-- +goose Up
-- Outbox: one row per event written in the producer's transaction. id is a
-- UUIDv7 (time-ordered) and is also the broker's Nats-Msg-Id. Times are unix
-- microseconds. published_at is NULL while the row waits for the relay.
CREATE TABLE bus_outbox (
    id           TEXT PRIMARY KEY,
    subject      TEXT NOT NULL,
    payload      TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    published_at INTEGER
);
CREATE INDEX bus_outbox_pending ON bus_outbox (id) WHERE published_at IS NULL;
CREATE INDEX bus_outbox_published ON bus_outbox (published_at) WHERE published_at IS NOT NULL;

-- Message ids each consumer has applied, written in the consumer's own
-- transaction so a redelivered message is applied once.
CREATE TABLE bus_processed_messages (
    consumer     TEXT NOT NULL,
    message_id   TEXT NOT NULL,
    processed_at INTEGER NOT NULL,
    PRIMARY KEY (consumer, message_id)
);
CREATE INDEX bus_processed_messages_at ON bus_processed_messages (processed_at);

-- +goose Down
DROP TABLE bus_processed_messages;
DROP TABLE bus_outbox;
