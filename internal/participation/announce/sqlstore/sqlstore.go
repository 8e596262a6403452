// Package sqlstore keeps announcements and their recipients on SQLite or
// PostgreSQL.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/autoevent/autoevent/internal/participation/announce"
	"github.com/autoevent/autoevent/internal/platform/db"
)

//go:embed migrations
var migrations embed.FS

// Store implements announce.Store.
type Store struct{ db *db.DB }

var _ announce.Store = (*Store)(nil)

// New returns the store.
func New(d *db.DB) *Store { return &Store{db: d} }

// Migrate applies the migrations (version table goose_announce).
func (s *Store) Migrate(ctx context.Context) error { return s.db.Migrate(ctx, "announce", migrations) }

// recipientChunk keeps a multi-row insert under both dialects' parameter
// limits (6 columns a row).
const recipientChunk = 500

// Insert implements announce.Store.
func (s *Store) Insert(ctx context.Context, tx *db.Tx, a announce.Announcement, rs []announce.Recipient) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO announcements (id, event_id, owner_id, body, sender_name, sender_contact, preview,
		status, recipients, scheduled_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.EventID, a.OwnerID, a.Body, a.SenderName, a.SenderContact, a.Preview, a.Status, len(rs),
		db.Micros(a.ScheduledAt), db.Micros(a.CreatedAt))
	if db.IsUniqueViolation(err) {
		return announce.ErrExists
	}
	if err != nil {
		return fmt.Errorf("announce: insert: %w", err)
	}
	now := db.Micros(a.CreatedAt)
	for start := 0; start < len(rs); start += recipientChunk {
		chunk := rs[start:min(start+recipientChunk, len(rs))]
		var q strings.Builder
		q.WriteString(`INSERT INTO announcement_recipients (announcement_id, n, phone_hash, optout_token, status, updated_at) VALUES `)
		args := make([]any, 0, 6*len(chunk))
		for i, r := range chunk {
			if i > 0 {
				q.WriteByte(',')
			}
			q.WriteString("(?,?,?,?,?,?)")
			args = append(args, a.ID, r.N, r.PhoneHash, r.OptOutToken, r.Status, now)
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("announce: insert recipients: %w", err)
		}
	}
	return nil
}

const columns = `id, event_id, owner_id, body, sender_name, sender_contact, preview, status, recipients, scheduled_at, created_at`

func scan(r interface{ Scan(...any) error }) (announce.Announcement, error) {
	var a announce.Announcement
	var scheduled, created int64
	err := r.Scan(&a.ID, &a.EventID, &a.OwnerID, &a.Body, &a.SenderName, &a.SenderContact, &a.Preview, &a.Status,
		&a.Recipients, &scheduled, &created)
	a.ScheduledAt, a.CreatedAt = db.FromMicros(scheduled), db.FromMicros(created)
	return a, err
}

