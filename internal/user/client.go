package user

import (
	"context"
	"net/http"
	"net/url"

	"github.com/autoevent/autoevent/internal/platform/httpapi"
)

// Client calls the user service's public API for other services, as the
// owner of the request it is given, wherever the service runs (through
// the app's router in process, or over HTTP). Callers declare the small
// interface they need in their own package; the app passes this.
type Client struct{ c httpapi.Caller }

// NewClient returns a client over c.
func NewClient(c httpapi.Caller) *Client { return &Client{c} }

// MyStore returns the caller's store profile (GET /api/v1/stores/me); a
// NotFound error when the owner has none yet.
func (c *Client) MyStore(ctx context.Context, r *http.Request) (Store, error) {
	res, err := c.c.Call(ctx, r, "GET", "/api/v1/stores/me", nil)
	if err != nil {
		return Store{}, err
	}
	var st Store
	return st, res.Decode(&st)
}

// StoreCard returns a store's public contact card (GET
// /api/v1/public/stores/{id}), for the pages customers see.
func (c *Client) StoreCard(ctx context.Context, r *http.Request, storeID string) (StoreCard, error) {
	res, err := c.c.Call(ctx, r, "GET", "/api/v1/public/stores/"+url.PathEscape(storeID), nil)
	if err != nil {
		return StoreCard{}, err
	}
	var sc StoreCard
	return sc, res.Decode(&sc)
}

// Reauth confirms the caller's password (POST /api/v1/auth/reauth), for
// actions that ask for it again, such as an unmasked export.
func (c *Client) Reauth(ctx context.Context, r *http.Request, password string) error {
	res, err := c.c.Call(ctx, r, "POST", "/api/v1/auth/reauth", ReauthInput{Password: password})
	if err != nil {
		return err
	}
	return res.Decode(nil)
}
