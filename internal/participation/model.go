package participation

import (
	"time"

	"github.com/autoevent/autoevent/internal/messages"
)

// Event states of the participation service's own copy of each event.
const (
	StatusActive    = "ACTIVE"
	StatusEnded     = "ENDED"
	StatusCancelled = "CANCELLED"
)

// Event is the participation service's copy of an approved event, with its
// live counters.
type Event struct {
	ID          string          `json:"eventId"`
	OwnerID     string          `json:"-"`
	StoreID     string          `json:"-"`
	Code        string          `json:"code"` // public short code: /e/{code}
	Title       string          `json:"title"`
	StoreName   string          `json:"storeName"`
	Benefit     string          `json:"benefit"`
	Description string          `json:"description"`
	Method      messages.Method `json:"method"`
	CouponCount int             `json:"couponCount"`
	WinnerCount int             `json:"winnerCount"`
	StartsAt    time.Time       `json:"startsAt"`
	EndsAt      time.Time       `json:"endsAt"`
	Status      string          `json:"status"`

	Entries         int64 `json:"entries"`
	StoreVisits     int64 `json:"storeVisits"`
	CouponsIssued   int   `json:"couponsIssued"`
	CouponsRedeemed int   `json:"couponsRedeemed"`
	SoldOut         bool  `json:"soldOut"`
}

// Phases of an event as customers see it (Public.Phase).
const (
	PhaseOpen       = "OPEN"
	PhaseNotStarted = "NOT_STARTED"
	PhaseEnded      = "ENDED"
	PhaseSoldOut    = "SOLD_OUT"
	PhaseCancelled  = "CANCELLED"
)

// Phase is what a customer sees of the event right now.
func (e Event) Phase(now time.Time) string {
	switch {
	case e.Status == StatusCancelled:
		return PhaseCancelled
	case e.SoldOut:
		return PhaseSoldOut
	case e.Status != StatusActive:
		return PhaseEnded
	case now.Before(e.StartsAt):
		return PhaseNotStarted
	case !now.Before(e.EndsAt):
		return PhaseEnded
	}
	return PhaseOpen
}

// AcceptErr says why an entry cannot be taken now, or nil.
func (e Event) AcceptErr(now time.Time) error {
	switch e.Phase(now) {
	case PhaseOpen:
		return nil
	case PhaseSoldOut:
		return ErrSoldOut
	case PhaseNotStarted:
		return ErrEventNotStarted
	case PhaseEnded:
		if e.Status == StatusActive {
			return ErrEventEnded // the period is over
		}
	}
	return ErrEventNotActive
}

// Consents are the optional, separate agreements of an entry.
type Consents struct {
	Marketing bool `json:"marketing"`
}

// EntryInput is the public entry body.
type EntryInput struct {
	Name       string   `json:"name"`
	Phone      string   `json:"phone"`
	Consents   Consents `json:"consents"`
	VisitToken string   `json:"visitToken,omitempty"`
	Channel    string   `json:"channel,omitempty"` // where the customer came from (qr, instagram, ...)
	// EntryToken is the entryToken of an earlier answer of this browser or
	// app (several may be joined with "."): a repeat shows the original
	// entry and coupon only to the caller who holds it.
	EntryToken string `json:"entryToken,omitempty"`
}

// Coupon is a first-come coupon as its holder sees it.
type Coupon struct {
	Code     string `json:"code"`
	QRURL    string `json:"qrUrl"` // PNG of the code, to show at the counter
	Redeemed bool   `json:"redeemed"`
}

// EntryResult answers an entry: 201 for a new entry, 200 for a repeat of
// the same phone number. A repeat carries the original entry (number,
// coupon, token) only when the request proved it comes from whoever made
// it (EntryInput.EntryToken); otherwise it is just {eventId, repeat: true}.
type EntryResult struct {
	EventID     string  `json:"eventId"`
	EntryNumber int64   `json:"entryNumber,omitempty"`
	StoreVisit  bool    `json:"storeVisit,omitempty"`
	Coupon      *Coupon `json:"coupon,omitempty"`
	Repeat      bool    `json:"repeat"`
	// VisitAdded: this repeat came with the in-store QR and added the store
	// visit to the earlier entry (told even to an unproven repeat: it
	// needs the shop's own QR and says nothing about the earlier entry).
	VisitAdded bool      `json:"visitAdded,omitempty"`
	CreatedAt  time.Time `json:"createdAt,omitzero"`
	// EntryToken proves this entry on a later repeat: keep it (the public
	// page keeps it in an HttpOnly cookie) and send it back as
	// EntryInput.EntryToken.
	EntryToken string `json:"entryToken,omitempty"`
}

// PublicEvent is what the public page and API show about an event.
type PublicEvent struct {
	EventID   string `json:"eventId"`
	Code      string `json:"code"`
	Title     string `json:"title"`
	StoreName string `json:"storeName"`
	StoreID   string `json:"-"`
	// StoreAddress and StorePhone are the store's current contact card,
	// looked up from the user service when the API answers (empty when it
	// cannot be reached: the page still works).
	StoreAddress string          `json:"storeAddress,omitempty"`
	StorePhone   string          `json:"storePhone,omitempty"`
	Benefit      string          `json:"benefit"`
	Description  string          `json:"description"`
	Method       messages.Method `json:"method"`
	CouponCount  int             `json:"couponCount"`
	CouponsLeft  int             `json:"couponsLeft"`
	WinnerCount  int             `json:"winnerCount"`
	StartsAt     time.Time       `json:"startsAt"`
	EndsAt       time.Time       `json:"endsAt"`
	Phase        string          `json:"phase"` // OPEN, NOT_STARTED, ENDED, SOLD_OUT, CANCELLED
}

// Overview is the owner's participation summary of one event.
type Overview struct {
	Event
	PublicURL string `json:"publicUrl"`
	VisitURL  string `json:"visitUrl"` // what the in-store QR encodes
	Phase     string `json:"phase"`
}

// EntryView is one entry in the owner's list: personal data masked.
type EntryView struct {
	EntryNumber      int64      `json:"entryNumber"`
	Name             string     `json:"name"`  // 김*수
	Phone            string     `json:"phone"` // 010-****-5678
	StoreVisit       bool       `json:"storeVisit"`
	Marketing        bool       `json:"marketingConsent"`
	CouponCode       string     `json:"couponCode,omitempty"`
	CouponRedeemedAt *time.Time `json:"couponRedeemedAt,omitempty"`
	Purged           bool       `json:"purged"`
	CreatedAt        time.Time  `json:"createdAt"`
	// Review says why the entry awaits the owner's review ("shared_ip":
	// its address sent more entries than one person would); "" for none.
	Review string `json:"review,omitempty"`
}

// ReviewSharedIP flags an entry taken above the per-address threshold: a
// shop's Wi-Fi or a carrier's NAT puts many honest customers behind one
// address, so such entries are accepted and shown to the owner, who may
// exclude them from a draw by a rule the draw's proof records.
const ReviewSharedIP = "shared_ip"

// EntryFilter selects a page of entries.
type EntryFilter struct {
	Last4 string // last four digits of the phone number
	Page  int    // from 1
	Size  int
}

// EntryPage is one page of entries.
type EntryPage struct {
	Items []EntryView `json:"items"`
	Total int64       `json:"total"`
	Page  int         `json:"page"`
	Size  int         `json:"size"`
}

// Redemption answers a coupon redemption.
type Redemption struct {
	Code        string    `json:"code"`
	EntryNumber int64     `json:"entryNumber"`
	RedeemedAt  time.Time `json:"redeemedAt"`
}
