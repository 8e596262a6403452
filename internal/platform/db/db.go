// Package db opens the product's relational database in one of two dialects —
// SQLite (embedded mode, pure Go, no cgo) or PostgreSQL (scaled mode) — and
// gives services one way to query it, run transactions and apply their
// embedded migrations.
//
// Queries are written once with '?' placeholders; Rebind turns them into
// '$1…' for PostgreSQL. Everything else a service writes is plain SQL that
// both dialects accept (ON CONFLICT, RETURNING, CURRENT_TIMESTAMP); where they
// differ, the service keeps one migration folder per dialect.
package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib" // also registers the "pgx" driver
	_ "modernc.org/sqlite"           // registers the "sqlite" driver
)

// Dialect names the SQL dialect in use.
type Dialect string

// Supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Config selects and tunes the database. An empty PostgresURL means SQLite at
// Path.
type Config struct {
	// Path of the SQLite file (created if missing).
	Path string
	// PostgresURL, when set, selects PostgreSQL.
	PostgresURL string
	// Synchronous is SQLite's synchronous pragma: FULL (default) fsyncs the
	// WAL on every commit, so a committed row survives power loss; NORMAL
	// survives a process kill but may lose the last commits on an OS crash.
	Synchronous string
	// MaxConns bounds the PostgreSQL pool and the SQLite reader pool.
	MaxConns int
	// VerifyOnly makes Migrate check that every migration is applied
	// instead of applying them (scaled mode: `autoevent migrate` applies
	// them once, and a replica whose schema is behind refuses to start).
	VerifyOnly bool
}

// DB is an open database: a reader pool and a writer pool. On SQLite the
// writer pool holds a single connection whose transactions begin IMMEDIATE,
// so concurrent writers queue in Go instead of failing with SQLITE_BUSY.
type DB struct {
	dialect Dialect
	read    *sql.DB
	write   *sql.DB
	sync    string // SQLite synchronous setting of the writer
	// verifyOnly: Migrate checks instead of applying (Config.VerifyOnly).
	verifyOnly bool
}

// Open opens and pings the database described by cfg.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = 16
	}
	if cfg.PostgresURL != "" {
		pcfg, err := pgx.ParseConfig(cfg.PostgresURL)
		if err != nil {
			return nil, fmt.Errorf("db: open postgres: %w", err)
		}
		// Plan every statement for its parameters. Our tables start empty
		// per event and grow fast: a cached generic plan made while an
		// event had no entries kept scanning all of them to find 1,000
		// phone hashes (1.2 s a batch at 70,000 entries instead of 5 ms).
		// The statements are short, so planning each costs little.
		if _, set := pcfg.RuntimeParams["plan_cache_mode"]; !set {
			pcfg.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
		}
		pool := stdlib.OpenDB(*pcfg)
		pool.SetMaxOpenConns(cfg.MaxConns)
		pool.SetMaxIdleConns(cfg.MaxConns)
		pool.SetConnMaxIdleTime(5 * time.Minute)
		d := &DB{dialect: Postgres, read: pool, write: pool, verifyOnly: cfg.VerifyOnly}
		if err := d.Ping(ctx); err != nil {
			pool.Close()
			return nil, err
		}
		return d, nil
	}
	if cfg.Path == "" {
		return nil, errors.New("db: no SQLite path and no PostgreSQL URL")
	}
	sync := strings.ToUpper(cfg.Synchronous)
	switch sync {
	case "":
		sync = "FULL"
	case "FULL", "NORMAL", "OFF", "EXTRA":
	default:
		return nil, fmt.Errorf("db: synchronous %q: want FULL or NORMAL", cfg.Synchronous)
	}
	// Owner-only, like secrets.json: the database holds password hashes and
	// keyed lookups. SQLite creates -wal and -shm with the database file's
	// mode, so creating the file 0600 first covers all three; files left
	// wider by an earlier version are narrowed.
	if err := os.MkdirAll(filepath.Dir(cfg.Path), 0o700); err != nil {
		return nil, fmt.Errorf("db: data dir: %w", err)
	}
	if f, err := os.OpenFile(cfg.Path, os.O_RDWR|os.O_CREATE, 0o600); err != nil {
		return nil, fmt.Errorf("db: create %s: %w", cfg.Path, err)
	} else {
		f.Close()
	}
	for _, p := range []string{cfg.Path, cfg.Path + "-wal", cfg.Path + "-shm"} {
		if fi, err := os.Stat(p); err == nil && fi.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(p, 0o600); err != nil {
				return nil, fmt.Errorf("db: restrict %s: %w", p, err)
			}
		}
	}
	// wal_autocheckpoint: SQLite checkpoints the WAL into the database file
	// on the committing connection once the WAL passes N pages — the default
	// 1,000 pages (4 MiB) meant nearly every group commit of ~1,000 entries
	// also wrote and fsynced the database file, inside the one writer's
	// critical path. At 16,384 pages (64 MiB) checkpoints are rare and each
	// copies a hot page once for many commits: sustained entries rose 3–8 %
	// in paired runs and the machine idled less waiting on the disk
	// (docs/benchmarks.md).
	// journal_size_limit truncates the WAL back to 64 MiB after a checkpoint
	// (long reads, such as a full export, can let it grow past that).
	dsn := "file:" + cfg.Path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=wal_autocheckpoint(16384)" +
		"&_pragma=journal_size_limit(67108864)" +
		"&_pragma=foreign_keys(1)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-32768)&_pragma=synchronous(" + sync + ")"
	write, err := sql.Open("sqlite", dsn+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("db: open sqlite: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxIdleTime(0)
	write.SetConnMaxLifetime(0)
	read, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("db: open sqlite: %w", err)
	}
	read.SetMaxOpenConns(cfg.MaxConns)
	read.SetMaxIdleConns(cfg.MaxConns)
	d := &DB{dialect: SQLite, read: read, write: write, sync: sync, verifyOnly: cfg.VerifyOnly}
	if err := d.Ping(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// Dialect reports the dialect in use.
func (d *DB) Dialect() Dialect { return d.dialect }

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.write.PingContext(ctx); err != nil {
		return fmt.Errorf("db: ping: %w", err)
	}
	return nil
}

// Close closes both pools.
func (d *DB) Close() error {
	err := d.write.Close()
	if d.read != d.write {
		err = errors.Join(err, d.read.Close())
	}
	return err
}

// Writer exposes the writer pool for code that needs database/sql directly
// (migrations, benchmarks). Prefer InTx and the Querier methods.
func (d *DB) Writer() *sql.DB { return d.write }

// Querier is what both *DB and *Tx offer, so store code can run either inside
// or outside a transaction.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	Dialect() Dialect
}

