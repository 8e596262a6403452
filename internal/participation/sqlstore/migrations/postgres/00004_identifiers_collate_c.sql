-- +goose Up
-- Identifiers, keyed hashes, codes and digits compare byte by byte: with
-- the database's linguistic collation every B-tree comparison of these
-- ~100-byte keys went through strcoll. The committer's write of a batch of
-- 1,000 entries took 34–42 µs per entry with "C" against 41–47 µs without
-- on a C.UTF-8 database (BenchmarkAddEntries), more on en_US.UTF-8.
-- Operators: the ALTERs rebuild every participation index under an
-- exclusive lock (seconds per million entries), and processes still running
-- the old version fail one statement per pooled connection with SQLSTATE
-- 0A000 (the committer retries it): migrate with the participation service
-- stopped or in a quiet hour.
ALTER TABLE participation_events
    ALTER COLUMN id TYPE TEXT COLLATE "C",
    ALTER COLUMN owner_id TYPE TEXT COLLATE "C",
    ALTER COLUMN code TYPE TEXT COLLATE "C";
ALTER TABLE participation_entries
    ALTER COLUMN event_id TYPE TEXT COLLATE "C",
    ALTER COLUMN phone_hash TYPE TEXT COLLATE "C",
    ALTER COLUMN phone_last4 TYPE TEXT COLLATE "C",
    ALTER COLUMN coupon_code TYPE TEXT COLLATE "C";
ALTER TABLE participation_marketing_contacts
    ALTER COLUMN owner_id TYPE TEXT COLLATE "C",
    ALTER COLUMN phone_hash TYPE TEXT COLLATE "C";

-- +goose Down
ALTER TABLE participation_events
    ALTER COLUMN id TYPE TEXT COLLATE "default",
    ALTER COLUMN owner_id TYPE TEXT COLLATE "default",
    ALTER COLUMN code TYPE TEXT COLLATE "default";
ALTER TABLE participation_entries
    ALTER COLUMN event_id TYPE TEXT COLLATE "default",
    ALTER COLUMN phone_hash TYPE TEXT COLLATE "default",
    ALTER COLUMN phone_last4 TYPE TEXT COLLATE "default",
    ALTER COLUMN coupon_code TYPE TEXT COLLATE "default";
ALTER TABLE participation_marketing_contacts
    ALTER COLUMN owner_id TYPE TEXT COLLATE "default",
    ALTER COLUMN phone_hash TYPE TEXT COLLATE "default";
