package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/autoevent/autoevent/internal/participation"
	"github.com/autoevent/autoevent/internal/participation/winners"
	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/authn"
	"github.com/autoevent/autoevent/internal/platform/db"
)

// WinnerEntries gives the draw side (package winners) read access to
// entries and the means to destroy their personal data.
type WinnerEntries struct {
	s      *Store
	cipher *authn.FieldCipher
}

var _ winners.Entries = (*WinnerEntries)(nil)

// Winners returns the winners.Entries view of the store; cipher decrypts
// winners' contacts.
func (s *Store) Winners(cipher *authn.FieldCipher) *WinnerEntries {
	return &WinnerEntries{s: s, cipher: cipher}
}

// ErrPurged is returned for the contact of an entry whose personal data was
// destroyed.
var ErrPurged = apperr.New(apperr.Gone, "entry_purged", "참여자 개인정보가 파기되었습니다.")

// Event returns the event as the draw needs it.
func (w *WinnerEntries) Event(ctx context.Context, eventID string) (winners.EventInfo, error) {
	e, err := w.s.EventByID(ctx, eventID)
	if err != nil {
		return winners.EventInfo{}, err
	}
	return winners.EventInfo{EventID: e.ID, OwnerID: e.OwnerID, Title: e.Title, StoreName: e.StoreName,
		Method: e.Method, Status: e.Status, StartsAt: e.StartsAt, EndsAt: e.EndsAt, Code: e.Code, SoldOut: e.SoldOut,
		WinnerCount: e.WinnerCount, Benefit: e.Benefit}, nil
}

// DrawEntries returns all entries ordered by entry number.
func (w *WinnerEntries) DrawEntries(ctx context.Context, eventID string) ([]winners.Entrant, error) {
	return drawEntries(ctx, w.s.db, eventID)
}

