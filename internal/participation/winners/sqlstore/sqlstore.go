// Package sqlstore keeps the participation service's draws, winners and
// notification states, and the retention bookkeeping, on SQLite or
// PostgreSQL. Winners are stored masked only (010-****-1234, 김*수): the
// plain contact stays in the entry store, encrypted.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/participation/winners"
	"github.com/autoevent/autoevent/internal/platform/db"
)

//go:embed migrations
var migrations embed.FS

// Store implements winners.Store.
type Store struct{ db *db.DB }

var _ winners.Store = (*Store)(nil)

// New returns the store.
func New(d *db.DB) *Store { return &Store{db: d} }

// Migrate applies the migrations (version table goose_winners).
func (s *Store) Migrate(ctx context.Context) error { return s.db.Migrate(ctx, "winners", migrations) }

func nullMicros(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	return db.Micros(*t)
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

const drawColumns = `id, event_id, owner_id, status, commitment, seed_enc, seed, algorithm, entry_list_hash, entry_count,
	visit_count, winner_count, visit_bonus_weight, exclusions, redraw_of, reason, committed_in_advance, committed_at, drawn_at, created_at,
	replaces, exclusion_rule`

type scanner interface{ Scan(dest ...any) error }

func scanDraw(r scanner) (winners.Draw, error) {
	var (
		d       winners.Draw
		status  string
		excl    string
		repl    string
		redraw  sql.NullString
		drawn   sql.NullInt64
		commit  int64
		created int64
	)
	err := r.Scan(&d.ID, &d.EventID, &d.OwnerID, &status, &d.Commitment, &d.SealedSeed, &d.Seed, &d.Algorithm, &d.EntryListHash,
		&d.EntryCount, &d.VisitEntryCount, &d.WinnerCount, &d.VisitBonusWeight, &excl, &redraw, &d.Reason, &d.CommittedInAdvance,
		&commit, &drawn, &created, &repl, &d.ExclusionRule)
	if errors.Is(err, sql.ErrNoRows) {
		return d, winners.ErrDrawNotFound
	}
	if err != nil {
		return d, err
	}
	d.Status = winners.DrawStatus(status)
	if err := json.Unmarshal([]byte(excl), &d.Exclusions); err != nil {
		return d, err
	}
	if err := json.Unmarshal([]byte(repl), &d.Replaces); err != nil {
		return d, err
	}
	if len(d.Replaces) == 0 {
		d.Replaces = nil
	}
	d.RedrawOf = redraw.String
	d.CommittedAt, d.CreatedAt = db.FromMicros(commit), db.FromMicros(created)
	if drawn.Valid {
		t := db.FromMicros(drawn.Int64)
		d.DrawnAt = &t
	}
	return d, nil
}

// PendingDraw implements winners.Store.
func (s *Store) PendingDraw(ctx context.Context, q db.Querier, eventID string) (winners.Draw, error) {
	return scanDraw(q.QueryRowContext(ctx, `SELECT `+drawColumns+` FROM draws WHERE event_id = ? AND status = 'PENDING'`, eventID))
}

// LatestDraw implements winners.Store.
func (s *Store) LatestDraw(ctx context.Context, q db.Querier, eventID string) (winners.Draw, error) {
	return scanDraw(q.QueryRowContext(ctx, `SELECT `+drawColumns+` FROM draws WHERE event_id = ? AND status = 'DRAWN'
		ORDER BY drawn_at DESC, id DESC LIMIT 1`, eventID))
}

func drawArgs(d winners.Draw) ([]any, error) {
	excl, err := json.Marshal(nonNil(d.Exclusions))
	if err != nil {
		return nil, err
	}
	repl, err := json.Marshal(nonNil(d.Replaces))
	if err != nil {
		return nil, err
	}
	return []any{d.ID, d.EventID, d.OwnerID, string(d.Status), d.Commitment, d.SealedSeed, d.Seed, d.Algorithm, d.EntryListHash,
		d.EntryCount, d.VisitEntryCount, d.WinnerCount, d.VisitBonusWeight, string(excl), nullString(d.RedrawOf), d.Reason,
		d.CommittedInAdvance, db.Micros(d.CommittedAt), nullMicros(d.DrawnAt), db.Micros(d.CreatedAt), string(repl), d.ExclusionRule}, nil
}

func nonNil(v []int64) []int64 {
	if v == nil {
		return []int64{}
	}
	return v
}

// InsertDraw implements winners.Store.
func (s *Store) InsertDraw(ctx context.Context, tx *db.Tx, d winners.Draw) error {
	args, err := drawArgs(d)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO draws (`+drawColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
	return err
}

// CompleteDraw implements winners.Store. Only the pending row changes, and
// only once: a DRAWN row is never updated again.
func (s *Store) CompleteDraw(ctx context.Context, tx *db.Tx, d winners.Draw) (bool, error) {
	excl, err := json.Marshal(nonNil(d.Exclusions))
	if err != nil {
		return false, err
	}
	repl, err := json.Marshal(nonNil(d.Replaces))
	if err != nil {
		return false, err
	}
	res, err := tx.ExecContext(ctx, `UPDATE draws SET status = 'DRAWN', seed = ?, algorithm = ?, entry_list_hash = ?,
		entry_count = ?, visit_count = ?, winner_count = ?, visit_bonus_weight = ?, exclusions = ?, redraw_of = ?, reason = ?,
		replaces = ?, exclusion_rule = ?, drawn_at = ? WHERE id = ? AND event_id = ? AND status = 'PENDING' AND commitment = ?`,
		d.Seed, d.Algorithm, d.EntryListHash, d.EntryCount, d.VisitEntryCount, d.WinnerCount, d.VisitBonusWeight, string(excl),
		nullString(d.RedrawOf), d.Reason, string(repl), d.ExclusionRule, nullMicros(d.DrawnAt), d.ID, d.EventID, d.Commitment)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// InsertWinners implements winners.Store.
func (s *Store) InsertWinners(ctx context.Context, tx *db.Tx, drawID string, ws []winners.Winner, now time.Time) error {
	const batch = 100
	for i := 0; i < len(ws); i += batch {
		part := ws[i:min(i+batch, len(ws))]
		var b strings.Builder
		b.WriteString(`INSERT INTO draw_winners (draw_id, entry_number, win_rank, store_visit, name_masked, phone_masked,
			notify_status, notify_updated_at) VALUES `)
		args := make([]any, 0, len(part)*8)
		for j, w := range part {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, drawID, w.EntryNumber, w.Rank, w.StoreVisit, w.Name, w.Phone, string(winners.NotifyPending), db.Micros(now))
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// SaveEntryList implements winners.Store.
func (s *Store) SaveEntryList(ctx context.Context, tx *db.Tx, drawID string, data []byte) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO draw_entry_lists (draw_id, data) VALUES (?, ?)`, drawID, data)
	return err
}

// EntryList implements winners.Store.
func (s *Store) EntryList(ctx context.Context, drawID string) ([]byte, error) {
	var b []byte
	err := s.db.QueryRowContext(ctx, `SELECT data FROM draw_entry_lists WHERE draw_id = ?`, drawID).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, winners.ErrDrawNotFound
	}
	return b, err
}

