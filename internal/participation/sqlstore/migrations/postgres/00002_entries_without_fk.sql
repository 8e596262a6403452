-- +goose Up
-- The foreign key from entries to their event is checked by PostgreSQL with
-- one trigger and one query per inserted row; on a 10,000-entry burst that
-- was a fifth of the database's work (burst p99 0.84–1.19 s with it,
-- 0.67–0.83 s without, docs/benchmarks.md). The committer inserts entries
-- only after locking their event row in the same transaction, and events
-- are never deleted, so the check could never fail. (SQLite keeps it: there
-- it is one in-process B-tree probe.)
ALTER TABLE participation_entries DROP CONSTRAINT participation_entries_event_id_fkey;

-- +goose Down
ALTER TABLE participation_entries
    ADD CONSTRAINT participation_entries_event_id_fkey FOREIGN KEY (event_id) REFERENCES participation_events (id);
