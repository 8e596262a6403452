// Package content is the content service (issue 11): for an event with a
// chosen plan it makes images in three styles at every channel size, the
// QR poster (PNG and PDF), per-platform copy, the ringback audio and two
// 15-second narrated videos, asynchronously (job kinds image-job and
// video-job), stores them content-addressed on the blob store, serves them
// under /media/{key}, and publishes ContentReady through the outbox.
package content

import (
	"time"
)

// Asset kinds.
const (
	KindImage     = "image"
	KindVideo     = "video"
	KindPosterPDF = "poster_pdf"
	KindPosterPNG = "poster_png"
	KindAudio     = "audio"
)

// Content statuses.
const (
	StatusNone       = "NONE"
	StatusGenerating = "GENERATING"
	StatusReady      = "READY"
	StatusFailed     = "FAILED"
)

// Asset is one generated file of an event.
type Asset struct {
	ID          string    `json:"id"`
	EventID     string    `json:"-"`
	Kind        string    `json:"kind"`
	Style       string    `json:"style"` // the style it is rendered in ("" for audio)
	Size        string    `json:"size"`  // render.Size name ("" for poster, audio)
	Width       int       `json:"width"`
	Height      int       `json:"height"`
	DurationMs  int64     `json:"durationMs"`
	URL         string    `json:"url"`
	BlobKey     string    `json:"-"`
	ContentType string    `json:"contentType"`
	Provider    string    `json:"provider"` // local, stability, openai, a1111, espeak-ng, clova, ffmpeg ...
	SHA256      string    `json:"sha256"`
	Bytes       int64     `json:"bytes"`
	CreatedAt   time.Time `json:"createdAt"`
	// Slot is the style column the asset belongs to (its style unless an
	// edit re-rendered it in another one).
	Slot string `json:"slot,omitempty"`
}

// Copy is the text for one platform, within its limits.
type Copy struct {
	Platform    string   `json:"platform"` // instagram, naver_blog, kakao_channel, ringback, tv
	Title       string   `json:"title,omitempty"`
	Body        string   `json:"body"`
	Hashtags    []string `json:"hashtags,omitempty"`
	ButtonLabel string   `json:"buttonLabel,omitempty"`
	Link        string   `json:"link"`
	Limit       int      `json:"limit"`  // the platform's limit on Body, in characters
	Length      int      `json:"length"` // Body's length in characters
}

// Content is the GET /api/v1/events/{id}/content document.
type Content struct {
	EventID       string            `json:"eventId"`
	Status        string            `json:"status"`
	JobID         string            `json:"jobId,omitempty"`
	VideoJobID    string            `json:"videoJobId,omitempty"`
	Notice        string            `json:"notice,omitempty"`
	Assets        []Asset           `json:"assets"`
	Copy          []Copy            `json:"copy"`
	ChannelStyles map[string]string `json:"channelStyles"`
	UpdatedAt     time.Time         `json:"updatedAt,omitzero"`
}

// Source is the event as content is made of it: a snapshot taken when the
// owner asks (the workers never call the event service back).
type Source struct {
	EventID   string   `json:"eventId"`
	OwnerID   string   `json:"ownerId"`
	StoreName string   `json:"storeName"`
	Industry  string   `json:"industry"`
	Title     string   `json:"title"`
	Benefit   string   `json:"benefit"`
	Headline  string   `json:"headline"`
	Body      string   `json:"body"`
	Hashtags  []string `json:"hashtags"`
	Method    string   `json:"method"`
	Winners   int      `json:"winners"`
	Coupons   int      `json:"coupons"`
	StartDate string   `json:"startDate"` // YYYY-MM-DD
	EndDate   string   `json:"endDate"`
	// EntryURL is the participation page (per-channel links add ?c=CODE);
	// VisitURL the store-visit variant for the poster's second QR.
	EntryURL string `json:"entryUrl"`
	VisitURL string `json:"visitUrl,omitempty"`
	// Variant counts regenerations: it changes the remote providers' seed.
	Variant int `json:"variant"`
	// LinksPending: the participation page does not exist yet (before
	// approval); the links lead to the event until content is made again.
	LinksPending bool `json:"linksPending,omitempty"`
}

// Edit is an owner's change to one image: text, colours or style.
type Edit struct {
	Style   string  `json:"style,omitempty"`
	Title   *string `json:"title,omitempty"`
	Benefit *string `json:"benefit,omitempty"`
	CTA     *string `json:"cta,omitempty"`
	Colors  *Colors `json:"colors,omitempty"`
}

// Colors override a style's palette ("#rrggbb"; empty keeps the style's).
type Colors struct {
	Background string `json:"background,omitempty"`
	Accent     string `json:"accent,omitempty"`
	Text       string `json:"text,omitempty"`
}

// Set is the stored state of an event's content.
type Set struct {
	EventID    string
	OwnerID    string
	Status     string
	JobID      string
	VideoJobID string
	Notice     string
	Source     Source
	Styles     []string
	Done       int // assets finished by the running job (progress)
	Total      int
	UpdatedAt  time.Time
}

// StartInput is the body of POST /api/v1/events/{id}/content.
type StartInput struct {
	Styles     []string `json:"styles,omitempty"`
	Regenerate bool     `json:"regenerate,omitempty"`
}

// RegenerateInput is the body of POST .../content/assets/{assetId}/regenerate.
type RegenerateInput struct {
	Style   string  `json:"style,omitempty"`
	Title   *string `json:"title,omitempty"`
	Benefit *string `json:"benefit,omitempty"`
	CTA     *string `json:"cta,omitempty"`
	Colors  *Colors `json:"colors,omitempty"`
}

// Progress is one server-sent "progress" event of the content page.
type Progress struct {
	Done   int    `json:"done"`
	Total  int    `json:"total"`
	Status string `json:"status"`
	Asset  *Asset `json:"asset,omitempty"`
}
