// Package sqlstore keeps the content service's sets, assets, copy, channel
// styles, edits and blob bookkeeping on SQLite or PostgreSQL.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/autoevent/autoevent/internal/content"
	"github.com/autoevent/autoevent/internal/platform/db"
)

//go:embed migrations
var migrations embed.FS

// Store implements content.Store.
type Store struct{ db *db.DB }

var _ content.Store = (*Store)(nil)

// New returns the store.
func New(d *db.DB) *Store { return &Store{db: d} }

// Migrate applies the content service's migrations.
func (s *Store) Migrate(ctx context.Context) error { return s.db.Migrate(ctx, "content", migrations) }

func (s *Store) q(q db.Querier) db.Querier {
	if q == nil {
		return s.db
	}
	return q
}

// Set returns the event's content set.
func (s *Store) Set(ctx context.Context, q db.Querier, eventID string) (content.Set, error) {
	var st content.Set
	var source, styles string
	var updated int64
	err := s.q(q).QueryRowContext(ctx, `SELECT event_id, owner_id, status, job_id, video_job_id, notice, source, styles, done, total, updated_at
		FROM content_sets WHERE event_id = ?`, eventID).
		Scan(&st.EventID, &st.OwnerID, &st.Status, &st.JobID, &st.VideoJobID, &st.Notice, &source, &styles, &st.Done, &st.Total, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return content.Set{}, content.ErrContentNotFound
	}
	if err != nil {
		return content.Set{}, err
	}
	if err := json.Unmarshal([]byte(source), &st.Source); err != nil {
		return content.Set{}, fmt.Errorf("content sqlstore: source of %s: %w", eventID, err)
	}
	if err := json.Unmarshal([]byte(styles), &st.Styles); err != nil {
		return content.Set{}, fmt.Errorf("content sqlstore: styles of %s: %w", eventID, err)
	}
	st.UpdatedAt = db.FromMicros(updated)
	return st, nil
}

// SaveSet inserts or replaces the set.
func (s *Store) SaveSet(ctx context.Context, q db.Querier, st content.Set) error {
	source, err := json.Marshal(st.Source)
	if err != nil {
		return err
	}
	if st.Styles == nil {
		st.Styles = []string{}
	}
	styles, _ := json.Marshal(st.Styles)
	_, err = s.q(q).ExecContext(ctx, `INSERT INTO content_sets (event_id, owner_id, status, job_id, video_job_id, notice, source, styles, done, total, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (event_id) DO UPDATE SET owner_id = excluded.owner_id, status = excluded.status, job_id = excluded.job_id,
			video_job_id = excluded.video_job_id, notice = excluded.notice, source = excluded.source, styles = excluded.styles,
			done = excluded.done, total = excluded.total, updated_at = excluded.updated_at`,
		st.EventID, st.OwnerID, st.Status, st.JobID, st.VideoJobID, st.Notice, string(source), string(styles), st.Done, st.Total, db.Micros(st.UpdatedAt))
	return err
}

// SetProgress records the running job's progress.
func (s *Store) SetProgress(ctx context.Context, eventID string, done, total int) error {
	_, err := s.db.ExecContext(ctx, `UPDATE content_sets SET done = ?, total = ? WHERE event_id = ?`, done, total, eventID)
	return err
}

const assetColumns = `id, event_id, kind, slot, style, size, width, height, duration_ms, blob_key, content_type, provider, sha256, bytes, created_at`

