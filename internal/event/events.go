package event

import "time"

// Subjects the event service publishes (through the outbox) and consumes.
const (
	SubjectEventCreated   = "events.event.created"
	SubjectEventPlanned   = "events.event.planned"
	SubjectEventApproved  = "events.event.approved"
	SubjectEventEnded     = "events.event.ended"
	SubjectEventCancelled = "events.event.cancelled"

	// SubjectCouponsSoldOut is consumed: participation publishes it when the
	// last first-come coupon is issued, and the event service ends the
	// event. (Mirrors participation.SubjectCouponsSoldOut: participation
	// imports this package, so this one cannot import it back.)
	SubjectCouponsSoldOut = "events.participation.sold_out"
)

// ConsumerName is the event service's idempotent bus consumer.
const ConsumerName = "event-service"

// CouponsSoldOut mirrors participation.CouponsSoldOut (the fields read here).
type CouponsSoldOut struct {
	EventID    string    `json:"eventId"`
	Issued     int       `json:"issued"`
	OccurredAt time.Time `json:"occurredAt"`
}

// EventCreated is published when an owner creates a draft event.
type EventCreated struct {
	EventID     string    `json:"eventId"`
	OwnerID     string    `json:"ownerId"`
	StoreID     string    `json:"storeId"`
	Purpose     string    `json:"purpose"`
	PurposeText string    `json:"purposeText,omitempty"`
	Industry    string    `json:"industry"`
	Region      string    `json:"region"`
	StoreName   string    `json:"storeName,omitempty"`
	OccurredAt  time.Time `json:"occurredAt"`
}

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
	Purpose       string    `json:"purpose"`
	Title         string    `json:"title"`
	Benefit       string    `json:"benefit"`     // prize or discount shown to customers
	Description   string    `json:"description"` // rules / details
	Method        string    `json:"method"`      // LOTTERY or FIRST_COME
	CouponCount   int       `json:"couponCount"` // FIRST_COME stock (0 for LOTTERY)
	WinnerCount   int       `json:"winnerCount"` // planned LOTTERY winners
	Mechanic      string    `json:"mechanic"`    // DISCOUNT, GIFT, STAMP, ...
	StartsAt      time.Time `json:"startsAt"`
	EndsAt        time.Time `json:"endsAt"`
	Channels      []string  `json:"channels"`
	EstimatedCost int64     `json:"estimatedCost"` // KRW, for ROI
	OccurredAt    time.Time `json:"occurredAt"`
}

// EventEnded is published when an event leaves ACTIVE for ENDED (period
// over, owner closed it, or first-come coupons ran out).
type EventEnded struct {
	EventID    string    `json:"eventId"`
	OwnerID    string    `json:"ownerId"`
	Reason     string    `json:"reason"` // PERIOD_OVER, SOLD_OUT, OWNER
	OccurredAt time.Time `json:"occurredAt"`
}

// EventCancelled is published when an event is cancelled.
type EventCancelled struct {
	EventID    string    `json:"eventId"`
	OwnerID    string    `json:"ownerId"`
	OccurredAt time.Time `json:"occurredAt"`
}