// CloseEntries ends the event's own copy inside tx and reads its entries
// in the same transaction. The UPDATE takes the counter row lock AddEntries
// takes (FOR UPDATE on PostgreSQL; the single writer on SQLite): a batch
// that locked it first has committed before the UPDATE goes on, and so is
// in the list read next; a later batch reads ENDED and is refused. Nothing
// can commit between the close and the list.
func (w *WinnerEntries) CloseEntries(ctx context.Context, tx *db.Tx, eventID string) (bool, []winners.Entrant, error) {
	res, err := tx.ExecContext(ctx, `UPDATE participation_events SET status = ?, updated_at = ? WHERE id = ? AND status = ?`,
		participation.StatusEnded, time.Now().UnixMicro(), eventID, participation.StatusActive)
	if err != nil {
		return false, nil, fmt.Errorf("participation: close entries: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, nil, err
	}
	es, err := drawEntries(ctx, tx, eventID)
	return n == 1, es, err
}

func drawEntries(ctx context.Context, q db.Querier, eventID string) ([]winners.Entrant, error) {
	rows, err := q.QueryContext(ctx, `SELECT entry_number, store_visit, review FROM participation_entries
		WHERE event_id = ? ORDER BY entry_number`, eventID)
	if err != nil {
		return nil, fmt.Errorf("participation: draw entries: %w", err)
	}
	defer rows.Close()
	var out []winners.Entrant
	for rows.Next() {
		var e winners.Entrant
		var visit int
		var review string
		if err := rows.Scan(&e.EntryNumber, &visit, &review); err != nil {
			return nil, err
		}
		e.StoreVisit, e.Flagged = visit == 1, review != ""
		out = append(out, e)
	}
	return out, rows.Err()
}

// Contact decrypts one entry's name and phone number.
func (w *WinnerEntries) Contact(ctx context.Context, eventID string, entryNumber int64) (winners.Contact, error) {
	var nameEnc, phoneEnc string
	var purged sql.NullInt64
	err := w.s.db.QueryRowContext(ctx, `SELECT name_enc, phone_enc, purged_at FROM participation_entries
		WHERE event_id = ? AND entry_number = ?`, eventID, entryNumber).Scan(&nameEnc, &phoneEnc, &purged)
	if errors.Is(err, sql.ErrNoRows) {
		return winners.Contact{}, participation.ErrEntryNotFound
	}
	if err != nil {
		return winners.Contact{}, fmt.Errorf("participation: contact: %w", err)
	}
	if purged.Valid {
		return winners.Contact{}, ErrPurged
	}
	name, err := w.cipher.DecryptString(nameEnc)
	if err != nil {
		return winners.Contact{}, fmt.Errorf("participation: contact: %w", err)
	}
	ph, err := w.cipher.DecryptString(phoneEnc)
	if err != nil {
		return winners.Contact{}, fmt.Errorf("participation: contact: %w", err)
	}
	return winners.Contact{Name: name, Phone: ph}, nil
}

// Purge destroys the personal data of the event's entries except keep:
// ciphertexts and masked copies are blanked and the phone hash replaced by a
// value that links to no one; entry numbers, flags and counts stay. The
// numbers of customers who gave the separate marketing consent move to the
// shop's marketing list first, in the same transaction (that consent has
// its own purpose and lasts until withdrawn).
func (w *WinnerEntries) Purge(ctx context.Context, eventID string, keep []int64) (int, error) {
	var n int64
	err := w.s.db.InTx(ctx, func(tx *db.Tx) error {
		// In the purge's own transaction: no consent may be lost between.
		if err := collect(ctx, tx, eventID, 0, math.MaxInt64); err != nil {
			return err
		}
		args := []any{time.Now().UnixMicro(), eventID}
		q := `UPDATE participation_entries SET name_enc = '', phone_enc = '', name_masked = '', phone_masked = '',
			phone_last4 = '', phone_hash = 'purged:' || entry_number, purged_at = ?
			WHERE event_id = ? AND purged_at IS NULL`
		if len(keep) > 0 {
			q += ` AND entry_number NOT IN (` + marks(len(keep)) + `)`
			for _, k := range keep {
				args = append(args, k)
			}
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("participation: purge: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

var _ winners.CouponEntries = (*WinnerEntries)(nil)

// CouponOf returns the coupon code of one entry (kept after its personal
// data is destroyed: the code identifies no one).
func (w *WinnerEntries) CouponOf(ctx context.Context, eventID string, entryNumber int64) (string, error) {
	var code sql.NullString
	err := w.s.db.QueryRowContext(ctx, `SELECT coupon_code FROM participation_entries
		WHERE event_id = ? AND entry_number = ?`, eventID, entryNumber).Scan(&code)
	if errors.Is(err, sql.ErrNoRows) {
		return "", participation.ErrEntryNotFound
	}
	if err != nil {
		return "", fmt.Errorf("participation: coupon: %w", err)
	}
	if !code.Valid || code.String == "" {
		return "", participation.ErrCouponNotFound
	}
	return code.String, nil
}

// CouponHolders lists the event's entries holding a coupon by entry number
// (at most the event's coupon stock).
func (w *WinnerEntries) CouponHolders(ctx context.Context, eventID string) ([]winners.CouponHolder, error) {
	rows, err := w.s.db.QueryContext(ctx, `SELECT entry_number, phone_masked, coupon_redeemed_at FROM participation_entries
		WHERE event_id = ? AND coupon_code IS NOT NULL ORDER BY entry_number`, eventID)
	if err != nil {
		return nil, fmt.Errorf("participation: coupon holders: %w", err)
	}
	defer rows.Close()
	out := []winners.CouponHolder{}
	for rows.Next() {
		var h winners.CouponHolder
		var redeemed sql.NullInt64
		if err := rows.Scan(&h.EntryNumber, &h.PhoneMasked, &redeemed); err != nil {
			return nil, err
		}
		h.Redeemed = redeemed.Valid
		out = append(out, h)
	}
	return out, rows.Err()
}
