-- +goose Up
-- A row may carry a batch of events of one subject (EnqueueMany): batch is
-- their number and payload a JSON array of them; 0 is a single event. The
-- relay publishes each as its own message, with the id "<row id>.<index>",
-- so consumers see exactly what one row per event gave them, while the
-- database writes, marks and deletes one row per group commit instead of
-- one per entry. Upgrading: stop every relay of the older version first (it
-- would publish a batch row as one JSON-array message). Rows already there
-- become single events (batch 0).
ALTER TABLE bus_outbox ADD COLUMN batch INTEGER NOT NULL DEFAULT 0;

-- +goose Down
-- Only with no batch rows left (let the relay publish them and the clean-up
-- delete them first): older versions would read a batch as one event.
ALTER TABLE bus_outbox DROP COLUMN batch;