// PutAsset inserts or replaces an asset and touches its blob.
func (s *Store) PutAsset(ctx context.Context, q db.Querier, a content.Asset) error {
	_, err := s.q(q).ExecContext(ctx, `INSERT INTO content_assets (`+assetColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, slot = excluded.slot, style = excluded.style, size = excluded.size,
			width = excluded.width, height = excluded.height, duration_ms = excluded.duration_ms, blob_key = excluded.blob_key,
			content_type = excluded.content_type, provider = excluded.provider, sha256 = excluded.sha256, bytes = excluded.bytes,
			created_at = excluded.created_at`,
		a.ID, a.EventID, a.Kind, a.Slot, a.Style, a.Size, a.Width, a.Height, a.DurationMs, a.BlobKey, a.ContentType, a.Provider,
		a.SHA256, a.Bytes, db.Micros(a.CreatedAt))
	if err != nil {
		return err
	}
	return s.touch(ctx, s.q(q), a.BlobKey, a.CreatedAt)
}

func scanAsset(row interface{ Scan(...any) error }) (content.Asset, error) {
	var a content.Asset
	var created int64
	err := row.Scan(&a.ID, &a.EventID, &a.Kind, &a.Slot, &a.Style, &a.Size, &a.Width, &a.Height, &a.DurationMs, &a.BlobKey,
		&a.ContentType, &a.Provider, &a.SHA256, &a.Bytes, &created)
	a.CreatedAt = db.FromMicros(created)
	return a, err
}

// Assets lists the event's assets by kind, slot and size.
func (s *Store) Assets(ctx context.Context, eventID string) ([]content.Asset, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+assetColumns+` FROM content_assets WHERE event_id = ? ORDER BY kind, slot, size, id`, eventID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []content.Asset{}
	for rows.Next() {
		a, err := scanAsset(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Asset returns one asset of the event.
func (s *Store) Asset(ctx context.Context, eventID, assetID string) (content.Asset, error) {
	a, err := scanAsset(s.db.QueryRowContext(ctx, `SELECT `+assetColumns+` FROM content_assets WHERE id = ? AND event_id = ?`, assetID, eventID))
	if errors.Is(err, sql.ErrNoRows) {
		return content.Asset{}, content.ErrAssetNotFound
	}
	return a, err
}

// SaveCopy replaces the event's per-platform copy.
func (s *Store) SaveCopy(ctx context.Context, q db.Querier, eventID string, cs []content.Copy) error {
	for _, c := range cs {
		doc, err := json.Marshal(c)
		if err != nil {
			return err
		}
		if _, err := s.q(q).ExecContext(ctx, `INSERT INTO content_copy (event_id, platform, doc) VALUES (?, ?, ?)
			ON CONFLICT (event_id, platform) DO UPDATE SET doc = excluded.doc`, eventID, c.Platform, string(doc)); err != nil {
			return err
		}
	}
	return nil
}

// Copy returns the event's copy by platform name.
func (s *Store) Copy(ctx context.Context, eventID string) ([]content.Copy, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT doc FROM content_copy WHERE event_id = ? ORDER BY platform`, eventID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []content.Copy{}
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, err
		}
		var c content.Copy
		if err := json.Unmarshal([]byte(doc), &c); err != nil {
			return nil, fmt.Errorf("content sqlstore: copy of %s: %w", eventID, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SetChannelStyles records the given channels' styles (others unchanged).
func (s *Store) SetChannelStyles(ctx context.Context, q db.Querier, eventID string, styles map[string]string) error {
	for ch, st := range styles {
		if _, err := s.q(q).ExecContext(ctx, `INSERT INTO content_channel_styles (event_id, channel, style) VALUES (?, ?, ?)
			ON CONFLICT (event_id, channel) DO UPDATE SET style = excluded.style`, eventID, ch, st); err != nil {
			return err
		}
	}
	return nil
}

// ChannelStyles returns channel → style for the event.
func (s *Store) ChannelStyles(ctx context.Context, eventID string) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT channel, style FROM content_channel_styles WHERE event_id = ?`, eventID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var ch, st string
		if err := rows.Scan(&ch, &st); err != nil {
			return nil, err
		}
		out[ch] = st
	}
	return out, rows.Err()
}

// SaveEdit records the owner's edit of one asset.
func (s *Store) SaveEdit(ctx context.Context, q db.Querier, eventID, assetID string, e content.Edit) error {
	doc, err := json.Marshal(e)
	if err != nil {
		return err
	}
	_, err = s.q(q).ExecContext(ctx, `INSERT INTO content_edits (event_id, asset_id, doc) VALUES (?, ?, ?)
		ON CONFLICT (event_id, asset_id) DO UPDATE SET doc = excluded.doc`, eventID, assetID, string(doc))
	return err
}

// Edits returns the event's edits by asset id.
func (s *Store) Edits(ctx context.Context, eventID string) (map[string]content.Edit, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT asset_id, doc FROM content_edits WHERE event_id = ?`, eventID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]content.Edit{}
	for rows.Next() {
		var id, doc string
		if err := rows.Scan(&id, &doc); err != nil {
			return nil, err
		}
		var e content.Edit
		if err := json.Unmarshal([]byte(doc), &e); err != nil {
			return nil, fmt.Errorf("content sqlstore: edit %s: %w", id, err)
		}
		out[id] = e
	}
	return out, rows.Err()
}

// TouchBlob records that key was written or reused at t.
func (s *Store) TouchBlob(ctx context.Context, key string, t time.Time) error {
	return s.touch(ctx, s.db, key, t)
}

func (s *Store) touch(ctx context.Context, q db.Querier, key string, t time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO content_blobs (blob_key, last_used) VALUES (?, ?)
		ON CONFLICT (blob_key) DO UPDATE SET last_used = CASE WHEN excluded.last_used > content_blobs.last_used
			THEN excluded.last_used ELSE content_blobs.last_used END`, key, db.Micros(t))
	return err
}

// UnusedBlobs lists keys last used before cutoff that no asset points at.
func (s *Store) UnusedBlobs(ctx context.Context, cutoff time.Time, limit int) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT b.blob_key FROM content_blobs b
		WHERE b.last_used < ? AND NOT EXISTS (SELECT 1 FROM content_assets a WHERE a.blob_key = b.blob_key)
		ORDER BY b.last_used LIMIT ?`, db.Micros(cutoff), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// ForgetBlob drops the record of a deleted blob, unless an asset took it
// up again meanwhile.
func (s *Store) ForgetBlob(ctx context.Context, key string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM content_blobs WHERE blob_key = ?
		AND NOT EXISTS (SELECT 1 FROM content_assets a WHERE a.blob_key = ?)`, key, key)
	return err
}