const winnerColumns = `draw_id, entry_number, win_rank, store_visit, name_masked, phone_masked, notify_status, notify_channel,
	notify_request_id, notify_message_id, notify_fallback, notify_attempts, notify_code, notify_updated_at, prize_delivered_at`

func scanWinner(r scanner) (string, winners.Winner, error) {
	var (
		w         winners.Winner
		n         winners.Notification
		drawID    string
		status    string
		updated   int64
		delivered sql.NullInt64
	)
	err := r.Scan(&drawID, &w.EntryNumber, &w.Rank, &w.StoreVisit, &w.Name, &w.Phone, &status, &n.Channel, &n.RequestID, &n.MessageID,
		&n.Fallback, &n.Attempts, &n.Code, &updated, &delivered)
	if errors.Is(err, sql.ErrNoRows) {
		return "", w, winners.ErrWinnerNotFound
	}
	if err != nil {
		return "", w, err
	}
	n.Status, n.UpdatedAt = winners.NotifyStatus(status), db.FromMicros(updated)
	w.Notification = &n
	if delivered.Valid {
		t := db.FromMicros(delivered.Int64)
		w.PrizeDeliveredAt = &t
	}
	return drawID, w, nil
}

// Draws implements winners.Store.
func (s *Store) Draws(ctx context.Context, eventID string) ([]winners.Draw, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+drawColumns+` FROM draws WHERE event_id = ? ORDER BY created_at DESC, id DESC`, eventID)
	if err != nil {
		return nil, err
	}
	var ds []winners.Draw
	idx := map[string]int{}
	for rows.Next() {
		d, err := scanDraw(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		d.Winners = []winners.Winner{}
		idx[d.ID] = len(ds)
		ds = append(ds, d)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return []winners.Draw{}, nil
	}
	wrows, err := s.db.QueryContext(ctx, `SELECT `+prefixed("w.", winnerColumns)+` FROM draw_winners w JOIN draws d ON d.id = w.draw_id
		WHERE d.event_id = ? ORDER BY w.draw_id, w.win_rank`, eventID)
	if err != nil {
		return nil, err
	}
	defer wrows.Close()
	for wrows.Next() {
		id, w, err := scanWinner(wrows)
		if err != nil {
			return nil, err
		}
		if i, ok := idx[id]; ok {
			ds[i].Winners = append(ds[i].Winners, w)
		}
	}
	return ds, wrows.Err()
}

