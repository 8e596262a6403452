package messages

import "time"

// EventCreated is published by the event service when an owner creates a
// draft event.
type EventCreated struct {
	EventID     string    `json:"eventId"`
	OwnerID     string    `json:"ownerId"`
	StoreID     string    `json:"storeId"`
	Purpose     Purpose   `json:"purpose"`
	PurposeText string    `json:"purposeText,omitempty"`
	Industry    string    `json:"industry"`
	Region      string    `json:"region"`
	StoreName   string    `json:"storeName,omitempty"`
	OccurredAt  time.Time `json:"occurredAt"`
}

// Subject implements Message.
func (EventCreated) Subject() string { return "events.event.created" }

// EventApproved is published when an owner approves an event: it carries
// everything the participation, distribution and analytics services need to
// run it without calling back.
type EventApproved struct {
	EventID       string    `json:"eventId"`
	OwnerID       string    `json:"ownerId"`
	StoreID       string    `json:"storeId"`
	StoreName     string    `json:"storeName"`
	Industry      string    `json:"industry"`
	Region        string    `json:"region"`
	Purpose       Purpose   `json:"purpose"`
	Title         string    `json:"title"`
	Benefit       string    `json:"benefit"`     // prize or discount shown to customers
	Description   string    `json:"description"` // rules / details
	Method        Method    `json:"method"`
	CouponCount   int       `json:"couponCount"` // FIRST_COME stock (0 for LOTTERY)
	WinnerCount   int       `json:"winnerCount"` // planned LOTTERY winners
	Mechanic      Mechanic  `json:"mechanic"`
	StartsAt      time.Time `json:"startsAt"`
	EndsAt        time.Time `json:"endsAt"`
	Channels      []string  `json:"channels"`      // channel codes (Channels)
	EstimatedCost int64     `json:"estimatedCost"` // KRW, for ROI
	OccurredAt    time.Time `json:"occurredAt"`
}

// Subject implements Message.
func (EventApproved) Subject() string { return "events.event.approved" }

// EventEnded is published when an event leaves ACTIVE for ENDED.
type EventEnded struct {
	EventID    string    `json:"eventId"`
	OwnerID    string    `json:"ownerId"`
	Reason     EndReason `json:"reason"`
	OccurredAt time.Time `json:"occurredAt"`
}

// Subject implements Message.
func (EventEnded) Subject() string { return "events.event.ended" }

// EventCancelled is published when an event is cancelled (or a draft deleted).
type EventCancelled struct {
	EventID    string    `json:"eventId"`
	OwnerID    string    `json:"ownerId"`
	OccurredAt time.Time `json:"occurredAt"`
}

// Subject implements Message.
func (EventCancelled) Subject() string { return "events.event.cancelled" }
