package cache

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/maypok86/otter/v2"
	"golang.org/x/sync/singleflight"
)

// MemoryOptions configures NewMemory.
type MemoryOptions struct {
	// MaxEntries bounds the number of entries; 0 means unbounded, entries
	// leave only when they expire or are deleted. Keep it unbounded when
	// the cache holds revocations or idempotency keys: an evicted
	// revocation would make a revoked token valid again.
	MaxEntries int
}

// Memory is the in-process Cache of the embedded mode, built on otter.
type Memory struct {
	c     *otter.Cache[string, memEntry]
	group singleflight.Group
}

// memEntry is a value or a rate-limit counter with its absolute expiry.
type memEntry struct {
	val       []byte
	count     int64
	expiresAt time.Time // zero: never
}

// Namespaces keep values and counters of the same key apart.
const (
	valueSpace   = "v:"
	counterSpace = "rl:"
)

// forever is "no expiry" for otter, which wants a duration.
const forever = 100 * 365 * 24 * time.Hour

// entryExpiry makes each entry expire at its own expiresAt; reads do not
// extend it.
type entryExpiry struct{}

func (entryExpiry) ExpireAfterCreate(e otter.Entry[string, memEntry]) time.Duration {
	return untilExpiry(e.Value)
}

func (entryExpiry) ExpireAfterUpdate(e otter.Entry[string, memEntry], _ memEntry) time.Duration {
	return untilExpiry(e.Value)
}

func (entryExpiry) ExpireAfterRead(e otter.Entry[string, memEntry]) time.Duration {
	return e.ExpiresAfter()
}

func untilExpiry(e memEntry) time.Duration {
	if e.expiresAt.IsZero() {
		return forever
	}
	return max(time.Until(e.expiresAt), time.Nanosecond)
}

func expiryFor(ttl time.Duration) time.Time {
	if ttl <= 0 {
		return time.Time{}
	}
	return time.Now().Add(ttl)
}

// NewMemory returns an in-process cache.
func NewMemory(opts MemoryOptions) (*Memory, error) {
	if opts.MaxEntries < 0 {
		return nil, fmt.Errorf("%w: MaxEntries %d", ErrInvalid, opts.MaxEntries)
	}
	c, err := otter.New(&otter.Options[string, memEntry]{
		MaximumSize:      opts.MaxEntries,
		ExpiryCalculator: entryExpiry{},
	})
	if err != nil {
		return nil, fmt.Errorf("cache: memory: %w", err)
	}
	return &Memory{c: c}, nil
}

func (m *Memory) flights() *singleflight.Group { return &m.group }

// live reports whether e is present and not past its expiry. otter hides
// expired entries too; checking here keeps the boundary exact.
func live(e memEntry, found bool, now time.Time) bool {
	return found && (e.expiresAt.IsZero() || now.Before(e.expiresAt))
}

// Get implements Cache.
func (m *Memory) Get(_ context.Context, key string) ([]byte, error) {
	e, ok := m.c.GetIfPresent(valueSpace + key)
	if !live(e, ok, time.Now()) {
		return nil, ErrMiss
	}
	return slices.Clone(e.val), nil
}

// Set implements Cache.
func (m *Memory) Set(_ context.Context, key string, val []byte, ttl time.Duration) error {
	m.c.Set(valueSpace+key, memEntry{val: slices.Clone(val), expiresAt: expiryFor(ttl)})
	return nil
}

// SetNX implements Cache.
func (m *Memory) SetNX(_ context.Context, key string, val []byte, ttl time.Duration) (bool, error) {
	var stored bool
	m.c.Compute(valueSpace+key, func(old memEntry, found bool) (memEntry, otter.ComputeOp) {
		if live(old, found, time.Now()) {
			return old, otter.CancelOp
		}
		stored = true
		return memEntry{val: slices.Clone(val), expiresAt: expiryFor(ttl)}, otter.WriteOp
	})
	return stored, nil
}

// Delete implements Cache.
func (m *Memory) Delete(_ context.Context, keys ...string) error {
	for _, k := range keys {
		m.c.Invalidate(valueSpace + k)
	}
	return nil
}

// Allow implements Cache.
func (m *Memory) Allow(_ context.Context, key string, limit int, window time.Duration) (bool, time.Duration, error) {
	if err := checkAllow(limit, window); err != nil {
		return false, 0, err
	}
	now := time.Now()
	e, _ := m.c.Compute(counterSpace+key, func(old memEntry, found bool) (memEntry, otter.ComputeOp) {
		if !live(old, found, now) {
			return memEntry{count: 1, expiresAt: now.Add(window)}, otter.WriteOp
		}
		old.count++
		return old, otter.WriteOp
	})
	if e.count <= int64(limit) {
		return true, 0, nil
	}
	return false, max(e.expiresAt.Sub(now), time.Millisecond), nil
}

// Ping implements Cache; an in-process cache always answers.
func (m *Memory) Ping(context.Context) error { return nil }

// Close stops the cache's clean-up goroutine.
func (m *Memory) Close() error {
	m.c.StopAllGoroutines()
	return nil
}
