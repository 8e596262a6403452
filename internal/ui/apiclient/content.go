package apiclient

import (
	"net/http"
	"net/url"
	"time"

	"github.com/autoevent/autoevent/internal/platform/apperr"
	"github.com/autoevent/autoevent/internal/platform/httpapi"
	"github.com/autoevent/autoevent/internal/ui/session"
)

// The content service's API as the content page uses it: an event's
// generated images, video, copy, ringback audio and poster, the jobs that
// make them, and the owner's edits. The shapes follow the HTTP API of
// notes/content-contract.md.

// Content statuses.
const (
	ContentNone       = "NONE"
	ContentGenerating = "GENERATING"
	ContentReady      = "READY"
	ContentFailed     = "FAILED"
)

// Content is GET /api/v1/events/{id}/content.
type Content struct {
	EventID       string            `json:"eventId"`
	Status        string            `json:"status"`
	JobID         string            `json:"jobId"`
	VideoJobID    string            `json:"videoJobId"` // the videos follow the images in their own job
	Notice        string            `json:"notice"`
	Assets        []Asset           `json:"assets"`
	Copy          []Copy            `json:"copy"`
	ChannelStyles map[string]string `json:"channelStyles"`
}

// Asset is one generated file.
type Asset struct {
	ID          string    `json:"id"`
	Kind        string    `json:"kind"` // image, video, poster_pdf, poster_png, audio
	Style       string    `json:"style"`
	Size        string    `json:"size"`
	Width       int       `json:"width"`
	Height      int       `json:"height"`
	DurationMs  int64     `json:"durationMs"`
	URL         string    `json:"url"`
	ContentType string    `json:"contentType"`
	Provider    string    `json:"provider"`
	SHA256      string    `json:"sha256"`
	Bytes       int64     `json:"bytes"`
	CreatedAt   time.Time `json:"createdAt"`
	// Slot is the style column the image belongs to: its style, unless an
	// edit re-rendered it in another one.
	Slot string `json:"slot"`
}

// Column is the style column of the asset.
func (a Asset) Column() string {
	if a.Slot != "" {
		return a.Slot
	}
	return a.Style
}

// Copy is the text of one platform.
type Copy struct {
	Platform    string   `json:"platform"` // instagram, naver_blog, kakao_channel, ringback, tv
	Title       string   `json:"title"`
	Body        string   `json:"body"`
	Hashtags    []string `json:"hashtags"`
	ButtonLabel string   `json:"buttonLabel"`
	Link        string   `json:"link"`
	Limit       int      `json:"limit"`
	Length      int      `json:"length"`
}

// Job is a job status document (the part the pages show).
type Job struct {
	ID        string `json:"id"`
	Kind      string `json:"kind"`
	Status    string `json:"status"`
	Progress  int    `json:"progress"`
	Message   string `json:"message"`
	ErrorCode string `json:"errorCode"`
}

// Colors are an image's colours ("#rrggbb").
type Colors struct {
	Background string `json:"background"`
	Accent     string `json:"accent"`
	Text       string `json:"text"`
}

// AssetEdit is the body of an image's regeneration; empty fields keep
// what the image has.
type AssetEdit struct {
	Style   string  `json:"style,omitempty"`
	Title   string  `json:"title,omitempty"`
	Benefit string  `json:"benefit,omitempty"`
	CTA     string  `json:"cta,omitempty"`
	Colors  *Colors `json:"colors,omitempty"`
}

func contentAPI(eventID string) string {
	return "/api/v1/events/" + url.PathEscape(eventID) + "/content"
}

// Content reads an event's content. A 404 that is not about the event
// (the content was never made) is the NONE status; event_not_found (also
// another owner's event) stays an error.
func (c *Client) Content(w http.ResponseWriter, r *http.Request, eventID string) (Content, error) {
	var out Content
	err := c.Call(w, r, "GET", contentAPI(eventID), nil, &out)
	if e, ok := apperr.As(err); ok && e.Kind == apperr.NotFound && e.Code != "event_not_found" {
		return Content{EventID: eventID, Status: ContentNone}, nil
	}
	if err == nil && out.Status == "" {
		out.Status = ContentNone
	}
	return out, err
}

// StartContent asks for the content in the given styles (all when none);
// regenerate makes it again even when it exists.
func (c *Client) StartContent(w http.ResponseWriter, r *http.Request, eventID string, styles []string, regenerate bool) (Job, error) {
	body := map[string]any{"regenerate": regenerate}
	if len(styles) > 0 {
		body["styles"] = styles
	}
	var job Job
	err := c.Call(w, r, "POST", contentAPI(eventID), body, &job)
	return job, err
}

// RegenerateAsset renders one image again with the owner's edits.
func (c *Client) RegenerateAsset(w http.ResponseWriter, r *http.Request, eventID, assetID string, e AssetEdit) (Job, error) {
	var job Job
	err := c.Call(w, r, "POST", contentAPI(eventID)+"/assets/"+url.PathEscape(assetID)+"/regenerate", e, &job)
	return job, err
}

// RegenerateStyle renders every image of one style again.
func (c *Client) RegenerateStyle(w http.ResponseWriter, r *http.Request, eventID, style string) (Job, error) {
	var job Job
	err := c.Call(w, r, "POST", contentAPI(eventID)+"/styles/"+url.PathEscape(style)+"/regenerate", nil, &job)
	return job, err
}

// SetChannelStyles saves which style goes to which channel.
func (c *Client) SetChannelStyles(w http.ResponseWriter, r *http.Request, eventID string, choice map[string]string) (Content, error) {
	var out Content
	err := c.Call(w, r, "PUT", contentAPI(eventID)+"/channel-styles", choice, &out)
	return out, err
}

// Job reads a job's status.
func (c *Client) Job(w http.ResponseWriter, r *http.Request, jobID string) (Job, error) {
	var job Job
	err := c.Call(w, r, "GET", "/api/v1/jobs/"+url.PathEscape(jobID), nil, &job)
	return job, err
}

// CancelJob stops a running job.
func (c *Client) CancelJob(w http.ResponseWriter, r *http.Request, jobID string) (Job, error) {
	var job Job
	err := c.Call(w, r, "POST", "/api/v1/jobs/"+url.PathEscape(jobID)+"/cancel", nil, &job)
	return job, err
}

// StreamContentProgress relays the content progress stream
// (text/event-stream) of an event to the browser as it comes. The page's
// script cannot send the bearer token (an HttpOnly cookie), so it listens
// here. The API writes straight to w, which reaches Flush through Unwrap;
// an expired token is not refreshed (the stream fails and the script
// reloads the page, which does).
func (c *Client) StreamContentProgress(w http.ResponseWriter, r *http.Request, eventID string) {
	req, err := http.NewRequestWithContext(r.Context(), "GET", contentAPI(eventID)+"/progress", nil)
	if err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	req.RemoteAddr = r.RemoteAddr
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("X-Request-Id", httpapi.RequestID(r.Context()))
	if t := session.Token(r, session.AccessCookie); t != "" {
		req.Header.Set("Authorization", "Bearer "+t)
	}
	c.api.ServeHTTP(w, req)
}