func (s *Store) list(ctx context.Context, q string, args ...any) ([]announce.Announcement, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("announce: list: %w", err)
	}
	defer rows.Close()
	var out []announce.Announcement
	for rows.Next() {
		a, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("announce: list: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// ByEvent implements announce.Store.
func (s *Store) ByEvent(ctx context.Context, eventID string) ([]announce.Announcement, error) {
	out, err := s.list(ctx, `SELECT `+columns+` FROM announcements WHERE event_id = ? ORDER BY created_at DESC`, eventID)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Counts = map[string]int{}
		rows, err := s.db.QueryContext(ctx, `SELECT status, COUNT(*) FROM announcement_recipients
			WHERE announcement_id = ? GROUP BY status`, out[i].ID)
		if err != nil {
			return nil, fmt.Errorf("announce: counts: %w", err)
		}
		for rows.Next() {
			var st string
			var n int
			if err := rows.Scan(&st, &n); err != nil {
				rows.Close()
				return nil, err
			}
			out[i].Counts[st] = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Get implements announce.Store.
func (s *Store) Get(ctx context.Context, id string) (announce.Announcement, error) {
	a, err := scan(s.db.QueryRowContext(ctx, `SELECT `+columns+` FROM announcements WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, announce.ErrNotFound
	}
	return a, err
}

// Due implements announce.Store.
func (s *Store) Due(ctx context.Context, now time.Time, limit int) ([]announce.Announcement, error) {
	return s.list(ctx, `SELECT `+columns+` FROM announcements WHERE status = 'SCHEDULED' AND scheduled_at <= ?
		ORDER BY scheduled_at LIMIT ?`, db.Micros(now), limit)
}

// Cancel implements announce.Store. The status condition is checked by the
// same statement StartSending updates, so one of the two wins.
func (s *Store) Cancel(ctx context.Context, tx *db.Tx, id string) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE announcements SET status = 'CANCELLED' WHERE id = ? AND status = 'SCHEDULED'`, id)
	if err != nil {
		return false, fmt.Errorf("announce: cancel: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM announcement_recipients WHERE announcement_id = ?`, id); err != nil {
		return false, fmt.Errorf("announce: cancel: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM announcements WHERE id = ?`, id); err != nil {
		return false, fmt.Errorf("announce: cancel: %w", err)
	}
	return true, nil
}

// StartSending implements announce.Store.
func (s *Store) StartSending(ctx context.Context, tx *db.Tx, id string, now time.Time) (bool, []int64, error) {
	res, err := tx.ExecContext(ctx, `UPDATE announcements SET status = 'SENDING' WHERE id = ? AND status = 'SCHEDULED'`, id)
	if err != nil {
		return false, nil, fmt.Errorf("announce: start: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, nil, err
	}
	// Queued now: the stale clock of each recipient starts here.
	if _, err := tx.ExecContext(ctx, `UPDATE announcement_recipients SET updated_at = ? WHERE announcement_id = ? AND status = 'PENDING'`,
		db.Micros(now), id); err != nil {
		return false, nil, fmt.Errorf("announce: start: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT n FROM announcement_recipients WHERE announcement_id = ? AND status = 'PENDING' ORDER BY n`, id)
	if err != nil {
		return false, nil, fmt.Errorf("announce: recipients: %w", err)
	}
	defer rows.Close()
	var ns []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return false, nil, err
		}
		ns = append(ns, n)
	}
	return true, ns, rows.Err()
}

const recipientColumns = `announcement_id, n, phone_hash, optout_token, status, code, channel, request_id, attempts`

func scanRecipient(r interface{ Scan(...any) error }) (announce.Recipient, error) {
	var x announce.Recipient
	err := r.Scan(&x.AnnouncementID, &x.N, &x.PhoneHash, &x.OptOutToken, &x.Status, &x.Code, &x.Channel, &x.RequestID, &x.Attempts)
	return x, err
}

// Deferred implements announce.Store.
func (s *Store) Deferred(ctx context.Context, limit int) ([]announce.Recipient, error) {
	return s.recipients(ctx, `SELECT `+recipientColumns+` FROM announcement_recipients
		WHERE status = 'DEFERRED' ORDER BY updated_at LIMIT ?`, limit)
}

// Stale implements announce.Store.
func (s *Store) Stale(ctx context.Context, before time.Time, limit int) ([]announce.Recipient, error) {
	return s.recipients(ctx, `SELECT `+prefixed("r.", recipientColumns)+` FROM announcement_recipients r
		JOIN announcements a ON a.id = r.announcement_id
		WHERE r.status IN ('PENDING', 'SENDING') AND r.updated_at < ? AND a.status = 'SENDING'
		ORDER BY r.updated_at LIMIT ?`, db.Micros(before), limit)
}

func prefixed(p, cols string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = p + parts[i]
	}
	return strings.Join(parts, ", ")
}

func (s *Store) recipients(ctx context.Context, q string, args ...any) ([]announce.Recipient, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("announce: recipients: %w", err)
	}
	defer rows.Close()
	var out []announce.Recipient
	for rows.Next() {
		r, err := scanRecipient(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Requeue implements announce.Store.
func (s *Store) Requeue(ctx context.Context, tx *db.Tx, id string, n int64, now time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE announcement_recipients SET status = 'PENDING', code = '', updated_at = ?
		WHERE announcement_id = ? AND n = ? AND status IN ('DEFERRED', 'PENDING')`, db.Micros(now), id, n)
	if err != nil {
		return false, fmt.Errorf("announce: requeue: %w", err)
	}
	k, err := res.RowsAffected()
	return k == 1, err
}

// Claim implements announce.Store: the conditional update is the lock.
func (s *Store) Claim(ctx context.Context, id string, n int64, now time.Time) (announce.Recipient, bool, error) {
	var r announce.Recipient
	claimed := false
	err := s.db.InTx(ctx, func(tx *db.Tx) error { // a write: on SQLite only the writer may run it
		var err error
		r, err = scanRecipient(tx.QueryRowContext(ctx, `UPDATE announcement_recipients SET status = 'SENDING',
			attempts = attempts + 1, updated_at = ? WHERE announcement_id = ? AND n = ? AND status = 'PENDING'
			RETURNING `+recipientColumns, db.Micros(now), id, n))
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		claimed = err == nil
		return err
	})
	if err != nil {
		return r, false, fmt.Errorf("announce: claim: %w", err)
	}
	return r, claimed, nil
}

// SetRecipient implements announce.Store.
func (s *Store) SetRecipient(ctx context.Context, r announce.Recipient, now time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE announcement_recipients SET status = ?, code = ?, channel = ?, request_id = ?, updated_at = ?
		WHERE announcement_id = ? AND n = ?`, r.Status, r.Code, r.Channel, r.RequestID, db.Micros(now), r.AnnouncementID, r.N)
	if err != nil {
		return fmt.Errorf("announce: set recipient: %w", err)
	}
	return nil
}

// ByOptOutToken implements announce.Store.
func (s *Store) ByOptOutToken(ctx context.Context, token string) (announce.Recipient, announce.Announcement, error) {
	r, err := scanRecipient(s.db.QueryRowContext(ctx, `SELECT `+recipientColumns+` FROM announcement_recipients
		WHERE optout_token = ?`, token))
	if errors.Is(err, sql.ErrNoRows) {
		return r, announce.Announcement{}, announce.ErrUnknownLink
	}
	if err != nil {
		return r, announce.Announcement{}, fmt.Errorf("announce: opt-out link: %w", err)
	}
	a, err := s.Get(ctx, r.AnnouncementID)
	return r, a, err
}
