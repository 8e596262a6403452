-- +goose Up
-- Why an entry awaits the owner's review ('' = none; 'shared_ip': one
-- address sent more entries than a person would). Flagged entries are
-- taken, never refused; a draw may exclude them by a recorded rule.
ALTER TABLE participation_entries ADD COLUMN review TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE participation_entries DROP COLUMN review;
