package db

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/database"
)

// Migrate applies the service's embedded migrations. fsys holds one folder
// per dialect ("sqlite", "postgres") of goose SQL files; each service keeps
// its own version table (goose_<service>) so services migrate independently.
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
	store, err := database.NewStore(sd, "goose_"+service)
	if err != nil {
		return fmt.Errorf("db: migration store: %w", err)
	}
	p, err := goose.NewProvider("", d.write, sub, goose.WithStore(store), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("db: migrations for %s: %w", service, err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("db: migrate %s: %w", service, err)
	}
	return nil
}
