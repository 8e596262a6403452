package bus

import (
	"context"
	"fmt"

	"github.com/autoevent/autoevent/internal/platform/db"
)

// Event is a typed message: its type names its subject (the services'
// messages live in internal/messages and satisfy this), so a subject can
// never be published with another subject's payload.
type Event interface {
	Subject() string
}

// Publisher writes e to the outbox inside tx. It is what the composition
// root hands a service: the service never sees the relay.
type Publisher func(ctx context.Context, tx *db.Tx, e Event) error

// BatchPublisher writes events that share one subject to the outbox inside
// tx as one row (see enqueueMany).
type BatchPublisher func(ctx context.Context, tx *db.Tx, events []Event) error

// Publish writes e to the outbox inside tx under e's subject.
func (r *Relay) Publish(ctx context.Context, tx *db.Tx, e Event) error {
	_, err := r.enqueue(ctx, tx, e.Subject(), e)
	return err
}

// PublishMany writes events of one subject to the outbox inside tx as one
// batch row; mixing subjects is an error and writes nothing.
func (r *Relay) PublishMany(ctx context.Context, tx *db.Tx, events []Event) error {
	if len(events) == 0 {
		return nil
	}
	subject := events[0].Subject()
	payloads := make([]any, len(events))
	for i, e := range events {
		if e.Subject() != subject {
			return fmt.Errorf("%w: one batch, two subjects (%s, %s)", ErrSubject, subject, e.Subject())
		}
		payloads[i] = e
	}
	_, err := r.enqueueMany(ctx, tx, subject, payloads)
	return err
}
