// Package winners runs the participation service's lottery draws (verifiable,
// weighted, with the store-visit bonus), winner notifications (Kakao 알림톡
// with SMS failover) and the destruction of participants' personal data once
// it is no longer needed. Entries themselves belong to package participation,
// which implements Entries.
package winners

import (
	"context"
	"time"

	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/platform/db"
)

// Entrant is one entry as the draw needs it.
type Entrant struct {
	EntryNumber int64
	StoreVisit  bool
	Flagged     bool // awaiting the owner's review (DrawInput.ExcludeFlagged)
}

// EventInfo is the participation service's copy of an approved event.
type EventInfo struct {
	EventID   string
	OwnerID   string
	Title     string
	StoreName string
	Method    messages.Method
	Status    string // ACTIVE, ENDED, CANCELLED
	StartsAt  time.Time
	EndsAt    time.Time
	Code      string // public short code (/e/{code})
	SoldOut   bool   // first-come stock gone
	// WinnerCount is the planned number of lottery winners (0: not set).
	WinnerCount int
	// Benefit is what a winner gets (the plan's prize), named in the
	// winner message.
	Benefit string
}

// Contact is a participant's decrypted contact, only for notifying winners.
type Contact struct {
	Name  string
	Phone string // 01012345678
}

// Entries is what this package needs from the entry store (implemented by
// participation's SQL store).
type Entries interface {
	// Event returns the event; apperr NotFound when unknown.
	Event(ctx context.Context, eventID string) (EventInfo, error)
	// DrawEntries returns all entries of the event ordered by entry number.
	DrawEntries(ctx context.Context, eventID string) ([]Entrant, error)
	// CloseEntries stops the event taking entries inside tx (its status
	// goes ENDED under the lock the entry committer takes, so no entry can
	// commit after it) and returns the entries as fixed at that moment,
	// ordered by entry number; closed is false when the event was not
	// ACTIVE any more (entries were already closed).
	CloseEntries(ctx context.Context, tx *db.Tx, eventID string) (closed bool, entrants []Entrant, err error)
	// Contact decrypts one entry's name and phone.
	Contact(ctx context.Context, eventID string, entryNumber int64) (Contact, error)
	// Purge destroys the personal data (name, phone ciphertext and hash
	// stay only for keep) of the event's entries, keeping counts and flags
	// for analytics; it returns how many entries were purged.
	Purge(ctx context.Context, eventID string, keep []int64) (int, error)
}
