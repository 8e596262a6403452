package messages

import "time"

// ContentReady is published by the content service when an event's content
// (images in every chosen style and size, the poster, per-platform copy and
// the ringback audio; the videos follow with a second ContentReady) is saved;
// the event service moves the event to CONTENT_READY.
type ContentReady struct {
	EventID    string `json:"eventId"`
	OwnerID    string `json:"ownerId"`
	JobID      string `json:"jobId"`
	AssetCount int    `json:"assetCount"`
	// Degraded is set when a remote image provider failed and the local
	// renderer made the pictures instead (Notice says so to the owner).
	Degraded   bool      `json:"degraded,omitempty"`
	Notice     string    `json:"notice,omitempty"`
	OccurredAt time.Time `json:"occurredAt"`
}

// Subject implements Message.
func (ContentReady) Subject() string { return "events.content.ready" }
