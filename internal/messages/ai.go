package messages

import "time"

// RecommendationReady is published by the AI service when an event's
// recommendation is saved; the event service records who served it.
type RecommendationReady struct {
	EventID     string    `json:"eventId"`
	OwnerID     string    `json:"ownerId"`
	JobID       string    `json:"jobId"`
	AIProvider  string    `json:"aiProvider"`
	OptionCount int       `json:"optionCount"`
	GeneratedAt time.Time `json:"generatedAt"`
	OccurredAt  time.Time `json:"occurredAt"`
}

// Subject implements Message.
func (RecommendationReady) Subject() string { return "events.ai.recommendation_ready" }
