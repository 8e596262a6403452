package content

import (
	"context"
	"time"

	"github.com/autoevent/autoevent/internal/platform/db"
)

// Store keeps content sets, assets, copy, channel styles, edits and the
// bookkeeping of the blobs they point at (internal/content/sqlstore).
// Methods taking a db.Querier run in the caller's transaction when given one.
type Store interface {
	// Set returns the event's content set or ErrContentNotFound.
	Set(ctx context.Context, q db.Querier, eventID string) (Set, error)
	SaveSet(ctx context.Context, q db.Querier, s Set) error
	// SetProgress records how many assets the running job has made.
	SetProgress(ctx context.Context, eventID string, done, total int) error

	// PutAsset inserts or replaces the asset with its id and records that
	// its blob is in use now.
	PutAsset(ctx context.Context, q db.Querier, a Asset) error
	Assets(ctx context.Context, eventID string) ([]Asset, error)
	// Asset returns one asset of the event or ErrAssetNotFound.
	Asset(ctx context.Context, eventID, assetID string) (Asset, error)

	SaveCopy(ctx context.Context, q db.Querier, eventID string, c []Copy) error
	Copy(ctx context.Context, eventID string) ([]Copy, error)

	SetChannelStyles(ctx context.Context, q db.Querier, eventID string, styles map[string]string) error
	ChannelStyles(ctx context.Context, eventID string) (map[string]string, error)

	SaveEdit(ctx context.Context, q db.Querier, eventID, assetID string, e Edit) error
	Edits(ctx context.Context, eventID string) (map[string]Edit, error)

	// TouchBlob records that key was written or reused at t.
	TouchBlob(ctx context.Context, key string, t time.Time) error
	// UnusedBlobs lists blob keys last touched before cutoff that no asset
	// points at any more.
	UnusedBlobs(ctx context.Context, cutoff time.Time, limit int) ([]string, error)
	// ForgetBlob drops a blob's record once the blob is deleted.
	ForgetBlob(ctx context.Context, key string) error
}
