package event

import (
	"errors"
	"testing"
)

func TestLifecycle(t *testing.T) {
	all := []Status{StatusDraft, StatusPlanned, StatusContentReady, StatusApproved, StatusActive, StatusEnded, StatusCancelled}
	legal := map[[2]Status]bool{
		{StatusDraft, StatusPlanned}: true, {StatusDraft, StatusCancelled}: true,
		{StatusPlanned, StatusPlanned}: true, {StatusPlanned, StatusContentReady}: true, {StatusPlanned, StatusApproved}: true, {StatusPlanned, StatusCancelled}: true,
		{StatusContentReady, StatusPlanned}: true, {StatusContentReady, StatusContentReady}: true, {StatusContentReady, StatusApproved}: true, {StatusContentReady, StatusCancelled}: true,
		{StatusApproved, StatusActive}: true, {StatusApproved, StatusCancelled}: true,
		{StatusActive, StatusEnded}: true,
	}
	for _, from := range all {
		for _, to := range all {
			want := legal[[2]Status{from, to}]
			if got := CanTransition(from, to); got != want {
				t.Errorf("CanTransition(%s, %s) = %v, want %v", from, to, got, want)
			}
			e := Event{ID: "e1", Status: from}
			err := e.transition(to)
			switch {
			case want && (err != nil || e.Status != to):
				t.Errorf("%s → %s: err %v, status %s", from, to, err, e.Status)
			case !want && (!errors.Is(err, ErrInvalidTransition) || e.Status != from):
				t.Errorf("%s → %s: err %v (want invalid_transition), status %s (want unchanged)", from, to, err, e.Status)
			}
		}
	}
	// Every status has a Korean label and is known to the lifecycle table.
	for _, s := range all {
		if s.Label() == string(s) {
			t.Errorf("%s has no Korean label", s)
		}
		if _, ok := transitions[s]; !ok {
			t.Errorf("%s missing from the lifecycle table", s)
		}
	}
}
