package app

import (
	"context"

	"github.com/autoevent/autoevent/internal/platform/cache"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/user"
)

// publisher adapts the relay to the services' Publisher signature.
func (a *App) publish(ctx context.Context, tx *db.Tx, subject string, payload any) error {
	_, err := a.relay.Enqueue(ctx, tx, subject, payload)
	return err
}

func userRevocations(c cache.Cache) user.Revocations { return user.Revocations{Cache: c} }
