package messages

import "time"

// UserRegistered is published by the user service when an owner signs up.
// It carries no personal data: consumers need the store's segment (industry,
// region), not the owner's identity.
type UserRegistered struct {
	UserID       string    `json:"userId"`
	StoreID      string    `json:"storeId"`
	Industry     string    `json:"industry"`
	Region       string    `json:"region"`
	Verification string    `json:"verification"`
	OccurredAt   time.Time `json:"occurredAt"`
}

// Subject implements Message.
func (UserRegistered) Subject() string { return "events.user.registered" }
