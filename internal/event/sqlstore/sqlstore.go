// Package sqlstore is the event service's storage on SQLite or PostgreSQL.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/autoevent/autoevent/internal/event"
	"github.com/autoevent/autoevent/internal/messages"
	"github.com/autoevent/autoevent/internal/platform/db"
)

//go:embed migrations
var migrations embed.FS

// Store implements event.Store.
type Store struct {
	db *db.DB
}

var _ event.Store = (*Store)(nil)

// New returns the store.
func New(d *db.DB) *Store { return &Store{db: d} }

// Migrate applies the event service's migrations.
func (s *Store) Migrate(ctx context.Context) error { return s.db.Migrate(ctx, "event", migrations) }

const columns = `id, owner_id, store_id, store_name, industry, region_sido, region_sigungu, purpose, purpose_text,
	status, plan, channels, ai_provider, recommended_at, starts_at, ends_at, approved_at, ended_at, end_reason,
	created_at, updated_at, version`

// row is the column values of one event.
func row(e event.Event) ([]any, error) {
	plan := ""
	if e.Plan != nil {
		b, err := json.Marshal(e.Plan)
		if err != nil {
			return nil, err
		}
		plan = string(b)
	}
	ch := e.Channels
	if ch == nil {
		ch = []string{}
	}
	channels, err := json.Marshal(ch)
	if err != nil {
		return nil, err
	}
	return []any{e.ID, e.OwnerID, e.StoreID, e.StoreName, e.Industry, e.RegionSido, e.RegionSigungu, string(e.Purpose),
		e.PurposeText, string(e.Status), plan, string(channels), e.AIProvider, db.Micros(e.RecommendedAt), db.Micros(e.StartsAt),
		db.Micros(e.EndsAt), db.Micros(e.ApprovedAt), db.Micros(e.EndedAt), e.EndReason, db.Micros(e.CreatedAt), db.Micros(e.UpdatedAt),
		e.Version}, nil
}

func scan(r interface{ Scan(...any) error }) (event.Event, error) {
	var e event.Event
	var purpose, status, plan, channels string
	var rec, starts, ends, approved, ended, created, updated int64
	err := r.Scan(&e.ID, &e.OwnerID, &e.StoreID, &e.StoreName, &e.Industry, &e.RegionSido, &e.RegionSigungu, &purpose,
		&e.PurposeText, &status, &plan, &channels, &e.AIProvider, &rec, &starts, &ends, &approved, &ended, &e.EndReason,
		&created, &updated, &e.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return event.Event{}, event.ErrNotFound
	}
	if err != nil {
		return event.Event{}, err
	}
	e.Purpose, e.Status = messages.Purpose(purpose), event.Status(status)
	if plan != "" {
		e.Plan = new(event.Plan)
		if err := json.Unmarshal([]byte(plan), e.Plan); err != nil {
			return event.Event{}, fmt.Errorf("event sqlstore: plan of %s: %w", e.ID, err)
		}
	}
	if err := json.Unmarshal([]byte(channels), &e.Channels); err != nil || e.Channels == nil {
		e.Channels = []string{}
	}
	e.RecommendedAt, e.StartsAt, e.EndsAt = db.FromMicros(rec), db.FromMicros(starts), db.FromMicros(ends)
	e.ApprovedAt, e.EndedAt, e.CreatedAt, e.UpdatedAt = db.FromMicros(approved), db.FromMicros(ended), db.FromMicros(created), db.FromMicros(updated)
	return e, nil
}

// Insert adds a new event.
func (s *Store) Insert(ctx context.Context, tx *db.Tx, e event.Event) error {
	args, err := row(e)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO events (`+columns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
	return err
}

// Get returns one event or event.ErrNotFound.
func (s *Store) Get(ctx context.Context, q db.Querier, id string) (event.Event, error) {
	return scan(q.QueryRowContext(ctx, `SELECT `+columns+` FROM events WHERE id = ?`, id))
}

// Update writes e when the stored version is e.Version, bumping it.
func (s *Store) Update(ctx context.Context, tx *db.Tx, e event.Event) (bool, error) {
	args, err := row(e)
	if err != nil {
		return false, err
	}
	// args: id first, version last; the SET list takes the middle.
	set := append([]any{}, args[1:len(args)-1]...)
	set = append(set, e.ID, e.Version)
	res, err := tx.ExecContext(ctx, `UPDATE events SET owner_id = ?, store_id = ?, store_name = ?, industry = ?,
		region_sido = ?, region_sigungu = ?, purpose = ?, purpose_text = ?, status = ?, plan = ?, channels = ?,
		ai_provider = ?, recommended_at = ?, starts_at = ?, ends_at = ?, approved_at = ?, ended_at = ?, end_reason = ?,
		created_at = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`, set...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Delete removes the event if it is still at e.Version.
func (s *Store) Delete(ctx context.Context, tx *db.Tx, e event.Event) (bool, error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM events WHERE id = ? AND version = ?`, e.ID, e.Version)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// List returns up to limit+1 of the owner's events after the cursor.
func (s *Store) List(ctx context.Context, ownerID string, status event.Status, afterCreated time.Time, afterID string, limit int) ([]event.Event, error) {
	q := `SELECT ` + columns + ` FROM events WHERE owner_id = ?`
	args := []any{ownerID}
	if status != "" {
		q += ` AND status = ?`
		args = append(args, string(status))
	} else {
		q += ` AND status <> ?`
		args = append(args, string(event.StatusCancelled))
	}
	if afterID != "" {
		q += ` AND (created_at < ? OR (created_at = ? AND id < ?))`
		c := db.Micros(afterCreated)
		args = append(args, c, c, afterID)
	}
	q += ` ORDER BY created_at DESC, id DESC LIMIT ?`
	args = append(args, limit+1)
	return s.query(ctx, q, args...)
}

// Due returns events the ticker has to move.
func (s *Store) Due(ctx context.Context, now time.Time, limit int) ([]event.Event, error) {
	n := db.Micros(now)
	return s.query(ctx, `SELECT `+columns+` FROM events
		WHERE (status = ? AND starts_at <= ?) OR (status = ? AND ends_at <= ?)
		ORDER BY id LIMIT ?`, string(event.StatusApproved), n, string(event.StatusActive), n, limit)
}

func (s *Store) query(ctx context.Context, q string, args ...any) ([]event.Event, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []event.Event
	for rows.Next() {
		e, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
