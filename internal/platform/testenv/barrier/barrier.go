// Package barrier proves concurrency in tests without measuring time: each
// named party blocks on arrival until every party has arrived, so a test
// that completes shows all the calls were in flight at once. Code that runs
// them one after another never gets past the first arrival; the guard turns
// that into an error instead of a hang.
package barrier

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"
)

// DefaultGuard bounds a wait at a barrier. It only guards against hangs:
// far longer than any call a test makes, so a busy machine never trips it.
const DefaultGuard = 10 * time.Second

// Barrier waits for a fixed set of parties.
type Barrier struct {
	Guard time.Duration // 0 means DefaultGuard

	parties []string
	mu      sync.Mutex
	arrived map[string]bool
	broken  error // set when a party gave up: they were not all in flight at once
	all     chan struct{}
}

// New returns a barrier for the named parties.
func New(parties ...string) *Barrier {
	return &Barrier{parties: parties, arrived: map[string]bool{}, all: make(chan struct{})}
}

// Arrive records party and blocks until every party has arrived, the guard
// passes, or ctx ends. Once all have met, later arrivals pass at once.
func (b *Barrier) Arrive(ctx context.Context, party string) error {
	b.mu.Lock()
	if !slices.Contains(b.parties, party) {
		b.mu.Unlock()
		return fmt.Errorf("barrier: unknown party %q", party)
	}
	if b.broken != nil {
		b.mu.Unlock()
		return b.broken
	}
	if !b.arrived[party] {
		b.arrived[party] = true
		if len(b.arrived) == len(b.parties) {
			close(b.all)
		}
	}
	b.mu.Unlock()
	guard := b.Guard
	if guard == 0 {
		guard = DefaultGuard
	}
	t := time.NewTimer(guard)
	defer t.Stop()
	select {
	case <-b.all:
		return nil
	case <-ctx.Done():
		return b.giveUp(ctx.Err())
	case <-t.C:
		return b.giveUp(fmt.Errorf("barrier: %s waited %v and %v never arrived while it was in flight", party, guard, b.missing()))
	}
}

// giveUp breaks the barrier (unless it was met meanwhile), so a party that
// arrives after this one left fails at once and Met stays false.
func (b *Barrier) giveUp(err error) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.Met() {
		return nil
	}
	if b.broken == nil {
		b.broken = err
	}
	return err
}

// Met reports whether every party was at the barrier at the same time.
func (b *Barrier) Met() bool {
	select {
	case <-b.all:
		return true
	default:
		return false
	}
}

func (b *Barrier) missing() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var m []string
	for _, p := range b.parties {
		if !b.arrived[p] {
			m = append(m, p)
		}
	}
	return m
}

// Handler makes every request to next arrive at the barrier as party
// first; a request that gives up answers 504 so the caller sees a failure.
func (b *Barrier) Handler(party string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := b.Arrive(r.Context(), party); err != nil {
			http.Error(w, err.Error(), http.StatusGatewayTimeout)
			return
		}
		next.ServeHTTP(w, r)
	})
}
