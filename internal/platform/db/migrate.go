package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"slices"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/database"
)

// ErrSchemaBehind is returned by Migrate on a database opened with
// VerifyOnly when migrations are missing.
var ErrSchemaBehind = errors.New("db: database schema is behind this binary")

// Migrate applies the service's embedded migrations. fsys holds one folder
// per dialect ("sqlite", "postgres") of goose SQL files; each service keeps
// its own version table (goose_<service>) so services migrate independently.
//
// On PostgreSQL the run holds a session advisory lock keyed by the schema
// and the service, so replicas that start at once apply each migration
// once: the others wait, then find nothing left to do. On a database
// opened with VerifyOnly, Migrate only checks that nothing is pending and
// returns an error wrapping ErrSchemaBehind otherwise.
//
// An embed.FS of a "migrations" folder may be passed as is.
func (d *DB) Migrate(ctx context.Context, service string, fsys fs.FS) error {
	if st, err := fs.Stat(fsys, "migrations"); err == nil && st.IsDir() {
		fsys, _ = fs.Sub(fsys, "migrations")
	}
	sub, err := fs.Sub(fsys, string(d.dialect))
	if err != nil {
		return fmt.Errorf("db: migrations for %s: %w", service, err)
	}
	sd := database.DialectSQLite3
	if d.dialect == Postgres {
		sd = database.DialectPostgres
	}
	table := "goose_" + service
	store, err := database.NewStore(sd, table)
	if err != nil {
		return fmt.Errorf("db: migration store: %w", err)
	}
	p, err := goose.NewProvider("", d.write, sub, goose.WithStore(store), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("db: migrations for %s: %w", service, err)
	}
	if d.verifyOnly {
		return d.verifyMigrated(ctx, service, table, p.ListSources())
	}
	if d.dialect == Postgres {
		unlock, err := d.lockMigrations(ctx, table)
		if err != nil {
			return fmt.Errorf("db: migrate %s: %w", service, err)
		}
		defer unlock()
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("db: migrate %s: %w", service, err)
	}
	return nil
}

// lockMigrations takes the PostgreSQL session advisory lock of one version
// table in the current schema on a connection of its own (goose runs on
// other connections of the pool, so the pool needs at least two). It
// blocks until the lock is free or ctx ends. The key is derived from the
// schema as well, so tests in separate schemas do not wait for each other.
func (d *DB) lockMigrations(ctx context.Context, table string) (unlock func(), err error) {
	conn, err := d.write.Conn(ctx)
	if err != nil {
		return nil, err
	}
	const key = `hashtextextended('autoevent.migrate:' || current_schema() || '.' || $1, 0)`
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(`+key+`)`, table); err != nil {
		// A cancelled wait may leave the session in an unknown state:
		// drop the connection rather than return it to the pool.
		discard(conn)
		return nil, fmt.Errorf("advisory lock: %w", err)
	}
	return func() {
		var released bool
		err := conn.QueryRowContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(`+key+`)`, table).Scan(&released)
		if err != nil || !released {
			// A session lock outlives its holder's intent while the
			// connection lives: close it so the server releases the lock.
			discard(conn)
			return
		}
		_ = conn.Close()
	}, nil
}

// discard closes conn's underlying session instead of pooling it.
func discard(conn *sql.Conn) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	_ = conn.Close()
}

// verifyMigrated checks that every migration in sources is recorded as
// applied in table, without writing anything (not even the version table).
func (d *DB) verifyMigrated(ctx context.Context, service, table string, sources []*goose.Source) error {
	exists := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`
	if d.dialect == Postgres {
		exists = `SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = ?`
	}
	var n int
	if err := d.read.QueryRowContext(ctx, Rebind(d.dialect, exists), table).Scan(&n); err != nil {
		return fmt.Errorf("db: check migrations of %s: %w", service, err)
	}
	var applied []int64
	if n > 0 {
		rows, err := d.read.QueryContext(ctx, `SELECT version_id FROM `+table+` WHERE is_applied`)
		if err != nil {
			return fmt.Errorf("db: check migrations of %s: %w", service, err)
		}
		defer rows.Close()
		for rows.Next() {
			var v int64
			if err := rows.Scan(&v); err != nil {
				return fmt.Errorf("db: check migrations of %s: %w", service, err)
			}
			applied = append(applied, v)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("db: check migrations of %s: %w", service, err)
		}
	}
	var missing []int64
	for _, s := range sources {
		if !slices.Contains(applied, s.Version) {
			missing = append(missing, s.Version)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: %s misses migration(s) %v; run `autoevent migrate` with the same database settings, or serve with --migrate",
			ErrSchemaBehind, service, missing)
	}
	return nil
}
