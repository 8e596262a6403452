-- +goose Up
-- A redraw replaces only the winners it names (JSON array of entry
-- numbers); '[]' on a first draw and on whole-draw redraws recorded before.
ALTER TABLE draws ADD COLUMN replaces TEXT NOT NULL DEFAULT '[]';

-- +goose Down
ALTER TABLE draws DROP COLUMN replaces;
