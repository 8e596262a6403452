package db_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/platform/db/dbtest"
)

func migrated(t *testing.T, d *db.DB) {
	t.Helper()
	fsys := os.DirFS("testdata/migrations")
	if err := d.Migrate(context.Background(), "items", fsys); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	// A second run is a no-op.
	if err := d.Migrate(context.Background(), "items", fsys); err != nil {
		t.Fatalf("migrate again: %v", err)
	}
}

func TestStore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		migrated(t, d)
		now := time.Now().UTC().Truncate(time.Millisecond)

		t.Run("commit and read back time", func(t *testing.T) {
			err := d.InTx(ctx, func(tx *db.Tx) error {
				_, err := tx.ExecContext(ctx, "INSERT INTO items (id, name, created_at) VALUES (?, ?, ?)", "a", "alpha", now)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			var got time.Time
			if err := d.QueryRowContext(ctx, "SELECT created_at FROM items WHERE id = ?", "a").Scan(&got); err != nil {
				t.Fatal(err)
			}
			if !got.Equal(now) {
				t.Errorf("created_at = %v, want %v", got, now)
			}
		})

		t.Run("rollback leaves nothing", func(t *testing.T) {
			boom := errors.New("boom")
			err := d.InTx(ctx, func(tx *db.Tx) error {
				if _, err := tx.ExecContext(ctx, "INSERT INTO items (id, name, created_at) VALUES (?, ?, ?)", "b", "beta", now); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("err = %v, want boom", err)
			}
			var n int
			d.QueryRowContext(ctx, "SELECT COUNT(*) FROM items WHERE id = 'b'").Scan(&n)
			if n != 0 {
				t.Errorf("rows after rollback = %d, want 0", n)
			}
		})

		t.Run("unique violation is recognised", func(t *testing.T) {
			_, err := d.ExecContext(ctx, "INSERT INTO items (id, name, created_at) VALUES (?, ?, ?)", "c", "alpha", now)
			if !db.IsUniqueViolation(err) {
				t.Errorf("IsUniqueViolation(%v) = false, want true", err)
			}
		})

		t.Run("concurrent writers never fail", func(t *testing.T) {
			var wg sync.WaitGroup
			errs := make(chan error, 200)
			for i := range 200 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs <- d.InTx(ctx, func(tx *db.Tx) error {
						_, err := tx.ExecContext(ctx, "INSERT INTO items (id, name, created_at) VALUES (?, ?, ?)",
							fmt.Sprint("w", i), fmt.Sprint("writer", i), now)
						return err
					})
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatalf("concurrent write: %v", err)
				}
			}
		})

		t.Run("after commit runs only on commit", func(t *testing.T) {
			ran := 0
			_ = d.InTx(ctx, func(tx *db.Tx) error { tx.AfterCommit(func() { ran++ }); return nil })
			_ = d.InTx(ctx, func(tx *db.Tx) error { tx.AfterCommit(func() { ran += 10 }); return errors.New("no") })
			if ran != 1 {
				t.Errorf("after-commit hooks ran %d, want 1", ran)
			}
		})
	})
}

func TestRebind(t *testing.T) {
	tests := []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"a = ? AND b = ?", "a = $1 AND b = $2"},
		{"x = '?' AND y = ?", "x = '?' AND y = $1"},
	}
	for _, tt := range tests {
		if got := db.Rebind(db.Postgres, tt.in); got != tt.want {
			t.Errorf("Rebind(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestInTxRelaxed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		migrated(t, d)
		err := d.InTxRelaxed(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, "INSERT INTO items (id, name, created_at) VALUES (?, ?, ?)", "r", "relaxed", time.Now().UTC())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var n int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM items WHERE id = 'r'").Scan(&n)
		if n != 1 {
			t.Errorf("relaxed commit not visible: %d rows", n)
		}
		if d.Dialect() == db.SQLite {
			// The writer goes back to the pool with its configured durability.
			var sync int
			if err := d.Writer().QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
				t.Fatal(err)
			}
			if sync != 2 { // FULL
				t.Errorf("writer synchronous = %d after a relaxed transaction, want 2 (FULL)", sync)
			}
		}
	})
}

// Tables that start empty and grow fast must not keep a generic plan made
// while they were empty (see Open): every PostgreSQL connection plans each
// statement for its parameters.
func TestPostgresPlansEachStatement(t *testing.T) {
	d := dbtest.Open(t, db.Postgres)
	ctx := context.Background()
	for i := 0; i < 3; i++ { // several pooled connections
		var mode string
		if err := d.QueryRowContext(ctx, "SHOW plan_cache_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if mode != "force_custom_plan" {
			t.Fatalf("plan_cache_mode = %q, want force_custom_plan", mode)
		}
	}
}

// The SQLite writer checkpoints rarely (see Open): a checkpoint on nearly
// every group commit had put database-file fsyncs on the writer's path.
func TestSQLiteCheckpointsRarely(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	var pages int
	if err := d.Writer().QueryRowContext(context.Background(), "PRAGMA wal_autocheckpoint").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if pages != 16384 {
		t.Errorf("wal_autocheckpoint = %d pages, want 16384", pages)
	}
}
