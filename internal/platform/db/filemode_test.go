package db_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/autoevent/autoevent/internal/platform/db"
)

// The database holds password hashes and keyed lookups: other local users
// must not read it, nor its WAL, nor its shared-memory index.
func TestSQLiteFilesOwnerOnly(t *testing.T) {
	ctx := context.Background()
	check := func(t *testing.T, path string, want os.FileMode) {
		t.Helper()
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s mode = %o, want %o", filepath.Base(path), got, want)
		}
	}
	t.Run("new data directory", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "data")
		path := filepath.Join(dir, "autoevent.db")
		d, err := db.Open(ctx, db.Config{Path: path})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		if _, err := d.ExecContext(ctx, `CREATE TABLE t (x INTEGER)`); err != nil {
			t.Fatal(err)
		}
		check(t, dir, 0o700)
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			check(t, p, 0o600)
		}
	})
	t.Run("files left world-readable by an earlier version", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "autoevent.db")
		for _, p := range []string{path, path + "-wal"} {
			if err := os.WriteFile(p, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(p, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		d, err := db.Open(ctx, db.Config{Path: path})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		if _, err := d.ExecContext(ctx, `CREATE TABLE t (x INTEGER)`); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			check(t, p, 0o600)
		}
	})
}
