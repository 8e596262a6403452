package event

import (
	"context"
	"net/http"
	"net/url"

	"github.com/autoevent/autoevent/internal/platform/httpapi"
)

// Client calls the event service's public API for other services, as the
// owner of the request it is given, wherever the service runs (through
// the app's router in process, or over HTTP). Callers declare the small
// interface they need in their own package; the app passes this.
type Client struct{ c httpapi.Caller }

// NewClient returns a client over c.
func NewClient(c httpapi.Caller) *Client { return &Client{c} }

// Event returns one of the caller's events (GET /api/v1/events/{id}); a
// NotFound error for another owner's event.
func (c *Client) Event(ctx context.Context, r *http.Request, id string) (Event, error) {
	res, err := c.c.Call(ctx, r, "GET", "/api/v1/events/"+url.PathEscape(id), nil)
	if err != nil {
		return Event{}, err
	}
	var e Event
	return e, res.Decode(&e)
}
