// Package ai plans events: it analyses trends for a store's industry, region
// and season, and produces the three recommended event options of seed 004,
// either with the built-in local planner (the default, no network) or with
// Claude (event products and participation method) and GPT (promotional copy)
// called in parallel, falling back to a cached previous result or to the
// local planner when the providers fail.
//
// The package has no HTTP server or database of its own: service.go, api.go
// and sqlstore wire it into the product.
package ai

import (
	"time"

	"github.com/autoevent/autoevent/internal/messages"
)

// AIProvider values say who served a recommendation.
const (
	ProviderLocal         = "local"          // local planner was the configured provider
	ProviderLocalFallback = "local-fallback" // remote providers failed, local planner served
	ProviderCacheFallback = "cache-fallback" // remote providers failed, previous result served
	ProviderLocalCopy     = "local-copy"     // suffix: copy provider failed, local copy used
)

// Recommendation is the AI recommendation document, cached as
// ai:recommendation:{eventId} (seed 004).
type Recommendation struct {
	EventID         string        `json:"eventId"`
	TrendAnalysis   TrendAnalysis `json:"trendAnalysis"`
	Recommendations []Option      `json:"recommendations"`
	GeneratedAt     time.Time     `json:"generatedAt"`
	ExpiresAt       time.Time     `json:"expiresAt"`
	// AIProvider names who served the options, e.g. "anthropic+openai",
	// "anthropic+local-copy", "local", "local-fallback", "cache-fallback".
	AIProvider string `json:"aiProvider"`
}

// TrendAnalysis is the trend part of a recommendation, and the value cached
// as ai:trend:{industry}:{region}.
type TrendAnalysis struct {
	IndustryTrends []Trend `json:"industryTrends"`
	RegionalTrends []Trend `json:"regionalTrends"`
	SeasonalTrends []Trend `json:"seasonalTrends"`
}

// Trend is one trend keyword with its relevance (0–1) to the store.
type Trend struct {
	Keyword     string  `json:"keyword"`
	Relevance   float64 `json:"relevance"`
	Description string  `json:"description"`
}

// Option is one of the three recommended event plans.
type Option struct {
	OptionNumber int    `json:"optionNumber"`
	Concept      string `json:"concept"`
	Title        string `json:"title"`
	// Benefit is what a customer gets, in a few words ("아메리카노 30%
	// 할인", "딸기 케이크"): the plan's benefit field starts from it, never
	// from the title. Empty when the planner did not say.
	Benefit           string          `json:"benefit,omitempty"`
	Description       string          `json:"description"`
	TargetAudience    string          `json:"targetAudience"`
	Duration          Duration        `json:"duration"`
	Mechanics         Mechanics       `json:"mechanics"`
	PromotionChannels []string        `json:"promotionChannels"`
	EstimatedCost     EstimatedCost   `json:"estimatedCost"`
	ExpectedMetrics   ExpectedMetrics `json:"expectedMetrics"`
	Differentiator    string          `json:"differentiator"`
	// Assumptions state, one per line, the figures the numbers come from
	// (ticket size, margin, reach, participation and usage rates), so an
	// owner can check them against the shop.
	Assumptions         []string            `json:"assumptions,omitempty"`
	ParticipationMethod ParticipationMethod `json:"participationMethod"`
	Copy                Copy                `json:"copy,omitzero"`
}

// Duration is the recommended running time of the event.
type Duration struct {
	RecommendedDays int `json:"recommendedDays"`
	// RecommendedPeriod is the period as owners say it, e.g. "2주", "한 달".
	RecommendedPeriod string `json:"recommendedPeriod"`
	// StartDate and EndDate are suggested dates (YYYY-MM-DD, Korea time),
	// both set or both empty.
	StartDate string `json:"startDate,omitempty"`
	EndDate   string `json:"endDate,omitempty"`
}

// Mechanics is the event mechanic and its details in Korean.
type Mechanics struct {
	Type    messages.Mechanic `json:"type"`
	Details string            `json:"details"`
}

// EstimatedCost is the owner's cost in KRW. Min is the low scenario (fewest
// participants), Max the high scenario. Breakdown itemises the high scenario,
// so its items sum to a value within [Min, Max] (the local planner: exactly Max).
type EstimatedCost struct {
	Min       int64            `json:"min"`
	Max       int64            `json:"max"`
	Breakdown map[string]int64 `json:"breakdown,omitempty"`
}

