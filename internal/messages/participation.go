package messages

import "time"

// ParticipantRegistered is published for every accepted entry. It carries no
// personal data.
type ParticipantRegistered struct {
	EventID     string    `json:"eventId"`
	EntryNumber int64     `json:"entryNumber"`
	StoreVisit  bool      `json:"storeVisit"`
	Channel     string    `json:"channel,omitempty"` // source of the visit (qr, instagram, ...)
	Marketing   bool      `json:"marketingConsent"`
	Coupon      bool      `json:"coupon"`
	OccurredAt  time.Time `json:"occurredAt"`
}

// Subject implements Message.
func (ParticipantRegistered) Subject() string { return "events.participation.registered" }

// StoreVisitAdded is published when a customer who entered online later
// enters again with the in-store QR: the earlier entry gains the store
// visit (once). No personal data.
type StoreVisitAdded struct {
	EventID     string    `json:"eventId"`
	EntryNumber int64     `json:"entryNumber"`
	OccurredAt  time.Time `json:"occurredAt"`
}

// Subject implements Message.
func (StoreVisitAdded) Subject() string { return "events.participation.store_visit_added" }

// WinnerSelected is published once per completed draw.
type WinnerSelected struct {
	EventID      string    `json:"eventId"`
	DrawID       string    `json:"drawId"`
	EntryNumbers []int64   `json:"entryNumbers"`
	EntryCount   int       `json:"entryCount"`
	OccurredAt   time.Time `json:"occurredAt"`
}

// Subject implements Message.
func (WinnerSelected) Subject() string { return "events.participation.winner_selected" }

// CouponsSoldOut is published when the last first-come coupon is issued; the
// event service (which owns the lifecycle) ends the event.
type CouponsSoldOut struct {
	EventID    string    `json:"eventId"`
	Issued     int       `json:"issued"`
	OccurredAt time.Time `json:"occurredAt"`
}

// Subject implements Message.
func (CouponsSoldOut) Subject() string { return "events.participation.sold_out" }

// EntriesClosed is published when the participation service stops taking
// entries on its own (a lottery drawn before its period ended fixes the entry
// list first); the event service, which owns the lifecycle, ends the event
// with Reason.
type EntriesClosed struct {
	EventID    string    `json:"eventId"`
	Reason     EndReason `json:"reason"`
	OccurredAt time.Time `json:"occurredAt"`
}

// Subject implements Message.
func (EntriesClosed) Subject() string { return "events.participation.entries_closed" }

// CouponRedeemed is published when a coupon is used at the counter.
type CouponRedeemed struct {
	EventID    string    `json:"eventId"`
	OccurredAt time.Time `json:"occurredAt"`
}

// Subject implements Message.
func (CouponRedeemed) Subject() string { return "events.participation.coupon_redeemed" }
