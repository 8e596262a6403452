// Package sqlstore is the participation service's storage on SQLite or
// PostgreSQL. Names and phone numbers are stored AES-256-GCM encrypted; the
// phone number also as a keyed hash, unique per event.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/participation"
	"github.com/autoevent/autoevent/internal/platform/db"
)

//go:embed migrations
var migrations embed.FS

// Store implements participation.Store (and, through Winners, the draw
// side's winners.Entries).
type Store struct {
	db *db.DB
}

var _ participation.Store = (*Store)(nil)

// New returns the store.
func New(d *db.DB) *Store { return &Store{db: d} }

// Migrate applies the participation service's migrations.
func (s *Store) Migrate(ctx context.Context) error {
	return s.db.Migrate(ctx, "participation", migrations)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// UpsertEvent records an approved event; a re-approval updates the details
// but keeps the code (printed posters stay valid) and the counters.
func (s *Store) UpsertEvent(ctx context.Context, tx *db.Tx, e participation.Event) error {
	now := time.Now().UnixMicro()
	_, err := tx.ExecContext(ctx, `INSERT INTO participation_events (id, owner_id, store_id, code, title, store_name,
		benefit, description, method, coupon_count, winner_count, starts_at, ends_at, status, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET title = excluded.title, store_name = excluded.store_name,
		benefit = excluded.benefit, description = excluded.description, starts_at = excluded.starts_at,
		ends_at = excluded.ends_at, winner_count = excluded.winner_count, status = excluded.status,
		updated_at = excluded.updated_at`,
		e.ID, e.OwnerID, e.StoreID, e.Code, e.Title, e.StoreName, e.Benefit, e.Description, e.Method,
		e.CouponCount, e.WinnerCount, db.Micros(e.StartsAt), db.Micros(e.EndsAt), e.Status, now)
	if err != nil {
		return fmt.Errorf("participation: upsert event: %w", err)
	}
	return nil
}

// SetStatus changes an event's status.
func (s *Store) SetStatus(ctx context.Context, tx *db.Tx, eventID, status string) error {
	_, err := tx.ExecContext(ctx, `UPDATE participation_events SET status = ?, updated_at = ? WHERE id = ?`,
		status, time.Now().UnixMicro(), eventID)
	if err != nil {
		return fmt.Errorf("participation: set status: %w", err)
	}
	return nil
}

const eventCols = `id, owner_id, store_id, code, title, store_name, benefit, description, method, coupon_count,
	winner_count, starts_at, ends_at, status, entry_seq, store_visits, coupons_issued, coupons_redeemed, sold_out_at`

func scanEvent(row interface{ Scan(...any) error }) (participation.Event, error) {
	var e participation.Event
	var starts, ends int64
	var soldOut sql.NullInt64
	err := row.Scan(&e.ID, &e.OwnerID, &e.StoreID, &e.Code, &e.Title, &e.StoreName, &e.Benefit, &e.Description,
		&e.Method, &e.CouponCount, &e.WinnerCount, &starts, &ends, &e.Status, &e.Entries, &e.StoreVisits,
		&e.CouponsIssued, &e.CouponsRedeemed, &soldOut)
	if errors.Is(err, sql.ErrNoRows) {
		return e, participation.ErrEventNotFound
	}
	if err != nil {
		return e, fmt.Errorf("participation: read event: %w", err)
	}
	e.StartsAt, e.EndsAt, e.SoldOut = db.FromMicros(starts), db.FromMicros(ends), soldOut.Valid
	return e, nil
}

// EventByID returns an event.
func (s *Store) EventByID(ctx context.Context, eventID string) (participation.Event, error) {
	return scanEvent(s.db.QueryRowContext(ctx, `SELECT `+eventCols+` FROM participation_events WHERE id = ?`, eventID))
}

// EventByCode returns the event with a public code.
func (s *Store) EventByCode(ctx context.Context, code string) (participation.Event, error) {
	return scanEvent(s.db.QueryRowContext(ctx, `SELECT `+eventCols+` FROM participation_events WHERE code = ?`, code))
}

const entryCols = `entry_number, store_visit, marketing, COALESCE(coupon_code, ''), coupon_redeemed_at, created_at`

func scanEntry(row interface{ Scan(...any) error }) (participation.StoredEntry, string, error) {
	var e participation.StoredEntry
	var visit, marketing int
	var redeemed sql.NullInt64
	var created int64
	var hash string
	err := row.Scan(&hash, &e.EntryNumber, &visit, &marketing, &e.CouponCode, &redeemed, &created)
	if err != nil {
		return e, "", err
	}
	e.StoreVisit, e.Marketing, e.Redeemed, e.CreatedAt = visit == 1, marketing == 1, redeemed.Valid, db.FromMicros(created)
	return e, hash, nil
}

// EntryByPhone returns the entry of a phone hash.
func (s *Store) EntryByPhone(ctx context.Context, eventID, phoneHash string) (participation.StoredEntry, error) {
	e, _, err := scanEntry(s.db.QueryRowContext(ctx, `SELECT phone_hash, `+entryCols+`
		FROM participation_entries WHERE event_id = ? AND phone_hash = ?`, eventID, phoneHash))
	if errors.Is(err, sql.ErrNoRows) {
		return e, participation.ErrEntryNotFound
	}
	return e, err
}

// CouponByCode returns the entry holding a coupon.
func (s *Store) CouponByCode(ctx context.Context, eventID, code string) (participation.StoredEntry, error) {
	e, _, err := scanEntry(s.db.QueryRowContext(ctx, `SELECT phone_hash, `+entryCols+`
		FROM participation_entries WHERE event_id = ? AND coupon_code = ?`, eventID, code))
	if errors.Is(err, sql.ErrNoRows) {
		return e, participation.ErrCouponNotFound
	}
	return e, err
}

// Rows per multi-row statement: 14 parameters a row stays under both
// dialects' parameter limits (SQLite 32766, PostgreSQL 65535). Few, large
// statements matter on SQLite: each statement of a multi-row insert copies
// every page it touches to the statement journal once, and the random
// phone-hash keys touch a different index page per row.
const insertChunk = 1024

// AddEntries is the group committer's write (see participation.Store).
func (s *Store) AddEntries(ctx context.Context, tx *db.Tx, eventID string, now time.Time,
	entries []participation.NewEntry, newCoupon func() string) (participation.BatchOutcome, error) {
	out := participation.BatchOutcome{Items: make([]participation.BatchItem, len(entries))}
	// The counter row lock serialises batches of one event across
	// committers and processes: taken once per batch, not once per entry.
	lock := `SELECT ` + eventCols + ` FROM participation_events WHERE id = ?`
	if tx.Dialect() == db.Postgres {
		lock += ` FOR UPDATE`
	}
	ev, err := scanEvent(tx.QueryRowContext(ctx, lock, eventID))
	if err != nil {
		return out, err
	}
	// Which numbers already entered? Read after taking the lock, so every
	// earlier batch of this event is visible (READ COMMITTED sees commits
	// made before each statement).
	existing, err := s.existing(ctx, tx, eventID, entries)
	if err != nil {
		return out, err
	}
	acceptErr := ev.AcceptErr(now)
	seq, issued, visits := ev.Entries, ev.CouponsIssued, int64(0)
	limited := ev.Method == messages.MethodFirstCome && ev.CouponCount > 0
	first := map[string]int{} // phone hash → first index in this batch
	var dups [][2]int
	var fresh []int
	var upgrade []string // phone hashes of repeats that add a store visit
	created := now.UTC().Truncate(time.Microsecond)
	for i, e := range entries {
		if se, ok := existing[e.PhoneHash]; ok {
			se.Repeat = true
			if e.StoreVisit && !se.StoreVisit && acceptErr == nil {
				// An online entrant who now visits the store gets the
				// visit's weight once, while entries are open (the draw
				// freezes the list under this same lock).
				upgrade = append(upgrade, e.PhoneHash)
				se.StoreVisit, se.VisitAdded = true, true
				existing[e.PhoneHash] = se
				visits++
			}
			out.Items[i].Entry = se
			continue
		}
		if j, ok := first[e.PhoneHash]; ok {
			dups = append(dups, [2]int{i, j})
			continue
		}
		first[e.PhoneHash] = i
		if acceptErr != nil {
			out.Items[i].Err = acceptErr
			continue
		}
		se := participation.StoredEntry{StoreVisit: e.StoreVisit, Marketing: e.Marketing, CreatedAt: created}
		if limited {
			if issued >= ev.CouponCount {
				out.Items[i].Err = participation.ErrSoldOut
				continue
			}
			issued++
			se.CouponCode = newCoupon()
		}
		seq++
		se.EntryNumber = seq
		if e.StoreVisit {
			visits++
		}
		out.Items[i].Entry = se
		fresh = append(fresh, i)
	}
	if err := s.insert(ctx, tx, eventID, entries, out.Items, fresh, created); err != nil {
		return out, err
	}
	for _, h := range upgrade {
		if _, err := tx.ExecContext(ctx, `UPDATE participation_entries SET store_visit = 1
			WHERE event_id = ? AND phone_hash = ? AND store_visit = 0`, eventID, h); err != nil {
			return out, fmt.Errorf("participation: add store visit: %w", err)
		}
	}
	for _, d := range dups { // the same number twice in one batch: the second is a repeat
		out.Items[d[0]] = out.Items[d[1]]
		if out.Items[d[0]].Err == nil {
			out.Items[d[0]].Entry.Repeat = true
		}
	}
	if len(fresh) == 0 && visits == 0 {
		out.Event = ev
		return out, nil
	}
	out.SoldOutNow = limited && !ev.SoldOut && issued >= ev.CouponCount
	var soldOut any
	if out.SoldOutNow {
		soldOut = now.UnixMicro()
	}
	_, err = tx.ExecContext(ctx, `UPDATE participation_events SET entry_seq = ?, store_visits = store_visits + ?,
		coupons_issued = ?, sold_out_at = COALESCE(sold_out_at, ?), updated_at = ? WHERE id = ?`,
		seq, visits, issued, soldOut, now.UnixMicro(), eventID)
	if err != nil {
		return out, fmt.Errorf("participation: update counters: %w", err)
	}
	ev.Entries, ev.CouponsIssued, ev.StoreVisits = seq, issued, ev.StoreVisits+visits
	ev.SoldOut = ev.SoldOut || out.SoldOutNow
	out.Event = ev
	return out, nil
}

// existing returns the stored entries among the batch's phone hashes.
func (s *Store) existing(ctx context.Context, tx *db.Tx, eventID string, entries []participation.NewEntry) (map[string]participation.StoredEntry, error) {
	found := map[string]participation.StoredEntry{}
	if tx.Dialect() == db.Postgres {
		// One array parameter: the statement is the same for every batch
		// size, so PostgreSQL does not parse and plan thousands of
		// placeholders per batch.
		hashes := make([]string, len(entries))
		for i, e := range entries {
			hashes[i] = e.PhoneHash
		}
		rows, err := tx.QueryContext(ctx, `SELECT phone_hash, `+entryCols+` FROM participation_entries
			WHERE event_id = ? AND phone_hash = ANY(?::text[])`, eventID, hashes)
		if err != nil {
			return nil, fmt.Errorf("participation: find repeats: %w", err)
		}
		return found, scanRepeats(rows, found)
	}
	for start := 0; start < len(entries); start += insertChunk {
		end := min(start+insertChunk, len(entries))
		args := make([]any, 0, end-start+1)
		args = append(args, eventID)
		for _, e := range entries[start:end] {
			args = append(args, e.PhoneHash)
		}
		rows, err := tx.QueryContext(ctx, `SELECT phone_hash, `+entryCols+` FROM participation_entries
			WHERE event_id = ? AND phone_hash IN (`+marks(end-start)+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("participation: find repeats: %w", err)
		}
		if err := scanRepeats(rows, found); err != nil {
			return nil, err
		}
	}
	return found, nil
}

func scanRepeats(rows *sql.Rows, found map[string]participation.StoredEntry) error {
	defer rows.Close()
	for rows.Next() {
		e, hash, err := scanEntry(rows)
		if err != nil {
			return err
		}
		found[hash] = e
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("participation: find repeats: %w", err)
	}
	return rows.Close()
}

func (s *Store) insert(ctx context.Context, tx *db.Tx, eventID string, entries []participation.NewEntry,
	items []participation.BatchItem, fresh []int, created time.Time) error {
	if tx.Dialect() == db.Postgres {
		return s.insertArrays(ctx, tx, eventID, entries, items, fresh, created)
	}
	const cols = 15
	for start := 0; start < len(fresh); start += insertChunk {
		chunk := fresh[start:min(start+insertChunk, len(fresh))]
		var q strings.Builder
		q.WriteString(`INSERT INTO participation_entries (event_id, entry_number, phone_hash, phone_enc, name_enc,
			phone_masked, name_masked, phone_last4, store_visit, marketing, channel, coupon_code, created_at, coupon_redeemed_at, review) VALUES `)
		args := make([]any, 0, len(chunk)*cols)
		for k, i := range chunk {
			if k > 0 {
				q.WriteByte(',')
			}
			q.WriteString("(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
			e, se := entries[i], items[i].Entry
			var coupon any
			if se.CouponCode != "" {
				coupon = se.CouponCode
			}
			args = append(args, eventID, se.EntryNumber, e.PhoneHash, e.PhoneEnc, e.NameEnc, e.PhoneMasked,
				e.NameMasked, e.Last4, b2i(e.StoreVisit), b2i(e.Marketing), e.Channel, coupon, created.UnixMicro(), nil, e.Review)
		}
		// The unique (event_id, phone_hash) index is the rule itself; the
		// lock above means no conflict should reach it, and if one ever does
		// (a writer that bypassed the lock) the batch is refused rather than
		// leaving a numbered gap or a lost coupon.
		q.WriteString(` ON CONFLICT (event_id, phone_hash) DO NOTHING`)
		res, err := tx.ExecContext(ctx, q.String(), args...)
		if err != nil {
			return fmt.Errorf("participation: insert entries: %w", err)
		}
		if n, err := res.RowsAffected(); err == nil && n != int64(len(chunk)) {
			return fmt.Errorf("participation: insert entries: %d of %d rows conflicted", int64(len(chunk))-n, len(chunk))
		}
	}
	return nil
}

// insertArrays is insert on PostgreSQL: one statement whatever the batch
// size, the columns passed as arrays and unnested, so the server parses and
// plans a short statement instead of 14 placeholders a row.
func (s *Store) insertArrays(ctx context.Context, tx *db.Tx, eventID string, entries []participation.NewEntry,
	items []participation.BatchItem, fresh []int, created time.Time) error {
	if len(fresh) == 0 {
		return nil
	}
	n := len(fresh)
	var (
		numbers                           = make([]int64, n)
		hashes, phoneEnc, nameEnc, phoneM = make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		nameM, last4, channels, coupons   = make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		reviews                           = make([]string, n)
		visits, marketing                 = make([]int16, n), make([]int16, n)
	)
	for k, i := range fresh {
		e, se := entries[i], items[i].Entry
		numbers[k], hashes[k], phoneEnc[k], nameEnc[k] = se.EntryNumber, e.PhoneHash, e.PhoneEnc, e.NameEnc
		phoneM[k], nameM[k], last4[k], channels[k], coupons[k] = e.PhoneMasked, e.NameMasked, e.Last4, e.Channel, se.CouponCode
		visits[k], marketing[k], reviews[k] = int16(b2i(e.StoreVisit)), int16(b2i(e.Marketing)), e.Review
	}
	// See insert for why a conflict refuses the batch.
	res, err := tx.ExecContext(ctx, `INSERT INTO participation_entries (event_id, entry_number, phone_hash, phone_enc,
		name_enc, phone_masked, name_masked, phone_last4, store_visit, marketing, channel, coupon_code, created_at, review)
		SELECT ?, u.n, u.h, u.pe, u.ne, u.pm, u.nm, u.l4, u.sv, u.mk, u.ch, NULLIF(u.cc, ''), ?, u.rv
		FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::smallint[],
			?::smallint[], ?::text[], ?::text[], ?::text[]) AS u(n, h, pe, ne, pm, nm, l4, sv, mk, ch, cc, rv)
		ON CONFLICT (event_id, phone_hash) DO NOTHING`,
		eventID, created.UnixMicro(), numbers, hashes, phoneEnc, nameEnc, phoneM, nameM, last4, visits, marketing, channels, coupons, reviews)
	if err != nil {
		return fmt.Errorf("participation: insert entries: %w", err)
	}
	if got, err := res.RowsAffected(); err == nil && got != int64(n) {
		return fmt.Errorf("participation: insert entries: %d of %d rows conflicted", int64(n)-got, n)
	}
	return nil
}

func marks(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?,", n-1) + "?"
}

// ListEntries returns a page of masked entries, newest first.
func (s *Store) ListEntries(ctx context.Context, eventID string, f participation.EntryFilter) (participation.EntryPage, error) {
	page := participation.EntryPage{Page: f.Page, Size: f.Size, Items: []participation.EntryView{}}
	where, args := `event_id = ?`, []any{eventID}
	if f.Last4 != "" {
		where += ` AND phone_last4 = ?`
		args = append(args, f.Last4)
	}
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM participation_entries WHERE `+where, args...).Scan(&page.Total); err != nil {
		return page, fmt.Errorf("participation: count entries: %w", err)
	}
	args = append(args, f.Size, (f.Page-1)*f.Size)
	err := s.views(ctx, `SELECT `+viewCols+` FROM participation_entries WHERE `+where+
		` ORDER BY entry_number DESC LIMIT ? OFFSET ?`, args, func(v participation.EntryView) error {
		page.Items = append(page.Items, v)
		return nil
	})
	return page, err
}

// EachEntry streams the event's masked entries in entry-number order.
func (s *Store) EachEntry(ctx context.Context, eventID string, fn func(participation.EntryView) error) error {
	return s.views(ctx, `SELECT `+viewCols+` FROM participation_entries WHERE event_id = ? ORDER BY entry_number`,
		[]any{eventID}, fn)
}

// EachSealedContact streams the encrypted contacts of an event's entries.
func (s *Store) EachSealedContact(ctx context.Context, eventID string, fn func(int64, string, string) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT entry_number, name_enc, phone_enc FROM participation_entries
		WHERE event_id = ? AND purged_at IS NULL ORDER BY entry_number`, eventID)
	if err != nil {
		return fmt.Errorf("participation: contacts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var n int64
		var name, phone string
		if err := rows.Scan(&n, &name, &phone); err != nil {
			return err
		}
		if err := fn(n, name, phone); err != nil {
			return err
		}
	}
	return rows.Err()
}

const viewCols = `entry_number, name_masked, phone_masked, store_visit, marketing, COALESCE(coupon_code, ''),
	coupon_redeemed_at, created_at, purged_at, review`

func (s *Store) views(ctx context.Context, q string, args []any, fn func(participation.EntryView) error) error {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("participation: list entries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v participation.EntryView
		var visit, marketing int
		var redeemed, purged sql.NullInt64
		var created int64
		if err := rows.Scan(&v.EntryNumber, &v.Name, &v.Phone, &visit, &marketing, &v.CouponCode, &redeemed, &created, &purged, &v.Review); err != nil {
			return err
		}
		v.StoreVisit, v.Marketing, v.Purged, v.CreatedAt = visit == 1, marketing == 1, purged.Valid, db.FromMicros(created)
		if redeemed.Valid {
			t := db.FromMicros(redeemed.Int64)
			v.CouponRedeemedAt = &t
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Redeem marks a coupon used, once.
func (s *Store) Redeem(ctx context.Context, tx *db.Tx, eventID, code string, now time.Time) (participation.Redemption, error) {
	r := participation.Redemption{Code: code, RedeemedAt: now.UTC().Truncate(time.Microsecond)}
	// The conditional update is the exactly-once rule: of two concurrent
	// redemptions only one finds coupon_redeemed_at still NULL.
	err := tx.QueryRowContext(ctx, `UPDATE participation_entries SET coupon_redeemed_at = ?
		WHERE event_id = ? AND coupon_code = ? AND coupon_redeemed_at IS NULL RETURNING entry_number`,
		now.UnixMicro(), eventID, code).Scan(&r.EntryNumber)
	if errors.Is(err, sql.ErrNoRows) {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM participation_entries WHERE event_id = ? AND coupon_code = ?`,
			eventID, code).Scan(&n); err != nil {
			return r, err
		}
		if n == 0 {
			return r, participation.ErrCouponNotFound
		}
		return r, participation.ErrCouponUsed
	}
	if err != nil {
		return r, fmt.Errorf("participation: redeem: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE participation_events SET coupons_redeemed = coupons_redeemed + 1 WHERE id = ?`, eventID); err != nil {
		return r, fmt.Errorf("participation: redeem: %w", err)
	}
	return r, nil
}
