// Package event is the event service: an owner's events from the purpose
// (UFR-EVENT-020) through the AI recommendation and the selected plan to
// approval, the running period and the end. It owns the lifecycle
// (lifecycle.go) and publishes EventCreated, EventApproved, EventEnded and
// EventCancelled through the outbox, in the transaction of the change.
package event

import (
	"time"

	"github.com/autoevent/autoevent/internal/messages"
)

// Status is where an event is in its lifecycle.
type Status string

// Statuses (see lifecycle.go for the legal steps).
const (
	StatusDraft        Status = "DRAFT"
	StatusPlanned      Status = "PLANNED"
	StatusContentReady Status = "CONTENT_READY"
	StatusApproved     Status = "APPROVED"
	StatusActive       Status = "ACTIVE"
	StatusEnded        Status = "ENDED"
	StatusCancelled    Status = "CANCELLED"
)

// Label is the Korean name shown to owners.
func (s Status) Label() string {
	switch s {
	case StatusDraft:
		return "기획 전"
	case StatusPlanned:
		return "기획 완료"
	case StatusContentReady:
		return "콘텐츠 준비 완료"
	case StatusApproved:
		return "시작 대기"
	case StatusActive:
		return "진행 중"
	case StatusEnded:
		return "종료"
	case StatusCancelled:
		return "취소됨"
	}
	return string(s)
}

// Event is one owner's event. Store fields are a snapshot taken at
// creation: the plan was made for that store profile.
type Event struct {
	ID            string             `json:"id"`
	OwnerID       string             `json:"-"`
	StoreID       string             `json:"storeId"`
	StoreName     string             `json:"storeName"`
	Industry      string             `json:"industry"`
	RegionSido    string             `json:"regionSido"`
	RegionSigungu string             `json:"regionSigungu"`
	Purpose       messages.Purpose   `json:"purpose"`
	PurposeText   string             `json:"purposeText,omitempty"`
	Status        Status             `json:"status"`
	Plan          *Plan              `json:"plan,omitempty"`
	Channels      []string           `json:"channels"`
	AIProvider    string             `json:"aiProvider,omitempty"`   // who served the last recommendation
	RecommendedAt time.Time          `json:"recommendedAt,omitzero"` // when it was ready
	StartsAt      time.Time          `json:"startsAt,omitzero"`      // from the plan, KST midnight
	EndsAt        time.Time          `json:"endsAt,omitzero"`        // exclusive: midnight after the last day
	ApprovedAt    time.Time          `json:"approvedAt,omitzero"`
	EndedAt       time.Time          `json:"endedAt,omitzero"`
	EndReason     messages.EndReason `json:"endReason,omitempty"`
	CreatedAt     time.Time          `json:"createdAt"`
	UpdatedAt     time.Time          `json:"updatedAt"`
	// Version increments on every write (optimistic concurrency).
	Version int64 `json:"-"`
}

// Plan is the selected recommendation option as the owner edited it.
type Plan struct {
	OptionNumber    int               `json:"optionNumber"`
	Title           string            `json:"title"`
	Concept         string            `json:"concept"`
	Description     string            `json:"description"` // rules shown to customers
	Benefit         string            `json:"benefit"`     // prize or discount
	Mechanic        messages.Mechanic `json:"mechanic"`
	Method          messages.Method   `json:"method"`      // LOTTERY or FIRST_COME
	CouponCount     int               `json:"couponCount"` // FIRST_COME stock
	WinnerCount     int               `json:"winnerCount"` // LOTTERY winners
	StartDate       string            `json:"startDate"`   // YYYY-MM-DD, KST
	EndDate         string            `json:"endDate"`     // YYYY-MM-DD, KST, inclusive
	EstimatedCost   EstimatedCost     `json:"estimatedCost"`
	ExpectedMetrics ExpectedMetrics   `json:"expectedMetrics"`
	Copy            Copy              `json:"copy"`
	// EstimateFor is the count and length the AI's cost and metrics were
	// estimated for, set when the owner changed either: the estimates are
	// the AI's and are not recomputed, so pages say what they are for.
	EstimateFor *EstimateBasis `json:"estimateFor,omitempty"`
}

// EstimateBasis is what an estimate was made for.
type EstimateBasis struct {
	Count int `json:"count"` // coupons or winners
	Days  int `json:"days"`
}

// CreateInput is the body of POST /api/v1/events.
type CreateInput struct {
	Purpose     messages.Purpose `json:"purpose"`
	PurposeText string           `json:"purposeText,omitempty"`
}

// UpdateInput is the body of PATCH /api/v1/events/{id}; nil leaves a field.
type UpdateInput struct {
	Purpose     *messages.Purpose `json:"purpose,omitempty"`
	PurposeText *string           `json:"purposeText,omitempty"`
}

// SelectionInput is the body of PUT /api/v1/events/{id}/selection: the
// option number and any edited fields (nil/zero keeps the option's value).
type SelectionInput struct {
	OptionNumber        int                  `json:"optionNumber"`
	Title               *string              `json:"title,omitempty"`
	StartDate           *string              `json:"startDate,omitempty"`
	EndDate             *string              `json:"endDate,omitempty"`
	Benefit             *string              `json:"benefit,omitempty"`
	Description         *string              `json:"description,omitempty"`
	ParticipationMethod *ParticipationMethod `json:"participationMethod,omitempty"`
	CouponCount         *int                 `json:"couponCount,omitempty"`
	WinnerCount         *int                 `json:"winnerCount,omitempty"`
	Copy                *Copy                `json:"copy,omitempty"`
}

// ApproveInput is the body of POST /api/v1/events/{id}/approve. An empty
// channel list runs the event for in-store participation only.
type ApproveInput struct {
	Channels []string `json:"channels"`
}

// ListQuery pages through an owner's events, newest first.
type ListQuery struct {
	Limit  int    // 1–100, default 20
	Cursor string // opaque, from Page.NextCursor
	// Status filters by one status; "" lists every status except CANCELLED.
	Status Status
}

// Page is one page of events.
type Page struct {
	Items      []Event `json:"items"`
	NextCursor string  `json:"nextCursor,omitempty"`
}

// StoreInfo is what the event snapshots from the owner's store profile.
type StoreInfo struct {
	ID       string
	Name     string
	Industry string
	Sido     string
	Sigungu  string
}
