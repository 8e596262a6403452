package db_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/testenv"
)

// sameDatabase returns a function that opens another handle on one fresh
// database (a SQLite file, or a fresh PostgreSQL schema), as separate
// processes would.
func sameDatabase(t *testing.T, dialect db.Dialect) func(cfg db.Config) *db.DB {
	t.Helper()
	ctx := context.Background()
	var base db.Config
	if dialect == db.SQLite {
		base.Path = filepath.Join(t.TempDir(), "test.db")
	} else {
		server := testenv.PostgresURL(t)
		admin, err := sql.Open("pgx", server)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { admin.Close() })
		var b [6]byte
		_, _ = rand.Read(b[:])
		schema := "t_migrate_" + hex.EncodeToString(b[:])
		if _, err := admin.ExecContext(ctx, `CREATE SCHEMA "`+schema+`"`); err != nil {
			t.Fatalf("create schema: %v", err)
		}
		t.Cleanup(func() { _, _ = admin.ExecContext(context.Background(), `DROP SCHEMA "`+schema+`" CASCADE`) })
		u, err := url.Parse(server)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		base.PostgresURL, base.MaxConns = u.String(), 4
	}
	return func(cfg db.Config) *db.DB {
		t.Helper()
		cfg.Path, cfg.PostgresURL = base.Path, base.PostgresURL
		if cfg.MaxConns == 0 {
			cfg.MaxConns = base.MaxConns
		}
		d, err := db.Open(ctx, cfg)
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		t.Cleanup(func() { d.Close() })
		return d
	}
}

// appliedVersions lists the rows goose recorded, in order.
func appliedVersions(t *testing.T, d *db.DB) []int64 {
	t.Helper()
	rows, err := d.QueryContext(context.Background(), "SELECT version_id FROM goose_items WHERE is_applied ORDER BY id")
	if err != nil {
		t.Fatalf("read version table: %v", err)
	}
	defer rows.Close()
	var got []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	return got
}

// Replicas that start at once all migrate successfully, and each migration
// is applied exactly once: first on a fresh schema, then on one that is a
// version behind (where goose's own retry around creating its version table
// no longer staggers them). Without the advisory lock they apply the same
// version side by side and all but one fail.
func TestConcurrentMigrationsOnPostgres(t *testing.T) {
	const replicas = 8
	open := sameDatabase(t, db.Postgres)
	dbs := make([]*db.DB, replicas)
	for i := range dbs {
		dbs[i] = open(db.Config{})
	}
	full := os.DirFS("testdata/migrations")
	first := fstest.MapFS{}
	for _, dialect := range []string{"sqlite", "postgres"} {
		name := dialect + "/00001_items.sql"
		b, err := fs.ReadFile(full, name)
		if err != nil {
			t.Fatal(err)
		}
		first[name] = &fstest.MapFile{Data: b}
	}
	for _, round := range []struct {
		name string
		fsys fs.FS
		want []int64 // goose records version 0 when it creates its table
	}{
		{"fresh schema", first, []int64{0, 1}},
		{"one version behind", full, []int64{0, 1, 2}},
	} {
		start := make(chan struct{})
		errs := make([]error, replicas)
		var wg sync.WaitGroup
		for i, d := range dbs {
			wg.Go(func() {
				<-start
				errs[i] = d.Migrate(context.Background(), "items", round.fsys)
			})
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("%s: replica %d: %v", round.name, i, err)
			}
		}
		if got := appliedVersions(t, dbs[0]); !slices.Equal(got, round.want) {
			t.Fatalf("%s: recorded versions = %v, want %v", round.name, got, round.want)
		}
	}
	// No replica holds the lock afterwards: a later run gets it at once.
	if err := dbs[replicas-1].Migrate(context.Background(), "items", full); err != nil {
		t.Fatalf("migrate after the race: %v", err)
	}
}

// A process told not to migrate refuses a schema that is behind, without
// writing anything, and accepts it once migrated.
func TestVerifyOnly(t *testing.T) {
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			open := sameDatabase(t, dialect)
			verify := open(db.Config{VerifyOnly: true})
			fsys := os.DirFS("testdata/migrations")

			err := verify.Migrate(ctx, "items", fsys)
			if !errors.Is(err, db.ErrSchemaBehind) {
				t.Fatalf("verify on a fresh database = %v, want ErrSchemaBehind", err)
			}
			var n int
			if err := verify.QueryRowContext(ctx, "SELECT COUNT(*) FROM goose_items").Scan(&n); err == nil {
				t.Errorf("verification created the version table (%d rows)", n)
			}

			// Only the first migration applied: still behind.
			writer := open(db.Config{})
			if _, err := writer.ExecContext(ctx, "CREATE TABLE items (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at TIMESTAMP NOT NULL)"); err != nil {
				t.Fatal(err)
			}
			if _, err := writer.ExecContext(ctx, "CREATE TABLE goose_items (id INTEGER PRIMARY KEY, version_id BIGINT NOT NULL, is_applied BOOLEAN NOT NULL, tstamp TIMESTAMP)"); err != nil {
				t.Fatal(err)
			}
			if _, err := writer.ExecContext(ctx, "INSERT INTO goose_items (id, version_id, is_applied) VALUES (1, 0, TRUE), (2, 1, TRUE)"); err != nil {
				t.Fatal(err)
			}
			if err := verify.Migrate(ctx, "items", fsys); !errors.Is(err, db.ErrSchemaBehind) {
				t.Fatalf("verify with version 2 missing = %v, want ErrSchemaBehind", err)
			}
			if _, err := writer.ExecContext(ctx, "DROP TABLE goose_items"); err != nil {
				t.Fatal(err)
			}
			if _, err := writer.ExecContext(ctx, "DROP TABLE items"); err != nil {
				t.Fatal(err)
			}

			if err := writer.Migrate(ctx, "items", fsys); err != nil {
				t.Fatalf("migrate: %v", err)
			}
			if err := verify.Migrate(ctx, "items", fsys); err != nil {
				t.Errorf("verify after migrating = %v, want nil", err)
			}
		})
	}
}
