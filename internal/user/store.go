package user

import (
	"context"
	"time"

	"github.com/autoevent/autoevent/internal/platform/db"
)

// Repository is the storage the user service needs (implemented by
// sqlstore). Writes that must be atomic with an outbox event take a *db.Tx.
type Repository interface {
	CreateUser(ctx context.Context, tx *db.Tx, u User, s Store) error
	UserByID(ctx context.Context, id string) (User, error)
	UserByEmail(ctx context.Context, email string) (User, error)
	EmailExists(ctx context.Context, email string) (bool, error)
	BusinessExists(ctx context.Context, number string) (bool, error)
	// RecordLoginFailure counts a wrong password; an unknown userID
	// changes nothing (the same statement runs for unknown accounts).
	RecordLoginFailure(ctx context.Context, userID string, now time.Time) error
	ResetLoginFailures(ctx context.Context, userID string) error

	StoreByOwner(ctx context.Context, ownerID string) (Store, error)
	// StoreByID loads a store by its id; ErrStoreNotFound if none.
	StoreByID(ctx context.Context, id string) (Store, error)
	UpdateStore(ctx context.Context, tx *db.Tx, s Store) error

	SaveRefresh(ctx context.Context, q db.Querier, t RefreshToken) error
	// RefreshByHash loads a refresh token; ErrInvalidRefreshToken if unknown.
	RefreshByHash(ctx context.Context, hash string) (RefreshToken, error)
	// UseRefresh marks the token used only if it was unused; false when
	// another request used it first.
	UseRefresh(ctx context.Context, tx *db.Tx, hash string, now time.Time) (bool, error)
	// RevokeFamily revokes every refresh token of the family and returns
	// the access tokens issued with them that have not expired yet.
	RevokeFamily(ctx context.Context, familyID string, now time.Time) ([]AccessGrant, error)

	// LinkIdentity links a federated identity to userID, replacing the
	// user's earlier link to the same provider; ErrFederationTaken when the
	// identity belongs to another user.
	LinkIdentity(ctx context.Context, provider, subject, userID string) error
	UserByIdentity(ctx context.Context, provider, subject string) (User, error)
	// HasIdentity reports whether userID has linked an identity of provider.
	HasIdentity(ctx context.Context, provider, userID string) (bool, error)
}
