package participation

import (
	"testing"
	"time"
)

func TestEventLimiterWindows(t *testing.T) {
	var l eventLimiter
	t0 := time.Unix(1_700_000_000, 250_000_000) // a quarter into a second
	for i := range 3 {
		if ok, _ := l.allow("ev1", 3, t0); !ok {
			t.Fatalf("entry %d of 3 refused, want allowed", i+1)
		}
	}
	ok, retry := l.allow("ev1", 3, t0.Add(100*time.Millisecond))
	if ok {
		t.Fatal("4th entry in the same second allowed, want refused")
	}
	if want := 650 * time.Millisecond; retry != want {
		t.Errorf("retry = %s, want %s (until the next second)", retry, want)
	}
	if ok, _ := l.allow("ev2", 3, t0); !ok {
		t.Error("another event refused: limits must be per event")
	}
	if ok, _ := l.allow("ev1", 3, t0.Add(time.Second)); !ok {
		t.Error("entry in the next second refused, want a fresh window")
	}
}
