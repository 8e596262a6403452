-- +goose Up
-- Nothing to do on SQLite: its default collation (BINARY) already compares
-- byte by byte. The PostgreSQL migration of this number declares the
-- identifiers COLLATE "C"; the file keeps both dialects' numbers aligned.
SELECT 1;

-- +goose Down
SELECT 1;
