package event

import "fmt"

// transitions is the one place that says which status may follow which:
//
//	DRAFT → PLANNED → CONTENT_READY → APPROVED → ACTIVE → ENDED
//
// plus CANCELLED from any status before ACTIVE. PLANNED and CONTENT_READY
// may be planned again (a new selection), and CONTENT_READY stays
// CONTENT_READY when content is regenerated. An ACTIVE event is ended,
// not cancelled: customers already hold entries and coupons.
var transitions = map[Status][]Status{
	StatusDraft:        {StatusPlanned, StatusCancelled},
	StatusPlanned:      {StatusPlanned, StatusContentReady, StatusApproved, StatusCancelled},
	StatusContentReady: {StatusPlanned, StatusContentReady, StatusApproved, StatusCancelled},
	StatusApproved:     {StatusActive, StatusCancelled},
	StatusActive:       {StatusEnded},
	StatusEnded:        nil,
	StatusCancelled:    nil,
}

// CanTransition reports whether from → to is a legal step.
func CanTransition(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// transition moves e to status to, or fails with ErrInvalidTransition
// (409 invalid_transition) naming both statuses.
func (e *Event) transition(to Status) error {
	if !CanTransition(e.Status, to) {
		return ErrInvalidTransition.Wrap(fmt.Errorf("event %s: %s → %s", e.ID, e.Status, to))
	}
	e.Status = to
	return nil
}
