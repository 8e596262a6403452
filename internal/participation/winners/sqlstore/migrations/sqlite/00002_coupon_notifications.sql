-- +goose Up
-- Coupon holders' notifications (first-come events). The row is created by
-- the first delivery of the entry's work item and claimed before sending;
-- the primary key is what makes a second message for the same coupon
-- impossible. No personal data: the contact stays in the entry store.
CREATE TABLE coupon_notifications (
    event_id          TEXT NOT NULL,
    entry_number      INTEGER NOT NULL,
    notify_status     TEXT NOT NULL,
    notify_channel    TEXT NOT NULL DEFAULT '',
    notify_request_id TEXT NOT NULL DEFAULT '',
    notify_message_id TEXT NOT NULL DEFAULT '',
    notify_fallback   INTEGER NOT NULL DEFAULT 0,
    notify_attempts   INTEGER NOT NULL DEFAULT 0,
    notify_code       TEXT NOT NULL DEFAULT '',
    created_at        INTEGER NOT NULL,
    notify_updated_at INTEGER NOT NULL,
    PRIMARY KEY (event_id, entry_number)
);
CREATE INDEX coupon_notifications_status ON coupon_notifications (notify_status, notify_updated_at);

-- +goose Down
DROP TABLE coupon_notifications;
