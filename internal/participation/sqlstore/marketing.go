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

// collectContacts copies the marketing-consented entries matching the
// filter (%s, on en and e) into the owner's marketing list: the newest
// consent of each number wins, and a consent given after an opt-out
// (on a later entry) lifts it. ROW_NUMBER keeps one row per number, since
// an upsert may not touch a row twice.
const collectContacts = `INSERT INTO participation_marketing_contacts (owner_id, phone_hash, phone_enc, consented_at, source_event_id)
	SELECT owner_id, phone_hash, phone_enc, created_at, event_id FROM (
		SELECT e.owner_id, en.phone_hash, en.phone_enc, en.created_at, en.event_id,
			ROW_NUMBER() OVER (PARTITION BY en.phone_hash ORDER BY en.created_at DESC, en.event_id DESC) AS rn
		FROM participation_entries en JOIN participation_events e ON e.id = en.event_id
		WHERE %s AND en.marketing = 1 AND en.purged_at IS NULL) latest
	WHERE rn = 1
	ON CONFLICT (owner_id, phone_hash) DO UPDATE SET phone_enc = excluded.phone_enc, consented_at = excluded.consented_at,
		source_event_id = excluded.source_event_id,
		opted_out_at = CASE WHEN participation_marketing_contacts.opted_out_at < excluded.consented_at
			THEN NULL ELSE participation_marketing_contacts.opted_out_at END
	WHERE excluded.consented_at > participation_marketing_contacts.consented_at`

func collect(ctx context.Context, q db.Querier, filter string, arg any) error {
	if _, err := q.ExecContext(ctx, fmt.Sprintf(collectContacts, filter), arg); err != nil {
		return fmt.Errorf("participation: marketing list: %w", err)
	}
	return nil
}

// Audience implements announce.Contacts. The consents of entries whose
// data is still kept are brought into the list first, so customers of a
// running event count as well.
func (w *MarketingList) Audience(ctx context.Context, ownerID, exceptEventID string, since time.Time) ([]string, error) {
	var out []string
	err := w.s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := collect(ctx, tx, "e.owner_id = ?", ownerID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT phone_hash FROM participation_marketing_contacts mc
			WHERE owner_id = ? AND opted_out_at IS NULL AND consented_at >= ?
			AND NOT EXISTS (SELECT 1 FROM participation_entries en WHERE en.event_id = ? AND en.phone_hash = mc.phone_hash)
			ORDER BY consented_at, phone_hash`, ownerID, since.UnixMicro(), exceptEventID)
		if err != nil {
			return fmt.Errorf("participation: audience: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var h string
			if err := rows.Scan(&h); err != nil {
				return err
			}
			out = append(out, h)
		}
		return rows.Err()
	})
	return out, err
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
