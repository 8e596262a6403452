package participation

import (
	"context"
	"time"

	"github.com/autoevent/autoevent/internal/platform/db"
)

// NewEntry is an entry ready to store: personal data already hashed and
// encrypted by the service.
type NewEntry struct {
	PhoneHash   string // keyed hash of the normalised number: the one-per-phone key
	PhoneEnc    string // AES-GCM ciphertext of the normalised number
	NameEnc     string // AES-GCM ciphertext of the name
	PhoneMasked string // 010-****-5678, for the owner's list
	NameMasked  string // 김*수
	Last4       string // search key of the owner's list
	StoreVisit  bool
	Marketing   bool
	Channel     string
	Review      string // ReviewSharedIP or "": taken, and flagged for the owner
}

// StoredEntry is an entry as stored (new or the original of a repeat).
type StoredEntry struct {
	EntryNumber int64
	StoreVisit  bool
	Marketing   bool
	CouponCode  string
	Redeemed    bool
	CreatedAt   time.Time
	Repeat      bool // the phone number had already entered
	VisitAdded  bool // this repeat added a store visit to the earlier entry
}

// BatchItem is the outcome of one entry of a batch: an entry, or Err (for
// example ErrSoldOut) when it could not be taken.
type BatchItem struct {
	Entry StoredEntry
	Err   error
}

// BatchOutcome is the result of adding one event's entries in one
// transaction.
type BatchOutcome struct {
	Items      []BatchItem // in input order
	Event      Event       // with its counters after the batch
	SoldOutNow bool        // this batch issued the last coupon
}

// Store is the storage the service needs.
type Store interface {
	// UpsertEvent records an approved event (code is kept when it exists).
	UpsertEvent(ctx context.Context, tx *db.Tx, e Event) error
	// SetStatus changes an event's status; unknown events are ignored.
	SetStatus(ctx context.Context, tx *db.Tx, eventID, status string) error
	// EventByID and EventByCode return ErrEventNotFound when unknown.
	EventByID(ctx context.Context, eventID string) (Event, error)
	EventByCode(ctx context.Context, code string) (Event, error)
	// AddEntries adds a batch of entries of one event inside tx: it locks
	// the event's counter row, returns the original entry for phone numbers
	// that already entered, allocates entry numbers and first-come coupons
	// (newCoupon makes codes) to the new ones, and rejects all new ones with
	// the event's accept error when it is not open at now.
	AddEntries(ctx context.Context, tx *db.Tx, eventID string, now time.Time, entries []NewEntry, newCoupon func() string) (BatchOutcome, error)
	// EntryByPhone returns the entry of a phone hash, or ErrEntryNotFound.
	EntryByPhone(ctx context.Context, eventID, phoneHash string) (StoredEntry, error)
	// ListEntries returns a page of masked entries.
	ListEntries(ctx context.Context, eventID string, f EntryFilter) (EntryPage, error)
	// EachEntry calls fn for every entry in entry-number order (CSV export).
	EachEntry(ctx context.Context, eventID string, fn func(EntryView) error) error
	// EachSealedContact calls fn with every entry's encrypted name and phone
	// (empty once purged), in entry-number order (unmasked export).
	EachSealedContact(ctx context.Context, eventID string, fn func(entryNumber int64, nameEnc, phoneEnc string) error) error
	// Redeem marks a coupon used exactly once: ErrCouponUsed the second
	// time, ErrCouponNotFound when the event has no such coupon.
	Redeem(ctx context.Context, tx *db.Tx, eventID, code string, now time.Time) (Redemption, error)
	// CouponByCode returns the coupon's entry (for the coupon page).
	CouponByCode(ctx context.Context, eventID, code string) (StoredEntry, error)
}
