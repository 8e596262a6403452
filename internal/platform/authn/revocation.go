package authn

import (
	"context"
	"sync"
	"time"
)

// MemoryRevocations is an in-process revocation list for the embedded mode
// and tests. An entry only has to live until the revoked token would have
// expired anyway, so memory stays bounded by the number of tokens revoked
// within one access-token lifetime. Scaled deployments use a shared store
// (Redis) behind the same Revocations interface instead, because a token
// revoked on one replica must be refused by all of them.
type MemoryRevocations struct {
	now func() time.Time

	mu      sync.Mutex
	until   map[string]time.Time
	revokes int
}

// NewMemoryRevocations returns an empty list; now may be nil for time.Now.
func NewMemoryRevocations(now func() time.Time) *MemoryRevocations {
	if now == nil {
		now = time.Now
	}
	return &MemoryRevocations{now: now, until: make(map[string]time.Time)}
}

// Revoke records jti as revoked until the given time (the token's ExpiresAt).
func (m *MemoryRevocations) Revoke(_ context.Context, jti string, until time.Time) error {
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	if until.After(now) {
		m.until[jti] = until
	}
	m.revokes++
	if m.revokes%256 == 0 { // amortised sweep; no background goroutine to own
		for id, u := range m.until {
			if !u.After(now) {
				delete(m.until, id)
			}
		}
	}
	return nil
}

// IsRevoked implements Revocations.
func (m *MemoryRevocations) IsRevoked(_ context.Context, jti string) (bool, error) {
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	u, ok := m.until[jti]
	if !ok {
		return false, nil
	}
	if !u.After(now) {
		delete(m.until, jti)
		return false, nil
	}
	return true, nil
}

// Len is the number of entries held (expired ones may linger until swept).
func (m *MemoryRevocations) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.until)
}
