package app

import (
	"context"

	"github.com/autoevent/autoevent/internal/platform/bus"
	"github.com/autoevent/autoevent/internal/platform/cache"
	"github.com/autoevent/autoevent/internal/platform/db"
	"github.com/autoevent/autoevent/internal/user"
)

// jobQueue adapts the bus to the jobs framework: jobs enter the work queue
// through the outbox, in the transaction that created them.
type jobQueue struct {
	b *bus.Bus
	r *bus.Relay
}

func (q jobQueue) EnqueueWork(ctx context.Context, tx *db.Tx, queue, id string, payload []byte) error {
	return q.r.EnqueueWork(ctx, tx, queue, id, payload)
}

func (q jobQueue) Work(ctx context.Context, queue string, workers int, handle func(ctx context.Context, payload []byte, attempt int) error) (func(), error) {
	c, err := q.b.Work(ctx, queue, workers, func(ctx context.Context, m bus.Message) error {
		return handle(ctx, m.Data, m.Delivery)
	})
	if err != nil {
		return nil, err
	}
	return c.Stop, nil
}

// publisher adapts the relay to the services' Publisher signature.
func (a *App) publish(ctx context.Context, tx *db.Tx, subject string, payload any) error {
	_, err := a.relay.Enqueue(ctx, tx, subject, payload)
	return err
}

func userRevocations(c cache.Cache) user.Revocations { return user.Revocations{Cache: c} }
