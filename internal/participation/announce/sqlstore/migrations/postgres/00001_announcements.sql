-- +goose Up
-- Advertising messages of an event to the shop's consenting past
-- participants (one per event), and their recipients. A recipient is known
-- by the keyed phone hash only: the number is read from the marketing list
-- when the message is sent. Times are Unix microseconds.
CREATE TABLE announcements (
    id             TEXT COLLATE "C" PRIMARY KEY,
    event_id       TEXT COLLATE "C" NOT NULL UNIQUE,
    owner_id       TEXT COLLATE "C" NOT NULL,
    body           TEXT NOT NULL,
    sender_name    TEXT NOT NULL,
    sender_contact TEXT NOT NULL,
    preview        TEXT NOT NULL,
    status         TEXT NOT NULL,
    recipients     BIGINT NOT NULL,
    scheduled_at   BIGINT NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE INDEX announcements_due ON announcements (scheduled_at) WHERE status = 'SCHEDULED';

CREATE TABLE announcement_recipients (
    announcement_id TEXT COLLATE "C" NOT NULL REFERENCES announcements (id),
    n               BIGINT NOT NULL,
    phone_hash      TEXT COLLATE "C" NOT NULL,
    optout_token    TEXT COLLATE "C" NOT NULL UNIQUE,
    status          TEXT NOT NULL,
    code            TEXT NOT NULL DEFAULT '',
    channel         TEXT NOT NULL DEFAULT '',
    request_id      TEXT NOT NULL DEFAULT '',
    attempts        BIGINT NOT NULL DEFAULT 0,
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (announcement_id, n)
);
-- Dispatch looks for recipients waiting too long (deferred, lost, stuck).
CREATE INDEX announcement_recipients_open ON announcement_recipients (status, updated_at)
    WHERE status IN ('PENDING', 'SENDING', 'DEFERRED');

-- +goose Down
DROP TABLE announcement_recipients;
DROP TABLE announcements;
