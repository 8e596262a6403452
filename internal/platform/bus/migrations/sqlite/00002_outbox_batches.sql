-- +goose Up
-- A row may carry a batch of events of one subject (EnqueueMany): batch is
-- their number and payload a JSON array of them; 0 is a single event. The
-- relay publishes each as its own message, with the id "<row id>.<index>",
-- so consumers see exactly what one row per event gave them, while the
-- database writes, marks and deletes one row per group commit instead of
-- one per entry.
ALTER TABLE bus_outbox ADD COLUMN batch INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE bus_outbox DROP COLUMN batch;
