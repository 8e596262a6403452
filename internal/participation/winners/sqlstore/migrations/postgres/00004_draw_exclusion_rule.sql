-- +goose Up
-- The rule that chose part of a draw's exclusions ('' = none;
-- 'flagged_shared_ip': every entry flagged for review was excluded).
ALTER TABLE draws ADD COLUMN exclusion_rule TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE draws DROP COLUMN exclusion_rule;
