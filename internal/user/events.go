package user

import "time"

// SubjectUserRegistered is published when an owner signs up.
const SubjectUserRegistered = "events.user.registered"

// UserRegistered carries no personal data: consumers need the store's
// segment (industry, region), not the owner's identity.
type UserRegistered struct {
	UserID       string    `json:"userId"`
	StoreID      string    `json:"storeId"`
	Industry     string    `json:"industry"`
	Region       string    `json:"region"`
	Verification string    `json:"verification"`
	OccurredAt   time.Time `json:"occurredAt"`
}