func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// Draw implements winners.Store.
func (s *Store) Draw(ctx context.Context, eventID, drawID string) (winners.Draw, error) {
	d, err := scanDraw(s.db.QueryRowContext(ctx, `SELECT `+drawColumns+` FROM draws WHERE id = ? AND event_id = ?`, drawID, eventID))
	if err != nil {
		return d, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+winnerColumns+` FROM draw_winners WHERE draw_id = ? ORDER BY win_rank`, drawID)
	if err != nil {
		return d, err
	}
	defer rows.Close()
	d.Winners = []winners.Winner{}
	for rows.Next() {
		_, w, err := scanWinner(rows)
		if err != nil {
			return d, err
		}
		d.Winners = append(d.Winners, w)
	}
	return d, rows.Err()
}

// Winner implements winners.Store.
func (s *Store) Winner(ctx context.Context, drawID string, entryNumber int64) (winners.Winner, error) {
	_, w, err := scanWinner(s.db.QueryRowContext(ctx, `SELECT `+winnerColumns+` FROM draw_winners WHERE draw_id = ? AND entry_number = ?`,
		drawID, entryNumber))
	return w, err
}

// ClaimNotification implements winners.Store: the conditional update is
// the lock, so two workers holding the same job cannot both send.
func (s *Store) ClaimNotification(ctx context.Context, drawID string, entryNumber int64, now time.Time) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE draw_winners SET notify_status = 'SENDING', notify_attempts = notify_attempts + 1,
		notify_updated_at = ? WHERE draw_id = ? AND entry_number = ? AND notify_status = 'PENDING'`, db.Micros(now), drawID, entryNumber)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SetNotification implements winners.Store.
func (s *Store) SetNotification(ctx context.Context, drawID string, entryNumber int64, n winners.Notification) error {
	_, err := s.db.ExecContext(ctx, `UPDATE draw_winners SET notify_status = ?, notify_channel = ?, notify_request_id = ?,
		notify_message_id = ?, notify_fallback = ?, notify_code = ?, notify_updated_at = ? WHERE draw_id = ? AND entry_number = ?`,
		string(n.Status), n.Channel, n.RequestID, n.MessageID, n.Fallback, n.Code, db.Micros(n.UpdatedAt), drawID, entryNumber)
	return err
}

// SentNotifications implements winners.Store.
func (s *Store) SentNotifications(ctx context.Context, before time.Time, limit int) ([]winners.SentNotification, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+winnerColumns+` FROM draw_winners WHERE notify_status = 'SENT' AND notify_updated_at <= ?
		ORDER BY notify_updated_at LIMIT ?`, db.Micros(before), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []winners.SentNotification
	for rows.Next() {
		id, w, err := scanWinner(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, winners.SentNotification{DrawID: id, EntryNumber: w.EntryNumber, Notification: *w.Notification})
	}
	return out, rows.Err()
}

// ExpireSending implements winners.Store.
func (s *Store) ExpireSending(ctx context.Context, before, now time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE draw_winners SET notify_status = 'FAILED', notify_code = 'unknown', notify_updated_at = ?
		WHERE notify_status = 'SENDING' AND notify_updated_at < ?`, db.Micros(now), db.Micros(before))
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// MarkPrizeDelivered implements winners.Store.
func (s *Store) MarkPrizeDelivered(ctx context.Context, drawID string, entryNumber int64, at time.Time) error {
	res, err := s.db.ExecContext(ctx, `UPDATE draw_winners SET prize_delivered_at = COALESCE(prize_delivered_at, ?)
		WHERE draw_id = ? AND entry_number = ?`, db.Micros(at), drawID, entryNumber)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return winners.ErrWinnerNotFound
	}
	return nil
}

