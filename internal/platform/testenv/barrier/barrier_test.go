package barrier

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestAllPartiesMeet(t *testing.T) {
	b := New("a", "b")
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, p := range []string{"a", "b"} {
		wg.Go(func() { errs[i] = b.Arrive(context.Background(), p) })
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil || !b.Met() {
		t.Errorf("Arrive = %v, %v, Met = %v; want nil, nil, true", errs[0], errs[1], b.Met())
	}
	if err := b.Arrive(context.Background(), "a"); err != nil {
		t.Errorf("arrival after the meeting = %v, want nil", err)
	}
}

func TestOneAtATimeNeverMeets(t *testing.T) {
	b := New("a", "b")
	b.Guard = 10 * time.Millisecond // the error is the point: a longer wait changes nothing
	err := b.Arrive(context.Background(), "a")
	if err == nil || !strings.Contains(err.Error(), "[b] never arrived") {
		t.Errorf("lone arrival = %v, want an error naming b", err)
	}
	if b.Met() {
		t.Error("Met = true with one party")
	}
	if err := b.Arrive(context.Background(), "c"); err == nil {
		t.Error("unknown party accepted")
	}
	// b arriving after a has left does not make the meeting.
	if err := b.Arrive(context.Background(), "b"); err == nil || b.Met() {
		t.Errorf("late arrival = %v, Met = %v; want an error and false", err, b.Met())
	}
}
