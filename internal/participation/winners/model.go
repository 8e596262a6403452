package winners

import (
	"time"

	"github.com/autoevent/autoevent/internal/messages"
)

// Event states as the entry store reports them.
const (
	EventActive    = "ACTIVE"
	EventEnded     = "ENDED"
	EventCancelled = "CANCELLED"
)

// DrawStatus is the state of a draw record.
type DrawStatus string

// Draw states: a PENDING draw has only its commitment published; a DRAWN
// draw is final and never changes again (a redraw is a new record).
const (
	DrawPending DrawStatus = "PENDING"
	DrawDone    DrawStatus = "DRAWN"
)

// NotifyStatus is the delivery state of one winner's notification.
type NotifyStatus string

// Notification states. SENDING is internal (claimed by a worker, result not
// recorded yet); the API shows it as PENDING.
const (
	NotifyPending    NotifyStatus = "PENDING"
	NotifySending    NotifyStatus = "SENDING"
	NotifySent       NotifyStatus = "SENT"
	NotifyDelivered  NotifyStatus = "DELIVERED"
	NotifyFailed     NotifyStatus = "FAILED"
	NotifyFailedOver NotifyStatus = "FAILED_OVER"
)

// Limits of one draw.
const (
	MaxWinners     = 10000
	MaxExclusions  = 10000
	MaxReasonRunes = 500
)

// Draw is one draw record. Before the draw only the commitment is public;
// afterwards the seed, algorithm and entry list hash let anyone recompute
// the winners from the published entry list.
type Draw struct {
	ID               string     `json:"id"`
	EventID          string     `json:"eventId"`
	Status           DrawStatus `json:"status"`
	Commitment       string     `json:"commitment"`
	Seed             string     `json:"seed,omitempty"`
	Algorithm        string     `json:"algorithm,omitempty"`
	EntryListHash    string     `json:"entryListHash,omitempty"`
	EntryCount       int        `json:"entryCount"`
	VisitEntryCount  int        `json:"visitEntryCount"`
	WinnerCount      int        `json:"winnerCount"`
	VisitBonusWeight float64    `json:"visitBonusWeight,omitempty"`
	Exclusions       []int64    `json:"exclusions"`
	// ExclusionRule names the rule that added to Exclusions, if any
	// (RuleFlagged: every entry flagged for review when the list was fixed).
	ExclusionRule string   `json:"exclusionRule,omitempty"`
	Winners       []Winner `json:"winners"`
	// RedrawOf is the draw this one replaces, and Reason says why; the
	// replaced draw stays published unchanged.
	RedrawOf string `json:"redrawOf,omitempty"`
	Reason   string `json:"reason,omitempty"`
	// Replaces lists, on a redraw, the earlier winners it replaces (one new
	// winner each); every other winner keeps their place and status.
	Replaces []int64 `json:"replaces,omitempty"`
	// SupersededBy is the later draw that redrew this one, if any.
	SupersededBy string `json:"supersededBy,omitempty"`
	// CommittedInAdvance is false when the commitment was created in the
	// same request as the draw: the proof then rests on the entry list
	// being fixed at draw time (see docs/winners-notes.md).
	CommittedInAdvance bool       `json:"committedInAdvance"`
	CommittedAt        time.Time  `json:"committedAt"`
	DrawnAt            *time.Time `json:"drawnAt,omitempty"`
	CreatedAt          time.Time  `json:"createdAt"`
	ProofURL           string     `json:"proofUrl,omitempty"`
	EntriesURL         string     `json:"entriesUrl,omitempty"`
	VerifyCommand      string     `json:"verifyCommand,omitempty"`

	OwnerID    string `json:"-"`
	SealedSeed string `json:"-"` // the seed encrypted at rest until and after the draw
}

// Winner is one selected entry, masked so that only the winner recognises
// themselves (010-****-1234, 김*수).
type Winner struct {
	Rank        int    `json:"rank"`
	EntryNumber int64  `json:"entryNumber"`
	Name        string `json:"name"`
	Phone       string `json:"phone"`
	StoreVisit  bool   `json:"storeVisit"`
	// ReplacedBy is the redraw that replaced this winner; empty while the
	// winner stands.
	ReplacedBy string `json:"replacedBy,omitempty"`
	// Owner views only.
	Notification     *Notification `json:"notification,omitempty"`
	PrizeDeliveredAt *time.Time    `json:"prizeDeliveredAt,omitempty"`
}

