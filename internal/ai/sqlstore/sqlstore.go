// Package sqlstore keeps the AI service's recommendations on SQLite or
// PostgreSQL.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/autoevent/autoevent/internal/ai"
	"github.com/autoevent/autoevent/internal/platform/db"
)

//go:embed migrations
var migrations embed.FS

// Store implements ai.ResultStore.
type Store struct {
	db *db.DB
}

var _ ai.ResultStore = (*Store)(nil)

// New returns the store.
func New(d *db.DB) *Store { return &Store{db: d} }

// Migrate applies the AI service's migrations.
func (s *Store) Migrate(ctx context.Context) error { return s.db.Migrate(ctx, "ai", migrations) }

// Save replaces the event's stored recommendation.
func (s *Store) Save(ctx context.Context, tx *db.Tx, r ai.StoredResult) error {
	doc, err := json.Marshal(r.Doc)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO ai_recommendations (event_id, owner_id, variant, job_id, ai_provider, doc, generated_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (event_id) DO UPDATE SET owner_id = excluded.owner_id, variant = excluded.variant, job_id = excluded.job_id,
			ai_provider = excluded.ai_provider, doc = excluded.doc, generated_at = excluded.generated_at, updated_at = excluded.updated_at`,
		r.Doc.EventID, r.OwnerID, r.Variant, r.JobID, r.Doc.AIProvider, string(doc), r.Doc.GeneratedAt.UnixMicro(), time.Now().UnixMicro())
	return err
}

// Get returns the stored recommendation or ai.ErrRecommendationNotFound.
func (s *Store) Get(ctx context.Context, eventID string) (ai.StoredResult, error) {
	var r ai.StoredResult
	var doc string
	err := s.db.QueryRowContext(ctx, `SELECT owner_id, variant, job_id, doc FROM ai_recommendations WHERE event_id = ?`, eventID).
		Scan(&r.OwnerID, &r.Variant, &r.JobID, &doc)
	if errors.Is(err, sql.ErrNoRows) {
		return ai.StoredResult{}, ai.ErrRecommendationNotFound
	}
	if err != nil {
		return ai.StoredResult{}, err
	}
	if err := json.Unmarshal([]byte(doc), &r.Doc); err != nil {
		return ai.StoredResult{}, fmt.Errorf("ai sqlstore: %s: %w", eventID, err)
	}
	return r, nil
}
