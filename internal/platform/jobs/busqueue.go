package jobs

import (
	"context"

	"github.com/autoevent/autoevent/internal/platform/bus"
	"github.com/autoevent/autoevent/internal/platform/db"
)

// BusQueue is the Queue on the product's bus: jobs enter the JetStream work
// queue through the outbox, in the transaction that created them.
func BusQueue(b *bus.Bus, r *bus.Relay, opts ...bus.Option) Queue { return busQueue{b, r, opts} }

type busQueue struct {
	b    *bus.Bus
	r    *bus.Relay
	opts []bus.Option
}

func (q busQueue) EnqueueWork(ctx context.Context, tx *db.Tx, queue, id string, payload []byte) error {
	return q.r.EnqueueWork(ctx, tx, queue, id, payload)
}

func (q busQueue) Work(ctx context.Context, queue string, workers int, handle func(ctx context.Context, payload []byte, attempt int) error) (func(), error) {
	c, err := q.b.Work(ctx, queue, workers, func(ctx context.Context, m bus.Message) error {
		return handle(ctx, m.Data, m.Delivery)
	}, q.opts...)
	if err != nil {
		return nil, err
	}
	return c.Stop, nil
}
