package bus

import (
	"context"
	"embed"
	"io/fs"

	"github.com/autoevent/autoevent/internal/platform/db"
)

//go:embed migrations
var migrations embed.FS

// Migrate creates the outbox and processed-message tables (service "bus",
// version table goose_bus). Run it before NewRelay or Consume.
func Migrate(ctx context.Context, d *db.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	return d.Migrate(ctx, "bus", sub)
}