// ExpectedMetrics are the expected results as ranges (low and high scenario).
type ExpectedMetrics struct {
	// NewCustomers is the number of first-time customers.
	NewCustomers IntRange `json:"newCustomers"`
	// RevenueIncrease is the expected revenue gain in KRW (not percent),
	// during the event and the following month.
	RevenueIncrease IntRange `json:"revenueIncrease"`
	// ProfitIncrease is the part of the revenue gain the owner keeps after
	// the cost of goods (revenue gain × margin), in KRW; zero when the
	// planner did not estimate it.
	ProfitIncrease IntRange `json:"profitIncrease,omitzero"`
	// ROI is in percent: (gain − cost) / cost × 100 where the gain is
	// ProfitIncrease when stated, else RevenueIncrease; computed for the
	// low scenario (gain.min, cost.min) and the high scenario (gain.max,
	// cost.max); Min is the smaller of the two. See ROIRange.
	ROI IntRange `json:"roi"`
	// Goal is the result the event's purpose asks for, in its own unit:
	// revisits for a revisit event, purchases for a sales event, …
	Goal GoalMetric `json:"goal,omitzero"`
}

// Goal metrics (GoalMetric.Metric).
const (
	GoalNewCustomers = "NEW_CUSTOMERS" // first-time customers
	GoalRevisits     = "REVISITS"      // visits of customers who came before
	GoalPurchases    = "PURCHASES"     // purchases made with the event's benefit
	GoalTrials       = "TRIALS"        // first purchases or tastings of the featured product
	GoalEntries      = "ENTRIES"       // people who took part
)

// GoalMetric is the expected result measured the way the purpose asks.
type GoalMetric struct {
	Metric string `json:"metric"`
	Label  string `json:"label"` // Korean, e.g. "재방문"
	Unit   string `json:"unit"`  // 명, 회, 건
	Min    int64  `json:"min"`
	Max    int64  `json:"max"`
}

// IntRange is an inclusive range.
type IntRange struct {
	Min int64 `json:"min"`
	Max int64 `json:"max"`
}

// ParticipationMethod is how customers take part: LOTTERY (추첨형; CouponCount
// is the number of winners) or FIRST_COME (선착순형; CouponCount is the number
// of coupons or rewards available).
type ParticipationMethod struct {
	Type        messages.Method `json:"type"`
	CouponCount int             `json:"couponCount"`
}

// Copy is the promotional copy of an option.
type Copy struct {
	Headline string   `json:"headline"`
	Body     string   `json:"body"`
	Hashtags []string `json:"hashtags"`
}

// Region is the store's location: 시/도 and 시/군/구.
type Region struct {
	Sido    string `json:"sido"`
	Sigungu string `json:"sigungu,omitempty"`
}

// Request is what the planner needs to know about the store and the event.
type Request struct {
	EventID   string `json:"eventId"`
	StoreName string `json:"storeName"`
	// Industry is the industry code (CAFE, RESTAURANT, …); IndustryName the
	// owner's Korean name for it. An unknown code is planned as OTHER.
	Industry     string           `json:"industry"`
	IndustryName string           `json:"industryName,omitempty"`
	Region       Region           `json:"region"`
	Purpose      messages.Purpose `json:"purpose"`
	PurposeText  string           `json:"purposeText,omitempty"`
	// ReferenceDate decides the season and the seasonal moments; zero means
	// now (set by the Recommender).
	ReferenceDate time.Time `json:"referenceDate"`
	// BudgetHint is the owner's upper budget in KRW; 0 means none.
	BudgetHint int64 `json:"budgetHint,omitempty"`
	// Variant asks for an alternative plan on explicit regeneration; the same
	// request with the same Variant always gives the same local plan.
	Variant int `json:"variant,omitempty"`
	// Insights are learned success patterns (fed by the learning service).
	Insights *Insights `json:"insights,omitempty"`
}

// Insights are learned patterns from finished events of similar stores.
type Insights struct {
	Mechanics map[messages.Mechanic]MechanicInsight `json:"mechanics,omitempty"`
}

// MechanicInsight is how well a mechanic worked for similar stores.
type MechanicInsight struct {
	// SuccessScore is in [0,1]; 0.5 is neutral.
	SuccessScore float64 `json:"successScore"`
	// AvgROI is the average measured ROI in percent.
	AvgROI float64 `json:"avgRoi"`
	// Samples is the number of finished events behind the figures.
	Samples int `json:"samples"`
}
