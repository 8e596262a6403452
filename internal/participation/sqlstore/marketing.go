package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/autoevent/autoevent/internal/participation/announce"
	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/authn"
	"github.com/autoevent/autoevent/internal/platform/db"
)

// MarketingList is the shop owners' lists of customers who agreed to
// receive their advertising (announce.Contacts).
type MarketingList struct {
	s      *Store
	cipher *authn.FieldCipher
}

var _ announce.Contacts = (*MarketingList)(nil)

// Marketing returns the marketing lists; cipher decrypts the numbers.
func (s *Store) Marketing(cipher *authn.FieldCipher) *MarketingList {
	return &MarketingList{s: s, cipher: cipher}
}

// collectContacts copies the marketing-consented entries of one event
// (numbers in a range) into the owner's marketing list: the newest consent
// of each number wins, whatever the order of the copies, and a consent
// given after an opt-out (on a later entry) lifts it. One event has one
// entry per number, so the upsert never touches a row twice.
const collectContacts = `INSERT INTO participation_marketing_contacts (owner_id, phone_hash, phone_enc, consented_at, source_event_id)
	SELECT e.owner_id, en.phone_hash, en.phone_enc, en.created_at, en.event_id
	FROM participation_entries en JOIN participation_events e ON e.id = en.event_id
	WHERE en.event_id = ? AND en.entry_number > ? AND en.entry_number <= ? AND en.marketing = 1 AND en.purged_at IS NULL
	ON CONFLICT (owner_id, phone_hash) DO UPDATE SET phone_enc = excluded.phone_enc, consented_at = excluded.consented_at,
		source_event_id = excluded.source_event_id,
		opted_out_at = CASE WHEN participation_marketing_contacts.opted_out_at < excluded.consented_at
			THEN NULL ELSE participation_marketing_contacts.opted_out_at END
	WHERE excluded.consented_at > participation_marketing_contacts.consented_at`

// collectChunk bounds the entries one copying transaction reads, so a
// large running event never holds the (SQLite) writer for long.
const collectChunk = 5000

// collect copies the consents of entries numbered (from, to] of eventID.
func collect(ctx context.Context, q db.Querier, eventID string, from, to int64) error {
	if _, err := q.ExecContext(ctx, collectContacts, eventID, from, to); err != nil {
		return fmt.Errorf("participation: marketing list: %w", err)
	}
	return nil
}

// collectOwner copies the consents of every entry of the owner's events
// whose data is still kept, collectChunk entries per transaction.
func (w *MarketingList) collectOwner(ctx context.Context, ownerID string) error {
	rows, err := w.s.db.QueryContext(ctx, `SELECT id, entry_seq FROM participation_events WHERE owner_id = ?`, ownerID)
	if err != nil {
		return fmt.Errorf("participation: marketing list: %w", err)
	}
	type span struct {
		id   string
		last int64
	}
	var events []span
	for rows.Next() {
		var sp span
		if err := rows.Scan(&sp.id, &sp.last); err != nil {
			rows.Close()
			return err
		}
		events = append(events, sp)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, ev := range events {
		for from := int64(0); from < ev.last; from += collectChunk {
			err := w.s.db.InTx(ctx, func(tx *db.Tx) error { return collect(ctx, tx, ev.id, from, from+collectChunk) })
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// Audience implements announce.Contacts. The consents of entries whose
// data is still kept are brought into the list first, so customers of a
// running event count as well.
func (w *MarketingList) Audience(ctx context.Context, ownerID, exceptEventID string, since time.Time) ([]string, error) {
	if err := w.collectOwner(ctx, ownerID); err != nil {
		return nil, err
	}
	rows, err := w.s.db.QueryContext(ctx, `SELECT phone_hash FROM participation_marketing_contacts mc
		WHERE owner_id = ? AND opted_out_at IS NULL AND consented_at >= ?
		AND NOT EXISTS (SELECT 1 FROM participation_entries en WHERE en.event_id = ? AND en.phone_hash = mc.phone_hash)
		ORDER BY consented_at, phone_hash`, ownerID, since.UnixMicro(), exceptEventID)
	if err != nil {
		return nil, fmt.Errorf("participation: audience: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// ErrNotOnList is returned for a number that is not on the shop's
// marketing list.
var ErrNotOnList = apperr.New(apperr.NotFound, "contact_not_found", "수신 동의 목록에 없는 번호입니다.")

// Contact implements announce.Contacts.
func (w *MarketingList) Contact(ctx context.Context, ownerID, phoneHash string) (announce.Contact, error) {
	var enc string
	var consented int64
	var optedOut sql.NullInt64
	err := w.s.db.QueryRowContext(ctx, `SELECT phone_enc, consented_at, opted_out_at FROM participation_marketing_contacts
		WHERE owner_id = ? AND phone_hash = ?`, ownerID, phoneHash).Scan(&enc, &consented, &optedOut)
	if errors.Is(err, sql.ErrNoRows) {
		return announce.Contact{}, ErrNotOnList
	}
	if err != nil {
		return announce.Contact{}, fmt.Errorf("participation: marketing contact: %w", err)
	}
	if optedOut.Valid {
		return announce.Contact{ConsentedAt: db.FromMicros(consented), OptedOut: true}, nil
	}
	ph, err := w.cipher.DecryptString(enc)
	if err != nil {
		return announce.Contact{}, fmt.Errorf("participation: marketing contact: %w", err)
	}
	return announce.Contact{Phone: ph, ConsentedAt: db.FromMicros(consented)}, nil
}

// OptOut implements announce.Contacts. The encrypted number is destroyed;
// the keyed hash stays, marked, so that an older entry's consent cannot
// put the number back (a consent given on a later entry does). The
// consent flag of the customer's entries in the owner's events is cleared
// too, so the owner's lists and exports stop showing it.
func (w *MarketingList) OptOut(ctx context.Context, ownerID, phoneHash string, at time.Time) error {
	var n int64
	err := w.s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE participation_marketing_contacts SET opted_out_at = ?, phone_enc = ''
			WHERE owner_id = ? AND phone_hash = ? AND opted_out_at IS NULL`, at.UnixMicro(), ownerID, phoneHash)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE participation_entries SET marketing = 0
			WHERE phone_hash = ? AND marketing = 1 AND event_id IN (SELECT id FROM participation_events WHERE owner_id = ?)`,
			phoneHash, ownerID)
		return err
	})
	if err != nil {
		return fmt.Errorf("participation: opt out: %w", err)
	}
	if n == 0 {
		if _, err := w.Contact(ctx, ownerID, phoneHash); err != nil {
			return err
		}
	}
	return nil
}

// PurgeLapsed implements announce.Contacts: consents given before before
// (two years ago) are no longer usable, so their rows go.
func (w *MarketingList) PurgeLapsed(ctx context.Context, before time.Time) (int, error) {
	res, err := w.s.db.ExecContext(ctx, `DELETE FROM participation_marketing_contacts WHERE consented_at < ?`, before.UnixMicro())
	if err != nil {
		return 0, fmt.Errorf("participation: purge lapsed consents: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}