// Notification is the delivery state of a winner's message.
type Notification struct {
	Status    NotifyStatus `json:"status"`
	Channel   string       `json:"channel,omitempty"` // ALIMTALK, SMS, LMS
	Attempts  int          `json:"attempts"`
	Code      string       `json:"code,omitempty"` // why it failed, for the owner
	UpdatedAt time.Time    `json:"updatedAt"`

	// Receipt, for delivery tracking.
	RequestID string `json:"-"`
	MessageID string `json:"-"`
	Fallback  bool   `json:"-"`
}

// DrawInput is the owner's request for a draw.
type DrawInput struct {
	// WinnerCount and VisitBonusWeight are those of a first draw; a redraw
	// draws len(Replace) winners with the first draw's weight.
	WinnerCount      int     `json:"winnerCount,omitempty"`
	VisitBonusWeight float64 `json:"visitBonusWeight,omitempty"`
	Exclusions       []int64 `json:"exclusions,omitempty"`
	// ExcludeFlagged also excludes every entry flagged for review (taken
	// above the per-address threshold); the draw records the rule and the
	// entries it excluded.
	ExcludeFlagged bool `json:"excludeFlagged,omitempty"`
	// CloseEntries confirms that drawing an event still in its period
	// closes its entries and ends it now (409 entries_open without it).
	CloseEntries bool `json:"closeEntries,omitempty"`
	// RedrawOf names the latest draw when the event already has one; a
	// redraw replaces the current winners listed in Replace, with Reason.
	RedrawOf string  `json:"redrawOf,omitempty"`
	Replace  []int64 `json:"replace,omitempty"`
	Reason   string  `json:"reason,omitempty"`
}

// EventDraws is an event with its draws (newest first).
type EventDraws struct {
	Event EventSummary `json:"event"`
	Draws []Draw       `json:"draws"`
}

// EventSummary is the part of the event shown beside its draws.
type EventSummary struct {
	ID        string          `json:"id"`
	Title     string          `json:"title"`
	StoreName string          `json:"storeName"`
	Method    messages.Method `json:"method"`
	Status    string          `json:"status"`
	StartsAt  time.Time       `json:"startsAt"`
	EndsAt    time.Time       `json:"endsAt"`
	Code      string          `json:"code,omitempty"`
	// WinnerCount is the planned number of winners (0: not set).
	WinnerCount int `json:"winnerCount"`
	// EntriesOpen: the event still takes entries; a draw now closes them
	// and needs the owner's confirmation (DrawInput.CloseEntries).
	EntriesOpen bool `json:"entriesOpen"`
}

// Public returns the draw as shown to anyone: no notification state, no
// delivery dates.
func (d Draw) Public() Draw {
	p := d
	p.Winners = make([]Winner, len(d.Winners))
	for i, w := range d.Winners {
		w.Notification, w.PrizeDeliveredAt = nil, nil
		p.Winners[i] = w
	}
	return p
}

// Lifecycle is what the retention job knows about an event.
type Lifecycle struct {
	EventID            string
	Method             messages.Method
	EndedAt            time.Time // zero until EventEnded (or cancellation)
	Cancelled          bool
	NonWinnersPurgedAt time.Time
	DoneAt             time.Time // everything purged; the job stops looking
}

// RetentionConfig sets how long personal data is kept.
type RetentionConfig struct {
	// WinnerPeriod: a winner's data is destroyed once the prize is marked
	// delivered or this long after the draw (default 30 days).
	WinnerPeriod time.Duration
	// FirstComePeriod: first-come entrants' data is destroyed this long
	// after the event ended, the coupon redemption window (default 30 days).
	FirstComePeriod time.Duration
	// UndrawnPeriod: a lottery that ended without a draw keeps its entries
	// this long for the owner to draw, then everything is destroyed
	// (default 30 days).
	UndrawnPeriod time.Duration
	// RedrawPeriod: after a lottery's first draw every entrant's contact is
	// kept this long, so that a winner who cannot be reached or declines
	// can be replaced and the new winner told (default 7 days); then the
	// non-winners' data is destroyed and a redraw is refused.
	RedrawPeriod time.Duration
}

func (c RetentionConfig) withDefaults() RetentionConfig {
	const month = 30 * 24 * time.Hour
	if c.WinnerPeriod <= 0 {
		c.WinnerPeriod = month
	}
	if c.FirstComePeriod <= 0 {
		c.FirstComePeriod = month
	}
	if c.UndrawnPeriod <= 0 {
		c.UndrawnPeriod = month
	}
	if c.RedrawPeriod <= 0 {
		c.RedrawPeriod = 7 * 24 * time.Hour
	}
	return c
}

// RetentionReport says what one retention run did.
type RetentionReport struct {
	Events int // events looked at
	Purged int // entries whose personal data was destroyed
	Done   int // events now completely purged
}
