package event

import (
	"time"

	"github.com/autoevent/autoevent/internal/messages"
)

// Recommendation is the event service's view of the AI service's
// recommendation document (GET /api/v1/events/{id}/recommendations): only
// the fields a plan is made of, decoded from the AI service's public API.
// The AI service may add fields without this service changing.
type Recommendation struct {
	Recommendations []Option  `json:"recommendations"`
	GeneratedAt     time.Time `json:"generatedAt"`
	AIProvider      string    `json:"aiProvider"`
}

// Option is one recommended plan, as the owner picks it.
type Option struct {
	OptionNumber int    `json:"optionNumber"`
	Concept      string `json:"concept"`
	Title        string `json:"title"`
	Benefit      string `json:"benefit,omitempty"` // what a customer gets; empty when the AI did not say
	Duration     struct {
		RecommendedDays int    `json:"recommendedDays"`
		StartDate       string `json:"startDate,omitempty"`
		EndDate         string `json:"endDate,omitempty"`
	} `json:"duration"`
	Mechanics struct {
		Type    messages.Mechanic `json:"type"`
		Details string            `json:"details"`
	} `json:"mechanics"`
	EstimatedCost       EstimatedCost       `json:"estimatedCost"`
	ExpectedMetrics     ExpectedMetrics     `json:"expectedMetrics"`
	ParticipationMethod ParticipationMethod `json:"participationMethod"`
	Copy                Copy                `json:"copy"`
}

// EstimatedCost is the owner's cost in KRW (low and high scenario), with
// the high scenario itemised.
type EstimatedCost struct {
	Min       int64            `json:"min"`
	Max       int64            `json:"max"`
	Breakdown map[string]int64 `json:"breakdown,omitempty"`
}

// ExpectedMetrics are the expected results as ranges; RevenueIncrease in
// KRW, ROI in percent.
type ExpectedMetrics struct {
	NewCustomers    IntRange `json:"newCustomers"`
	RevenueIncrease IntRange `json:"revenueIncrease"`
	ROI             IntRange `json:"roi"`
}

// IntRange is an inclusive range.
type IntRange struct {
	Min int64 `json:"min"`
	Max int64 `json:"max"`
}

// ParticipationMethod is how customers take part; CouponCount is the
// number of winners (LOTTERY) or of coupons (FIRST_COME).
type ParticipationMethod struct {
	Type        messages.Method `json:"type"`
	CouponCount int             `json:"couponCount"`
}

// Copy is the promotional copy of a plan.
type Copy struct {
	Headline string   `json:"headline"`
	Body     string   `json:"body"`
	Hashtags []string `json:"hashtags"`
}
