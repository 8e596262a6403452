package content

import (
	"context"
	"net/http"
	"net/url"

	"github.com/autoevent/autoevent/internal/platform/httpapi"
)

// Client calls the content service's public API for other services (the
// distribution service reads the assets, copy and channel styles), as the
// owner of the request it is given, wherever the service runs.
type Client struct{ c httpapi.Caller }

// NewClient returns a client over c.
func NewClient(c httpapi.Caller) *Client { return &Client{c} }

// Content returns the event's content (GET /api/v1/events/{id}/content).
func (c *Client) Content(ctx context.Context, r *http.Request, eventID string) (Content, error) {
	res, err := c.c.Call(ctx, r, "GET", "/api/v1/events/"+url.PathEscape(eventID)+"/content", nil)
	if err != nil {
		return Content{}, err
	}
	var doc Content
	return doc, res.Decode(&doc)
}