// ExecContext runs a write outside a transaction.
func (d *DB) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return d.write.ExecContext(ctx, Rebind(d.dialect, q), args...)
}

// QueryContext runs a read on the reader pool.
func (d *DB) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return d.read.QueryContext(ctx, Rebind(d.dialect, q), args...)
}

// QueryRowContext runs a single-row read on the reader pool.
func (d *DB) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return d.read.QueryRowContext(ctx, Rebind(d.dialect, q), args...)
}

// Tx is a write transaction. Queries use '?' placeholders in both dialects.
type Tx struct {
	tx      *sql.Tx
	dialect Dialect
	after   []func()
}

// Dialect reports the dialect in use.
func (t *Tx) Dialect() Dialect { return t.dialect }

// ExecContext runs a statement in the transaction.
func (t *Tx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, Rebind(t.dialect, q), args...)
}

// QueryContext runs a query in the transaction.
func (t *Tx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, Rebind(t.dialect, q), args...)
}

// QueryRowContext runs a single-row query in the transaction.
func (t *Tx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, Rebind(t.dialect, q), args...)
}

// AfterCommit registers fn to run once the transaction has committed (for
// example to wake the outbox relay). It never runs on rollback.
func (t *Tx) AfterCommit(fn func()) { t.after = append(t.after, fn) }

// InTx runs fn in a write transaction, committing when fn returns nil and
// rolling back otherwise (also on panic, which is re-raised).
func (d *DB) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	sqlTx, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: begin: %w", err)
	}
	tx := &Tx{tx: sqlTx, dialect: d.dialect}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("db: commit: %w", err)
	}
	for _, f := range tx.after {
		f()
	}
	return nil
}

// InTxRelaxed is InTx for a transaction whose loss in an OS crash or power
// failure is harmless because it will be redone — such as the outbox relay
// marking rows the broker already holds (a lost mark means a re-publish that
// the broker drops by message id). It commits without waiting for the disk:
// on SQLite with synchronous=NORMAL for that one commit (WAL appended, not
// fsynced; still safe against a process kill), on PostgreSQL with
// synchronous_commit off for that transaction. Everything else must use
// InTx.
func (d *DB) InTxRelaxed(ctx context.Context, fn func(tx *Tx) error) error {
	if d.dialect == Postgres {
		return d.InTx(ctx, func(tx *Tx) error {
			if _, err := tx.ExecContext(ctx, "SET LOCAL synchronous_commit = off"); err != nil {
				return err
			}
			return fn(tx)
		})
	}
	if d.sync == "NORMAL" || d.sync == "OFF" {
		return d.InTx(ctx, fn)
	}
	conn, err := d.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("db: writer: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA synchronous=NORMAL"); err != nil {
		return fmt.Errorf("db: relax sync: %w", err)
	}
	defer func() {
		// The single writer connection must never go back to the pool
		// relaxed: if restoring fails, discard it.
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA synchronous="+d.sync); err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: begin: %w", err)
	}
	tx := &Tx{tx: sqlTx, dialect: d.dialect}
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("db: commit: %w", err)
	}
	for _, f := range tx.after {
		f()
	}
	return nil
}

// Rebind rewrites '?' placeholders to '$n' for PostgreSQL. Question marks
// inside single-quoted literals are left alone.
func Rebind(d Dialect, q string) string {
	if d != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n, quoted := 0, false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			quoted = !quoted
			b.WriteByte(c)
		case c == '?' && !quoted:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// IsUniqueViolation reports whether err is a unique-constraint violation in
// either dialect.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || // SQLite
		strings.Contains(msg, "SQLSTATE 23505") // PostgreSQL (pgconn)
}
