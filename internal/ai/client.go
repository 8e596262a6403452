package ai

import (
	"context"
	"net/http"
	"net/url"

	"github.com/autoevent/autoevent/internal/platform/httpapi"
)

// Client calls the AI service's public API for other services, as the
// owner of the request it is given, wherever the service runs (through
// the app's router in process, or over HTTP). Callers declare the small
// interface they need in their own package; the app passes this.
type Client struct{ c httpapi.Caller }

// NewClient returns a client over c.
func NewClient(c httpapi.Caller) *Client { return &Client{c} }

// Recommendation returns the event's latest recommendation (GET
// /api/v1/events/{id}/recommendations), or ErrRecommendationNotFound while
// it is still being generated (202) or was never asked for.
func (c *Client) Recommendation(ctx context.Context, r *http.Request, eventID string) (Recommendation, error) {
	res, err := c.c.Call(ctx, r, "GET", "/api/v1/events/"+url.PathEscape(eventID)+"/recommendations", nil)
	if err != nil {
		return Recommendation{}, err
	}
	var doc Recommendation
	if err := res.Decode(&doc); err != nil || res.Status == http.StatusOK {
		return doc, err
	}
	return Recommendation{}, ErrRecommendationNotFound // 202: still being generated
}
