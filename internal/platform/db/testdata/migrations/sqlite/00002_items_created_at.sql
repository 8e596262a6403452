-- +goose Up
CREATE INDEX items_created_at ON items (created_at);
-- +goose Down
DROP INDEX items_created_at;
