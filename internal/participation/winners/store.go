package winners

import (
	"context"
	"time"

	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/platform/db"
)

// Store is the storage this package needs (implemented by winners/sqlstore
// on SQLite and PostgreSQL). Methods taking a db.Querier run inside or
// outside a transaction; not-found is ErrDrawNotFound / ErrWinnerNotFound.
type Store interface {
	// PendingDraw returns the event's pending (committed, not drawn) draw.
	PendingDraw(ctx context.Context, q db.Querier, eventID string) (Draw, error)
	// LatestDraw returns the event's most recent DRAWN draw.
	LatestDraw(ctx context.Context, q db.Querier, eventID string) (Draw, error)
	// InsertDraw stores a new draw record (PENDING or DRAWN); a second
	// pending draw, a second first draw or a second redraw of the same draw
	// is a unique violation.
	InsertDraw(ctx context.Context, tx *db.Tx, d Draw) error
	// CompleteDraw turns the pending draw d.ID into d (DRAWN); false when it
	// was not pending any more.
	CompleteDraw(ctx context.Context, tx *db.Tx, d Draw) (bool, error)
	// InsertWinners stores the winners with their notifications PENDING.
	InsertWinners(ctx context.Context, tx *db.Tx, drawID string, ws []Winner, now time.Time) error
	// SaveEntryList keeps the draw's entry list (compact encoding).
	SaveEntryList(ctx context.Context, tx *db.Tx, drawID string, data []byte) error
	// EntryList returns what SaveEntryList stored.
	EntryList(ctx context.Context, drawID string) ([]byte, error)

	// Draws returns the event's draws, newest first, with winners.
	Draws(ctx context.Context, eventID string) ([]Draw, error)
	// Draw returns one draw of the event with its winners.
	Draw(ctx context.Context, eventID, drawID string) (Draw, error)

	// Winner returns one winner with its notification.
	Winner(ctx context.Context, drawID string, entryNumber int64) (Winner, error)
	// ClaimNotification moves PENDING to SENDING (one attempt more); false
	// when the notification is in any other state.
	ClaimNotification(ctx context.Context, drawID string, entryNumber int64, now time.Time) (bool, error)
	// SetNotification records the notification's new state.
	SetNotification(ctx context.Context, drawID string, entryNumber int64, n Notification) error
	// SentNotifications lists up to limit notifications in state SENT
	// (accepted, result unknown) last updated before before.
	SentNotifications(ctx context.Context, before time.Time, limit int) ([]SentNotification, error)
	// ExpireSending marks notifications SENDING since before as FAILED
	// with code "unknown" and returns how many.
	ExpireSending(ctx context.Context, before, now time.Time) (int, error)
	// MarkPrizeDelivered records the delivery of a winner's prize (the first
	// date stays); ErrWinnerNotFound when unknown.
	MarkPrizeDelivered(ctx context.Context, drawID string, entryNumber int64, at time.Time) error

	// ClaimCouponNotification creates a coupon holder's notification
	// (PENDING) when it does not exist yet, then moves PENDING to SENDING
	// (one attempt more); false when it is in any other state.
	ClaimCouponNotification(ctx context.Context, eventID string, entryNumber int64, now time.Time) (bool, error)
	// SetCouponNotification records a coupon notification's new state.
	SetCouponNotification(ctx context.Context, eventID string, entryNumber int64, n Notification) error
	// CouponNotifications returns the event's coupon notifications by
	// entry number.
	CouponNotifications(ctx context.Context, eventID string) (map[int64]Notification, error)
	// SentCouponNotifications lists up to limit coupon notifications in
	// state SENT last updated before before.
	SentCouponNotifications(ctx context.Context, before time.Time, limit int) ([]SentCouponNotification, error)
	// ExpireCouponSending marks coupon notifications SENDING since before
	// as FAILED with code "unknown" and returns how many.
	ExpireCouponSending(ctx context.Context, before, now time.Time) (int, error)

	// TouchLifecycle records an event the retention job must watch;
	// reopen clears a finished retention (a new draw has new winners).
	TouchLifecycle(ctx context.Context, q db.Querier, eventID string, method messages.Method, reopen bool) error
	// SetEnded records the end (or cancellation) of an event.
	SetEnded(ctx context.Context, q db.Querier, eventID string, at time.Time, cancelled bool) error
	// RetentionDue lists events whose personal data is not all destroyed.
	RetentionDue(ctx context.Context, limit int) ([]Lifecycle, error)
	// SetPurged records a retention run's outcome for an event; winners
	// not in keep lose their masked name and phone.
	SetPurged(ctx context.Context, eventID string, keep []int64, nonWinners, done bool, at time.Time) error
}

// SentNotification identifies a notification whose delivery result is
// still to be looked up.
type SentNotification struct {
	DrawID      string
	EntryNumber int64
	Notification
}