// TouchLifecycle implements winners.Store.
func (s *Store) TouchLifecycle(ctx context.Context, q db.Querier, eventID string, method messages.Method, reopen bool) error {
	upd := `method = CASE WHEN excluded.method = '' THEN draw_retention.method ELSE excluded.method END`
	if reopen {
		upd += `, done_at = NULL`
	}
	_, err := q.ExecContext(ctx, `INSERT INTO draw_retention (event_id, method) VALUES (?, ?)
		ON CONFLICT (event_id) DO UPDATE SET `+upd, eventID, method)
	return err
}

// SetEnded implements winners.Store.
func (s *Store) SetEnded(ctx context.Context, q db.Querier, eventID string, at time.Time, cancelled bool) error {
	_, err := q.ExecContext(ctx, `INSERT INTO draw_retention (event_id, ended_at, cancelled) VALUES (?, ?, ?)
		ON CONFLICT (event_id) DO UPDATE SET ended_at = COALESCE(draw_retention.ended_at, excluded.ended_at),
		cancelled = (draw_retention.cancelled OR excluded.cancelled)`, eventID, db.Micros(at), cancelled)
	return err
}

// RetentionDue implements winners.Store.
func (s *Store) RetentionDue(ctx context.Context, limit int) ([]winners.Lifecycle, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT event_id, method, ended_at, cancelled, nonwinners_purged_at FROM draw_retention
		WHERE done_at IS NULL ORDER BY event_id LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []winners.Lifecycle
	for rows.Next() {
		var (
			lc            winners.Lifecycle
			ended, purged sql.NullInt64
		)
		if err := rows.Scan(&lc.EventID, &lc.Method, &ended, &lc.Cancelled, &purged); err != nil {
			return nil, err
		}
		if ended.Valid {
			lc.EndedAt = db.FromMicros(ended.Int64)
		}
		if purged.Valid {
			lc.NonWinnersPurgedAt = db.FromMicros(purged.Int64)
		}
		out = append(out, lc)
	}
	return out, rows.Err()
}

// SetPurged implements winners.Store.
func (s *Store) SetPurged(ctx context.Context, eventID string, keep []int64, nonWinners, done bool, at time.Time) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		kept := map[int64]bool{}
		for _, n := range keep {
			kept[n] = true
		}
		rows, err := tx.QueryContext(ctx, `SELECT w.draw_id, w.entry_number FROM draw_winners w JOIN draws d ON d.id = w.draw_id
			WHERE d.event_id = ? AND (w.name_masked <> '' OR w.phone_masked <> '')`, eventID)
		if err != nil {
			return err
		}
		type key struct {
			draw string
			n    int64
		}
		var clear []key
		for rows.Next() {
			var k key
			if err := rows.Scan(&k.draw, &k.n); err != nil {
				rows.Close()
				return err
			}
			if !kept[k.n] {
				clear = append(clear, k)
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
		for _, k := range clear {
			if _, err := tx.ExecContext(ctx, `UPDATE draw_winners SET name_masked = '', phone_masked = '' WHERE draw_id = ? AND entry_number = ?`,
				k.draw, k.n); err != nil {
				return err
			}
		}
		var doneAt any
		if done {
			doneAt = db.Micros(at)
		}
		var nw any
		if nonWinners {
			nw = db.Micros(at)
		}
		_, err = tx.ExecContext(ctx, `UPDATE draw_retention SET nonwinners_purged_at = COALESCE(nonwinners_purged_at, ?),
			done_at = ? WHERE event_id = ?`, nw, doneAt, eventID)
		return err
	})
}
