package event

import (
	"context"
	"net/http"
	"time"

	"github.com/autoevent/autoevent/internal/platform/db"
)

// Store is the storage the event service needs (implemented by sqlstore).
type Store interface {
	// Insert adds a new event (Version 1).
	Insert(ctx context.Context, tx *db.Tx, e Event) error
	// Get returns the event or ErrNotFound; q may be the DB or a tx.
	Get(ctx context.Context, q db.Querier, id string) (Event, error)
	// Update writes e if its stored version is still e.Version, bumping
	// it; false means someone else wrote first.
	Update(ctx context.Context, tx *db.Tx, e Event) (bool, error)
	// Delete removes a DRAFT event at version; false when it changed.
	Delete(ctx context.Context, tx *db.Tx, e Event) (bool, error)
	// List returns up to limit+1 of the owner's events older than the
	// cursor position (createdAt, id), newest first.
	List(ctx context.Context, ownerID string, status Status, afterCreated time.Time, afterID string, limit int) ([]Event, error)
	// Due returns APPROVED events whose start has come and ACTIVE events
	// whose end has passed, at most limit.
	Due(ctx context.Context, now time.Time, limit int) ([]Event, error)
}

// Stores finds the owner's store profile (the user service, in process or
// over HTTP with the caller's credentials in r).
type Stores interface {
	StoreOf(ctx context.Context, ownerID string, r *http.Request) (StoreInfo, error)
}

// Recommendations reads the AI recommendation of an event as the caller
// (the ai service, in process or over HTTP with the credentials in r).
type Recommendations interface {
	Recommendation(ctx context.Context, eventID string, r *http.Request) (Recommendation, error)
}
