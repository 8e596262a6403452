package participation

import "time"

// Subjects the participation service publishes.
const (
	SubjectParticipantRegistered = "events.participation.registered"
	SubjectWinnerSelected        = "events.participation.winner_selected"
	// SubjectCouponsSoldOut asks the event service to end a first-come event
	// whose stock ran out (the event service owns the lifecycle).
	SubjectCouponsSoldOut = "events.participation.sold_out"
	SubjectCouponRedeemed = "events.participation.coupon_redeemed"
)

// ParticipantRegistered carries no personal data.
type ParticipantRegistered struct {
	EventID     string    `json:"eventId"`
	EntryNumber int64     `json:"entryNumber"`
	StoreVisit  bool      `json:"storeVisit"`
	Channel     string    `json:"channel,omitempty"` // utm-like source of the visit (qr, instagram, ...)
	Marketing   bool      `json:"marketingConsent"`
	Coupon      bool      `json:"coupon"`
	OccurredAt  time.Time `json:"occurredAt"`
}

// WinnerSelected is published once per draw.
type WinnerSelected struct {
	EventID      string    `json:"eventId"`
	DrawID       string    `json:"drawId"`
	EntryNumbers []int64   `json:"entryNumbers"`
	EntryCount   int       `json:"entryCount"`
	OccurredAt   time.Time `json:"occurredAt"`
}

// CouponsSoldOut is published when the last first-come coupon is issued.
type CouponsSoldOut struct {
	EventID    string    `json:"eventId"`
	Issued     int       `json:"issued"`
	OccurredAt time.Time `json:"occurredAt"`
}

// CouponRedeemed is published when a coupon is used at the counter.
type CouponRedeemed struct {
	EventID    string    `json:"eventId"`
	OccurredAt time.Time `json:"occurredAt"`
}
